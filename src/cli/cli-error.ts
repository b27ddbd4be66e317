/**
 * A failure the person at the keyboard can fix: printed as plain words, never with a stack trace,
 * and the command exits non-zero.
 */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

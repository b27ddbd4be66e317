import { runCli } from '../../src/cli/main.ts';
import { type Clock, fixedClock } from '../../src/core/time/clock.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process and captures what it printed, as a person at a terminal would see it. */
export function runTrellis(...argv: string[]): Promise<CliRun> {
  return runTrellisWith({}, ...argv);
}

/** The same, against a given database (DATABASE_URL) and at a given moment. */
export async function runTrellisWith(options: { databaseUrl?: string; clock?: Clock; at?: string; env?: NodeJS.ProcessEnv; stop?: AbortSignal; onOut?: (text: string) => void }, ...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const env = { ...process.env, ...options.env, DATABASE_URL: options.databaseUrl };
  if (options.databaseUrl === undefined) delete env.DATABASE_URL;
  const clock = options.clock ?? fixedClock(options.at ?? '2026-09-07T09:00:00Z');
  const code = await runCli(
    argv,
    {
      out: (text) => {
        options.onOut?.(text);
        stdout += `${text}\n`;
      },
      err: (text) => {
        stderr += `${text}\n`;
      },
    },
    env,
    clock,
    options.stop ?? AbortSignal.abort(),
  );
  return { code, stdout, stderr };
}

import { runCli } from '../../src/cli/main.ts';

/** Runs the CLI in-process and captures what it printed, as a person at a terminal would see it. */
export async function runTrellis(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    out: (text) => {
      stdout += `${text}\n`;
    },
    err: (text) => {
      stderr += `${text}\n`;
    },
  });
  return { code, stdout, stderr };
}

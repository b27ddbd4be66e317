import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runTrellis } from '../support/run-cli.ts';

let dir: string;
let whmat: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trellis-policy-'));
  whmat = (await runTrellis('policy', 'show', 'whmat')).stdout;
});

async function validate(name: string, text: string) {
  const file = join(dir, name);
  await writeFile(file, text);
  return runTrellis('policy', 'validate', file);
}

describe('trellis policy validate: settings it does not know', () => {
  it('refuses a misspelt setting at any depth, naming its path and the setting it was meant to be', async () => {
    const broken = whmat
      .replace('typicalMinutes:', 'typicalMinute:')
      .replace('monthDay: 10-15', 'monthday: 10-15')
      .replace(/^id: whmat$/m, 'id: whmat\ncolour: red');
    const { code, stdout, stderr } = await validate('misspelt.yaml', broken);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/checkIns\.typicalMinute: is not a setting Trellis knows here; did you mean "typicalMinutes"\?/);
    expect(stderr).toMatch(/obligations\[0\]\.due\.monthday: is not a setting Trellis knows here; did you mean "monthDay"\?/);
    expect(stderr).toMatch(/^ {2}colour: is not a setting Trellis knows here; the settings here are format, id, name/m);
    expect(stderr).not.toMatch(/ZodError|at .*\.ts:\d+/);
  });

  it('lists the roles a role-keyed setting takes when the key is not one of them', async () => {
    const broken = whmat.replace(/byRole:\n/, 'byRole:\n    governor: teachers-standards\n');
    const { code, stderr } = await validate('role.yaml', broken);
    expect(code).toBe(1);
    expect(stderr).toMatch(/standards\.byRole\.governor: is not a setting Trellis knows here; the settings here are teacher, teaching-assistant, support, leader, headteacher/);
  });

  it('accepts the preset it printed, unchanged', async () => {
    const { code, stdout } = await validate('whmat.yaml', whmat);
    expect(code).toBe(0);
    expect(stdout).toMatch(/is a valid policy/);
  });
});

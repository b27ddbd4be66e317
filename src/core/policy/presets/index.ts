import { parsePolicy } from '../load-policy.ts';
import type { Policy, PolicyInput } from '../policy-schema.ts';
import { kingsmead } from './kingsmead.ts';
import { thomasAlleyne } from './thomas-alleyne.ts';
import { tpat } from './tpat.ts';
import { whmat } from './whmat.ts';

/** One preset per seed policy; a school copies one to YAML and adapts it. */
export const PRESET_INPUTS: Readonly<Record<string, PolicyInput>> = {
  kingsmead,
  'thomas-alleyne': thomasAlleyne,
  tpat,
  whmat,
};

export const PRESET_NAMES = Object.keys(PRESET_INPUTS);

const cache = new Map<string, Policy>();

/** The validated preset, or undefined for an unknown name. Presets are checked by the test suite. */
export function getPreset(name: string): Policy | undefined {
  const input = PRESET_INPUTS[name];
  if (input === undefined) return undefined;
  let policy = cache.get(name);
  if (policy === undefined) {
    const parsed = parsePolicy(input);
    if (!parsed.ok) throw new Error(`Built-in preset "${name}" is invalid: ${JSON.stringify(parsed.problems)}`);
    policy = parsed.value;
    cache.set(name, policy);
  }
  return policy;
}

import type { Policy } from './policy-schema.ts';
import { getPreset, PRESET_NAMES } from './presets/index.ts';

/** One setting that differs: where (`reminders.window.start`, `obligations[plan-agreed].due`), and its two values as JSON. */
export interface PolicyChange {
  path: string;
  /** Absent when the setting is only in `after`. */
  before?: string | undefined;
  /** Absent when the setting is only in `before`. */
  after?: string | undefined;
}

/**
 * Every setting in which two policies differ, leaf by leaf, in the order of `before` then the
 * settings only `after` has. Lists of things with an `id` (the obligation rules) are matched by id,
 * so adding one rule is one change, not every later rule shifted.
 */
export function policyDiff(before: Policy, after: Policy): PolicyChange[] {
  const a = flatten(before);
  const b = flatten(after);
  const changes: PolicyChange[] = [];
  for (const [path, value] of a) {
    const other = b.get(path);
    if (other !== value) changes.push({ path, before: value, after: other });
  }
  for (const [path, value] of b) if (!a.has(path)) changes.push({ path, after: value });
  return changes;
}

/**
 * The preset a school's policy came from: the one its source names (`preset:whmat`), else the
 * preset whose id the policy keeps (a file made from `trellis policy show PRESET`), else none.
 */
export function presetOf(policy: Pick<Policy, 'id'>, policySource: string): string | undefined {
  const named = policySource.startsWith('preset:') ? policySource.slice('preset:'.length) : policySource;
  if (PRESET_NAMES.includes(named)) return named;
  return getPreset(policy.id) === undefined ? undefined : policy.id;
}

function flatten(value: unknown, path = '', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) {
    const byId = value.every((item) => typeof item === 'object' && item !== null && typeof (item as { id?: unknown }).id === 'string');
    for (const [i, item] of value.entries()) flatten(item, `${path}[${byId ? (item as { id: string }).id : i}]`, out);
    if (value.length === 0) out.set(path, '[]');
    return out;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    for (const [key, v] of entries) flatten(v, path === '' ? key : `${path}.${key}`, out);
    if (entries.length === 0) out.set(path, '{}');
    return out;
  }
  out.set(path, JSON.stringify(value));
  return out;
}

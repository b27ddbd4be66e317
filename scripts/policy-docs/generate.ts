import { join } from 'node:path';
import { getPreset, PRESET_NAMES } from '../../src/core/policy/presets/index.ts';
import { citingTests } from './citations.ts';
import { renderPolicyDoc } from './rule-table.ts';

/** Each preset's rule table: its path under the repository and the Markdown it should hold. */
export function policyDocs(root: string): { path: string; text: string }[] {
  const tests = citingTests(root);
  return [...PRESET_NAMES].sort().map((name) => {
    const policy = getPreset(name);
    if (policy === undefined) throw new Error(`no preset ${name}`);
    return { path: join('docs', 'policies', `${name}.md`), text: renderPolicyDoc(policy, `src/core/policy/presets/${name}.ts`, tests) };
  });
}

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { policyDocs } from './policy-docs/generate.ts';

/**
 * `npm run docs:policies`: writes docs/policies/<preset>.md from the presets and the tests that
 * cite their paragraphs. `--check` writes nothing and exits 1 naming any table that is stale.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const stale: string[] = [];
for (const doc of policyDocs(root)) {
  const file = join(root, doc.path);
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (current === doc.text) continue;
  stale.push(doc.path);
  if (!check) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, doc.text);
  }
}
if (check && stale.length > 0) {
  console.error(`Out of date: ${stale.join(', ')}. Run: npm run docs:policies`);
  process.exitCode = 1;
} else {
  console.log(stale.length === 0 ? 'The policy tables are up to date.' : `Wrote ${stale.join(', ')}.`);
}

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Seed paragraph references in a rule or a test name, normalised so that both can be compared:
 * "002 §31–32 (reviews…)" gives `002 §31`, `002 §32`; "002 Annex 1 §9–10" gives `002 Annex 1 §9`
 * and `002 Annex 1 §10`; `001 "Observation"` stays a quoted heading. A reference applies to the
 * last seed number named before it, so "002 §16, §33" is two references to 002.
 */
export function citationsIn(text: string): string[] {
  const refs: string[] = [];
  let seed: string | undefined;
  let quotedAllowed = false;
  let rest = text;
  while (rest.length > 0) {
    const seedMatch = /^\b(00\d)\b\s*/.exec(rest);
    if (seedMatch !== null) {
      seed = seedMatch[1]!;
      quotedAllowed = true;
      rest = rest.slice(seedMatch[0].length);
      continue;
    }
    if (seed !== undefined) {
      const section = /^§\s?(\d+(?:\.\d+)*)(?:\s?[–-]\s?§?(\d+(?:\.\d+)*))?/.exec(rest);
      const part = /^(Annex|Appendix)\s+([A-Z0-9]+(?:\/[A-Z0-9]+)*)\b(?:\s+§\s?(\d+(?:\.\d+)*)(?:\s?[–-]\s?(\d+(?:\.\d+)*))?)?/.exec(rest);
      const quoted = quotedAllowed ? /^["“]([^"”]+)["”]/.exec(rest) : null;
      const intro = /^introduction\b/.exec(rest);
      const found = section ?? part ?? quoted ?? intro;
      if (found !== null) {
        if (section !== null) refs.push(...expand(section[1]!, section[2]).map((n) => `${seed} §${n}`));
        else if (part !== null) {
          // "Appendix A/B" is two appendices.
          for (const name of part[2]!.split('/')) {
            const base = `${seed} ${part[1]} ${name}`;
            refs.push(...(part[3] === undefined ? [base] : expand(part[3], part[4]).map((n) => `${base} §${n}`)));
          }
        } else if (quoted !== null) refs.push(`${seed} "${quoted[1]}"`);
        else refs.push(`${seed} introduction`);
        rest = rest.slice(found[0].length);
        // A heading may follow a reference ("Appendix C "Establishing…"") or start the next one ("§5, "Feedback"").
        rest = rest.replace(/^\s*(?:,|;|and)?\s*/, '');
        quotedAllowed = true;
        continue;
      }
    }
    quotedAllowed = false;
    rest = rest.slice(1);
  }
  return [...new Set(refs)];
}

/** "31", "32" → 31, 32; "6.2", "6.8" → 6.2 … 6.8; a single number stays itself. */
function expand(from: string, to: string | undefined): string[] {
  if (to === undefined) return [from];
  const head = from.includes('.') ? from.slice(0, from.lastIndexOf('.') + 1) : '';
  const first = Number(from.slice(head.length));
  const last = Number(to.includes('.') ? to.slice(to.lastIndexOf('.') + 1) : to);
  if (!(last > first) || last - first > 30) return [from, to];
  return Array.from({ length: last - first + 1 }, (_, i) => `${head}${first + i}`);
}

/** Whether two references name the same paragraph, or one contains the other (`002 Annex 1` and `002 Annex 1 §9`). */
export function sameCitation(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b} `) || b.startsWith(`${a} `) || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}

export interface NamedTest {
  /** Path from the repository root, with forward slashes. */
  file: string;
  name: string;
  citations: string[];
}

const NAME = /\b(?:it|test|describe)(?:\.each\([^)]*\))?\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|`((?:[^`\\]|\\.)*)`)/g;

/** Every `it`, `test` and `describe` name under `testDir` that cites a seed paragraph, in file order. */
export function citingTests(root: string, testDir = 'test'): NamedTest[] {
  const tests: NamedTest[] = [];
  for (const file of testFiles(join(root, testDir))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(NAME)) {
      const name = (match[1] ?? match[2] ?? match[3] ?? '').replace(/\\(.)/g, '$1');
      const citations = citationsIn(name);
      if (citations.length > 0) tests.push({ file: relative(root, file).split('\\').join('/'), name, citations });
    }
  }
  return tests;
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return testFiles(path);
      return entry.name.endsWith('.test.ts') ? [path] : [];
    });
}

/** The tests whose names cite any of `citations`. */
export function testsCiting(tests: readonly NamedTest[], citations: readonly string[]): NamedTest[] {
  return tests.filter((test) => test.citations.some((a) => citations.some((b) => sameCitation(a, b))));
}

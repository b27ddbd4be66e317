import type { Policy } from './policy-schema.ts';

/** A paragraph of the seed, in its own words, that a rule cites. */
export interface CitedParagraph {
  cite: string;
  says: string;
}

/**
 * The paragraphs of `policy.paragraphs` that `rule` cites: the same seed number, and the key's
 * paragraph named in the rule as a whole reference ("§5.5" in "004 §5.2, §5.5", "§6.2" in
 * "004 §3.11, §6.2–6.8"; not "§4.2" in "§4.21").
 */
export function paragraphsCited(policy: Pick<Policy, 'paragraphs'>, rule: string): CitedParagraph[] {
  const cited: CitedParagraph[] = [];
  for (const [cite, says] of Object.entries(policy.paragraphs)) {
    const space = cite.indexOf(' ');
    const seed = cite.slice(0, space);
    const paragraph = cite.slice(space + 1);
    if (!rule.startsWith(`${seed} `)) continue;
    const at = new RegExp(`(^|[\\s,;(])${escapeRegExp(paragraph)}(?![\\d.])`);
    if (at.test(rule.slice(seed.length))) cited.push({ cite, says });
  }
  return cited;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

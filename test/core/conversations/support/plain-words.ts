/** What must not reach a person unless they ask `why`: a policy paragraph, an ISO date, a step's internal name. */
export const INTERNAL = [
  { what: 'a policy paragraph', pattern: /§|\b00[1-4] (Appendix|Annex|“|")/ },
  { what: 'an ISO date', pattern: /\b\d{4}-\d{2}-\d{2}\b/ },
  { what: 'a step name', pattern: /\b(ts\d+|hs\d+)-[a-z]+\b|\$summary/ },
];

/** Each internal reference in `said`, as “where: what “hit” in “context””. */
export function internalIn(said: readonly string[], where: string): string[] {
  const found: string[] = [];
  for (const line of said) {
    for (const { what, pattern } of INTERNAL) {
      const hit = pattern.exec(line);
      if (hit !== null) found.push(`${where}: ${what} “${hit[0]}” in “${line.slice(Math.max(0, hit.index - 80), hit.index + 40).replace(/\n/g, ' ⏎ ')}”`);
    }
  }
  return found;
}

/**
 * What a reader can work out from published counts: each unknown count is a variable with a range
 * (a shown figure pins it; "fewer than 5" is 1–4; "not shown" or an unpublished group is anything
 * from 0 to its bound), and each relation they know is a sum that lies in a range. A variable is
 * derivable when only one of its values fits every relation. Exhaustive search with pruning:
 * meant for a test school's few dozen cells, not for production.
 */
export interface Sum {
  vars: readonly string[];
  lo: number;
  hi: number;
}

export function feasibleValues(domains: ReadonlyMap<string, readonly [number, number]>, sums: readonly Sum[], target: string): number[] {
  const [lo, hi] = domains.get(target) ?? [0, 0];
  const values: number[] = [];
  for (let v = lo; v <= hi; v++) {
    const fixed = new Map(domains);
    fixed.set(target, [v, v]);
    if (satisfiable(fixed, sums)) values.push(v);
  }
  return values;
}

function satisfiable(domains: Map<string, readonly [number, number]>, sums: readonly Sum[]): boolean {
  const relevant = sums.filter((s) => s.vars.some((v) => domains.has(v)));
  const vars = [...new Set(relevant.flatMap((s) => s.vars))].filter((v) => domains.has(v));
  // Most constrained first: pinned variables, then the narrowest ranges.
  vars.sort((a, b) => width(domains.get(a)!) - width(domains.get(b)!));
  const assigned = new Map<string, number>();
  const consistent = () =>
    relevant.every((sum) => {
      let min = 0;
      let max = 0;
      for (const v of sum.vars) {
        const value = assigned.get(v);
        const [lo, hi] = domains.get(v) ?? [0, 0];
        min += value ?? lo;
        max += value ?? hi;
      }
      return min <= sum.hi && max >= sum.lo;
    });
  const search = (i: number): boolean => {
    if (!consistent()) return false;
    if (i === vars.length) return true;
    const v = vars[i]!;
    const [lo, hi] = domains.get(v)!;
    for (let value = lo; value <= hi; value++) {
      assigned.set(v, value);
      if (search(i + 1)) return true;
    }
    assigned.delete(v);
    return false;
  };
  return search(0);
}

function width([lo, hi]: readonly [number, number]): number {
  return hi - lo;
}

/** The values the sum of `vars` can take given everything else: one value means the sum is derivable. */
export function feasibleSums(domains: ReadonlyMap<string, readonly [number, number]>, sums: readonly Sum[], vars: readonly string[], upTo: number): number[] {
  const values: number[] = [];
  for (let v = 0; v <= upTo; v++) if (satisfiable(new Map(domains), [...sums, { vars, lo: v, hi: v }])) values.push(v);
  return values;
}

/**
 * What a reader can work out from published counts: each unknown count is a variable with a range
 * (a shown figure pins it; "fewer than 5" is 1–4; "not shown" or an unpublished group is anything
 * from 0 to its bound), and each relation they know is a sum that lies in a range. A variable is
 * derivable when only one of its values fits every relation. Exhaustive search with pruning:
 * meant for a test school's few dozen cells, not for production.
 */
export interface Sum {
  vars: readonly string[];
  /** Variables subtracted from the sum (two outputs' figures that must agree: `vars` − `minus` = 0). */
  minus?: readonly string[];
  lo: number;
  hi: number;
}

export function feasibleValues(domains: ReadonlyMap<string, readonly [number, number]>, allSums: readonly Sum[], target: string): number[] {
  const sums = componentOf(allSums, [target]);
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
  const relevant = sums.filter((s) => [...s.vars, ...(s.minus ?? [])].some((v) => domains.has(v)));
  const vars = [...new Set(relevant.flatMap((s) => [...s.vars, ...(s.minus ?? [])]))].filter((v) => domains.has(v));
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
      for (const v of sum.minus ?? []) {
        const value = assigned.get(v);
        const [lo, hi] = domains.get(v) ?? [0, 0];
        min -= value ?? hi;
        max -= value ?? lo;
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
export function feasibleSums(domains: ReadonlyMap<string, readonly [number, number]>, allSums: readonly Sum[], vars: readonly string[], upTo: number): number[] {
  const sums = componentOf(allSums, vars);
  const values: number[] = [];
  for (let v = 0; v <= upTo; v++) if (satisfiable(new Map(domains), [...sums, { vars, lo: v, hi: v }])) values.push(v);
  return values;
}

/**
 * The sums linked to `vars`, directly or through other sums. The rest involve other variables
 * only, and the published figures satisfy them whatever these are (the truth does), so a search
 * need not visit them: that keeps a search over two outputs' cells to seconds.
 */
function componentOf(sums: readonly Sum[], vars: readonly string[]): Sum[] {
  const reached = new Set(vars);
  const linked = new Set<Sum>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const sum of sums) {
      if (linked.has(sum)) continue;
      const members = [...sum.vars, ...(sum.minus ?? [])];
      if (!members.some((v) => reached.has(v))) continue;
      linked.add(sum);
      for (const v of members) reached.add(v);
      grew = true;
    }
  }
  return sums.filter((sum) => linked.has(sum));
}

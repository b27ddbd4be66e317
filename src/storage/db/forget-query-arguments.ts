/** What empties each history of query arguments the process keeps; Prisma's adds itself when its client's module loads. */
const forgetters: (() => void)[] = [];

/** Adds a history to empty (`create-prisma-client.ts` adds Prisma's two). */
export function whenForgettingQueryArguments(forget: () => void): void {
  forgetters.push(forget);
}

/**
 * Lets go of the arguments of the last queries. `@prisma/debug` keeps the last 100 calls'
 * arguments whether or not `DEBUG` is set (`MAX_ARGS_HISTORY`, not configurable, still so in
 * 7.10.1), and there are two copies of it: the package `@prisma/adapter-pg` logs every query
 * through, and one bundled inside Prisma's client runtime, which logs each query's parameters too.
 * After a sweep page, its arrays of thousands of keys and payloads stay referenced until 100 later
 * calls push them out: in `trellis sweep` at 20,000 staff the runtime's copy still held two earlier
 * pages' 20,000 reminder payloads each. The package's copy is emptied; the runtime's has no
 * `clearLogs`, so 100 calls without data push its entries out (printed only when `DEBUG` names
 * `trellis:forget-query-arguments`). Called after the statements that send such arrays; it only
 * empties those histories (which Prisma reads for its crash reports), nothing else. A process that
 * never loaded Prisma's client (a sweep on the `pg` pool alone) has neither, and nothing to empty.
 */
export function forgetQueryArguments(): void {
  for (const forget of forgetters) forget();
}

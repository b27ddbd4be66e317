import { clearLogs } from '@prisma/debug';
import { Debug } from '@prisma/client/runtime/client';

/** The length of `@prisma/debug`'s history (`MAX_ARGS_HISTORY`, not configurable). */
const ARGS_HISTORY = 100;

/** A debugger of Prisma's client runtime, which writes to the runtime's own copy of the history. */
const runtimeDebug = Debug('trellis:forget-query-arguments');

/**
 * Lets go of the arguments of the last queries. `@prisma/debug` keeps the last 100 calls'
 * arguments whether or not `DEBUG` is set (`MAX_ARGS_HISTORY`, not configurable, still so in
 * 7.10.1), and there are two copies of it: the package `@prisma/adapter-pg` logs every query
 * through, and one bundled inside Prisma's client runtime, which logs each query's parameters too.
 * After a sweep page, its arrays of thousands of keys and payloads stay referenced until 100 later
 * calls push them out: in `trellis sweep` at 20,000 staff the runtime's copy still held two earlier
 * pages' 20,000 reminder payloads each. The package's copy is emptied; the runtime's has no
 * `clearLogs`, so 100 calls without data push its entries out (printed only when `DEBUG` names
 * this namespace). Called after the statements that send such arrays; it only empties those
 * histories (which Prisma reads for its crash reports), nothing else.
 */
export function forgetQueryArguments(): void {
  clearLogs();
  for (let n = 0; n < ARGS_HISTORY; n++) runtimeDebug(0);
}

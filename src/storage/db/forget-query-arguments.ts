import { clearLogs } from '@prisma/debug';

/**
 * Lets go of the arguments of the last queries. `@prisma/adapter-pg` logs every query with its
 * arguments through `@prisma/debug`, which keeps the last 100 calls' arguments whether or not
 * `DEBUG` is set (`MAX_ARGS_HISTORY`, not configurable, still so in 7.10.1): after a sweep page,
 * its arrays of thousands of keys and payloads stay referenced until 100 later queries push them
 * out. Called after the statements that send such arrays; it only empties that history (which
 * Prisma reads for its crash reports), nothing else.
 */
export function forgetQueryArguments(): void {
  clearLogs();
}

import { driverOf, type PrismaClient, type SqlDriver } from '../../src/storage/db/create-prisma-client.ts';

/**
 * A Prisma client that counts every statement it sends (model calls and raw SQL alike), and the
 * `pg` driver under it counting into the same counter: a store given both (`new Store(client,
 * driver)`) has every statement counted, whichever way it goes. `counter.driver` is the part sent
 * on the driver. `options.driver` counts another driver (such as `explainingClient`'s) instead of
 * `prisma`'s own; `driver` is undefined when there is none (a client made by `$extends`).
 */
export function countingClient(
  prisma: PrismaClient,
  options: { driver?: SqlDriver | undefined } = {},
): { client: PrismaClient; counter: { statements: number; driver: number }; driver: SqlDriver | undefined } {
  const counter = { statements: 0, driver: 0 };
  const client = prisma.$extends({
    query: {
      async $allOperations({ args, query }) {
        counter.statements++;
        return query(args);
      },
    },
  }) as unknown as PrismaClient;
  const base = 'driver' in options ? options.driver : driverOf(prisma);
  const driver: SqlDriver | undefined =
    base === undefined
      ? undefined
      : {
          query: (text, values, queryOptions) => {
            counter.statements++;
            counter.driver++;
            return base.query(text, values, queryOptions);
          },
        };
  return { client, counter, driver };
}

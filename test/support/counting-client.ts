import type { PrismaClient } from '../../src/storage/db/create-prisma-client.ts';

/** A Prisma client that counts every statement it sends (model calls and raw SQL alike). */
export function countingClient(prisma: PrismaClient): { client: PrismaClient; counter: { statements: number } } {
  const counter = { statements: 0 };
  const client = prisma.$extends({
    query: {
      async $allOperations({ args, query }) {
        counter.statements++;
        return query(args);
      },
    },
  }) as unknown as PrismaClient;
  return { client, counter };
}

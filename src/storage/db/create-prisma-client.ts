import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../generated/prisma/client.ts';

export type { PrismaClient };

/**
 * A Prisma client over the `pg` driver adapter. Prisma 7 has no bundled query engine binary, so
 * the adapter is what actually talks to Postgres. Call `$disconnect()` to close its pool.
 */
export function createPrismaClient(databaseUrl: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}

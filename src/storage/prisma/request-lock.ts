import type { Prisma } from '../../generated/prisma/client.ts';

/**
 * Serialises the transactions that may create the same waiting request (one line manager's
 * request about one colleague, one reviewee's request for another reviewer) until the holder
 * commits or rolls back. Under READ COMMITTED the next statement then sees what the first one
 * committed, so "find the waiting request, else create it" creates it once however many copies
 * arrive together. Different keys hashing alike only wait for each other.
 */
export async function lockRequest(tx: Prisma.TransactionClient, key: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
}

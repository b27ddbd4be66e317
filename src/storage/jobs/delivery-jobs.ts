import type { OutboxKind } from '../../core/reminders/reminder-ports.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import { prismaSql } from '../db/create-prisma-client.ts';
import { DELIVERY_TASK, DIGESTS_IN_BATCHES, deliveryJobsSql, type JobKeyMode, newDeliveryJobsSql } from './delivery-job-sql.ts';

// The statements themselves are written once, without Prisma, in delivery-job-sql.ts (the sweep's
// storage runs them on the `pg` pool alone); here they are Prisma's fragments for its adapters.
export { DELIVERY_TASK, JOB, JOB_SCHEMA, type JobKeyMode, NOTICE_GATHER_SECONDS, schoolFlag } from './delivery-job-sql.ts';

/** An outbox row's `payload.type` is one of these when it is delivered (rather than carried, as a reminder is carried by its digest). */
export function isDeliveredRow(alias: 'd' | 'none' = 'd'): Prisma.Sql {
  const column = alias === 'd' ? Prisma.sql`d.payload->>'type'` : Prisma.sql`payload->>'type'`;
  return Prisma.sql`${column} = ANY(${Object.keys(DELIVERY_TASK)}::text[])`;
}

/** `deliveryJobsSql` as a Prisma fragment: one delivery job per outbox row, in the transaction that creates (or re-sends) them. */
export function queueDeliveryJobs(rows: readonly { id: string; key: string; kind: OutboxKind }[], mode: JobKeyMode, delaySeconds = 0): Prisma.Sql {
  return prismaSql(deliveryJobsSql(rows, mode, delaySeconds));
}

/** `newDeliveryJobsSql` as a Prisma fragment: a delivery job for each row of `rows` (task, id, key, school slug) that has none. */
export function newDeliveryJobs(rows: Prisma.Sql, delaySeconds = 0): Prisma.Sql {
  return prismaSql(newDeliveryJobsSql(rows, delaySeconds));
}

/** `DIGESTS_IN_BATCHES` as a Prisma fragment: the outbox row ids a `deliver-digests` job still lists. */
export const digestsInBatches: Prisma.Sql = prismaSql(DIGESTS_IN_BATCHES);

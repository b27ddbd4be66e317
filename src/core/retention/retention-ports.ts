import type { OutgoingMessage } from '../conversations/engine/outgoing-message.ts';

/** Why a record was destroyed: its retention period ran out (003 §14.3, 004 §11.2), or its person asked (002 §44). */
export type DestroyReason = 'retention' | 'request';

export interface DestroyRequest {
  schoolId: string;
  /** Records belonging to this academic year (2019 = 2019/20) or earlier have run out their clock. */
  expiredThroughYear: number;
  /** Written on each deletion-log row: the policy's period and its seed paragraph. */
  rule: string;
  reason: DestroyReason;
  /** Only this person's records (a request under 002 §44); every expired record in the school when absent. */
  personId?: string | undefined;
  /** Work out what would go and change nothing. */
  dryRun: boolean;
  now: Date;
  /**
   * A real run's message to the school's active heads when anything went: queued as notifications
   * under `cause` in the deletion's own transaction, so the records go exactly when the heads'
   * summary is queued (a cause queued before, on a second run the same day, is left alone).
   */
  tellHeads?: { cause: string; message(destroyed: DestroyedRecords): OutgoingMessage[] } | undefined;
}

/** What a destroying run did: the records that went, and the heads it queued the summary for. */
export interface DestroyOutcome {
  destroyed: DestroyedRecords;
  told: { id: string; fullName: string }[];
}

export interface DestroyedRecords {
  /** Records destroyed (or that would be), by table, in the order they went. */
  byKind: { kind: string; count: number }[];
  total: number;
  /** How many people's records were among them. */
  people: number;
  /** Leavers whose roster row itself went, once nothing of theirs was left. */
  leavers: number;
}

/**
 * Destroys expired records for real (rows deleted, not flagged), writing one deletion-log row per
 * record without its content, in one transaction (src/storage/prisma/prisma-retention-store.ts).
 */
export interface RetentionStore {
  destroyExpired(request: DestroyRequest): Promise<DestroyOutcome>;
}

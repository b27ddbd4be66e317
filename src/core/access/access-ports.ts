import type { AccessLogEntry, GrantFact } from './access-rule.ts';
import type { SubjectFacts } from './relationships.ts';

/**
 * What the access rule needs from storage: the facts behind people's relationships (one query,
 * `src/storage/prisma/prisma-access-relationships.ts`), live grants, and the access log.
 */
export interface PeopleFacts {
  /** Facts about these people, whichever school they are in; unknown ids are left out. */
  factsOf(personIds: readonly string[]): Promise<SubjectFacts[]>;
  /**
   * Everyone whose relationships might name this person: those they line-manage or are (or were)
   * assigned to review or coach. The core decides which of them they review on a day.
   */
  candidatesFor(viewerId: string): Promise<SubjectFacts[]>;
  /** Grants the viewer holds (expired and revoked ones too; the rule decides). */
  grantsHeldBy(viewerId: string): Promise<GrantFact[]>;
}

/** One row of a person's own access log, as they are shown it. */
export interface SeenRow {
  viewerName: string;
  resource: string;
  reason: string;
  at: Date;
}

export interface AccessLogStore {
  /** Writes rows; a row for the same viewer, person, record and reason on the same London day is kept once. */
  record(entries: readonly AccessLogEntry[]): Promise<void>;
  /** The person's log, newest first. */
  seenBy(subjectId: string, limit: number): Promise<SeenRow[]>;
}

import type { IsoDate } from '../calendar/iso-date.ts';
import { londonDateOf } from '../calendar/london-time.ts';
import type { AccessLogStore, PeopleFacts } from './access-ports.ts';
import { type AccessDecision, type AccessLogEntry, type AccessPurpose, mayRead, type RecordKind } from './access-rule.ts';
import { type Relationships, relationshipsOn, revieweesAmong, type SubjectFacts } from './relationships.ts';

export type GuardedRead = { subjectId: string; decision: AccessDecision };

/**
 * The rule's decisions for a whole school at once: exact ones for the people whose relationships
 * may name the viewer (`listed`), and one decision that holds for every other person of the school.
 */
export interface SchoolAccess {
  listed: GuardedRead[];
  everyoneElse: AccessDecision;
}

/** A school's decisions (AccessGuard.checkSchool) for one person of it. */
export function decisionFor(access: SchoolAccess, subjectId: string): GuardedRead {
  return access.listed.find((read) => read.subjectId === subjectId) ?? { subjectId, decision: access.everyoneElse };
}

/** Stands for "any other person of the school" when the rule is asked about them; never a stored id. */
const ANYONE_ELSE = 'anyone-else-in-the-school';

/**
 * Applies the one access rule to a read and writes the access log for every read by someone
 * other than the person. Constructed over a transaction's ports where the read runs in one, so
 * the log row commits (or not) with the read.
 */
export class AccessGuard {
  readonly #facts: PeopleFacts;
  readonly #log: AccessLogStore;

  constructor(facts: PeopleFacts, log: AccessLogStore) {
    this.#facts = facts;
    this.#log = log;
  }

  /** Who is who for people on a day. */
  async relationshipsOf(personIds: readonly string[], on: IsoDate): Promise<Map<string, Relationships>> {
    const facts = await this.#facts.factsOf(personIds);
    return new Map(facts.map((f) => [f.person.id, relationshipsOn(f, on)]));
  }

  /** The people the viewer reviews on a day (delegated, coach where the policy says so, or line manager). */
  async revieweesOf(viewerId: string, on: IsoDate): Promise<SubjectFacts[]> {
    return revieweesAmong(viewerId, await this.#facts.candidatesFor(viewerId), on);
  }

  /**
   * Decides whether the viewer may read each subject's records of a kind, and logs each allowed
   * read by someone else (who, whose, what, when, which rule, and why it was in front of them when
   * `purpose` says). Call it when the records are read.
   */
  async read(viewerId: string, subjectIds: readonly string[], kind: RecordKind, at: Date, known: readonly SubjectFacts[] = [], purpose?: AccessPurpose): Promise<GuardedRead[]> {
    const reads = await this.check(viewerId, subjectIds, kind, at, known);
    await this.log(viewerId, reads, kind, at, purpose);
    return reads;
  }

  /**
   * The rule's decision for each subject, logging nothing: for a read that happens later or not at
   * all (a digest is read once the channel has delivered it). Log it then with `log`.
   */
  async check(viewerId: string, subjectIds: readonly string[], kind: RecordKind, at: Date, known: readonly SubjectFacts[] = []): Promise<GuardedRead[]> {
    const on = londonDateOf(at);
    const have = new Set(known.map((f) => f.person.id));
    const missing = [viewerId, ...subjectIds].filter((id) => !have.has(id));
    const [facts, grants] = await Promise.all([this.#facts.factsOf(missing), this.#facts.grantsHeldBy(viewerId)]);
    const byId = new Map([...known, ...facts].map((f) => [f.person.id, f]));
    const viewer = byId.get(viewerId)?.person;
    return [...new Set(subjectIds)].map((subjectId) => {
      const subject = byId.get(subjectId);
      if (viewer === undefined || subject === undefined) return { subjectId, decision: { allowed: false, why: 'I can’t find that person on your school’s staff list' } };
      return { subjectId, decision: mayRead(viewer, relationshipsOn(subject, on), kind, at, grants) };
    });
  }

  /**
   * The rule's decision about every person of a school, without reading every person's facts:
   * the rule looks at a subject's reviewer, coach, head, deputies, trust leaders, grants and
   * whether they are the viewer or a head. Only the people storage names as close to the viewer
   * (`PeopleFacts.closeToViewer`) can have any of those name the viewer or differ from the
   * school's; for everyone else the same rule is asked once, about a person of the school with
   * no line manager, no assignments and no grant, and its answer holds for all of them. Logs
   * nothing; log what is shown with `log` (`decisionFor` gives anyone's decision).
   */
  async checkSchool(viewerId: string, schoolId: string, kind: RecordKind, at: Date): Promise<SchoolAccess> {
    const on = londonDateOf(at);
    const [facts, grants] = await Promise.all([this.#facts.closeToViewer(viewerId, schoolId), this.#facts.grantsHeldBy(viewerId)]);
    const viewer = facts.find((f) => f.person.id === viewerId)?.person;
    const inSchool = facts.filter((f) => f.person.schoolId === schoolId);
    const decide = (subject: SubjectFacts): AccessDecision =>
      viewer === undefined ? { allowed: false, why: 'I can’t find that person on your school’s staff list' } : mayRead(viewer, relationshipsOn(subject, on), kind, at, grants);
    const sample = inSchool[0];
    const anyoneElse: SubjectFacts | undefined =
      sample === undefined ? undefined : { ...sample, person: { ...sample.person, id: ANYONE_ELSE, role: 'teacher', flags: [], lineManagerId: undefined }, assignments: [] };
    return {
      listed: inSchool.map((subject) => ({ subjectId: subject.person.id, decision: decide(subject) })),
      everyoneElse: anyoneElse === undefined ? { allowed: false, why: 'nobody is on that school’s staff list' } : decide(anyoneElse),
    };
  }

  /** Writes the access log for the allowed reads by someone else among `reads` (the person's own are not logged). */
  async log(viewerId: string, reads: readonly GuardedRead[], kind: RecordKind, at: Date, purpose?: AccessPurpose): Promise<void> {
    const day = londonDateOf(at);
    const entries: AccessLogEntry[] = reads.flatMap(({ subjectId, decision }) =>
      decision.allowed && decision.reason !== 'self' ? [{ viewerId, subjectId, resource: kind, reason: decision.reason, grantId: 'grantId' in decision ? decision.grantId : undefined, purpose, at, day }] : [],
    );
    if (entries.length > 0) await this.#log.record(entries);
  }

  /** The ids among `subjectIds` the viewer may read (and has now read: they are logged). `known`: facts already fetched. */
  async readable(viewerId: string, subjectIds: readonly string[], kind: RecordKind, at: Date, known: readonly SubjectFacts[] = []): Promise<Set<string>> {
    const reads = await this.read(viewerId, subjectIds, kind, at, known);
    return new Set(reads.filter((r) => r.decision.allowed).map((r) => r.subjectId));
  }

  /** The people the viewer reviews on the day whose records of a kind they read now (logged), from one fetch of the facts. */
  async readableReviewees(viewerId: string, kind: RecordKind, at: Date): Promise<string[]> {
    const reviewees = await this.revieweesOf(viewerId, londonDateOf(at));
    const ids = reviewees.map((f) => f.person.id);
    const readable = await this.readable(viewerId, ids, kind, at, reviewees);
    return ids.filter((id) => readable.has(id));
  }
}

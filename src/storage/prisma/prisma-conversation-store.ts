import { AccessGuard } from '../../core/access/access-guard.ts';
import type { MessageInThread, PlatformAccount } from '../../core/bot/bot-ports.ts';
import type { QueuedNotification } from '../../core/notifications/notification-queue.ts';
import { relationshipsOn } from '../../core/access/relationships.ts';
import type { IsoDate } from '../../core/calendar/iso-date.ts';
import type {
  ConversationStore,
  ConversationTransaction,
  CycleRef,
  DialogPerson,
  DialogReads,
  OpenedTurn,
  PersonRef,
  PlanStatus,
  StoredConversation,
  StoredPlan,
  ThreadRef,
  TurnOpening,
  TurnReadAhead,
} from '../../core/conversations/conversation-ports.ts';
import { type DialogState, storedDataOf } from '../../core/conversations/engine/dialog-state.ts';
import { knownFlags, RoleSchema } from '../../core/people/person.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import { driverOf, type PrismaClient, type SqlDriver } from '../db/create-prisma-client.ts';
import { fromDbDate, toDbDate } from './db-date.ts';
import { PrismaAccessLogStore, PrismaPeopleFacts } from './prisma-access-relationships.ts';
import { PrismaDialogRecords, PrismaRecordReads } from './prisma-dialog-records.ts';
import { PrismaTransactionNotificationQueue, queueReplyRow, replyRowSql } from './prisma-notification-queue.ts';
import { type CachedSchool, SchoolTurnCache } from './school-turn-cache.ts';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * Conversation state in PostgreSQL. Each turn is atomic: the processed_inbound marker, the
 * conversation row and any records a finished dialog writes commit together, so a crash or a
 * retried delivery can never apply half a turn or the same turn twice.
 *
 * Most turns are an answer in a dialog already under way, and touch nothing but the thread's row
 * and the reply (a dialog opening in a thread just opened is the same two statements: the read also
 * asks whether the speaker has anything under way elsewhere, and the write inserts the thread only
 * if it is still not there). Those go first as a **quick turn** on the `pg` pool under the Prisma client (no
 * transaction): one read of the thread (with its row version, `xmin`) and the speaker, then one
 * statement that writes the new state only if the row is still the version read, claims the
 * message only if it did, and saves the reply only then — all or nothing, as one statement is.
 * Anything else a turn does (a new thread not announced as one, a record, a draft look-up that may find one, a notification, a school not
 * in the cache) or a lost race (another turn in the thread, or the same message, got there first:
 * nothing was written) runs the whole turn again in the locked transaction below, which claims,
 * locks the thread FOR UPDATE and commits as before. The engine is unchanged: it cannot tell which
 * of the two served it.
 */
export class PrismaConversationStore implements ConversationStore {
  readonly #prisma: PrismaClient;
  readonly #driver: SqlDriver | undefined;
  /** Per process: the schools' policies and term dates, checked against `updated_at` by every turn. */
  readonly #schools = new SchoolTurnCache();

  /** `driver`: where quick turns go (the client's own pool by default); none, and every turn takes the locked transaction. */
  constructor(prisma: PrismaClient, driver: SqlDriver | undefined = driverOf(prisma)) {
    this.#prisma = prisma;
    this.#driver = driver;
  }

  async transaction<T>(work: (tx: ConversationTransaction) => Promise<T>, options: { opensThread?: boolean; readAhead?: TurnReadAhead | undefined } = {}): Promise<T> {
    // A dialog starting in a thread just opened is a quick opening: the thread is inserted only if it is still not there.
    if (this.#driver !== undefined) {
      const ahead = options.readAhead instanceof ReadAhead && options.readAhead.store === this ? options.readAhead : undefined;
      const quick = new QuickTurn(this.#driver, this.#schools, options.opensThread === true, ahead);
      try {
        const result = await work(quick);
        if (quick.finished()) return result;
      } catch (error) {
        // Written is written: an error after the quick turn committed is the turn's to report.
        if (quick.wrote || !(error instanceof NeedsLock || quick.leftQuickPath)) throw error;
      }
    }
    return this.#locked(work);
  }

  #locked<T>(work: (tx: ConversationTransaction) => Promise<T>): Promise<T> {
    return this.#prisma.$transaction((tx) => work(new PrismaConversationTransaction(tx, this.#schools)), { maxWait: 10_000, timeout: 30_000 });
  }

  /**
   * The look-up of who wrote a message in a thread (`who`: a SELECT of at most one row whose `id`
   * is the person's, written by the identity store) and the quick turn's first read of that
   * message's turn, as one statement on the pool: a reply in a thread is then one read and one
   * write. Undefined when this store has no pool (its turns all take the locked transaction), and
   * the caller reads `who` on its own. `turnRead` is absent when `who` found nobody.
   */
  async readAhead<W extends { id: string }>(who: Prisma.Sql, account: PlatformAccount, thread: MessageInThread): Promise<{ who: W | undefined; turnRead?: TurnReadAhead | undefined } | undefined> {
    if (this.#driver === undefined) return undefined;
    const accountKey = `${account.platform}:${account.tenant}:${account.userId}`;
    const opening = { tenant: account.tenant, platform: account.platform, threadKey: thread.threadKey, messageId: thread.messageId, today: thread.today };
    const known = this.#schools.knownFor(this.#schools.personOfAccount(accountKey));
    const { rows } = await this.#driver.query<QuickReadRow & { who: W | null }>(
      ...asQuery(quickReadSql(opening, known, { person: Prisma.sql`(SELECT id FROM who)::uuid`, who })),
    );
    const row = rows[0];
    if (row?.who == null) return { who: undefined };
    this.#schools.seenAccount(accountKey, row.who.id);
    return { who: row.who, turnRead: new ReadAhead(this, { ...opening, personId: row.who.id }, row) };
  }
}

/** Storage's `TurnReadAhead`: the first read's row, for the store that made it (`readAhead`). */
class ReadAhead implements TurnReadAhead {
  #row: QuickReadRow | undefined;

  constructor(
    readonly store: PrismaConversationStore,
    readonly opening: TurnOpening,
    row: QuickReadRow,
  ) {
    this.#row = row;
  }

  /** The row, once, for the opening it was read for; undefined for any other (the turn reads its own). */
  take(turn: TurnOpening): QuickReadRow | undefined {
    const { opening } = this;
    const same =
      turn.tenant === opening.tenant &&
      turn.platform === opening.platform &&
      turn.threadKey === opening.threadKey &&
      turn.messageId === opening.messageId &&
      turn.personId === opening.personId &&
      turn.today === opening.today;
    if (!same) return undefined;
    const row = this.#row;
    this.#row = undefined;
    return row;
  }
}

const asQuery = (sql: Prisma.Sql): [string, unknown[]] => [sql.text, sql.values];

/** What the quick turn's first read returns (see `quickReadSql`). */
interface QuickReadRow {
  claimed: boolean;
  others_live: boolean;
  conversation: (ConversationRow & { version: string }) | null;
  person: OpenedRow['person'];
}

/**
 * The quick turn's first read: the thread's row with its version, the speaker (with their school's
 * documents when `known` is not current, and for a thread that is not just opened only if the
 * thread exists), whether the message was claimed and, on an `opening`, whether the speaker has a
 * dialog under way in any other thread. `person` says who the speaker is when it is not the
 * opening's `personId`: read ahead with `who` (a CTE of its own), whose row comes back too.
 */
function quickReadSql(
  turn: Omit<TurnOpening, 'personId'> & { personId?: string },
  known: CachedSchool | undefined,
  options: { opening?: boolean; person?: Prisma.Sql; who?: Prisma.Sql } = {},
): Prisma.Sql {
  const person = options.person ?? Prisma.sql`${turn.personId ?? null}::uuid`;
  // An opening also asks whether the speaker has a dialog under way in any other thread: when not,
  // the draft look-ups answer "none" without a statement (the locked one takes no lock when it finds none either).
  const othersLive = options.opening
    ? Prisma.sql`EXISTS (SELECT 1 FROM conversations WHERE person_id = ${person} AND status IN ('active', 'paused')
          AND NOT (tenant = ${turn.tenant} AND thread_key = ${turn.threadKey}))`
    : Prisma.sql`TRUE`;
  const who = options.who === undefined ? Prisma.empty : Prisma.sql`who AS (${options.who}), `;
  return Prisma.sql`
      WITH ${who}conversation AS (
        SELECT xmin::text AS version, person_id::text AS person_id, dialog_id, dialog_version, step, status, "values" FROM conversations
        WHERE tenant = ${turn.tenant} AND thread_key = ${turn.threadKey}
      ), speaker AS (${speakerSql(person, turn.today, known, Prisma.sql`TRUE`, options.opening ? Prisma.sql`TRUE` : Prisma.sql`EXISTS (SELECT 1 FROM conversation)`)})
      SELECT EXISTS (SELECT 1 FROM processed_inbound WHERE tenant = ${turn.tenant} AND message_id = ${turn.messageId}) AS claimed, ${othersLive} AS others_live,
        (SELECT row_to_json(conversation) FROM conversation) AS conversation,
        (SELECT row_to_json(speaker) FROM speaker) AS person${options.who === undefined ? Prisma.empty : Prisma.sql`,
        (SELECT row_to_json(who) FROM who) AS who`}`;
}

/** A quick turn met something only the locked transaction does: nothing was written; the turn runs again there. */
class NeedsLock extends Error {
  constructor(what: string) {
    super(`a quick turn cannot ${what}: the turn runs in a transaction`);
  }
}

interface OpenedRow {
  claimed: number;
  conversation: { person_id: string | null; dialog_id: string; dialog_version: number; step: string; status: string; values: unknown } | null;
  person: {
    id: string;
    school_id: string;
    full_name: string;
    role: string;
    flags: string[];
    fte: number | null;
    start_date: string | null;
    active: boolean;
    stamp: number;
    /** Null when the school's stamp is the one this process offered: the cached copy is current. */
    policy: unknown;
    term_dates: unknown;
    region: string | null;
    cycle: CycleRow | null;
  } | null;
}

class PrismaConversationTransaction implements ConversationTransaction {
  readonly #tx: Tx;
  readonly #schools: SchoolTurnCache;
  readonly reads: PrismaDialogReads;
  readonly records: PrismaDialogRecords;
  readonly notifications: PrismaTransactionNotificationQueue;

  constructor(tx: Tx, schools: SchoolTurnCache) {
    this.#tx = tx;
    this.#schools = schools;
    this.reads = new PrismaDialogReads(tx);
    this.records = new PrismaDialogRecords(tx);
    this.notifications = new PrismaTransactionNotificationQueue(tx);
  }

  /**
   * One statement. The claim comes first (ON CONFLICT DO NOTHING: a concurrent duplicate waits for
   * the first to commit, then claims nothing); the person and the conversation are read only when
   * it claimed (the `EXISTS` is evaluated once, before the scan), so the row lock is always taken
   * after the claim, as when they were separate statements, and a duplicate locks nothing. The
   * school's policy and term dates come back only when its `updated_at` is not the stamp this
   * process already holds.
   */
  async openTurn(turn: TurnOpening): Promise<OpenedTurn> {
    const known = this.#schools.knownFor(turn.personId);
    const [row] = await this.#tx.$queryRaw<OpenedRow[]>`
      WITH claim AS (
        INSERT INTO processed_inbound (id, tenant, platform, message_id, received_at)
        VALUES (gen_random_uuid(), ${turn.tenant}, ${turn.platform}, ${turn.messageId}, now())
        ON CONFLICT DO NOTHING RETURNING 1
      ), conversation AS (
        SELECT person_id::text AS person_id, dialog_id, dialog_version, step, status, "values" FROM conversations
        WHERE tenant = ${turn.tenant} AND thread_key = ${turn.threadKey} AND EXISTS (SELECT 1 FROM claim)
        FOR UPDATE
      ), speaker AS (${speakerSql(Prisma.sql`${turn.personId}::uuid`, turn.today, known, Prisma.sql`EXISTS (SELECT 1 FROM claim)`)})
      SELECT (SELECT count(*) FROM claim)::int AS claimed,
        (SELECT row_to_json(conversation) FROM conversation) AS conversation,
        (SELECT row_to_json(speaker) FROM speaker) AS person`;
    if (row === undefined || row.claimed !== 1) return { claimed: false };
    return {
      claimed: true,
      person: row.person === null ? undefined : await speakerOf(turn, row.person, this.#schools, this.reads, (id) => this.#readSchool(id)),
      conversation: storedOf(row.conversation),
    };
  }

  async #readSchool(schoolId: string): Promise<CachedSchool | undefined> {
    const school = await this.#tx.school.findUnique({ where: { id: schoolId }, select: { policy: true, termDates: true, region: true, updatedAt: true } });
    return school === null ? undefined : { schoolId, stamp: school.updatedAt.getTime(), policy: school.policy, termDates: school.termDates, region: school.region };
  }

  async findLiveDraft(thread: ThreadRef, dialogId: string, colleague?: string): Promise<{ thread: ThreadRef; conversation: StoredConversation } | undefined> {
    // By person: in this workspace, or on another platform they use (a draft started in Slack
    // resumes when the same person starts it in Teams). Another workspace of the same platform is
    // another installation and keeps its own drafts.
    const rows = await this.#tx.$queryRaw<{ tenant: string; platform: string; thread_key: string; dialog_id: string; dialog_version: number; step: string; status: string; values: unknown }[]>`
      SELECT tenant, platform, thread_key, dialog_id, dialog_version, step, status, "values" FROM conversations
      WHERE person_id = ${thread.personId}::uuid AND dialog_id = ${dialogId} AND status IN ('active', 'paused')
        AND ((tenant = ${thread.tenant} AND platform = ${thread.platform} AND thread_key <> ${thread.threadKey}) OR platform <> ${thread.platform})
        AND (${colleague ?? null}::text IS NULL OR "values"->'values'->>'colleague' = ${colleague ?? null}::text)
      ORDER BY updated_at DESC LIMIT 1 FOR UPDATE`;
    const row = rows[0];
    if (row === undefined) return undefined;
    return {
      thread: { tenant: row.tenant, platform: row.platform, threadKey: row.thread_key, personId: thread.personId },
      conversation: { dialogId: row.dialog_id, version: row.dialog_version, step: row.step, status: row.status, data: row.values },
    };
  }

  async findLiveDrafts(thread: ThreadRef): Promise<{ threadKey: string; conversation: StoredConversation }[]> {
    const rows = await this.#tx.$queryRaw<{ thread_key: string; dialog_id: string; dialog_version: number; step: string; status: string; values: unknown }[]>`
      SELECT thread_key, dialog_id, dialog_version, step, status, "values" FROM conversations
      WHERE person_id = ${thread.personId}::uuid AND tenant = ${thread.tenant} AND platform = ${thread.platform}
        AND status IN ('active', 'paused') AND thread_key <> ${thread.threadKey}
      ORDER BY updated_at DESC LIMIT 10 FOR UPDATE`;
    return rows.map((row) => ({ threadKey: row.thread_key, conversation: { dialogId: row.dialog_id, version: row.dialog_version, step: row.step, status: row.status, data: row.values } }));
  }

  async saveConversation(thread: ThreadRef, state: DialogState): Promise<void> {
    await this.#tx.$executeRaw(upsertConversation(thread, state));
  }

  async saveTurn(thread: ThreadRef, state: DialogState | undefined, reply: (QueuedNotification & { account: PlatformAccount }) | undefined, now: Date): Promise<void> {
    if (reply === undefined) {
      if (state !== undefined) await this.saveConversation(thread, state);
      return;
    }
    await queueReplyRow(this.#tx, reply, now, undefined, state === undefined ? Prisma.empty : Prisma.sql`saved AS (${upsertConversation(thread, state)}),`);
  }
}

/**
 * The speaker (the person `person` names) with their active cycle on `today`, their school's stamp
 * and (unless `known` is current, or `documents` does not hold) its documents; read only when `gate` holds.
 */
function speakerSql(person: Prisma.Sql, today: IsoDate, known: CachedSchool | undefined, gate: Prisma.Sql, documents: Prisma.Sql = Prisma.sql`TRUE`): Prisma.Sql {
  return Prisma.sql`
        SELECT p.id::text AS id, p.school_id::text AS school_id, p.full_name, p.role, p.flags, p.fte, p.start_date, p.active, stamp.ms AS stamp,
          ${activeCycleOf(Prisma.sql`p.id`, today)} AS cycle,
          CASE WHEN fresh OR NOT (${documents}) THEN NULL ELSE s.policy END AS policy,
          CASE WHEN fresh OR NOT (${documents}) THEN NULL ELSE s.term_dates END AS term_dates,
          CASE WHEN fresh OR NOT (${documents}) THEN NULL ELSE s.region END AS region
        FROM people p JOIN schools s ON s.id = p.school_id
          CROSS JOIN LATERAL (SELECT (extract(epoch FROM s.updated_at) * 1000)::bigint AS ms) stamp
          CROSS JOIN LATERAL (SELECT s.id = ${known?.schoolId ?? null}::uuid AND stamp.ms = ${known?.stamp ?? null}::bigint AS fresh) cached
        WHERE p.id = ${person} AND ${gate}`;
}

type ConversationRow = NonNullable<OpenedRow['conversation']>;

function storedOf(conversation: ConversationRow | null): StoredConversation | undefined {
  return conversation === null
    ? undefined
    : { personId: conversation.person_id ?? undefined, dialogId: conversation.dialog_id, version: conversation.dialog_version, step: conversation.step, status: conversation.status, data: conversation.values };
}

/** The speaker as the turn's first statement read them, their school from the row or the cache (`readSchool` when the cache lost it). */
async function speakerOf(
  { personId, today }: TurnOpening,
  row: NonNullable<OpenedRow['person']>,
  schools: SchoolTurnCache,
  reads: PrismaDialogReads,
  readSchool: (schoolId: string) => Promise<CachedSchool | undefined>,
): Promise<DialogPerson | undefined> {
  reads.useSpeakerCycle(personId, today, cycleRef(row.cycle));
  const stamp = Number(row.stamp);
  let school = row.policy === null ? schools.get(row.school_id, stamp) : { schoolId: row.school_id, stamp, policy: row.policy, termDates: row.term_dates, region: row.region ?? '' };
  // Offered as current but no longer kept (the cache was emptied meanwhile): read it again.
  school ??= await readSchool(row.school_id);
  if (school === undefined) return undefined;
  schools.remember(personId, school);
  reads.useSchool(school);
  const role = RoleSchema.safeParse(row.role);
  if (!row.active || !role.success) return undefined;
  return {
    id: row.id,
    schoolId: row.school_id,
    fullName: row.full_name,
    role: role.data,
    flags: knownFlags(row.flags),
    fte: row.fte ?? undefined,
    startDate: row.start_date === null ? undefined : (row.start_date as IsoDate),
    policy: school.policy,
    policyStamp: String(school.stamp),
  };
}

/**
 * A client that lets nothing through: the reads, records and notifications a quick turn hands the
 * engine are the transaction's classes over this, so whatever would send a statement of its own
 * marks the turn as needing the lock instead (reads answered from what the first statement read —
 * the school's term dates, the speaker's cycle — never reach it).
 */
function lockedOnly(onTouch: () => void): Tx {
  return new Proxy(
    {},
    {
      get(_target, property) {
        onTouch();
        throw new NeedsLock(`use ${String(property)}`);
      },
    },
  ) as Tx;
}

/** The quick path of `PrismaConversationStore.transaction` (see there): one read, one all-or-nothing write; `opening`, a thread just opened. */
class QuickTurn implements ConversationTransaction {
  readonly #driver: SqlDriver;
  readonly #schools: SchoolTurnCache;
  readonly reads: PrismaDialogReads;
  readonly records: PrismaDialogRecords;
  readonly notifications: PrismaTransactionNotificationQueue;
  /** The message id and the thread's row version the read saw (none: a new thread, inserted only if still absent), once it was read. */
  #opened: { turn: TurnOpening; version: string | undefined } | undefined;
  /** A dialog starting in a thread just opened: no thread row is expected. */
  readonly #opening: boolean;
  /** On an opening, whether the speaker has a dialog under way in another thread (a draft to look for, under the lock). */
  #othersLive = true;
  #duplicate = false;
  /** The turn's write committed. */
  wrote = false;
  /** Something asked for what only the locked transaction does (even if the caller caught the error). */
  leftQuickPath = false;

  /** The first read made with the look-up of who speaks, if one was (used only for the opening it was read for). */
  readonly #readAhead: ReadAhead | undefined;

  constructor(driver: SqlDriver, schools: SchoolTurnCache, opening = false, readAhead?: ReadAhead) {
    this.#driver = driver;
    this.#schools = schools;
    this.#opening = opening;
    this.#readAhead = opening ? undefined : readAhead;
    const tx = lockedOnly(() => {
      this.leftQuickPath = true;
    });
    this.reads = new PrismaDialogReads(tx);
    this.records = new PrismaDialogRecords(tx);
    this.notifications = new PrismaTransactionNotificationQueue(tx);
  }

  /** The quick turn is the whole turn: it wrote (committed: never run again), or found the message already applied and nothing needed the lock. */
  finished(): boolean {
    return this.wrote || (this.#duplicate && !this.leftQuickPath);
  }

  #needsLock(what: string): never {
    this.leftQuickPath = true;
    throw new NeedsLock(what);
  }

  async #query<R extends object>(sql: Prisma.Sql): Promise<R[]> {
    return (await this.#driver.query<R>(sql.text, sql.values)).rows;
  }

  async openTurn(turn: TurnOpening): Promise<OpenedTurn> {
    if (this.#opened !== undefined || this.#duplicate) this.#needsLock('open a second turn');
    const row = this.#readAhead?.take(turn) ?? (await this.#query<QuickReadRow>(quickReadSql(turn, this.#schools.knownFor(turn.personId), { opening: this.#opening })))[0];
    if (row?.claimed === true) {
      this.#duplicate = true;
      return { claimed: false };
    }
    // A new thread has no row version to check against: outside an opening it is written under the
    // lock (so the school's documents were not sent for it: the locked opening reads them).
    if (row === undefined || row.person === null || (row.conversation === null && !this.#opening)) this.#needsLock('start a thread');
    this.#othersLive = row.others_live;
    this.#opened = { turn, version: row.conversation?.version };
    const person = await speakerOf(turn, row.person, this.#schools, this.reads, async () => this.#needsLock('read a school afresh'));
    return { claimed: true, person, conversation: storedOf(row.conversation) };
  }

  async saveTurn(thread: ThreadRef, state: DialogState | undefined, reply: (QueuedNotification & { account: PlatformAccount }) | undefined, now: Date): Promise<void> {
    const opened = this.#opened;
    if (opened === undefined || state === undefined || this.leftQuickPath || thread.tenant !== opened.turn.tenant || thread.threadKey !== opened.turn.threadKey) {
      this.#needsLock('save a turn it did not open, or one that leaves the thread as it was');
    }
    const { turn, version } = opened;
    // The state only over the version read; the claim only with the state; the reply only then.
    // Were the state written and the message found claimed (applied already without touching the
    // thread), the division by zero aborts the whole statement, so nothing is ever half-written.
    const before = Prisma.sql`saved AS (${
      version === undefined
        ? Prisma.sql`
        INSERT INTO conversations (id, tenant, thread_key, platform, person_id, dialog_id, dialog_version, step, status, "values", created_at, updated_at)
        VALUES (gen_random_uuid(), ${thread.tenant}, ${thread.threadKey}, ${thread.platform}, ${thread.personId}::uuid, ${state.dialogId}, ${state.version}::int,
          ${state.step}, ${state.status}, ${JSON.stringify(storedDataOf(state))}::jsonb, clock_timestamp(), clock_timestamp())
        ON CONFLICT (tenant, thread_key) DO NOTHING`
        : Prisma.sql`
        UPDATE conversations SET platform = ${thread.platform}, person_id = ${thread.personId}::uuid, dialog_id = ${state.dialogId}, dialog_version = ${state.version}::int,
          step = ${state.step}, status = ${state.status}, "values" = ${JSON.stringify(storedDataOf(state))}::jsonb, updated_at = clock_timestamp()
        WHERE tenant = ${thread.tenant} AND thread_key = ${thread.threadKey} AND xmin::text = ${version}`
    }
        RETURNING 1
      ), claimed AS (
        INSERT INTO processed_inbound (id, tenant, platform, message_id, received_at)
        SELECT gen_random_uuid(), ${turn.tenant}, ${turn.platform}, ${turn.messageId}, now() WHERE EXISTS (SELECT 1 FROM saved)
        ON CONFLICT DO NOTHING RETURNING 1
      ),`;
    const columns = Prisma.sql`(SELECT count(*) FROM saved)::int AS saved, 1 / (1 - abs((SELECT count(*) FROM saved) - (SELECT count(*) FROM claimed)))::int AS whole,`;
    let saved: number;
    try {
      const [row] = await this.#query<{ saved: number }>(
        reply === undefined ? Prisma.sql`WITH ${before} done AS (SELECT 1) SELECT ${columns} 0 AS created` : replyRowSql(reply, now, before, Prisma.sql`EXISTS (SELECT 1 FROM saved)`, columns),
      );
      saved = row?.saved ?? 0;
    } catch (error) {
      if ((error as { code?: unknown }).code === '22012') this.#needsLock('apply a message already applied');
      throw error;
    }
    if (saved !== 1) this.#needsLock('write over a thread another turn changed');
    this.wrote = true;
  }

  saveConversation(): Promise<void> {
    this.#needsLock('save a conversation on its own');
  }

  /** On an opening whose read found nothing under way elsewhere: none, without a statement. */
  async findLiveDraft(): Promise<undefined> {
    if (!this.#noneElsewhere()) this.#needsLock('look for drafts');
    return undefined;
  }

  async findLiveDrafts(): Promise<[]> {
    if (!this.#noneElsewhere()) this.#needsLock('look for drafts');
    return [];
  }

  #noneElsewhere(): boolean {
    return this.#opening && this.#opened !== undefined && !this.#othersLive;
  }
}

interface CycleRow {
  id: string;
  academic_year: number;
  starts_on: string;
  ends_on: string;
}

/**
 * The person's active cycle on `today`, else their latest active one, as a JSON value (null when
 * none): a scalar subquery, so the turn's first statement and `activeCycle` read it the same way.
 */
function activeCycleOf(person: Prisma.Sql, today: IsoDate): Prisma.Sql {
  return Prisma.sql`(SELECT json_build_object('id', c.id::text, 'academic_year', c.academic_year, 'starts_on', c.starts_on, 'ends_on', c.ends_on)
    FROM cycles c, LATERAL (SELECT c.starts_on <= ${today}::date AND c.ends_on >= ${today}::date AS current) d
    WHERE c.person_id = ${person} AND c.status = 'active'
    ORDER BY d.current DESC, CASE WHEN d.current THEN c.starts_on END DESC NULLS LAST, c.academic_year DESC LIMIT 1)`;
}

function cycleRef(row: CycleRow | null): CycleRef | undefined {
  return row === null ? undefined : { id: row.id, academicYear: row.academic_year, startsOn: row.starts_on as IsoDate, endsOn: row.ends_on as IsoDate };
}

/**
 * The thread's state, inserted or replacing what was there: one statement, or a CTE of one. Stamped
 * with the time of the write (not the transaction's start), as Prisma's `@updatedAt` was: the most
 * recently active thread is the latest `updated_at`.
 */
function upsertConversation(thread: ThreadRef, state: DialogState): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO conversations (id, tenant, thread_key, platform, person_id, dialog_id, dialog_version, step, status, "values", created_at, updated_at)
    VALUES (gen_random_uuid(), ${thread.tenant}, ${thread.threadKey}, ${thread.platform}, ${thread.personId}::uuid, ${state.dialogId}, ${state.version}::int,
      ${state.step}, ${state.status}, ${JSON.stringify(storedDataOf(state))}::jsonb, clock_timestamp(), clock_timestamp())
    ON CONFLICT (tenant, thread_key) DO UPDATE SET platform = EXCLUDED.platform, person_id = EXCLUDED.person_id, dialog_id = EXCLUDED.dialog_id,
      dialog_version = EXCLUDED.dialog_version, step = EXCLUDED.step, status = EXCLUDED.status, "values" = EXCLUDED."values", updated_at = clock_timestamp()`;
}

const PLAN_STATUSES: readonly PlanStatus[] = ['draft', 'submitted', 'agreed', 'changes-requested'];

function toStoredPlan(plan: { id: string; cycleId: string; personId: string; status: string; summary: string | null; details: unknown; person: { fullName: string } }): StoredPlan {
  const status = PLAN_STATUSES.find((s) => s === plan.status) ?? 'draft';
  return { id: plan.id, cycleId: plan.cycleId, personId: plan.personId, personName: plan.person.fullName, status, summary: plan.summary ?? undefined, details: plan.details };
}

class PrismaDialogReads extends PrismaRecordReads implements DialogReads {
  readonly #tx: Tx;

  constructor(tx: Tx) {
    super(tx);
    this.#tx = tx;
  }

  #school: CachedSchool | undefined;
  #speakerCycle: { personId: string; today: IsoDate; cycle: CycleRef | undefined } | undefined;

  /** The turn's school as its first statement confirmed it: its term dates are read from here, not again. */
  useSchool(school: CachedSchool): void {
    this.#school = school;
  }

  /** The speaker's active cycle on the turn's day, read by the first statement (no turn changes a cycle's dates or status). */
  useSpeakerCycle(personId: string, today: IsoDate, cycle: CycleRef | undefined): void {
    this.#speakerCycle = { personId, today, cycle };
  }

  override async calendarSource(schoolId: string): Promise<{ region: string; termDates: unknown }> {
    const school = this.#school;
    if (school?.schoolId !== schoolId) return super.calendarSource(schoolId);
    return { region: school.region, termDates: school.termDates };
  }

  async activeCycle(personId: string, today: IsoDate): Promise<CycleRef | undefined> {
    const known = this.#speakerCycle;
    if (known?.personId === personId && known.today === today) return known.cycle;
    const [row] = await this.#tx.$queryRaw<{ cycle: CycleRow | null }[]>`SELECT ${activeCycleOf(Prisma.sql`${personId}::uuid`, today)} AS cycle`;
    return cycleRef(row?.cycle ?? null);
  }

  async excludedCycle(personId: string, today: IsoDate): Promise<(CycleRef & { reason: string }) | undefined> {
    const day = toDbDate(today);
    const cycle = await this.#tx.cycle.findFirst({ where: { personId, status: 'excluded', startsOn: { lte: day }, endsOn: { gte: day } }, orderBy: { startsOn: 'desc' } });
    if (cycle === null) return undefined;
    const reason = cycle.exclusionReason ?? 'The policy does not cover you this year';
    return { id: cycle.id, academicYear: cycle.academicYear, startsOn: fromDbDate(cycle.startsOn), endsOn: fromDbDate(cycle.endsOn), reason };
  }

  async reviewerOf(personId: string, today: IsoDate): Promise<PersonRef | undefined> {
    const [facts] = await new PrismaPeopleFacts(this.#tx).factsOf([personId]);
    const reviewerId = facts === undefined ? undefined : relationshipsOn(facts, today).reviewer?.id;
    if (reviewerId === undefined) return undefined;
    const reviewer = await this.#tx.person.findUnique({ where: { id: reviewerId }, select: { id: true, fullName: true } });
    return reviewer ?? undefined;
  }

  async planForCycle(cycleId: string): Promise<StoredPlan | undefined> {
    const plan = await this.#tx.growthPlan.findUnique({ where: { cycleId }, include: { person: { select: { fullName: true } } } });
    return plan === null ? undefined : toStoredPlan(plan);
  }

  async plansAwaitingAgreement(reviewerId: string, today: IsoDate, now: Date): Promise<StoredPlan[]> {
    const reviewees = (await this.revieweesOf(reviewerId, today)).filter((c) => c.relation === 'reviewer');
    const submitted = await this.#tx.growthPlan.findMany({
      where: { status: 'submitted', personId: { in: reviewees.map((r) => r.id) } },
      include: { person: { select: { fullName: true } } },
      orderBy: { submittedAt: 'asc' },
    });
    // The plans are read here, in the turn's transaction: the access rule decides again and logs each read.
    const guard = new AccessGuard(new PrismaPeopleFacts(this.#tx), new PrismaAccessLogStore(this.#tx));
    const readable = await guard.readable(reviewerId, submitted.map((p) => p.personId), 'growth-plan', now);
    return submitted.filter((p) => readable.has(p.personId)).map(toStoredPlan);
  }
}

import type { KnownPerson } from '../bot/bot-ports.ts';
import { type OutgoingMessage, say } from '../conversations/engine/outgoing-message.ts';
import { deleteMyExpiredRecords, type RetentionDeps } from '../retention/retention.ts';
import type { School } from '../schools/school.ts';
import { gatherPersonRecords, personalRecordFiles } from './personal-records.ts';
import { recordTableTitle } from './record-tables.ts';
import type { PersonRecordsStore } from './records-ports.ts';

/** What a person can ask about their own records in chat: `my-records` and `delete-expired`. */
export interface RecordsRequests {
  /**
   * The files of everything held about the person, made now (when the reply naming them,
   * `myRecordsToMake`, is sent) and named for `askedAt`, when they were asked for (now if not given).
   */
  myRecords(person: Pick<KnownPerson, 'id'>, askedAt?: Date): Promise<OutgoingMessage[]>;
  deleteExpired(person: KnownPerson, confirmed: boolean): Promise<OutgoingMessage[]>;
}

/**
 * `my-records` in a turn: a message naming the files to make, made when the reply is sent, after
 * the platform has its answer (a large record takes seconds to put into a PDF).
 */
export function myRecordsToMake(person: Pick<KnownPerson, 'id'>, askedAt: Date): OutgoingMessage[] {
  return [{ type: 'text', text: 'Your records could not be put together just now: please ask again in a few minutes.', make: { kind: 'my-records', personId: person.id, askedAt: askedAt.toISOString() } }];
}

/**
 * `/growth my-records` (002 §44; UK GDPR right of access): the readable document (PDF and HTML) and the JSON file
 * of everything held about the person, as files in their chat. `/growth delete-expired` (002 §44:
 * "request the deletion of time-expired records"): first what would go, then, confirmed, it goes.
 */
export class PersonalRecordsRequests implements RecordsRequests {
  readonly #store: PersonRecordsStore;
  readonly #retention: RetentionDeps;

  constructor(store: PersonRecordsStore, retention: RetentionDeps) {
    this.#store = store;
    this.#retention = retention;
  }

  async myRecords(person: Pick<KnownPerson, 'id'>, askedAt?: Date): Promise<OutgoingMessage[]> {
    const records = await gatherPersonRecords(this.#store, person.id);
    if (records === undefined) return [say('I can’t find your records: please ask your Trellis administrator.')];
    const files = await personalRecordFiles(records, askedAt ?? this.#retention.clock.now());
    await this.#store.noteExport(records.subject, { actorId: person.id, via: 'chat' }, this.#retention.clock.now());
    const count = records.tables.reduce((sum, t) => sum + t.rows.length, 0);
    return [
      {
        type: 'text',
        text: `Here is everything Trellis holds about you: ${count} records of ${records.tables.filter((t) => t.rows.length > 0).length} kinds, including the reminders sent to you and who has read your records. The PDF is to read, keep or print; only you have been sent it.`,
        attachment: files.pdf,
      },
      { type: 'text', text: 'The same document as a web page (HTML), to open in a browser.', attachment: files.html },
      { type: 'text', text: 'The same data as a machine-readable file (JSON), if you want to take it elsewhere.', attachment: files.json },
    ];
  }

  async deleteExpired(person: KnownPerson, confirmed: boolean): Promise<OutgoingMessage[]> {
    const school = await this.#schoolOf(person.id);
    if (school === undefined) return [say('I can’t find your school’s policy: please ask your Trellis administrator.')];
    const result = await deleteMyExpiredRecords(this.#retention, school, person.id, { dryRun: !confirmed });
    if (result.destroyed.total === 0) return [say(`None of your records has run out its retention period of ${result.period}, so there is nothing to delete.`)];
    const kinds = result.destroyed.byKind.map((k) => `${k.count} × ${recordTableTitle(k.kind)}`).join(', ');
    if (!confirmed) return [say(`${result.destroyed.total} of your records have run out their retention period of ${result.period}: ${kinds}. Type \`delete-expired yes\` to delete them for good.`)];
    return [say(`Deleted ${result.destroyed.total} of your time-expired records (${kinds}). A log keeps what kind of record each was and when it went, never what it said.`)];
  }

  async #schoolOf(personId: string): Promise<School | undefined> {
    const subject = await this.#store.findById(personId);
    return subject === undefined ? undefined : this.#retention.findSchool(subject.schoolSlug);
  }
}

import type { RecordTable } from './record-tables.ts';

/** A stored value as the export carries it: dates and instants are ISO strings, JSON columns stay JSON. */
export type RecordValue = string | number | boolean | null | RecordValue[] | { [key: string]: RecordValue };
export type RecordRow = { [column: string]: RecordValue };

/** Whose records they are. */
export interface RecordsSubject {
  id: string;
  fullName: string;
  email: string;
  schoolSlug: string;
  schoolName: string;
}

/** Everything Trellis holds about one person, table by table, in `RECORD_TABLES` order. */
export interface PersonRecords {
  subject: RecordsSubject;
  tables: { table: string; rows: RecordRow[] }[];
  /** Names of the people whose ids appear in the rows' person columns, so the document can say who. */
  names: { [personId: string]: string };
}

/** Reads a person's records for the export (src/storage/prisma/prisma-records-store.ts). */
export interface PersonRecordsStore {
  /** People with this e-mail (lower-cased), in one school or in every school. */
  findByEmail(email: string, schoolSlug?: string): Promise<RecordsSubject[]>;
  findById(personId: string): Promise<RecordsSubject | undefined>;
  /** Records that the person's records were exported (an audit event): by them in chat, or by an administrator (`actorId` undefined). */
  noteExport(subject: RecordsSubject, by: { actorId?: string | undefined; via: 'chat' | 'cli' }, now: Date): Promise<void>;
  /** The rows of each table that name the person in one of its person columns. */
  read(personId: string, tables: readonly RecordTable[]): Promise<PersonRecords | undefined>;
}

import type { RecordTable } from '../../core/records/record-tables.ts';
import type { PersonRecords, PersonRecordsStore, RecordRow, RecordsSubject } from '../../core/records/records-ports.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';

const IDENTIFIER = /^[a-z_]+$/;

/** A table or column name from the core's fixed list, quoted; anything else is refused. */
export function identifier(name: string): Prisma.Sql {
  if (!IDENTIFIER.test(name)) throw new Error(`not a table or column name: ${name}`);
  return Prisma.raw(`"${name}"`);
}

/**
 * The export's reads: for each table in the list, every row naming the person in one of its person
 * columns, as JSON (`row_to_json`), so dates arrive as ISO text and JSON columns stay JSON. One query
 * per table, oldest first.
 */
export class PrismaRecordsStore implements PersonRecordsStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  async findByEmail(email: string, schoolSlug?: string): Promise<RecordsSubject[]> {
    const people = await this.#prisma.person.findMany({
      where: { email: email.trim().toLowerCase(), ...(schoolSlug === undefined ? {} : { school: { slug: schoolSlug } }) },
      select: { id: true, fullName: true, email: true, releasedEmail: true, school: { select: { slug: true, name: true } } },
      orderBy: { createdAt: 'asc' },
    });
    return people.map((p) => ({ id: p.id, fullName: p.fullName, email: p.releasedEmail ?? p.email, schoolSlug: p.school.slug, schoolName: p.school.name }));
  }

  async findById(personId: string): Promise<RecordsSubject | undefined> {
    const person = await this.#prisma.person.findUnique({
      where: { id: personId },
      select: { id: true, fullName: true, email: true, releasedEmail: true, school: { select: { slug: true, name: true } } },
    });
    return person === null ? undefined : { id: person.id, fullName: person.fullName, email: person.releasedEmail ?? person.email, schoolSlug: person.school.slug, schoolName: person.school.name };
  }

  async noteExport(subject: RecordsSubject, by: { actorId?: string | undefined; via: 'chat' | 'cli' }, now: Date): Promise<void> {
    const school = await this.#prisma.school.findUnique({ where: { slug: subject.schoolSlug }, select: { id: true } });
    await this.#prisma.auditEvent.create({
      data: { schoolId: school?.id ?? null, actorId: by.actorId ?? null, action: 'records.exported', subjectType: 'person', subjectId: subject.id, at: now, details: { via: by.via } },
    });
  }

  async read(personId: string, tables: readonly RecordTable[]): Promise<PersonRecords | undefined> {
    const subject = await this.findById(personId);
    if (subject === undefined) return undefined;
    const read: PersonRecords['tables'] = [];
    const mentioned = new Set<string>();
    for (const spec of tables) {
      const rows = await this.#rows(personId, spec);
      for (const row of rows) {
        for (const column of spec.personColumns) {
          const value = row[column];
          if (typeof value === 'string') mentioned.add(value);
        }
      }
      read.push({ table: spec.table, rows });
    }
    const named = await this.#prisma.person.findMany({ where: { id: { in: [...mentioned] } }, select: { id: true, fullName: true } });
    return {
      subject,
      tables: read,
      names: Object.fromEntries(named.map((p) => [p.id, p.fullName])),
    };
  }

  async #rows(personId: string, spec: RecordTable): Promise<RecordRow[]> {
    const table = identifier(spec.table);
    let where: Prisma.Sql;
    if (spec.parent !== undefined) {
      where = Prisma.sql`t.${identifier(spec.parent.column)} IN (SELECT p.id FROM ${identifier(spec.parent.table)} p WHERE p.${identifier(spec.parent.personColumn)} = ${personId}::uuid)`;
    } else {
      where = Prisma.join(
        spec.personColumns.map((column) => Prisma.sql`t.${identifier(column)} = ${personId}::uuid`),
        ' OR ',
      );
    }
    const rows = await this.#prisma.$queryRaw<{ row: RecordRow }[]>`SELECT row_to_json(t) AS row FROM ${table} t WHERE ${where} ORDER BY t.id`;
    return rows.map((r) => r.row);
  }
}

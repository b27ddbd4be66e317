// My records on demand (002 §44: "An employee is entitled to have access … to their personnel
// file"; UK GDPR right of access): everything Trellis holds about a person, from real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentBytes } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { gatherPersonRecords, personalRecordFiles, RECORDS_FORMAT } from '../../../src/core/records/personal-records.ts';
import { recordsDocument } from '../../../src/core/records/records-document.ts';
import { RECORD_TABLES } from '../../../src/core/records/record-tables.ts';
import type { PersonRecords } from '../../../src/core/records/records-ports.ts';
import { PrismaRecordsStore } from '../../../src/storage/prisma/prisma-records-store.ts';
import { seedEveryRecord } from '../../support/seed-every-record.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { pdfText } from '../reports/governors-year.ts';

let db: TestDatabase;
let records: PersonRecords;
let ids: { school: string; head: string; teacher: string; colleague: string };
const generatedAt = new Date('2026-11-30T12:00:00Z');

beforeAll(async () => {
  db = await createTestDatabase();
  const p = db.prisma;
  const school = await p.school.create({ data: { slug: 'records', name: 'Records School', policy: {}, policySource: 'thomas-alleyne', termDates: {} } });
  const head = await p.person.create({ data: { schoolId: school.id, email: 'head@records.example', fullName: 'Ada Head', role: 'headteacher' } });
  const teacher = await p.person.create({ data: { schoolId: school.id, email: 'tom@records.example', fullName: 'Tom <b>Teacher</b>', role: 'teacher', lineManagerId: head.id } });
  const colleague = await p.person.create({ data: { schoolId: school.id, email: 'cat@records.example', fullName: 'Cat Colleague', role: 'teacher', lineManagerId: head.id } });
  ids = { school: school.id, head: head.id, teacher: teacher.id, colleague: colleague.id };
  await seedEveryRecord(p, { schoolId: school.id, personId: teacher.id, otherId: head.id, year: 2025, text: '<script>alert("x")</script> & more' });
  await seedEveryRecord(p, { schoolId: school.id, personId: colleague.id, otherId: head.id, year: 2025, text: 'Cat’s private notes' });
  await p.platformIdentity.create({ data: { personId: teacher.id, platform: 'slack', tenantId: 'T1', platformUserId: 'U1' } });
  await p.teamsInstallFailure.create({ data: { personId: teacher.id, tenantId: 'tenant-1', outcome: 'forbidden', detail: 'Graph answered 403 (Forbidden)', attemptedAt: generatedAt } });
  await p.slackReachFailure.create({ data: { personId: teacher.id, workspace: 'T1', outcome: 'deactivated', detail: 'Slack answered account_inactive to a message', attemptedAt: generatedAt } });
  await p.deletionLog.create({
    data: { schoolId: school.id, kind: 'check_ins', recordId: teacher.id, subjectPersonId: teacher.id, cycleYear: 2018, reason: 'retention', rule: '6 years', deletedAt: generatedAt },
  });
  const read = await gatherPersonRecords(new PrismaRecordsStore(p), teacher.id);
  if (read === undefined) throw new Error('teacher not found');
  records = read;
});
afterAll(() => db.drop());

describe('my records (002 §44, UK GDPR right of access)', () => {
  it('002 §44: holds at least one row from every table that names the person, in the order of RECORD_TABLES', () => {
    expect(records.tables.map((t) => t.table)).toEqual(RECORD_TABLES.map((t) => t.table));
    const empty = records.tables.filter((t) => t.rows.length === 0).map((t) => t.table);
    expect(empty).toEqual([]);
  });

  it('002 §44: carries only the person’s own rows, never a colleague’s records or roster row', () => {
    const everything = JSON.stringify(records.tables);
    expect(everything).not.toContain('Cat’s private notes');
    expect(everything).not.toContain(ids.colleague);
    const people = records.tables.find((t) => t.table === 'people')?.rows ?? [];
    expect(people.map((row) => row.id)).toEqual([ids.teacher]);
  });

  it('002 §44: the JSON file is the same data, with its format named', async () => {
    const { json } = await personalRecordFiles(records, generatedAt);
    const parsed = JSON.parse(json.content) as { format: string; subject: { id: string }; tables: Record<string, unknown[]> };
    expect(parsed.format).toBe(RECORDS_FORMAT);
    expect(parsed.subject.id).toBe(ids.teacher);
    expect(Object.keys(parsed.tables)).toEqual(RECORD_TABLES.map((t) => t.table));
    expect(parsed.tables.diary_entries).toHaveLength(1);
    expect(json.filename).toBe('trellis-records-tom-bteacherb-2026-11-30.json');
  });

  it('002 §44: the readable document escapes what people typed, writes dates out and names people', async () => {
    const { html } = await personalRecordFiles(records, generatedAt);
    expect(html.contentType).toContain('text/html');
    expect(html.content).not.toContain('<script>');
    expect(html.content).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    expect(html.content).toContain('Tom &lt;b&gt;Teacher&lt;/b&gt;');
    for (const spec of RECORD_TABLES) expect(html.content).toContain(`<section id="${spec.table}">`);
    expect(html.content).toContain('10 November 2025');
    expect(html.content).toContain('<dt>Conducted by</dt><dd>Ada Head</dd>');
    expect(html.content).not.toMatch(/<(script|link|img|iframe)\b/);
  });

  it('002 §44: the PDF carries the same document as the web page: every heading, every field’s label and value, what people typed shown as text', async () => {
    const { pdf, html } = await personalRecordFiles(records, generatedAt);
    expect(pdf).toMatchObject({ filename: 'trellis-records-tom-bteacherb-2026-11-30.pdf', contentType: 'application/pdf', encoding: 'base64' });
    const bytes = attachmentBytes(pdf);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // Text extraction joins and splits words by where they were drawn: compare without spaces.
    const squash = (text: string) => text.replace(/\s+/g, '');
    const text = squash(await pdfText(new Uint8Array(bytes)));
    const doc = recordsDocument(records, generatedAt);
    expect(text).toContain(squash(doc.title));
    expect(text).toContain(squash(doc.subjectLine));
    for (const section of doc.sections) {
      expect(text).toContain(squash(`${section.title} (${section.rows.length})`));
      for (const field of section.rows.flat().filter((f) => !f.structured)) {
        expect(text).toContain(squash(field.label));
        expect(text).toContain(squash(field.text));
      }
    }
    expect(text).toContain(squash('<script>alert("x")</script> & more'));
    expect(text).toContain('10November2025');
    expect(html.content).toContain(doc.introduction);
  });
});

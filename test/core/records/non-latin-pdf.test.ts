// Names and answers in other scripts come out of every PDF as the same text: the PDFs are set in
// DejaVu Sans, embedded (subset, with a ToUnicode map), not in pdfkit's built-in Helvetica, which
// has no glyph for "Ł" or "Α" and would print something else.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTermDates } from '../../../src/core/calendar/term-dates.ts';
import { attachmentBytes } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { getPreset } from '../../../src/core/policy/presets/index.ts';
import { gatherPersonRecords, personalRecordFiles } from '../../../src/core/records/personal-records.ts';
import { buildGovernorsReport } from '../../../src/core/reports/governors-report.ts';
import { governorsReportFiles } from '../../../src/core/reports/governors-render.ts';
import { PrismaRecordsStore } from '../../../src/storage/prisma/prisma-records-store.ts';
import { seedEveryRecord } from '../../support/seed-every-record.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { pdfText } from '../reports/governors-year.ts';
import { TERMS } from '../reminders/support/school-year.ts';

const NAME = 'Łucja Żółkiewska-Παπαδοπούλου';
/** Polish and Greek in one answer, and an Arabic word ("development") on its own line. */
const ANSWER = 'Zajęcia dodatkowe z geometrii — Γεωμετρία για όλους';
const ARABIC = 'تطوير';
const SCHOOL = 'Szkoła Podstawowa nr 3 im. Łukasiewicza · Σχολείο';

let db: TestDatabase;
const generatedAt = new Date('2026-11-30T12:00:00Z');
/** Text extraction splits and joins words by where they were drawn: compare without spaces. */
const squash = (text: string) => text.replace(/\s+/g, '');

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

/** The names of the fonts a PDF embeds (as font descriptors name them) and whether it uses a built-in one. */
function fontsOf(bytes: Buffer): { embedded: string[]; builtIn: string[] } {
  const text = bytes.toString('latin1');
  const embedded = [...text.matchAll(/\/FontName \/([A-Z]{6}\+[\w-]+)/g)].map((m) => m[1]!.slice(7));
  const builtIn = [...text.matchAll(/\/BaseFont \/(Helvetica|Courier|Times)[\w-]*/g)].map((m) => m[0].slice(10));
  return { embedded: [...new Set(embedded)].sort(), builtIn: [...new Set(builtIn)] };
}

describe('non-Latin text in the PDFs', () => {
  it('002 §44: a Polish and Greek name and answers in Polish, Greek and Arabic are in the records PDF as the same extractable text, in embedded DejaVu Sans', async () => {
    const p = db.prisma;
    const school = await p.school.create({ data: { slug: 'szkola', name: SCHOOL, policy: {}, policySource: 'thomas-alleyne', termDates: {} } });
    const head = await p.person.create({ data: { schoolId: school.id, email: 'dyrektor@szkola.example', fullName: 'Αθηνά Δημητρίου', role: 'headteacher' } });
    const teacher = await p.person.create({ data: { schoolId: school.id, email: 'lucja@szkola.example', fullName: NAME, role: 'teacher', lineManagerId: head.id } });
    await seedEveryRecord(p, { schoolId: school.id, personId: teacher.id, otherId: head.id, year: 2025, text: `${ANSWER}\n${ARABIC}` });
    const records = await gatherPersonRecords(new PrismaRecordsStore(p), teacher.id);
    if (records === undefined) throw new Error('teacher not found');

    const bytes = attachmentBytes((await personalRecordFiles(records, generatedAt)).pdf);
    const text = squash(await pdfText(new Uint8Array(bytes)));
    expect(text).toContain(squash(NAME));
    expect(text).toContain(squash('Αθηνά Δημητρίου'));
    expect(text).toContain(squash(ANSWER));
    expect(text).toContain(ARABIC);
    expect(text).not.toContain('\u0000');
    expect(fontsOf(bytes)).toEqual({ embedded: ['DejaVuSans', 'DejaVuSans-Bold', 'DejaVuSansMono'], builtIn: [] });
  });

  it('002 §36: a school named in Polish and Greek keeps its name in the governors’ report PDF, set in embedded DejaVu Sans', async () => {
    const policy = getPreset('thomas-alleyne');
    const terms = parseTermDates(readFileSync(TERMS, 'utf8'), 'england-2026-28.yaml');
    if (policy === undefined || !terms.ok) throw new Error('preset or term dates missing');
    const inCycle = Array.from({ length: 8 }, (_, i) => ({ id: `p${i}`, flags: [], developmentTexts: ['questioning'], observedMinutes: 60 }));
    const report = buildGovernorsReport({ name: SCHOOL, policy, region: 'england-and-wales', termDates: terms.value }, 2026, { inCycle, excluded: 0, obligations: [], appeals: [] }, '2027-08-31');
    const bytes = attachmentBytes((await governorsReportFiles(report, 'szkola')).pdf);
    const text = squash(await pdfText(new Uint8Array(bytes)));
    expect(text).toContain(squash(SCHOOL));
    expect(text).not.toContain('\u0000');
    expect(fontsOf(bytes).embedded).toEqual(['DejaVuSans', 'DejaVuSans-Bold']);
  });
});

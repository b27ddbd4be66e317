// `trellis report governors`: the annual report to governors (002 §36–39, §19) for a simulated
// 2026/27 of a school under each preset, checked to name nobody and to show no count from 1 to 4
// (002 §37: "The report will not contain any information which would enable any individual to be
// identified") in all three files.
import { cp, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpSchool } from '../core/reminders/support/school-year.ts';
import { htmlText, liveTheYear, pdfText } from '../core/reports/governors-year.ts';
import { runTrellisWith } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const PRESETS = ['kingsmead', 'thomas-alleyne', 'tpat', 'whmat'] as const;
const NAMES = { kingsmead: 'Kingsmead School', 'thomas-alleyne': 'Thomas Alleyne Academy', tpat: 'TPAT Primary', whmat: 'Washwood Heath Academy' } as const;
let db: TestDatabase;
let dir: string;
const trellis = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at: '2027-09-15T09:00:00Z' }, ...argv);

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'trellis-governors-'));
  for (const preset of PRESETS) {
    await setUpSchool(db.url, dir, preset, preset);
    await liveTheYear(db.prisma, preset);
    await db.prisma.school.update({ where: { slug: preset }, data: { name: `${NAMES[preset]} (simulated year)` } });
  }
}, 120_000);
afterAll(() => db.drop());

/** Standalone numbers 1–4 in a text, once citations ("002 §47–51, Annex 1") and the suppression note's "from 1 to 4" are set aside. */
function smallNumbers(text: string): string[] {
  const plain = text.replace(/\s+/g, ' ').replace(/00[1-4]\b[^)]*\)/g, ' ').replace(/from 1 to 4/g, ' ');
  return plain.split(' ').filter((token) => /^[1-4][.,;:)]?$/.test(token));
}

async function reportOf(preset: string) {
  const out = join(dir, `out-${preset}`);
  const run = await trellis('report', 'governors', '--school', preset, '--year', '2026', '--out', out);
  if (process.env.GOVERNORS_REPORT_KEEP !== undefined) await cp(out, join(process.env.GOVERNORS_REPORT_KEEP, preset), { recursive: true });
  const files = (await readdir(out)).sort();
  const read = (suffix: string) => readFile(join(out, files.find((f) => f.endsWith(suffix)) ?? 'missing'));
  const people = await db.prisma.person.findMany({ where: { school: { slug: preset } }, select: { fullName: true, email: true } });
  return { run, files, csv: (await read('.csv')).toString('utf8'), html: (await read('.html')).toString('utf8'), pdf: await pdfText(new Uint8Array(await read('.pdf'))), people };
}

describe('trellis report governors: a simulated year under each preset (002 §36–39)', () => {
  for (const preset of PRESETS) {
    it(`002 §37: ${preset}'s report is a PDF, an HTML page and a CSV with no name, no e-mail and no count from 1 to 4`, async () => {
      const { run, files, csv, html, pdf, people } = await reportOf(preset);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(files).toEqual([`governors-report-${preset}-2026.csv`, `governors-report-${preset}-2026.html`, `governors-report-${preset}-2026.pdf`]);
      const texts = { csv, html: htmlText(html), pdf };
      for (const [name, text] of Object.entries(texts)) {
        const leaks = people.flatMap((p) => [p.fullName, p.email]).filter((n) => text.includes(n));
        expect({ name, leaks, at: text.includes('@') }).toEqual({ name, leaks: [], at: false });
      }
      expect(smallNumbers(texts.html)).toEqual([]);
      expect(smallNumbers(texts.pdf)).toEqual([]);
      const rows = parse(csv, { columns: true }) as { section: string; item: string; measure: string; value: string }[];
      const values = rows.map((r) => r.value);
      expect(values.filter((v) => /^\d+$/.test(v) && Number(v) > 0 && Number(v) < 5)).toEqual([]);
      // The figures are there: stages done on time, themes, appeals, and what is not recorded said plainly (002 §39).
      expect(rows.some((r) => r.section === 'stages by kind' && r.measure === 'on time' && Number(r.value) >= 5)).toBe(true);
      expect(rows.filter((r) => r.section === 'stages by term').map((r) => r.item)).toContain('Autumn term');
      expect(rows.find((r) => r.section === 'development themes' && r.item === 'Teaching and pedagogy')?.value).toMatch(/^\d+$/);
      expect(rows.find((r) => r.section === 'appeals' && r.item === 'Appeals lodged')?.value).toBe('7');
      expect(rows.find((r) => r.section === 'discrimination')?.value).toBe('not recorded by Trellis');
      expect(pdf).toContain('How the policy operated');
      expect(pdf).toContain('Training and development needs');
      expect(html).toContain('<svg');
    });
  }

  it('002 §37: a single partly upheld appeal and a single withdrawn one are never shown, nor can be worked out from the total (so “not upheld” is hidden too)', async () => {
    const { csv } = await reportOf('tpat');
    const rows = parse(csv, { columns: true }) as { section: string; item: string; value: string }[];
    expect(rows.filter((r) => r.section === 'appeals').map((r) => `${r.item}: ${r.value}`)).toEqual(['Appeals lodged: 7', 'Partly upheld: fewer than 5', 'Not upheld: not shown', 'Withdrawn: fewer than 5']);
  });

  it('002 §47–51: under Thomas Alleyne the observation cap of 180 minutes is reported as staff within and over it, counts only', async () => {
    const { csv } = await reportOf('thomas-alleyne');
    const rows = parse(csv, { columns: true }) as { section: string; item: string; value: string }[];
    const cap = rows.filter((r) => r.section === 'observation cap').map((r) => `${r.item}: ${r.value}`);
    expect(cap).toEqual(['Within the cap: 16', 'Over the cap: 5', 'Not subject to the cap (e.g. support plans): 0']);
  });

  it('refuses an unknown school or a year that is not one, in plain words', async () => {
    const unknown = await trellis('report', 'governors', '--school', 'nowhere', '--year', '2026');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No school called "nowhere"');
    const badYear = await trellis('report', 'governors', '--school', 'tpat', '--year', 'last');
    expect(badYear.stderr).toContain('--year last is not a year');
    expect(badYear.stderr).not.toContain('    at ');
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { academicYearOfTerm, parseTermDates, type TermDates } from '../../../src/core/calendar/index.ts';

const configFile = (name: string) => readFileSync(new URL(`../../../config/terms/${name}`, import.meta.url), 'utf8');

/** A one-term file around the given lines; `terms` is the YAML list's body. */
const file = (terms: string, extra = '') => `region: england-and-wales\nterms:\n${terms}${extra}`;

function problemsOf(text: string) {
  const result = parseTermDates(text, 'school.yaml');
  if (result.ok) throw new Error('expected problems, got a valid file');
  return result.problems;
}

describe('term dates files', () => {
  it('the sample england-2026-27.yaml reads as written, dates kept as strings', () => {
    const result = parseTermDates(configFile('england-2026-27.yaml'), 'england-2026-27.yaml');
    expect(result).toEqual({
      ok: true,
      value: {
        region: 'england-and-wales',
        terms: [
          { name: 'autumn', start: '2026-09-02', end: '2026-12-18', halfTerm: { start: '2026-10-26', end: '2026-10-30' } },
          { name: 'spring', start: '2027-01-05', end: '2027-03-26', halfTerm: { start: '2027-02-15', end: '2027-02-19' } },
          { name: 'summer', start: '2027-04-12', end: '2027-07-21', halfTerm: { start: '2027-05-31', end: '2027-06-04' } },
        ],
        closures: ['2026-09-01', '2027-01-04'],
      } satisfies TermDates,
    });
  });

  it('a file may hold two academic years: england-2026-28.yaml has three terms in each of 2026/27 and 2027/28', () => {
    const result = parseTermDates(configFile('england-2026-28.yaml'), 'england-2026-28.yaml');
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.value.terms.map((t) => `${academicYearOfTerm(t)} ${t.name}`)).toEqual([
      '2026 autumn', '2026 spring', '2026 summer', '2027 autumn', '2027 spring', '2027 summer',
    ]);
  });

  it('the Scottish sample is valid and its summer term has no half term', () => {
    const result = parseTermDates(configFile('scotland-2026-27.yaml'), 'scotland-2026-27.yaml');
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.value.region).toBe('scotland');
    expect(result.value.terms[2]?.halfTerm).toBeUndefined();
  });

  it('JSON is accepted, and closures default to none', () => {
    const json = JSON.stringify({ region: 'scotland', terms: [{ name: 'autumn', start: '2026-08-19', end: '2026-12-22' }] });
    expect(parseTermDates(json, 'terms.json')).toEqual({
      ok: true,
      value: { region: 'scotland', terms: [{ name: 'autumn', start: '2026-08-19', end: '2026-12-22' }], closures: [] },
    });
  });

  it('quoted dates are read the same as bare ones', () => {
    const result = parseTermDates(file(`  - { name: autumn, start: "2026-09-02", end: '2026-12-18' }\n`), 'school.yaml');
    expect(result.ok && result.value.terms[0]).toEqual({ name: 'autumn', start: '2026-09-02', end: '2026-12-18' });
  });
});

describe('term dates problems name the path and say what is wrong', () => {
  it('a date that does not exist: terms[1].halfTerm.start: 2027-02-31 is not a real date', () => {
    const text = file(
      '  - { name: autumn, start: 2026-09-02, end: 2026-12-18 }\n' +
        '  - { name: spring, start: 2027-01-05, end: 2027-03-26, halfTerm: { start: 2027-02-31, end: 2027-02-19 } }\n',
    );
    expect(problemsOf(text)).toEqual([{ path: 'terms[1].halfTerm.start', message: '2027-02-31 is not a real date' }]);
  });

  it('a date not written YYYY-MM-DD, or not text at all', () => {
    expect(problemsOf(file('  - { name: autumn, start: 2026-9-2, end: 2026-12-18 }\n'))).toEqual([
      { path: 'terms[0].start', message: '"2026-9-2" is not a date written YYYY-MM-DD' },
    ]);
    expect(problemsOf(file('  - { name: autumn, start: 20260902, end: 2026-12-18 }\n'))).toEqual([
      { path: 'terms[0].start', message: 'should be a date written YYYY-MM-DD, not the number 20260902' },
    ]);
  });

  it('a term that ends before it starts', () => {
    expect(problemsOf(file('  - { name: autumn, start: 2026-09-02, end: 2026-08-18 }\n'))).toEqual([
      { path: 'terms[0].end', message: "2026-08-18 is before the term's start 2026-09-02" },
    ]);
  });

  it('a half term that ends before it starts, or spills outside its term', () => {
    expect(problemsOf(file('  - { name: autumn, start: 2026-09-02, end: 2026-12-18, halfTerm: { start: 2026-10-30, end: 2026-10-26 } }\n'))).toEqual([
      { path: 'terms[0].halfTerm.end', message: "2026-10-26 is before the half term's start 2026-10-30" },
    ]);
    expect(problemsOf(file('  - { name: autumn, start: 2026-09-02, end: 2026-12-18, halfTerm: { start: 2026-08-31, end: 2026-12-21 } }\n'))).toEqual([
      { path: 'terms[0].halfTerm.start', message: '2026-08-31 is before the autumn term starts (2026-09-02)' },
      { path: 'terms[0].halfTerm.end', message: '2026-12-21 is after the autumn term ends (2026-12-18)' },
    ]);
  });

  it('terms out of date order or overlapping', () => {
    const text = file(
      '  - { name: autumn, start: 2026-09-02, end: 2026-12-18 }\n' +
        '  - { name: spring, start: 2027-01-05, end: 2027-03-26 }\n' +
        '  - { name: summer, start: 2027-03-22, end: 2027-07-21 }\n',
    );
    expect(problemsOf(text)).toEqual([
      {
        path: 'terms[2].start',
        message: '2027-03-22 is not after the end of the term before it (terms[1] ends 2027-03-26); list terms in date order without overlaps',
      },
    ]);
  });

  it('two autumn terms in one academic year, or spring listed after summer', () => {
    expect(problemsOf(file('  - { name: autumn, start: 2026-09-02, end: 2026-10-16 }\n  - { name: autumn, start: 2026-11-02, end: 2026-12-18 }\n'))).toEqual([
      { path: 'terms[1].name', message: 'academic year 2026/27 already has an autumn term (terms[0])' },
    ]);
    expect(problemsOf(file('  - { name: summer, start: 2027-01-05, end: 2027-03-26 }\n  - { name: spring, start: 2027-04-12, end: 2027-07-21 }\n'))).toEqual([
      { path: 'terms[1].name', message: 'a spring term cannot come after the summer term of academic year 2026/27 (terms[0])' },
    ]);
  });

  it('a term starting in the wrong half of the year for its name', () => {
    expect(problemsOf(file('  - { name: spring, start: 2026-09-02, end: 2026-12-18 }\n'))).toEqual([
      { path: 'terms[0].start', message: 'a spring term must start between January and June, not on 2026-09-02' },
    ]);
  });

  it('a term name other than autumn, spring or summer', () => {
    expect(problemsOf(file('  - { name: winter, start: 2026-09-02, end: 2026-12-18 }\n'))).toEqual([
      { path: 'terms[0].name', message: 'should be one of autumn, spring, summer, not "winter"' },
    ]);
  });

  it('a region other than the three gov.uk regions', () => {
    expect(problemsOf('region: wales\nterms:\n  - { name: autumn, start: 2026-09-02, end: 2026-12-18 }\n')).toEqual([
      { path: 'region', message: 'should be one of england-and-wales, scotland, northern-ireland, not "wales"' },
    ]);
  });

  it('a missing field, and misspelt fields', () => {
    expect(problemsOf(file('  - { name: autumn, end: 2026-12-18 }\n'))).toEqual([
      { path: 'terms[0].start', message: 'is missing: it should be a date written YYYY-MM-DD' },
    ]);
    expect(problemsOf(file('  - { name: autumn, start: 2026-09-02, end: 2026-12-18, halfterm: { start: 2026-10-26, end: 2026-10-30 } }\n', 'closure: []\n'))).toEqual([
      { path: 'terms[0].halfterm', message: 'is not a field here; the fields are name, start, end, halfTerm' },
      { path: 'closure', message: 'is not a field here; the fields are region, terms, closures' },
    ]);
  });

  it('closures that are not real dates', () => {
    expect(problemsOf(file('  - { name: autumn, start: 2026-09-02, end: 2026-12-18 }\n', 'closures: [2026-09-01, 2026-09-31]\n'))).toEqual([
      { path: 'closures[1]', message: '2026-09-31 is not a real date' },
    ]);
  });

  it('no terms, or terms that are not a list', () => {
    expect(problemsOf('region: england-and-wales\nterms: []\n')).toEqual([{ path: 'terms', message: 'must list at least one term' }]);
    expect(problemsOf('region: england-and-wales\nterms: autumn\n')).toEqual([{ path: 'terms', message: 'should be a list of terms, not "autumn"' }]);
  });

  it('problems with the file as a whole name the file: bad YAML, several documents, empty, not a mapping', () => {
    expect(problemsOf('region: england-and-wales\nterms: [\n  - { name: autumn')).toEqual([
      { path: '(file)', message: expect.stringMatching(/^school\.yaml is not valid YAML or JSON: .* at line 3, column \d+$/) },
    ]);
    expect(problemsOf('region: england-and-wales\n---\nregion: scotland\n')).toEqual([
      { path: '(file)', message: 'school.yaml is not valid YAML or JSON: it holds more than one document (a line of ---); put everything in one' },
    ]);
    expect(problemsOf('')).toEqual([{ path: '(file)', message: 'school.yaml is empty: it needs region, terms and closures' }]);
    expect(problemsOf('- autumn\n- spring\n')).toEqual([
      { path: '(file)', message: 'should be a mapping with region, terms and closures, not a list' },
    ]);
  });
});

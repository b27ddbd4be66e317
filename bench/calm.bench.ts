import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseTermDates } from '../src/core/calendar/term-dates.ts';
import { londonInstant } from '../src/core/calendar/london-time.ts';
import { getPreset } from '../src/core/policy/presets/index.ts';
import { composeDigest, type DigestMessage } from '../src/core/reminders/compose-digest.ts';
import { planReminders } from '../src/core/reminders/plan-reminders.ts';
import { importRoster } from '../src/core/roster/import-roster.ts';
import { calendarOf } from '../src/core/schools/school.ts';
import { setSchool } from '../src/core/schools/set-school.ts';
import { fixedClock } from '../src/core/time/clock.ts';
import { notYetQueued, schoolYearRosterCsv } from '../test/core/reminders/support/school-year.ts';
import { withBenchServices } from './bench-support.ts';

/**
 * Calm-reminder figures: each preset's school of 32 (the sweep-year tests' roster) through
 * 2026/27, one sweep at 16:00 London on every calendar day, nothing ever done (the noisiest
 * year). The digests are those the sweep delivers (the sweep-year tests prove delivery equals
 * `planReminders` + `composeDigest` day by day). Writes docs/calm-reminders.md; with
 * CALM_SAVE_BEFORE=1 it saves the figures as the "before" column instead; CALM_TRACE=email prints
 * that person's digests day by day.
 */
const PRESETS = ['kingsmead', 'thomas-alleyne', 'tpat', 'whmat'] as const;
const BEFORE = new URL('../docs/calm-figures-before.json', import.meta.url);
const DOC = new URL('../docs/calm-reminders.md', import.meta.url);
const terms = parseTermDates(readFileSync(new URL('../config/terms/england-2026-28.yaml', import.meta.url), 'utf8'), 'england-2026-28.yaml');
if (!terms.ok) throw new Error('bad bench terms');

interface Figures {
  people: number;
  digests: number;
  perWeekMedian: number;
  perWeekMax: number;
  buttonsMax: number;
  itemsMax: number;
  daysMedian: number;
  daysMax: number;
  /** The most digests one person got in any run of 8 school days (the complaint: 6 in 8). */
  in8Max?: number;
  /** The most digests one person got in any run of 5 school days (the target: at most 3). */
  in5Max?: number;
}

/** Every button a digest carries: its items' and (where it has them) its summaries' actions. */
function buttonsOf(digest: DigestMessage): number {
  const extra = (digest as unknown as { escalations?: { actions: unknown[] }[] }).escalations ?? [];
  return digest.items.reduce((n, item) => n + item.actions.length, 0) + extra.reduce((n, e) => n + e.actions.length, 0);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function addDay(date: string): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** The Monday of a date's week, so messages are counted per school week. */
function weekOf(date: string): string {
  const day = new Date(`${date}T12:00:00Z`);
  const back = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - back * 86_400_000).toISOString().slice(0, 10);
}

const results = new Map<string, Figures>();
await withBenchServices(fixedClock(londonInstant('2026-09-01', '08:00')), async (services) => {
  for (const preset of PRESETS) {
    const { school } = await setSchool(services, { slug: preset, policy: getPreset(preset)!, policySource: `preset:${preset}`, termDates: terms.value });
    const imported = await importRoster(services, preset, schoolYearRosterCsv(`${preset}.example`), 2026);
    if (!imported.ok) throw new Error(`roster for ${preset} did not load`);
    const calendar = calendarOf(school);
    const inputs = await services.reminders.loadSweepInputs(school.id, '2027-12-31', '2000-01-01');
    const digests: DigestMessage[] = [];
    const queued = new Set<string>();
    for (let date = '2026-09-01'; date <= '2027-08-31'; date = addDay(date)) {
      const planned = planReminders({ school, calendar, obligations: inputs.obligations, people: inputs.people, now: londonInstant(date, '16:00'), catchUpSchoolDays: 0 });
      const due = notYetQueued(planned, queued);
      for (const recipient of new Set(due.map((r) => r.recipientId))) digests.push(composeDigest(recipient, date, due));
    }
    const schoolWeeks = new Set<string>();
    for (let date = '2026-09-01'; date <= '2027-08-31'; date = addDay(date)) if (calendar.isSchoolDay(date)) schoolWeeks.add(weekOf(date));
    const recipients = [...new Set(digests.map((d) => d.recipientId))];
    const schoolDays: string[] = [];
    for (let date = '2026-09-01'; date <= '2027-08-31'; date = addDay(date)) if (calendar.isSchoolDay(date)) schoolDays.push(date);
    let in8Max = 0;
    let in5Max = 0;
    let worst = '';
    let worst5 = '';
    const perWeek: number[] = [];
    const days: number[] = [];
    for (const person of recipients) {
      const mine = digests.filter((d) => d.recipientId === person);
      const sent = new Set(mine.map((d) => d.date));
      days.push(sent.size);
      for (let i = 0; i + 5 <= schoolDays.length; i++) {
        const inWindow = schoolDays.slice(i, i + 5).filter((day) => sent.has(day)).length;
        if (inWindow > in5Max) {
          in5Max = inWindow;
          worst5 = `${inputs.people.find((p) => p.id === person)?.email} from ${schoolDays[i]}`;
        }
      }
      for (let i = 0; i + 8 <= schoolDays.length; i++) {
        const inWindow = schoolDays.slice(i, i + 8).filter((day) => sent.has(day)).length;
        if (inWindow > in8Max) {
          in8Max = inWindow;
          worst = `${inputs.people.find((p) => p.id === person)?.email} from ${schoolDays[i]}`;
        }
      }
      for (const week of schoolWeeks) perWeek.push(mine.filter((d) => weekOf(d.date) === week).length);
    }
    if (process.env.CALM_TRACE !== undefined) for (const d of digests.filter((x) => inputs.people.find((p) => p.id === x.recipientId)?.email === process.env.CALM_TRACE)) console.log(d.date, [...d.items, ...(d.more ?? [])].map((i) => `${i.label.slice(0, 30)}=${i.state}${i.about ? `@${i.about.fullName}` : ""}`).join(" | "), (d.escalations ?? []).map((e) => `ESC ${e.label.slice(0, 60)}`).join(" | "));
    results.set(preset, {
      people: recipients.length,
      digests: digests.length,
      perWeekMedian: median(perWeek),
      perWeekMax: Math.max(...perWeek),
      buttonsMax: Math.max(...digests.map(buttonsOf)),
      itemsMax: Math.max(...digests.map((d) => d.items.length)),
      daysMedian: median(days),
      daysMax: Math.max(...days),
      in8Max,
      in5Max,
    });
    console.log(preset, results.get(preset), `most in 8 school days: ${worst}; in 5: ${worst5}`);
  }
});

if (process.env.CALM_SAVE_BEFORE === '1') {
  writeFileSync(BEFORE, `${JSON.stringify(Object.fromEntries(results), null, 2)}\n`);
  console.log(`saved ${BEFORE.pathname}`);
} else {
  const before: Record<string, Figures> = existsSync(BEFORE) ? JSON.parse(readFileSync(BEFORE, 'utf8')) : {};
  writeFileSync(DOC, renderDoc(before, results));
  console.log(`wrote ${DOC.pathname}`);
}

function renderDoc(before: Record<string, Figures>, after: Map<string, Figures>): string {
  const cell = (preset: string, pick: (f: Figures) => string) => `${before[preset] === undefined ? '—' : pick(before[preset])} → ${pick(after.get(preset)!)}`;
  const rows = PRESETS.map(
    (p) =>
      `| ${p} | ${after.get(p)!.people} | ${cell(p, (f) => String(f.digests))} | ${cell(p, (f) => `${f.perWeekMedian} / ${f.perWeekMax}`)} | ${cell(p, (f) => String(f.in5Max ?? '—'))} | ${cell(p, (f) => String(f.in8Max ?? '—'))} | ${cell(p, (f) => String(f.buttonsMax))} | ${cell(p, (f) => String(f.itemsMax))} | ${cell(p, (f) => `${f.daysMedian} / ${f.daysMax}`)} |`,
  );
  return `# Calm reminders: figures over a simulated year

Generated by \`npm run bench calm\` (bench/calm.bench.ts); do not edit by hand.

Each preset's school of 32 (the roster of the sweep-year tests: head, deputy, two heads of
department, 16 teachers, 5 teaching assistants, 4 support staff, a January starter, an ECT and
an agency teacher) is swept at 16:00 London on every calendar day of 2026/27 with nobody ever
doing anything (the noisiest possible year). A reminder the outbox already holds is not sent
again, as in the sweep. "Before" is the planner before "due tomorrow" was folded into "due today"
and escalations moved to the weekly chase day (the figures saved in docs/calm-figures-before.json);
"after" is today's. Figures are over the people who got at least one digest. Earlier still, before
coming-up nudges were brought forward, the year had 1036 / 763 / 1385 / 1554 digests and WHMAT 7
messages in 8 school days; before calm digests at all, up to 116 buttons in one digest, 8 messages
in 8 school days and, under WHMAT, 2088 digests.

The target, pinned in the sweep-year tests (\`test/core/reminders/support/school-year-suite.ts\`):
nobody gets more than 3 messages in any 5 school days under any preset, and every open obligation
due in the year is still announced to its owner on or before its due day.

| preset | people | digests in the year | messages per person per school week (median / max) | most messages to one person in 5 school days | most messages to one person in 8 school days | buttons per digest (max) | items with buttons per digest (max) | days with a message per person (median / max) |
|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

What changed (see ARCHITECTURE.md, "Calm digests"):

- a digest carries at most five items with buttons, most pressing first; the rest are counted
  ("and 3 more — say \`status\`");
- buttons: each item with buttons has Start, Done, Snooze and Not applicable, so five items are 20;
- escalations to a manager or head are one summary line per thing: a line manager's names their
  own team ("3 of your team are overdue with … : A, B, C") with nothing to press; a head's gives
  the count and one "See who" button that runs \`overdue\`, which names people only to those
  entitled;
- a look-ahead nudge (opened, due in N school days) is not repeated for the same item to the same
  person within the policy's smallest gap between its own look-ahead points (5 and 1 school days
  before: 4 school days); becoming due or overdue is always said;
- after its first overdue chase, an item is chased again on the weekly chase day (Monday, held to
  the next school day), at least the cadence's overdue interval after the last chase, so two late
  items are one message a week, not two on different days;
- a coming-up nudge (due in N school days) due within the next few school days (the same gap, 4)
  goes out early in a digest its owner gets that day anyway (a due day, an overdue chase, an
  escalation, an item opening), so items falling due close together are announced together; never
  later than its own day, never before the item opens, never on the school day after the same
  item's previous nudge, and the outbox's key keeps its own day quiet;
- "due tomorrow" then "due today" is one message: a "due in 1" nudge on the school day before the
  due-day nudge is dropped when an earlier "due in 5" was kept (items chased after their due day
  only: a lapsing right such as an appeal window, an optional item and one the policy lets pass
  keep their "due in 1"; so does an item whose only warning it is). Under WHMAT the deputy's
  February went from 6 messages in 8 school days (due tomorrow, due today, Monday chase, a check-in
  nudge, due today) to 4;
- escalations to a reviewer or the head go out on the weekly chase day on or after the day the
  cadence puts them (2 and 10 school days overdue), with that person's own repeat chases: a head
  heard on Tue 3, Thu 5, Fri 6 and Mon 9 Nov and now on Fri 6 and Mon 9. An escalation can wait up
  to four school days longer than before; none of the four seeds sets when escalation happens.
`;
}

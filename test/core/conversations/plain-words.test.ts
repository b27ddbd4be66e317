import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from './support/chat.ts';
import { INTERNAL, internalIn } from './support/plain-words.ts';
import { complete } from './support/complete-dialog.ts';
import { SUMMARY_STEP } from '../../../src/core/conversations/engine/dialog-state.ts';
import { messageText } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const PRESETS = ['kingsmead', 'thomas-alleyne', 'tpat', 'whmat'] as const;


/** One dialog walked to its end: who starts it, with what words, on which day, answering dates with `date`. */
interface DialogRun {
  who: string;
  trigger: string;
  clock: string;
  date: string;
}

/** Walks each run's dialog, collecting anything internal it said (labelled `prefix` + its name) and the names of those that finished. */
async function walkRuns(runs: readonly DialogRun[], ids: Record<string, string | undefined>, name: (run: DialogRun) => string, prefix: string, found: string[], completed: string[]): Promise<void> {
  for (const run of runs) {
    const id = ids[run.who];
    if (id === undefined) throw new Error(`no ${run.who} in the seeded school`);
    const chat = new Chat(newEngine(db.prisma, fixedClock(run.clock)), id);
    const said = await walk(chat, run.trigger, run.date);
    expect(said.length).toBeGreaterThan(0);
    found.push(...internalIn(said, prefix + name(run)));
    if (chat.last?.conversation?.status === 'completed') completed.push(name(run));
  }
}

describe('dates and words people use in the reflection and the plan, message by message', () => {
  it('no message of the self-reflection or the growth plan under any preset shows a policy paragraph, an ISO date or a step name', async () => {
    const found: string[] = [];
    for (const preset of PRESETS) {
      for (const trigger of ['reflect', 'plan']) {
        const s = await seedSchool(db.prisma, preset, [{ key: 't', fullName: 'Tess Teacher', role: 'teacher' }]);
        const chat = new Chat(newEngine(db.prisma), s.ids.t!);
        await complete(chat, trigger, 'chat');
        const said = chat.transcript.filter((line) => !line.startsWith('> '));
        expect(said.length).toBeGreaterThan(5);
        for (const line of said) {
          for (const { what, pattern } of INTERNAL) {
            const hit = pattern.exec(line);
            if (hit !== null) found.push(`${preset} ${trigger}: ${what} “${hit[0]}” in “${line.slice(Math.max(0, hit.index - 80), hit.index + 40).replace(/\n/g, " ⏎ ")}”`);
          }
        }
      }
    }
    expect(found).toEqual([]);
  }, 180_000);

  it('no message of a check-in record under any preset shows a policy paragraph, an ISO date or a step name', async () => {
    const found: string[] = [];
    for (const preset of PRESETS) {
      const s = await seedSchool(db.prisma, preset, [
        { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
        { key: 't', fullName: 'Tess Teacher', role: 'teacher', lineManager: 'lm' },
      ]);
      const chat = new Chat(newEngine(db.prisma), s.ids.t!);
      await chat.user('checkin');
      let dates = 0;
      for (let turn = 0; turn < 30 && chat.last?.conversation?.status === 'active'; turn++) {
        const asked = chat.lastMessages().at(-1);
        if (chat.step() === SUMMARY_STEP) await chat.press('submit');
        else if (asked?.type === 'choices') await chat.press(asked.choices[0]!.value);
        // The check-in's date, then the next one's (after it).
        else if (/\bWhen\b|date/i.test(chat.lastBot())) await chat.user(dates++ === 0 ? '2 Oct' : '3/2/2027');
        else {
          // `skip` first, so a required question's refusal is read too; then an answer where it was refused.
          const before = chat.step();
          await chat.user('skip');
          if (chat.step() === before) await chat.user(`Answer ${turn + 1} about the term so far`);
        }
      }
      expect(chat.last?.conversation?.status, `${preset}: ${chat.lastBot()}`).toBe('completed');
      for (const line of chat.transcript.filter((l) => !l.startsWith('> '))) {
        for (const { what, pattern } of INTERNAL) {
          const hit = pattern.exec(line);
          if (hit !== null) found.push(`${preset} checkin: ${what} “${hit[0]}” in “${line.slice(Math.max(0, hit.index - 80), hit.index + 40)}”`);
        }
      }
    }
    expect(found).toEqual([]);
  }, 120_000);
});

/** Long enough for the appeal's grounds in detail (150 characters), and shaped as 001 Appendix C asks a GROW summary to be. */
const LONG_ANSWER = 'By July I am modelling extended answers live in every Year 9 lesson so that all of 9X write a full page; the evidence is the department’s moderated work samples from the spring';

/**
 * Walks a dialog to its end as a person would: the first button, the first of a numbered list,
 * a date where one is asked for, 45 where minutes are, `skip` first (so a required question's
 * refusal is read too), then an answer (and, refused, one in the shape asked for); `submit` at the summary. Returns what the bot said, to the person and to anyone
 * it told (the colleague, the head, the reviewer).
 */
async function walk(chat: Chat, trigger: string, date: string): Promise<string[]> {
  const told: string[] = [];
  const keep = () => told.push(...(chat.last?.notifications ?? []).flatMap((n) => n.messages.map(messageText)));
  await chat.user(trigger);
  keep();
  for (let turn = 0; turn < 60 && chat.last?.conversation?.status === 'active'; turn++) {
    const asked = chat.lastMessages().at(-1);
    const text = chat.lastBot();
    if (chat.step() === SUMMARY_STEP) await chat.press('submit');
    else if (asked?.type === 'choices') await chat.press(asked.choices[0]!.value);
    else if (/\n {2}1\. /.test(text)) await chat.user('1');
    else if (/\bwhen\b|date|day/i.test(asked === undefined ? '' : messageText(asked))) await chat.user(date);
    else if (/\bminutes\b/i.test(asked === undefined ? '' : messageText(asked))) await chat.user('45');
    else {
      const before = chat.step();
      await chat.user('skip');
      // Refused, the answer in the shape asked for: a question (001 Appendix F's probe), “By next week I am … so that the students …” (its lock-in).
      const shaped = [`${LONG_ANSWER} (${turn + 1})`, `What was the impact of your modelling on the students’ work (${turn + 1})?`, `By next week I am using hinge questions so that the students explain their thinking (${turn + 1})`];
      for (const answer of shaped) if (chat.step() === before) await chat.user(answer);
    }
    keep();
  }
  return [...chat.transcript.filter((line) => !line.startsWith('> ')), ...told];
}

/** Amy's agreed plan of three targets (002 §10–12), which the final report assesses. */
async function planWithTargets(cycleId: string, personId: string): Promise<void> {
  await db.prisma.growthPlan.create({
    data: {
      cycleId,
      personId,
      status: 'agreed',
      details: {},
      goals: { create: [0, 1, 2].map((position) => ({ position, kind: 'smart-target', title: `Target number ${position + 1} for the year`, quantitative: false })) },
    },
  });
}

const TEAM = [
  { key: 'head', fullName: 'Hugh Head', role: 'headteacher' as const },
  { key: 'lm', fullName: 'Lena Manager', role: 'leader' as const, lineManager: 'head' },
  { key: 'amy', fullName: 'Amy Teacher', role: 'teacher' as const, lineManager: 'lm', obligations: [{ kind: 'peer-observation', opensOn: '2026-09-01', dueOn: '2027-05-28', ownerRole: 'reviewee' as const }] },
  { key: 'sam', fullName: 'Sam Science', role: 'teacher' as const, lineManager: 'lm' },
];

describe('dates and words people use in the other dialogs, message by message', () => {
  it('no message of the final report, appeal, appeal outcome, peer observation, GROW, pay threshold or scheduling dialogs under any preset shows a policy paragraph, an ISO date or a step name', async () => {
    const found: string[] = [];
    const completed: Record<string, string[]> = {};
    for (const preset of PRESETS) {
      completed[preset] = [];
      const s = await seedSchool(db.prisma, preset, TEAM);
      await planWithTargets(s.cycles.amy!, s.ids.amy!);
      const runs: DialogRun[] = [
        { who: 'lm', trigger: 'final report', clock: '2026-11-09T10:00:00Z', date: '9/11/2026' },
        { who: 'amy', trigger: 'appeal', clock: '2026-11-17T10:00:00Z', date: '9/11/2026' },
        { who: 'head', trigger: 'outcome', clock: '2026-12-01T10:00:00Z', date: '30/11/2026' },
        { who: 'amy', trigger: 'peer', clock: '2026-10-05T09:00:00Z', date: '2 Oct' },
        { who: 'lm', trigger: 'grow', clock: '2026-10-05T09:00:00Z', date: '2 Oct' },
        { who: 'amy', trigger: 'threshold', clock: '2026-10-05T09:00:00Z', date: '2 Oct' },
        { who: 'lm', trigger: 'schedule', clock: '2026-10-05T09:00:00Z', date: '2 Oct' },
      ];
      await walkRuns(runs, s.ids, (run) => run.trigger, `${preset} `, found, completed[preset]!);
    }
    expect(found).toEqual([]);
    // Each dialog the policy has was walked to its end (the others said plainly why not, and were read too).
    expect(completed).toEqual({
      kingsmead: ['peer', 'grow', 'threshold', 'schedule'],
      'thomas-alleyne': ['final report', 'appeal', 'outcome', 'peer', 'threshold', 'schedule'],
      tpat: ['peer', 'schedule'],
      whmat: ['peer', 'threshold', 'schedule'],
    });
  }, 300_000);
});

describe('dates and words people use in the remaining dialogs, message by message', () => {
  it('001 Appendix F, 001 “Observation”, 001 “Professional growth plan: review”, 004 Appendix A: no message of the feedback conversation, observation (and its refusal to someone who observes nobody), observation comment, end-of-cycle review or growth diary under any preset shows a policy paragraph, an ISO date or a step name', async () => {
    const found: string[] = [];
    const completed: Record<string, string[]> = {};
    for (const preset of PRESETS) {
      completed[preset] = [];
      const s = await seedSchool(db.prisma, preset, TEAM);
      const runs: DialogRun[] = [
        { who: 'lm', trigger: 'feedback', clock: '2026-10-05T09:00:00Z', date: '2 Oct' },
        { who: 'lm', trigger: 'observe', clock: '2026-10-05T09:00:00Z', date: '2 Oct' },
        { who: 'sam', trigger: 'observe', clock: '2026-10-05T09:00:00Z', date: '2 Oct' },
        { who: 'amy', trigger: 'observation comment', clock: '2026-10-06T09:00:00Z', date: '6 Oct' },
        { who: 'amy', trigger: 'log', clock: '2026-10-06T09:00:00Z', date: '6 Oct' },
        { who: 'amy', trigger: 'review', clock: '2027-06-21T09:00:00Z', date: '21 Jun' },
      ];
      await walkRuns(runs, s.ids, (run) => `${run.who} ${run.trigger}`, `${preset} `, found, completed[preset]!);
    }
    expect(found).toEqual([]);
    // Each was walked to its end, but for Sam, who reviews nobody: only under 002 §48 does any teaching colleague observe (the others were told plainly why not, and that was read too).
    const walked = ['lm feedback', 'lm observe', 'amy observation comment', 'amy log', 'amy review'];
    expect(completed).toEqual({ kingsmead: walked, 'thomas-alleyne': ['lm feedback', 'lm observe', 'sam observe', 'amy observation comment', 'amy log', 'amy review'], tpat: walked, whmat: walked });
  }, 300_000);
});

describe('the year in a date: only when it is not this year', () => {
  it('002 §16: a final report issued on Fri 18 Dec 2026 says the day without its year and the appeal window’s last day, in 2027, with it — to the reviewer and to the reviewee', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', TEAM);
    await planWithTargets(s.cycles.amy!, s.ids.amy!);
    const chat = new Chat(newEngine(db.prisma, fixedClock('2026-12-18T10:00:00Z')), s.ids.lm!);
    await chat.user('final report');
    await chat.user('1');
    await chat.answers('Met: the target was reached in full', 'Largely met: two of three teachers use it', 'Good progress: two units rewritten', 'A strong year with good progress on every target', 'progress', 'Targets met or good progress on all three');
    await chat.press('submit');
    // 10 working days after Fri 18 Dec, past Christmas Day, Boxing Day (Mon 28 Dec) and New Year’s Day.
    expect(chat.lastBot()).toBe('Issued Amy’s final review report on Fri 18 Dec and sent it to them. Their appeal window runs until Wed 6 Jan 2027.');
    const told = chat.last?.notifications[0]?.messages[0];
    expect(told === undefined ? '' : messageText(told)).toMatch(/^Lena Manager has issued your final review report \(Fri 18 Dec\):\n[\s\S]*you may appeal until Wed 6 Jan 2027 \(10 working days\)/);
  });

  it('a check-in recorded on Mon 4 Jan 2027 for one held on Fri 18 Dec 2026 gives that day its year; one held this year does not', async () => {
    const s = await seedSchool(db.prisma, 'whmat', TEAM);
    const chat = new Chat(newEngine(db.prisma, fixedClock('2027-01-04T10:00:00Z')), s.ids.amy!);
    await chat.user('checkin');
    await chat.user('18 Dec');
    expect(chat.lastBot()).not.toMatch(/couldn’t read/);
    for (let turn = 0; turn < 20 && chat.last?.conversation?.status === 'active'; turn++) {
      const asked = chat.lastMessages().at(-1);
      if (chat.step() === SUMMARY_STEP) await chat.press('submit');
      else if (asked?.type === 'choices') await chat.press(asked.choices[0]!.value);
      else if (/\bWhen\b|date/i.test(chat.lastBot())) await chat.user('3/2/2027');
      else await chat.user(`Went well, point ${turn + 1} of our talk`);
    }
    expect(chat.lastBot()).toBe('Saved your check-in of Fri 18 Dec 2026.');
    expect(chat.transcript.join('\n')).toMatch(/Wed 3 Feb(?! 2027)/);
  });
});

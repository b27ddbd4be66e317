import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from './support/chat.ts';
import { seedSchool } from '../../support/seed-school.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const TEACHER_HEADINGS = ['ts1', 'ts2', 'ts3', 'ts4', 'ts5', 'ts6', 'ts7', 'ts8', 'part-two'];

describe('self-reflection under Kingsmead (001: three levels, next steps, closing prompts)', () => {
  it('takes the 001 Appendix A levels typed as words from their labels, their names or their numbers, and refuses words that fit more than one', async () => {
    const s = await seedSchool(db.prisma, 'kingsmead', [{ key: 'tia', fullName: 'Tia Teacher', role: 'teacher' }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.tia!);
    await chat.user('reflect');
    await chat.user('Most of the time.');
    expect(chat.step()).toBe('ts1-next');
    await chat.answers('Cold calling', 'mostly', 'Retrieval', '2', 'Hinge questions', 'not always', 'Modelling', 'fully');
    const row = await db.prisma.conversation.findFirstOrThrow({ where: { threadKey: chat.threadKey } });
    const values = (row.values as { values: Record<string, unknown> }).values;
    expect([values['ts1-rating'], values['ts2-rating'], values['ts3-rating'], values['ts4-rating'], values['ts5-rating']]).toEqual(['mostly', 'mostly', 'mostly', 'not-always', 'fully']);
    await chat.user('Back to basics');
    await chat.user('meeting this expectation');
    expect(chat.lastBot()).toMatch(/^I couldn’t match “meeting this expectation” to one of the choices\./);
    expect(chat.step()).toBe('ts6-rating');
  });


  it('asks per Teachers’ Standard heading with the three-level scale, then strengths, needs and a focus', async () => {
    const s = await seedSchool(db.prisma, 'kingsmead', [
      { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
      { key: 'tom', fullName: 'Tom Teacher', role: 'teacher', lineManager: 'lm' },
    ]);
    const chat = new Chat(newEngine(db.prisma), s.ids.tom!);
    await chat.user('Reflect');
    expect(chat.lastBot()).toMatch(/Hi Tom — let’s reflect on Teachers’ Standards \(9 headings\)/);
    expect(chat.lastBot()).toMatch(/1 Set high expectations which inspire, motivate and challenge pupils/);
    expect(chat.lastBot()).toMatch(/1b\. Set goals that stretch and challenge/);
    expect(chat.lastBot()).toMatch(/I am fully meeting this expectation/);
    expect(chat.lastBot()).toMatch(/I am not always meeting this expectation/);

    await chat.user('pretty good');
    expect(chat.lastBot()).toMatch(
      /^I couldn’t match “pretty good” to one of the choices\. Please press a button, type its number \(1–3\), or type words from one choice \(e\.g\. “fully”, “mostly”, “not always”\)\.\n[\s\S]*Where are you with this one\?/,
    );
    expect(chat.step()).toBe('ts1-rating');

    for (const [i, id] of TEACHER_HEADINGS.entries()) {
      expect(chat.step()).toBe(`${id}-rating`);
      if (i === 0) await chat.press('mostly');
      else await chat.user(i % 2 === 0 ? '1' : 'not-always');
      expect(chat.step()).toBe(`${id}-next`);
      if (i === 2) await chat.user('skip');
      else await chat.user(`Next step for ${id}`);
    }
    expect(chat.lastBot()).toMatch(/When you’re at your best, what are your strengths\?/);
    await chat.answers('Relationships with pupils', 'Adaptive teaching for SEND');
    await chat.user('Questioning');
    expect(chat.lastBot()).toMatch(/Your self-reflection: Teachers’ Standards/);
    expect(chat.lastBot()).toMatch(/Standard 1 — rating: I am confident that I am meeting this expectation most of the time/);
    expect(chat.lastBot()).toMatch(/Standard 3 — next step: \(skipped\)/);
    expect(chat.lastBot()).toMatch(/Is this ready to submit\?/);

    await chat.press('submit');
    expect(chat.lastBot()).toMatch(/your self-reflection is saved and Lena can see it/);
    expect(chat.last?.notifications).toEqual([{ personId: s.ids.lm, messages: [{ type: 'text', text: 'Tom Teacher has completed their self-reflection.' }] }]);

    const saved = await db.prisma.selfReflection.findUniqueOrThrow({ where: { cycleId: s.cycles.tom! } });
    expect(saved).toMatchObject({ framework: 'teachers', status: 'submitted', strengths: 'Relationships with pupils', areasForGrowth: 'Adaptive teaching for SEND' });
    const entries = saved.entries as { kind: string; standard?: string; rating?: string; nextSteps?: string; prompt?: string; answer?: string }[];
    expect(entries.filter((e) => e.kind === 'standard').map((e) => e.standard)).toEqual(TEACHER_HEADINGS);
    expect(entries[0]).toMatchObject({ standard: 'ts1', rating: 'mostly', nextSteps: 'Next step for ts1' });
    expect(entries[1]).toMatchObject({ rating: 'not-always' });
    expect(entries[2]).toMatchObject({ rating: 'fully' });
    expect(entries[2]!.nextSteps).toBeUndefined();
    expect(entries.at(-1)).toMatchObject({ kind: 'closing', prompt: 'suggested-focus', answer: 'Questioning' });

    const obligation = await db.prisma.obligation.findFirstOrThrow({ where: { personId: s.ids.tom!, kind: 'self-reflection' } });
    expect(obligation.status).toBe('done');
    expect(obligation.completedAt?.toISOString()).toBe('2026-10-05T09:00:00.000Z');
  });
});

describe('self-reflection under WHMAT (004 §4.2: no rating; TA standards; job description)', () => {
  it('asks a teacher how well they are doing per heading, with no rating, then successes, strengths, growth', async () => {
    const s = await seedSchool(db.prisma, 'whmat', [{ key: 'wt', fullName: 'Wendy Teacher', role: 'teacher' }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.wt!);
    await chat.user('reflect');
    expect(chat.lastBot()).toMatch(/No rating is needed/);
    expect(chat.lastBot()).toMatch(/How well do you think you’re doing against this\?/);
    expect(chat.lastBot()).not.toMatch(/fully meeting/);
    for (const id of TEACHER_HEADINGS) {
      expect(chat.step()).toBe(`${id}-reflection`);
      await chat.answers(`Doing well on ${id}`, `Next for ${id}`);
    }
    expect(chat.lastBot()).toMatch(/What have been your successes this year\?/);
    await chat.answers('GCSE results', 'Feedback', 'Behaviour routines');
    await chat.user('submit');
    const saved = await db.prisma.selfReflection.findUniqueOrThrow({ where: { cycleId: s.cycles.wt! } });
    expect(saved).toMatchObject({ successes: 'GCSE results', strengths: 'Feedback', areasForGrowth: 'Behaviour routines' });
    expect((saved.entries as { rating?: string; reflection?: string }[])[0]).toEqual({ kind: 'standard', standard: 'ts1', heading: expect.stringMatching(/^1 Set high/), reflection: 'Doing well on ts1', nextSteps: 'Next for ts1' });
  });

  it('004 §4.1: help names the standards the role is held to and the paragraph that sets them (standards.rule)', async () => {
    const s = await seedSchool(db.prisma, 'whmat', [{ key: 'ta', fullName: 'Tia Assistant', role: 'teaching-assistant' }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.ta!);
    await chat.user('reflect');
    await chat.user('help');
    expect(chat.lastBot()).toMatch(/the standards your role is held to \(004 §3\.6, §4\.1, Appendix B\)/);
  });

  it('gives a teaching assistant the four TA standards of Appendix B', async () => {
    const s = await seedSchool(db.prisma, 'whmat', [{ key: 'ta', fullName: 'Tara Assistant', role: 'teaching-assistant' }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.ta!);
    await chat.user('reflect');
    expect(chat.lastBot()).toMatch(/Teaching Assistant Standards \(4 headings\)/);
    expect(chat.lastBot()).toMatch(/\*Personal and professional conduct\*/);
    for (const id of ['ta1', 'ta2', 'ta3', 'ta4']) await chat.answers(`Reflection ${id}`, 'skip');
    await chat.answers('Phonics groups', 'Patience', 'Maths interventions');
    await chat.user('submit');
    const saved = await db.prisma.selfReflection.findUniqueOrThrow({ where: { cycleId: s.cycles.ta! } });
    expect(saved.framework).toBe('teaching-assistants');
    expect((saved.entries as { heading?: string }[]).slice(0, 4).map((e) => e.heading)).toEqual(['Personal and professional conduct', 'Knowledge and understanding', 'Teaching and learning', 'Working with others']);
  });

  it('has support staff list their job-description points first, then reflects on each', async () => {
    const s = await seedSchool(db.prisma, 'tpat', [{ key: 'sup', fullName: 'Sam Support', role: 'support' }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.sup!);
    await chat.user('reflect');
    expect(chat.lastBot()).toMatch(/reflect on your job description/);
    expect(chat.lastBot()).toMatch(/List its main points/);
    await chat.user('1;2;3;4;5;6;7;8;9');
    expect(chat.lastBot()).toMatch(/Please keep it to 8 or fewer/);
    await chat.user('- Manage the front office\n- Keep attendance records');
    expect(chat.lastBot()).toMatch(/\*Manage the front office\*/);
    await chat.answers('Going well', 'Learn the new MIS', 'Mostly fine', 'skip', 'Calm under pressure', 'Organised', 'Data skills');
    expect(chat.lastBot()).toMatch(/Point 2 — reflection: Mostly fine/);
    await chat.user('submit');
    const saved = await db.prisma.selfReflection.findUniqueOrThrow({ where: { cycleId: s.cycles.sup! } });
    expect(saved).toMatchObject({ framework: 'job-description', successes: 'Calm under pressure', strengths: 'Organised', areasForGrowth: 'Data skills' });
  });
});

describe('self-reflection under TPAT and WHMAT: a note per heading where the seed asks for one (003 §7.2.1, 004 §4.2)', () => {
  it('003 §7.2.1: a TPAT teacher may skip every heading’s note, in chat or as empty boxes of the form, but not the summary of what they are best at, strengths and growth areas', async () => {
    const s = await seedSchool(db.prisma, 'tpat', [{ key: 'tt', fullName: 'Tam Teacher', role: 'teacher' }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.tt!);
    await chat.user('reflect');
    expect(chat.lastBot()).toMatch(/a note on each heading is up to you/);
    expect(chat.lastBot()).toMatch(/A few words if they help you think \(or `skip`\)/);
    await chat.answers('skip', 'skip');
    expect(chat.step()).toBe('ts2-reflection');
    await chat.user('why');
    expect(chat.lastBot()).toMatch(/003 §7\.2\.1/);
    // The rest of the standards as one form, every box left empty.
    await chat.press('form');
    const form = chat.lastMessages().find((m) => m.type === 'form');
    if (form?.type !== 'form') throw new Error('no form');
    expect(form.fields.find((f) => f.id === 'ts2-reflection')).toMatchObject({ required: false, label: expect.stringMatching(/\(optional\)$/) });
    await chat.send({ kind: 'form', values: Object.fromEntries(form.fields.map((f) => [f.id, ''])) });
    expect(chat.last?.fieldErrors).toBeUndefined();
    expect(chat.step()).toBe('closing-best-at');
    await chat.user('skip');
    expect(chat.lastBot()).toMatch(/can’t be skipped/);
    await chat.answers('Explaining hard ideas', 'Questioning', 'Adaptive teaching');
    await chat.user('submit');
    const saved = await db.prisma.selfReflection.findUniqueOrThrow({ where: { cycleId: s.cycles.tt! } });
    expect(saved).toMatchObject({ successes: 'Explaining hard ideas', strengths: 'Questioning', areasForGrowth: 'Adaptive teaching' });
    expect((saved.entries as { kind: string; reflection?: string }[]).filter((e) => e.kind === 'standard' && e.reflection !== undefined)).toEqual([]);
  });

  it('004 §4.2: a WHMAT teacher cannot skip a heading’s reflection on how well they are doing (no rating is asked instead)', async () => {
    const s = await seedSchool(db.prisma, 'whmat', [{ key: 'wt', fullName: 'Wren Teacher', role: 'teacher' }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.wt!);
    await chat.user('reflect');
    await chat.user('skip');
    expect(chat.step()).toBe('ts1-reflection');
    await chat.press('form');
    const form = chat.lastMessages().find((m) => m.type === 'form');
    if (form?.type !== 'form') throw new Error('no form');
    expect(form.fields.filter((f) => f.id.endsWith('-reflection')).every((f) => f.required === true)).toBe(true);
  });
});

describe('self-reflection under Thomas Alleyne (002)', () => {
  it('uses the preset’s scale and its two closing prompts', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', [{ key: 't', fullName: 'Theo Teacher', role: 'teacher' }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.t!);
    await chat.user('reflect');
    expect(chat.lastBot()).toMatch(/I am meeting this expectation most of the time/);
    for (let i = 0; i < TEACHER_HEADINGS.length; i++) await chat.answers('fully', 'skip');
    expect(chat.lastBot()).toMatch(/What are your strengths this year\?/);
    await chat.answers('Data use');
    expect(chat.lastBot()).toMatch(/What training and development do you need\?/);
    await chat.answers('Coaching course');
    expect(chat.lastBot()).toMatch(/Is this ready to submit/);
  });
});

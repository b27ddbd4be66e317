import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from './support/chat.ts';
import { gatherPersonRecords } from '../../../src/core/records/personal-records.ts';
import { renderRecordsPdf } from '../../../src/core/records/render-records-pdf.ts';
import { PrismaRecordsStore } from '../../../src/storage/prisma/prisma-records-store.ts';
import { pdfText } from '../reports/governors-year.ts';
import { seedSchool } from '../../support/seed-school.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const goalsOf = (cycleId: string) => db.prisma.planGoal.findMany({ where: { plan: { cycleId } }, orderBy: { position: 'asc' } });
const obligation = (personId: string, kind: string) => db.prisma.obligation.findFirstOrThrow({ where: { personId, kind } });

describe('Kingsmead growth plan (001 Appendix B) and agreement', () => {
  it('walks the plan fields including the whole-school priority (001 Appendix B), insists on “By… I am… so that…”, adds the leadership goal for TLR, and the reviewer agrees', async () => {
    const s = await seedSchool(db.prisma, 'kingsmead', [
      { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
      { key: 'tom', fullName: 'Tom Teacher', role: 'teacher', flags: ['tlr'], lineManager: 'lm' },
    ]);
    const tom = new Chat(newEngine(db.prisma), s.ids.tom!);
    await tom.user('plan');
    expect(tom.lastBot()).toMatch(/Your professional growth plan has 9 short questions.*Then your leadership goal/);
    expect(tom.lastBot()).toMatch(/When I’m at my best, what are my strengths\?\n_From my own reflections/);
    await tom.answers('Relationships', 'Questioning', 'Low participation in 9X', 'Everyone in 9X answers')
    expect(tom.lastBot()).toMatch(/^Which whole-school priority does my goal support, and how\?\n_.*Positive behaviour for Learning/);
    await tom.answers('Positive behaviour for learning: participation', 'Hands-down responses rise', 'Some cold calling already', 'Read Lemov; practise weekly');
    await tom.user('I want to do better at questioning');
    expect(tom.lastBot()).toMatch(/^Try the shape “By … I am … so that …”/);
    await tom.user('By July I am cold-calling in every lesson so that all of 9X answer questions');
    expect(tom.lastBot()).toMatch(/Leadership goal: What do you see as your strengths as a leader\?/);
    while (tom.step()?.startsWith('leadership-')) await tom.user(`Answer for ${tom.step()}`);
    expect(tom.lastBot()).toMatch(/Your growth plan/);
    await tom.press('submit');
    expect(tom.lastBot()).toBe('Your growth plan is submitted to Lena for agreement. I’ll let you know when they’ve looked at it.');
    expect(tom.last?.notifications[0]).toMatchObject({ personId: s.ids.lm, messages: [{ text: expect.stringMatching(/Tom Teacher has submitted their growth plan.*`review plans`/) }] });

    const plan = await db.prisma.growthPlan.findUniqueOrThrow({ where: { cycleId: s.cycles.tom! } });
    expect(plan).toMatchObject({ status: 'submitted', summary: 'By July I am cold-calling in every lesson so that all of 9X answer questions' });
    const goals = await goalsOf(s.cycles.tom!);
    expect(goals.map((g) => g.kind)).toEqual(['goal', 'leadership-goal']);
    expect(goals[0]).toMatchObject({ title: 'Everyone in 9X answers', successCriteria: 'Hands-down responses rise', improvementPlanArea: 'Positive behaviour for learning: participation' });
    expect((await obligation(s.ids.tom!, 'plan-agreed')).status).toBe('open');

    const lena = new Chat(newEngine(db.prisma), s.ids.lm!);
    await lena.user('review plans');
    expect(lena.lastBot()).toMatch(/This plan is waiting for your agreement:\n {2}1\. Tom Teacher/);
    await lena.user('1');
    expect(lena.lastBot()).toMatch(/Tom Teacher’s growth plan\n[\s\S]*What do I intend to focus on so that my class make even better progress\?: Everyone in 9X answers/);
    await lena.press('agreed');
    expect(lena.lastBot()).toMatch(/Any comment for them\?/);
    await lena.user('skip');
    await lena.press('submit');
    expect(lena.lastBot()).toBe('Agreed — I’ve told Tom.');
    expect(lena.last?.notifications).toEqual([{ personId: s.ids.tom, messages: [{ type: 'text', text: 'Lena has agreed your growth plan.' }] }]);
    expect(await db.prisma.growthPlan.findUniqueOrThrow({ where: { cycleId: s.cycles.tom! } })).toMatchObject({ status: 'agreed', agreedById: s.ids.lm });
    expect((await obligation(s.ids.tom!, 'plan-agreed')).status).toBe('done');
    expect((await obligation(s.ids.tom!, 'leadership-goal')).status).toBe('done');

    await lena.user('review plans');
    expect(lena.lastBot()).toBe('No growth plans are waiting for your agreement.');
  });
});

describe('Kingsmead senior leaders’ leadership goal (001 "Evaluating your process", Appendix E)', () => {
  it('001 "Evaluating your process": a senior leader with no UPS or TLR flag is asked the leadership goal linked to the Whole School Strategic Priorities, and agreeing the plan completes it', async () => {
    const s = await seedSchool(db.prisma, 'kingsmead', [
      { key: 'hana', fullName: 'Hana Head', role: 'headteacher' },
      { key: 'sal', fullName: 'Sal Senior', role: 'leader', lineManager: 'hana' },
    ]);
    const sal = new Chat(newEngine(db.prisma), s.ids.sal!);
    await sal.user('plan');
    // The paragraph is for `why`; the intro says only what comes.
    expect(sal.lastBot()).toMatch(/Then your leadership goal\. /);
    expect(sal.lastBot()).not.toMatch(/§|001 "/);
    await sal.answers('Clarity', 'Delegation', 'Year 11 revision habits', 'Year 11 revise weekly', 'Positive behaviour for learning', 'Mock results', 'Some tutors already do it', 'Coaching tutors');
    await sal.user('By May I am coaching every Year 11 tutor so that students revise weekly');
    expect(sal.lastBot()).toMatch(/Leadership goal: What do you see as your strengths as a leader\?/);
    await sal.user('Building teams');
    await sal.user('Every tutor runs a weekly revision check');
    expect(sal.lastBot()).toMatch(/Leadership goal: Which of the Whole School Strategic Priorities does this goal serve, and how\?\n_Senior leaders’ goals are linked to the Whole School Strategic Priorities, not a department plan\._/);
    while (sal.step()?.startsWith('leadership-')) await sal.user(`Answer for ${sal.step()}`);
    await sal.press('submit');
    expect((await goalsOf(s.cycles.sal!)).map((g) => g.kind)).toEqual(['goal', 'leadership-goal']);

    const hana = new Chat(newEngine(db.prisma), s.ids.hana!);
    await hana.user('review plans');
    await hana.user('1');
    await hana.press('agreed');
    await hana.user('skip');
    await hana.press('submit');
    expect((await obligation(s.ids.sal!, 'leadership-goal')).status).toBe('done');
  });

  it('001 "Evaluating your process": a TLR holder keeps the department-or-whole-school questions, and a teacher with neither is asked no leadership goal', async () => {
    const s = await seedSchool(db.prisma, 'kingsmead', [
      { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
      { key: 'tia', fullName: 'Tia Tlr', role: 'teacher', flags: ['tlr'], lineManager: 'lm' },
      { key: 'ted', fullName: 'Ted Teacher', role: 'teacher', lineManager: 'lm' },
    ]);
    const tia = new Chat(newEngine(db.prisma), s.ids.tia!);
    await tia.user('plan');
    expect(tia.lastBot()).toMatch(/Then your leadership goal\. /);
    const ted = new Chat(newEngine(db.prisma), s.ids.ted!);
    await ted.user('plan');
    expect(ted.lastBot()).not.toMatch(/leadership goal/);
  });
});

describe('Thomas Alleyne SMART targets (002 §10–12)', () => {
  it('requires a number in the pupil-progress target, an improvement-plan area for each, a leadership target for TLR holders, and the observation arrangements, each typed as “something else” here (002 §47, §50, Annex 1 §4)', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', [{ key: 'tlr', fullName: 'Tia Leader', role: 'teacher', flags: ['tlr'] }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.tlr!);
    await chat.user('plan');
    expect(chat.lastBot()).toMatch(/Your plan is 3 SMART targets: pupil-progress target \(whole-school, data driven\); team target; leadership target/);
    await chat.user('Improve maths outcomes for Year 11');
    expect(chat.lastBot()).toMatch(/^The pupil-progress target has to be quantitative: please include a number/);
    await chat.user('80% of 11X reach grade 5+ in maths');
    expect(chat.lastBot()).toMatch(/Which area of the school or department improvement plan/);
    await chat.user('skip');
    expect(chat.lastBot()).toMatch(/^Every target must name the SIP or DIP area it relates to\./);
    await chat.answers('SIP 2: outcomes');
    await chat.user('1 July');
    // "1 July" typed in October is the July just gone: the nearest 1 July
    expect(chat.lastBot()).toMatch(/^A target’s date needs to be in the future\./);
    await chat.answers('1/7/2027', 'Moderate Year 9 assessments as a team', 'DIP 1: assessment', '31/03/2027', 'Lead the KS3 curriculum review', 'SIP 4: curriculum', '30 June 2027');
    // 002 §50, Annex 1 §4: the observation arrangements are agreed in the plan, the amount within the 3-hour cap (§47).
    expect(chat.lastBot()).toMatch(/^Classroom observation arrangements\. How much observation in total this cycle\? Proportionate to need, and at most 180 minutes — there is no need to use it all\./);
    expect(chat.lastMessages().at(-1)).toMatchObject({ type: 'choices', choices: [{ value: '60' }, { value: '90' }, { value: '120' }, { label: '180 minutes (the most this cycle)', value: '180' }, { label: 'Another amount', value: 'other' }] });
    await chat.user('another amount');
    await chat.user('240');
    expect(chat.lastBot()).toMatch(/^Please give the minutes as a number no more than 180, the cap on observation this cycle\./);
    await chat.answers('100', 'Progress of 11X on the pupil-progress target', 'Questioning and modelling', 'another length', '2 × 50 minutes', 'at other times', 'October (graded) and March (progress review)', 'someone else', 'Olly Observer, Head of Maths');
    expect(chat.lastBot()).toMatch(/Leadership target — improvement plan area: SIP 4: curriculum/);
    expect(chat.lastBot()).toMatch(/• Observation — amount this cycle: Another amount\n {2}• Observation — another amount \(minutes\): 100 minutes\n[\s\S]*• Observation — observer: Someone else\n {2}• Observation — who else observes: Olly Observer, Head of Maths/);
    await chat.user('submit');
    const goals = await goalsOf(s.cycles.tlr!);
    expect(goals.map((g) => [g.kind, g.detail, g.quantitative, g.improvementPlanArea])).toEqual([
      ['smart-target', 'Pupil-progress target (whole-school, data driven)', true, 'SIP 2: outcomes'],
      ['smart-target', 'Team target', false, 'DIP 1: assessment'],
      ['smart-target', 'Leadership target', false, 'SIP 4: curriculum'],
    ]);
    expect(goals[0]!.completionDate?.toISOString().slice(0, 10)).toBe('2027-07-01');
    const plan = await db.prisma.growthPlan.findUniqueOrThrow({ where: { cycleId: s.cycles.tlr! } });
    expect(plan.details).toMatchObject({ answers: { 'observation-amount': 'other', 'observation-amount-other': '100', 'observation-timing-other': 'October (graded) and March (progress review)' } });
    // The stored plan names each of the six arrangements once, with the words typed where “something else” was chosen.
    expect((plan.details as { sections: { label: string; value: string }[] }).sections.filter((x) => x.label.startsWith('Observation'))).toEqual([
      { label: 'Observation — amount this cycle', value: '100 minutes' },
      { label: 'Observation — primary purpose', value: 'Progress of 11X on the pupil-progress target' },
      { label: 'Observation — aspects assessed', value: 'Questioning and modelling' },
      { label: 'Observation — duration', value: '2 × 50 minutes' },
      { label: 'Observation — when', value: 'October (graded) and March (progress review)' },
      { label: 'Observation — observer', value: 'Olly Observer, Head of Maths' },
    ]);
  });

  it('002 §48, §50, Annex 1 §4: the observation arrangements are quick — the usual amount, length, the seed’s own pattern and the reviewer are choices, the purpose and aspects typed — `why` quotes the paragraph, and the stored plan names all six in words', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', [
      { key: 'rr', fullName: 'Rhea Reviewer', role: 'leader' },
      { key: 't', fullName: 'Theo Teacher', role: 'teacher', lineManager: 'rr' },
    ]);
    const chat = new Chat(newEngine(db.prisma), s.ids.t!);
    await chat.user('plan');
    await chat.answers('80% of 11X reach grade 5+ in maths', 'SIP 2: outcomes', '1/7/2027', 'Moderate Year 9 assessments', 'DIP 1: assessment', '31/03/2027', 'Run a KS3 reading club', 'SIP 3: literacy', '30/06/2027');
    // Each is a choice with the usual answers first and “something else” last; typed words match a choice (“60 minutes”, “60” as a value, a number as its place).
    const choicesNow = () => {
      const last = chat.lastMessages().at(-1);
      return last?.type === 'choices' ? last.choices.map((c) => c.label) : [];
    };
    expect(choicesNow()).toEqual(['60 minutes', '90 minutes', '120 minutes', '180 minutes (the most this cycle)', 'Another amount']);
    await chat.user('90');
    expect(chat.step()).toBe('observation-purpose');
    await chat.answers('Progress of 11X on the pupil-progress target', 'Questioning and modelling');
    expect(chat.lastBot()).toMatch(/^How long will each observation be\?/);
    expect(choicesNow()).toEqual(['30 minutes each', 'A whole lesson each', 'Another length']);
    await chat.press('30-minutes');
    // 002 §48's pattern is offered first, and `why` quotes it in the seed's words.
    expect(chat.lastBot()).toMatch(/^When in the cycle will they take place\?/);
    expect(choicesNow()).toEqual(['One graded at the start of the cycle, a second reviewing progress', 'At other times']);
    await chat.user('why');
    expect(chat.lastBot()).toMatch(/Staff will have one graded observation at the start of the cycle and the second observation will review progress towards action points/);
    await chat.user('1');
    expect(chat.lastBot()).toMatch(/^Who will conduct them\?/);
    expect(choicesNow()).toEqual(['My reviewer, Rhea Reviewer', 'Someone else']);
    await chat.user('why');
    expect(chat.lastBot()).toMatch(/carried out by someone other than an individuals’ performance management reviewer can count/);
    await chat.user('my reviewer');
    expect(chat.lastBot()).toMatch(/• Observation — amount this cycle: 90 minutes\n {2}• Observation — primary purpose: Progress of 11X on the pupil-progress target\n {2}• Observation — aspects assessed: Questioning and modelling\n {2}• Observation — duration: 30 minutes each\n {2}• Observation — when: One graded at the start of the cycle, a second reviewing progress\n {2}• Observation — observer: My reviewer, Rhea Reviewer\nIs this ready/);
    // Changing a choice to “something else” asks for the words, and they take the choice's place in the plan.
    await chat.user('edit observation — observer');
    await chat.answers('someone else', 'Olly Observer, Head of Maths');
    expect(chat.lastBot()).toMatch(/• Observation — observer: Someone else\n {2}• Observation — who else observes: Olly Observer, Head of Maths/);
    await chat.press('submit');
    const plan = await db.prisma.growthPlan.findUniqueOrThrow({ where: { cycleId: s.cycles.t! } });
    expect((plan.details as { sections: { label: string; value: string }[] }).sections.filter((x) => x.label.startsWith('Observation'))).toEqual([
      { label: 'Observation — amount this cycle', value: '90 minutes' },
      { label: 'Observation — primary purpose', value: 'Progress of 11X on the pupil-progress target' },
      { label: 'Observation — aspects assessed', value: 'Questioning and modelling' },
      { label: 'Observation — duration', value: '30 minutes each' },
      { label: 'Observation — when', value: 'One graded at the start of the cycle, a second reviewing progress' },
      { label: 'Observation — observer', value: 'Olly Observer, Head of Maths' },
    ]);
    // The records document (002 §44) carries the stored plan with the same lines.
    const records = await gatherPersonRecords(new PrismaRecordsStore(db.prisma), s.ids.t!);
    const pdf = (await pdfText(new Uint8Array(await renderRecordsPdf(records!, new Date('2026-11-30T12:00:00Z'))))).replace(/\s+/g, ' ');
    for (const line of ['Observation — amount this cycle', '90 minutes', 'One graded at the start of the cycle, a second reviewing progress', 'Olly Observer, Head of Maths']) expect(pdf).toContain(line);
    // The reviewer reads the same six lines when asked to agree the plan.
    const rhea = new Chat(newEngine(db.prisma), s.ids.rr!);
    await rhea.user('review plans');
    await rhea.user('1');
    expect(rhea.lastBot()).toMatch(/Observation — when: One graded at the start of the cycle, a second reviewing progress\n {2}• Observation — observer: Olly Observer, Head of Maths/);
  });

  it('002 §47, Annex 1 §2–3: a 0.6 FTE teacher is offered amounts up to 108 minutes, the cap pro-rated, and a typed amount over it is refused; an ECT, outside the cap, may type more than 3 hours', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', [
      { key: 'pat', fullName: 'Pat Part', role: 'teacher', flags: ['part-time'] },
      { key: 'ed', fullName: 'Ed Early', role: 'teacher', flags: ['ect'] },
    ]);
    await db.prisma.person.update({ where: { id: s.ids.pat! }, data: { fte: 0.6 } });
    const targets = ['80% of 11X reach grade 5+ in maths', 'SIP 2: outcomes', '1/7/2027', 'Moderate Year 9 assessments', 'DIP 1: assessment', '31/03/2027', 'Run a KS3 reading club', 'SIP 3: literacy', '30/06/2027'];
    const pat = new Chat(newEngine(db.prisma), s.ids.pat!);
    await pat.user('plan');
    await pat.answers(...targets);
    expect(pat.lastBot()).toMatch(/at most 108 minutes — there is no need to use it all\./);
    const offered = pat.lastMessages().at(-1);
    expect(offered?.type === 'choices' ? offered.choices.map((c) => c.label) : []).toEqual(['60 minutes', '90 minutes', '108 minutes (the most this cycle)', 'Another amount']);
    await pat.user('120');
    expect(pat.lastBot()).toMatch(/^I couldn’t match “120” to one of the choices\. .* For anything else, choose “Another amount” and type it\./);
    await pat.user('another amount');
    await pat.user('120');
    expect(pat.lastBot()).toMatch(/^Please give the minutes as a number no more than 108, the cap on observation this cycle\./);
    await pat.answers('100');
    expect(pat.step()).toBe('observation-purpose');

    const ed = new Chat(newEngine(db.prisma), s.ids.ed!);
    await ed.user('plan');
    await ed.answers(...targets);
    expect(ed.lastBot()).toMatch(/How much observation in total this cycle\? Proportionate to need\./);
    await ed.answers('another amount', '300 minutes');
    expect(ed.step()).toBe('observation-purpose');
  });

  it('still sets three targets for a teacher without a TLR', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', [{ key: 't', fullName: 'Theo Teacher', role: 'teacher' }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.t!);
    await chat.user('plan');
    expect(chat.lastBot()).toMatch(/pupil-progress target \(whole-school, data driven\); team target; target 3\./);
    expect(chat.lastBot()).not.toMatch(/leadership/i);
  });
});

describe('WHMAT performance expectations (004 §5)', () => {
  it('takes up to three expectations, each with detail, success and a date, one with wider impact for UPR (004 §5.5), and records CPD ideas in the plan (004 §7.1)', async () => {
    const s = await seedSchool(db.prisma, 'whmat', [
      { key: 'head', fullName: 'Hana Head', role: 'leader' },
      { key: 'upr', fullName: 'Uma Upper', role: 'teacher', flags: ['upr'], lineManager: 'head' },
    ]);
    const chat = new Chat(newEngine(db.prisma), s.ids.upr!);
    await chat.user('plan');
    expect(chat.lastBot()).toMatch(/up to 3, each with the detail, what success looks like and a completion date\. As you’re on UPR/);
    await chat.answers('Embed retrieval practice in Year 8', 'Quizzes every lesson; scores up 10%');
    await chat.user('2025-12-01');
    expect(chat.lastBot()).toMatch(/^The completion date needs to be in the future\./);
    await chat.user('31st of Floptember');
    expect(chat.lastBot()).toMatch(/^I couldn’t read that as a date/);
    await chat.answers('20 July 2027');
    expect(chat.lastBot()).toMatch(/Would you like to add another expectation\? \(at most 3\)/);
    await chat.answers('yes', 'Lead trust-wide CPD on feedback', 'Three academies adopt it', '01/06/2027', 'yes', 'Mentor an ECT', 'ECT passes induction', '30/06/2027');
    expect(chat.lastBot()).toMatch(/Which expectation has an impact on the wider academy or trust/);
    expect(chat.lastBot()).not.toMatch(/add another/);
    await chat.user('2');
    expect(chat.lastBot()).toMatch(/^What are your ideas for CPD or professional support this year\?\n_Read WHMAT’s Career Pledge/);
    await chat.user('skip');
    expect(chat.lastBot()).toMatch(/^Your ideas for CPD or professional support belong in your plan — “none yet” is fine/);
    // 004 §7.1: `why` here quotes the CPD paragraph in the seed's words, and asks the same question again.
    await chat.user('why');
    expect(chat.lastBot()).toMatch(/WHMAT’s Career Pledge … insofar as it is relevant to their career stage/);
    expect(chat.lastBot()).toMatch(/What are your ideas for CPD or professional support this year\?/);
    await chat.user('Coaching course; learning walks in science');
    expect(chat.lastBot()).toMatch(/Wider impact: Lead trust-wide CPD on feedback/);
    expect(chat.lastBot()).toMatch(/CPD and professional support ideas: Coaching course; learning walks in science/);
    // changing the loop answer drops the third expectation from the plan
    await chat.user('edit another expectation after expectation 2');
    await chat.user('no');
    expect(chat.lastBot()).not.toMatch(/Mentor an ECT/);
    await chat.user('submit');
    const goals = await goalsOf(s.cycles.upr!);
    expect(goals.map((g) => [g.kind, g.title, g.widerImpact])).toEqual([
      ['expectation', 'Embed retrieval practice in Year 8', false],
      ['expectation', 'Lead trust-wide CPD on feedback', true],
    ]);
    expect(goals[1]!.completionDate?.toISOString().slice(0, 10)).toBe('2027-06-01');
    const plan = await db.prisma.growthPlan.findUniqueOrThrow({ where: { cycleId: s.cycles.upr! } });
    expect(plan.details).toMatchObject({ answers: { 'cpd-ideas': 'Coaching course; learning walks in science' }, sections: expect.arrayContaining([{ label: 'CPD and professional support ideas', value: 'Coaching course; learning walks in science' }]) });
  });

  it('sends a plan back for changes and lets the colleague amend and resubmit it', async () => {
    const s = await seedSchool(db.prisma, 'whmat', [
      { key: 'head', fullName: 'Hana Head', role: 'leader' },
      { key: 'ta', fullName: 'Tara Assistant', role: 'teaching-assistant', lineManager: 'head' },
    ]);
    const tara = new Chat(newEngine(db.prisma), s.ids.ta!);
    await tara.user('plan');
    expect(tara.lastBot()).not.toMatch(/UPR/);
    await tara.answers('Run phonics catch-up', 'Group reads fluently', '31/03/2027', 'no', 'Phonics training');
    await tara.user('submit');

    const hana = new Chat(newEngine(db.prisma), s.ids.head!);
    await hana.user('review plans');
    await hana.press((await db.prisma.growthPlan.findUniqueOrThrow({ where: { cycleId: s.cycles.ta! } })).id);
    await hana.press('changes-requested');
    await hana.user('skip');
    expect(hana.lastBot()).toMatch(/^Please say what should change/);
    await hana.user('Please make success measurable');
    await hana.user('submit');
    expect(hana.lastBot()).toBe('Sent back to Tara with your comments.');
    expect(hana.last?.notifications[0]?.messages[0]).toEqual({ type: 'text', text: 'Hana has asked for changes to your growth plan: “Please make success measurable”. Say `plan` to update it.' });
    expect((await obligation(s.ids.ta!, 'plan-agreed')).status).toBe('open');

    const again = new Chat(newEngine(db.prisma), s.ids.ta!);
    await again.user('plan');
    expect(again.lastBot()).toMatch(/^Hana asked for changes: “Please make success measurable”\. Change what you need/);
    expect(again.lastBot()).toMatch(/Expectation 1 — success: Group reads fluently/);
    await again.user('edit expectation 1 — success');
    await again.user('Group reads 90 words per minute by March');
    await again.user('submit');
    expect(await db.prisma.growthPlan.findUniqueOrThrow({ where: { cycleId: s.cycles.ta! } })).toMatchObject({ status: 'submitted' });
    await hana.user('review plans');
    await hana.user('Tara Assistant');
    expect(hana.lastBot()).toMatch(/Group reads 90 words per minute by March/);
    await hana.answers('Agree', 'Great');
    await hana.user('submit');
    expect((await obligation(s.ids.ta!, 'plan-agreed')).status).toBe('done');
  });
});

describe('TPAT goals (003 §8.9)', () => {
  it('asks the commitment, success, how I’ll learn, the timescale and check-in dates', async () => {
    const s = await seedSchool(db.prisma, 'tpat', [{ key: 'p', fullName: 'Pat Person', role: 'support' }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.p!);
    await chat.user('plan');
    expect(chat.lastBot()).toMatch(/Goal 1: what is your commitment to grow\?/);
    await chat.answers('Learn the new finance system', 'Month-end done in 2 days', 'Vendor training and shadowing', '30 April 2027');
    expect(chat.lastBot()).toMatch(/When will your progress check-ins be\?/);
    await chat.user('1 Dec 2026, 1 Jun 2027');
    expect(chat.lastBot()).toMatch(/^Check-ins should fall on or before the goal’s date\./);
    await chat.user('1 Dec 2026 and 10/02/2027');
    await chat.user('no');
    expect(chat.lastBot()).toMatch(/Goal 1 — check-in dates: Tue 1 Dec, Wed 10 Feb 2027/);
    await chat.user('submit');
    const goals = await goalsOf(s.cycles.p!);
    expect(goals[0]).toMatchObject({ kind: 'goal', title: 'Learn the new finance system', detail: 'Vendor training and shadowing', successCriteria: 'Month-end done in 2 days' });
    expect(goals[0]!.checkInDates.map((d) => d.toISOString().slice(0, 10))).toEqual(['2026-12-01', '2027-02-10']);
  });

  it('003 §5.5: an agreed plan says a new goal may be set once one is achieved, without waiting for next year (cycle.continuous)', async () => {
    const s = await seedSchool(db.prisma, 'tpat', [{ key: 'p', fullName: 'Pia Person', role: 'support' }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.p!);
    await chat.user('plan');
    await chat.answers('Learn the new finance system', 'Month-end done in 2 days', 'Vendor training', '30 April 2027', '1 Dec 2026', 'no');
    await chat.user('submit');
    await db.prisma.growthPlan.update({ where: { cycleId: s.cycles.p! }, data: { status: 'agreed' } });
    const again = new Chat(newEngine(db.prisma), s.ids.p!);
    await again.user('plan');
    expect(again.transcript.join('\n')).toMatch(/continuous: once a goal is achieved, review it and set your next one/);
  });
});

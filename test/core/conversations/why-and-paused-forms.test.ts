import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORM_CHOICE } from '../../../src/core/conversations/engine/commands.ts';
import { paragraphsCited } from '../../../src/core/policy/policy-paragraphs.ts';
import { getPreset } from '../../../src/core/policy/presets/index.ts';
import { seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from './support/chat.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('`why` inside a dialog quotes the policy paragraph behind the question it waits on', () => {
  it('004 §4.2: `why` during the WHMAT reflection quotes the seed on reflecting against each standard, names the question by its label, never its step name, and asks the same question again', async () => {
    const s = await seedSchool(db.prisma, 'whmat', [{ key: 'wt', fullName: 'Wendy Teacher', role: 'teacher' }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.wt!);
    await chat.user('reflect');
    const waiting = chat.step()!;
    await chat.user('why');
    const reply = chat.lastMessages()[0];
    expect(reply?.type).toBe('text');
    const text = chat.lastBot();
    expect(text).toMatch(/^You’re on “.+” in your self-reflection\. Your school’s growth policy asks for it \(004 §4\.2\)\. It says:/);
    expect(text).toContain('> By mid-October each year, all colleagues will complete the self-reflection form');
    expect(text).toContain('reflect on what they might do next to become even better. (004 §4.2)');
    expect(text).not.toContain(waiting);
    expect(chat.step()).toBe(waiting);
    expect(chat.last?.conversation?.status).toBe('active');
  });

  it('004 §5.2: `why` in the WHMAT growth plan quotes the three things an expectation must state; `why?` works while paused and leaves it paused', async () => {
    const s = await seedSchool(db.prisma, 'whmat', [{ key: 'wt', fullName: 'Wendy Teacher', role: 'teacher' }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.wt!);
    await chat.user('plan');
    await chat.user('why');
    expect(chat.lastBot()).toContain('Your school’s growth policy asks for it (004 §5.2, §5.5). It says:');
    expect(chat.lastBot()).toContain('a) the detail of the expectations, b) what success looks like and c) the proposed date for completion. (004 §5.2)');
    await chat.user('pause');
    await chat.user('Why?');
    expect(chat.lastBot()).toContain('(004 §5.2)');
    expect(chat.lastBot()).toContain('Say `resume` when you’re ready to carry on with your growth plan.');
    expect(chat.last?.conversation?.status).toBe('paused');
  });

  it('003 §10.1: `why` while recording a TPAT check-in quotes the light-touch check-in paragraph', async () => {
    const s = await seedSchool(db.prisma, 'tpat', [{ key: 'tt', fullName: 'Tam Teacher', role: 'teacher' }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.tt!);
    await chat.user('checkin');
    await chat.user('why');
    expect(chat.lastBot()).toContain('Your school’s growth policy asks for it (003 §5.6, §10.1). It says:');
    expect(chat.lastBot()).toContain('They typically last approximately 15 minutes and do not need to be formal. (003 §10.1)');
  });

  it('a rule cites a paragraph only as a whole reference of the same seed (004 §5.5 in "004 §5.2, §5.5", 004 §6.2 in "004 §3.11, §6.2–6.8", never 004 §4.2 in "004 §4.21")', () => {
    const policy = { paragraphs: { '004 §5.5': 'a', '004 §6.2': 'b', '004 §4.2': 'c', '003 §5.5': 'd' } };
    expect(paragraphsCited(policy, '004 §5.2, §5.5').map((p) => p.cite)).toEqual(['004 §5.5']);
    expect(paragraphsCited(policy, '004 §3.11, §6.2–6.8').map((p) => p.cite)).toEqual(['004 §6.2']);
    expect(paragraphsCited(policy, '004 §4.21')).toEqual([]);
    // Every paragraph a preset quotes is cited by one of its rules, so none is dead text.
    for (const preset of ['kingsmead', 'thomas-alleyne', 'tpat', 'whmat']) {
      const p = getPreset(preset)!;
      const rules = [p.reflection.rule, p.plan.rule, p.checkIns.rule, p.leadershipGoal?.rule ?? '', p.coverage.excludedStillGetCheckIns?.rule ?? '', p.plan.shape === 'expectations' ? (p.plan.cpdIdeas?.rule ?? '') : '', p.finalReport?.rule ?? '', p.appeals?.rule ?? '', ...p.obligations.filter((o) => o.kind === 'peer-observation').map((o) => o.rule), p.observation.rule, p.observation.arrangementsInPlan?.rule ?? '', p.observation.arrangementsInPlan?.usualTiming?.rule ?? '', p.observation.othersMayObserve?.rule ?? ''];
      for (const cite of Object.keys(p.paragraphs)) expect(rules.some((rule) => paragraphsCited({ paragraphs: { [cite]: 'x' } }, rule).length > 0), `${preset} ${cite}`).toBe(true);
    }
  });
});

describe('a form sent while its dialog is paused is applied, not answered "paused"', () => {
  it('001 Appendix A: the standards form opened before a pause and sent after it saves its answers and the reflection carries on at the closing questions; a refused answer comes back on its field', async () => {
    const s = await seedSchool(db.prisma, 'kingsmead', [{ key: 'tom', fullName: 'Tom Teacher', role: 'teacher' }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.tom!);
    await chat.user('reflect');
    await chat.press(FORM_CHOICE);
    await chat.user('pause');
    expect(chat.last?.conversation?.status).toBe('paused');
    const values: Record<string, string> = {};
    for (const h of ['ts1', 'ts2', 'ts3', 'ts4', 'ts5', 'ts6', 'ts7', 'ts8', 'part-two']) {
      values[`${h}-rating`] = 'mostly';
      values[`${h}-next`] = `Next step for ${h}`;
    }
    await chat.send({ kind: 'form', values: { ...values, 'ts5-rating': 'brilliant' } });
    expect(chat.last?.fieldErrors).toEqual({ 'ts5-rating': expect.stringMatching(/^I couldn’t match “brilliant” to one of the choices\./) });
    expect(chat.lastBot()).not.toMatch(/is paused/);
    expect(chat.last?.conversation?.status).toBe('active');
    await chat.send({ kind: 'form', values });
    expect(chat.last?.fieldErrors).toBeUndefined();
    expect(chat.lastBot()).toMatch(/^Saved all 18 answers from the form\./);
    expect(chat.step()).toBe('closing-strengths');
  });
});

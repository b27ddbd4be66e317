import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORM_CHOICE } from '../../../src/core/conversations/engine/commands.ts';
import type { OutgoingMessage } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from './support/chat.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const HEADINGS = ['ts1', 'ts2', 'ts3', 'ts4', 'ts5', 'ts6', 'ts7', 'ts8', 'part-two'];

function formOf(messages: readonly OutgoingMessage[]): Extract<OutgoingMessage, { type: 'form' }> {
  const form = messages.find((m) => m.type === 'form');
  if (form?.type !== 'form') throw new Error(`no form in: ${JSON.stringify(messages)}`);
  return form;
}

function offerOf(messages: readonly OutgoingMessage[]): OutgoingMessage | undefined {
  return messages.find((m) => m.type === 'choices' && m.choices.some((c) => c.value === FORM_CHOICE));
}

describe('section forms: a section of a dialog answered in one form, through the same steps', () => {
  it('offers the 001 Appendix A standards as one form, saves the valid answers of a refused submission and gives the refused one back with what was typed', async () => {
    const s = await seedSchool(db.prisma, 'kingsmead', [{ key: 'tom', fullName: 'Tom Teacher', role: 'teacher' }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.tom!);
    await chat.user('reflect');
    expect(offerOf(chat.lastMessages())).toEqual({
      type: 'choices',
      text: 'You can answer “Reflection: the standards” (18 questions) in one form, or one at a time here.',
      choices: [{ label: 'Answer in a form', value: FORM_CHOICE }],
    });
    // The question itself still comes last, for those who prefer the chat.
    expect(chat.lastMessages().at(-1)).toMatchObject({ type: 'choices', text: 'Where are you with this one?' });

    await chat.press(FORM_CHOICE);
    const form = formOf(chat.lastMessages());
    expect(form.section).toBe('standards');
    expect(form.fields.map((f) => f.id)).toEqual(HEADINGS.flatMap((h) => [`${h}-rating`, `${h}-next`]));
    expect(form.fields[0]).toMatchObject({ kind: 'choice', required: true, label: expect.stringMatching(/^1 Set high expectations/) });
    expect(form.fields[1]).toMatchObject({ kind: 'long-text', required: false, label: 'Standard 1: next step', maxLength: 4000, hint: 'What might you do next to become even better here?' });
    expect(chat.step()).toBe('ts1-rating');

    const values: Record<string, string> = {};
    for (const h of HEADINGS) {
      values[`${h}-rating`] = 'mostly';
      values[`${h}-next`] = h === 'ts3' ? '' : `Next step for ${h}`;
    }
    values['ts2-rating'] = 'pretty good';
    await chat.send({ kind: 'form', values });
    expect(chat.last?.fieldErrors).toEqual({ 'ts2-rating': expect.stringMatching(/^I couldn’t match “pretty good” to one of the choices\./) });
    expect(chat.lastBot()).toMatch(/^One answer needs another look — the other 17 are saved\./);
    const back = formOf(chat.lastMessages());
    expect(back.fields.find((f) => f.id === 'ts2-rating')).toMatchObject({ value: 'pretty good', error: expect.stringMatching(/couldn’t match/) });
    expect(back.fields.find((f) => f.id === 'ts4-next')).toMatchObject({ value: 'Next step for ts4' });
    expect(chat.step()).toBe('ts2-rating');

    await chat.send({ kind: 'form', values: { ...values, 'ts2-rating': '3' } });
    expect(chat.last?.fieldErrors).toBeUndefined();
    expect(chat.lastBot()).toMatch(/^Saved all 18 answers from the form\./);
    expect(chat.lastBot()).toMatch(/When you’re at your best, what are your strengths\?/);
    expect(chat.step()).toBe('closing-strengths');

    await chat.press(FORM_CHOICE);
    const closing = formOf(chat.lastMessages());
    expect(closing.fields.map((f) => f.id)).toEqual(['closing-strengths', 'closing-development-needs', 'closing-suggested-focus']);
    await chat.send({ kind: 'form', values: { 'closing-strengths': 'Relationships', 'closing-development-needs': '', 'closing-suggested-focus': 'Questioning' } });
    expect(chat.last?.fieldErrors).toEqual({ 'closing-development-needs': 'This closing question shapes your growth plan, so it can’t be skipped — a sentence is enough.' });
    await chat.send({ kind: 'form', values: { 'closing-strengths': 'Relationships', 'closing-development-needs': 'Adaptive teaching', 'closing-suggested-focus': 'Questioning' } });
    expect(chat.lastBot()).toMatch(/Standard 2 — rating: I am not always meeting this expectation/);
    expect(chat.lastBot()).toMatch(/Standard 3 — next step: \(skipped\)/);
    await chat.press('submit');

    const saved = await db.prisma.selfReflection.findUniqueOrThrow({ where: { cycleId: s.cycles.tom! } });
    expect(saved).toMatchObject({ strengths: 'Relationships', areasForGrowth: 'Adaptive teaching' });
    const entries = saved.entries as { kind: string; standard?: string; rating?: string; nextSteps?: string }[];
    expect(entries.filter((e) => e.kind === 'standard').map((e) => [e.standard, e.rating])).toEqual(HEADINGS.map((h) => [h, h === 'ts2' ? 'not-always' : 'mostly']));
    expect(entries[2]!.nextSteps).toBeUndefined();
  });

  it('prefills a section form with the answers already typed, and offers it again on coming back to a draft', async () => {
    const s = await seedSchool(db.prisma, 'kingsmead', [{ key: 'tia', fullName: 'Tia Teacher', role: 'teacher' }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.tia!);
    await chat.user('reflect');
    await chat.answers('mostly', 'Cold calling');
    await chat.user('pause');
    await chat.user('resume');
    expect(offerOf(chat.lastMessages())).toMatchObject({ text: 'You can answer the rest of “Reflection: the standards” (18 questions) in one form — what you’ve answered is filled in, or one at a time here.' });
    await chat.user('form');
    const form = formOf(chat.lastMessages());
    expect(form.fields.slice(0, 3).map((f) => f.value)).toEqual(['mostly', 'Cold calling', undefined]);
  });

  it('takes the 002 §10–12 SMART targets and the 002 §50, Annex 1 §4 observation arrangements in one form — choices as selects, each with a box for something else — with the same checks as typed answers (a number in the pupil-progress target, the §47 cap)', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', [{ key: 't', fullName: 'Theo Teacher', role: 'teacher', flags: ['tlr'] }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.t!);
    await chat.user('plan');
    await chat.press(FORM_CHOICE);
    const form = formOf(chat.lastMessages());
    expect(form.title).toBe('Growth plan');
    const ids = form.fields.map((f) => f.id);
    expect(ids.slice(9)).toEqual([
      'observation-amount',
      'observation-amount-other',
      'observation-purpose',
      'observation-aspects',
      'observation-duration',
      'observation-duration-other',
      'observation-timing',
      'observation-timing-other',
      'observation-observer',
      'observation-observer-other',
    ]);
    expect(form.fields.find((f) => f.id.endsWith('-by'))).toMatchObject({ kind: 'date' });
    // The usual answers are choices, the seed's own pattern first (002 §48); the box for something else is optional until it is chosen.
    expect(form.fields.find((f) => f.id === 'observation-timing')).toMatchObject({ kind: 'choice', required: true, choices: [{ label: 'One graded at the start of the cycle, a second reviewing progress', value: 'usual' }, { label: 'At other times', value: 'other' }] });
    expect(form.fields.find((f) => f.id === 'observation-observer-other')).toMatchObject({ kind: 'long-text', required: false });
    const values = Object.fromEntries(form.fields.map((f) => [f.id, f.kind === 'choice' ? f.choices![0]!.value : f.id.endsWith('-other') ? '' : f.id.endsWith('-by') ? '2027-07-01' : f.id.endsWith('-area') ? 'SIP 2: outcomes' : 'Something agreed']));
    values[ids[0]!] = 'Improve maths outcomes';
    values['observation-amount'] = 'other';
    values['observation-amount-other'] = '240';
    values['observation-observer'] = 'other';
    await chat.send({ kind: 'form', values });
    expect(Object.keys(chat.last?.fieldErrors ?? {}).sort()).toEqual([ids[0], 'observation-amount-other', 'observation-observer-other'].sort());
    expect(chat.last?.fieldErrors?.['observation-amount-other']).toMatch(/no more than 180, the cap on observation this cycle\.$/);
    expect(chat.last?.fieldErrors?.['observation-observer-other']).toBe('Please name who will observe, as you chose someone else.');
    await chat.send({ kind: 'form', values: { ...values, [ids[0]!]: '80% of 11X reach grade 5+', 'observation-amount-other': '100', 'observation-observer-other': 'Olly Observer, Head of Maths' } });
    expect(chat.lastBot()).toMatch(/^Saved all 17 answers from the form\./);
    expect(chat.lastBot()).toMatch(/Is this ready to submit\?/);
    await chat.user('submit');
    const plan = await db.prisma.growthPlan.findUniqueOrThrow({ where: { cycleId: s.cycles.t! } });
    expect(plan.details).toMatchObject({ answers: { 'observation-amount': 'other', 'observation-amount-other': '100', 'observation-timing': 'usual', [ids[0]!]: '80% of 11X reach grade 5+' } });
    expect(plan.details).toMatchObject({ sections: expect.arrayContaining([{ label: 'Observation — when', value: 'One graded at the start of the cycle, a second reviewing progress' }, { label: 'Observation — observer', value: 'Olly Observer, Head of Maths' }]) });
  });
});

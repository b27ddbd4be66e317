import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CARD_BYTES, renderMessage } from '../../../src/channels/teams/adaptive-cards.ts';
import { FORM_CHOICE } from '../../../src/core/conversations/engine/commands.ts';
import type { OutgoingMessage } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { Chat, newEngine } from '../../core/conversations/support/chat.ts';
import { seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { cardProblems } from './support/card-validation.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

interface CardInput {
  type: string;
  id?: string;
  isRequired?: boolean;
  choices?: { title: string; value: string }[];
}

describe('the 002 plan form as a Teams card', () => {
  it('002 §48, §50, Annex 1 §4: the plan section form renders the observation arrangements as choice sets (the 002 §48 pattern first) each with an optional box for something else, valid by the adaptivecards library', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', [{ key: 't', fullName: 'Theo Teacher', role: 'teacher', flags: ['tlr'] }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.t!);
    await chat.user('plan');
    await chat.press(FORM_CHOICE);
    const form = chat.lastMessages().find((m): m is Extract<OutgoingMessage, { type: 'form' }> => m.type === 'form');
    if (form === undefined) throw new Error('no plan form');
    const cards = renderMessage(form, 'growth-plan:m-1').flatMap((a) => (a.attachments ?? []).map((x) => x.content));
    expect(cards).toHaveLength(1);
    expect(cardProblems(cards[0])).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(cards[0]))).toBeLessThanOrEqual(MAX_CARD_BYTES);
    const inputs = (cards[0] as { body: CardInput[] }).body.filter((e) => e.type.startsWith('Input.'));
    expect(inputs).toHaveLength(19);
    const byId = (id: string) => inputs.find((e) => e.id === `f_${id}`)!;
    expect(byId('observation-timing')).toMatchObject({ type: 'Input.ChoiceSet', isRequired: true, choices: [{ title: 'One graded at the start of the cycle, a second reviewing progress', value: 'usual' }, { title: 'At other times', value: 'other' }] });
    expect(byId('observation-observer').choices?.map((c) => c.title)).toEqual(['My reviewer', 'Someone else']);
    expect(byId('observation-amount').choices?.map((c) => c.value)).toEqual(['60', '90', '120', '180', 'other']);
    for (const other of ['observation-amount-other', 'observation-duration-other', 'observation-timing-other', 'observation-observer-other']) expect(byId(other)).toMatchObject({ type: 'Input.Text', isRequired: false });
    expect(byId('observation-purpose')).toMatchObject({ type: 'Input.Text', isRequired: true });
  });
});

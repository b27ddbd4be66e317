import { describe, expect, it } from 'vitest';
import { digestCards, MAX_CARD_BYTES, renderMessage, splitText } from '../../../src/channels/teams/adaptive-cards.ts';
import type { OutgoingMessage } from '../../../src/core/conversations/engine/outgoing-message.ts';
import type { DigestMessage } from '../../../src/core/reminders/compose-digest.ts';
import { cardProblems } from './support/card-validation.ts';

const CARD = 'application/vnd.microsoft.card.adaptive';

function cardsOf(message: OutgoingMessage): unknown[] {
  return renderMessage(message, 'self-reflection:m-1').flatMap((a) => (a.attachments ?? []).filter((x) => x.contentType === CARD).map((x) => x.content));
}

function expectClean(cards: readonly unknown[]): void {
  expect(cards.length).toBeGreaterThan(0);
  for (const card of cards) {
    expect(cardProblems(card)).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThanOrEqual(MAX_CARD_BYTES);
  }
}

describe('Adaptive Cards for every message shape (issue 7)', () => {
  it('renders up to five choices as Action.Execute buttons with an Action.Submit fallback carrying the same data', () => {
    const [card] = cardsOf({ type: 'choices', text: 'How is it going?', choices: ['a', 'b', 'c'].map((v) => ({ label: v.toUpperCase(), value: v })) }) as { version: string; actions: { type: string; verb: string; data: unknown; fallback: { type: string; data: unknown } }[] }[];
    expect(card!.version).toBe('1.5');
    expect(card!.actions.map((a) => [a.type, a.verb, a.fallback.type])).toEqual(Array(3).fill(['Action.Execute', 'trellis.choice', 'Action.Submit']));
    expect(card!.actions[1]!.data).toEqual({ trellis: 'choice', run: 'self-reflection:m-1', value: 'b', label: 'B', q: 'How is it going?' });
    expect(card!.actions[1]!.fallback.data).toEqual(card!.actions[1]!.data);
    expectClean([card]);
  });

  it('turns more than five choices into a required drop-down with one button', () => {
    const cards = cardsOf({ type: 'choices', text: 'Who?', choices: Array.from({ length: 30 }, (_, i) => ({ label: `Colleague ${i}`, value: `p${i}` })) });
    const card = cards[0] as { body: { type: string; isRequired?: boolean; choices?: unknown[] }[]; actions: unknown[] };
    expect(card.body[1]).toMatchObject({ type: 'Input.ChoiceSet', isRequired: true });
    expect(card.body[1]!.choices).toHaveLength(30);
    expect(card.actions).toHaveLength(1);
    expectClean(cards);
  });

  it('renders a dialog’s section form with its answers prefilled, hints, and a refused field’s reason, valid by the adaptivecards library', () => {
    const cards = cardsOf({
      type: 'form',
      title: 'Reflection: the standards',
      section: 'standards',
      fields: [
        { id: 'ts1-rating', label: '1 Set high expectations', kind: 'choice', required: true, choices: [{ label: 'Mostly', value: 'mostly' }], value: 'mostly' },
        { id: 'ts1-next', label: 'Standard 1: next step', kind: 'long-text', required: false, hint: 'What might you do next?', maxLength: 4000, value: 'Cold calling', error: 'Please write a few words.' },
      ],
    });
    const card = cards[0] as { body: { type: string; id?: string; value?: string; text?: string; color?: string }[] };
    expect(card.body.filter((e) => e.type.startsWith('Input.')).map((e) => e.value)).toEqual(['mostly', 'Cold calling']);
    expect(card.body.find((e) => e.color === 'Attention')?.text).toBe('Please write a few words.');
    expectClean(cards);
  });

  it('renders a form with text, long text, date and choice inputs, each labelled and required where asked', () => {
    const cards = cardsOf({
      type: 'form',
      title: 'Snooze until when?',
      fields: [
        { id: 'reason', label: 'Reason', kind: 'text', required: true },
        { id: 'notes', label: 'Notes', kind: 'long-text', required: false },
        { id: 'until', label: 'Until', kind: 'date', required: true },
        { id: 'who', label: 'Who', kind: 'choice', required: true, choices: [{ label: 'Me', value: 'me' }] },
      ],
    });
    const body = (cards[0] as { body: { type: string; id?: string; isRequired?: boolean; errorMessage?: string }[] }).body;
    expect(body.slice(1).map((b) => [b.type, b.id, b.isRequired])).toEqual([
      ['Input.Text', 'f_reason', true],
      ['Input.Text', 'f_notes', false],
      ['Input.Date', 'f_until', true],
      ['Input.ChoiceSet', 'f_who', true],
    ]);
    expect(body[1]!.errorMessage).toBe('Reason is needed.');
    expectClean(cards);
  });

  it('splits a long summary into several fact-set cards, none over the size limit', () => {
    const items = Array.from({ length: 150 }, (_, i) => ({ label: `Department ${i}`, value: `${i} reflections, ${i % 7} overdue — ${'x'.repeat(100)}` }));
    const cards = cardsOf({ type: 'summary', title: 'Summary', items });
    expect(cards.length).toBeGreaterThan(1);
    expectClean(cards);
  });

  it('splits a head teacher’s long digest across cards rather than dropping items', () => {
    const digest: DigestMessage = {
      recipientId: 'head',
      date: '2026-10-05',
      title: 'Your growth cycle and your team’s: 120 things',
      items: Array.from({ length: 120 }, (_, i) => ({
        obligationKey: `ob-${i}`,
        label: `Plan meeting with a colleague whose name is rather long ${i}`,
        dueOn: '2026-10-30',
        rule: '002 §16',
        state: 'overdue' as const,
        point: 'overdue-3' as const,
        actions: [
          { label: 'Start', value: `start:ob-${i}` },
          { label: 'Done', value: `done:ob-${i}` },
          { label: 'Snooze', value: `snooze:ob-${i}` },
          { label: 'Not applicable', value: `na:ob-${i}` },
        ],
      })),
    };
    const cards = digestCards(digest);
    expect(cards.length).toBeGreaterThan(1);
    const all = JSON.stringify(cards);
    for (let i = 0; i < 120; i++) expect(all).toContain(`"value":"na:ob-${i}"`);
    expectClean(cards);
  });

  it('splits very long text into messages under the limit without losing any of it', () => {
    const text = `${'A paragraph of notes. '.repeat(600)}\n\n${'B'.repeat(30_000)}`;
    const parts = splitText(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(20_000);
    expect(parts.join('').replace(/\n\n/g, '')).toBe(text.replace(/\n\n/g, ''));
  });
});

describe('files Teams cannot take from a bot', () => {
  it('002 §44: my-records’ document is named with how to get it, not mistaken for a calendar date', () => {
    const [activity] = renderMessage({ type: 'text', text: 'Here is everything.', attachment: { filename: 'trellis-records-tia.html', contentType: 'text/html; charset=utf-8', content: '<html></html>' } }, undefined);
    expect(activity?.text).toContain('📎 trellis-records-tia.html');
    expect(activity?.text).toContain('trellis export person');
    expect(activity?.text).not.toContain('calendar');
    const [invite] = renderMessage({ type: 'text', text: 'Booked.', attachment: { filename: 'check-in.ics', contentType: 'text/calendar; method=REQUEST', content: 'BEGIN:VCALENDAR' } }, undefined);
    expect(invite?.text).toContain('📅 check-in.ics');
  });
});

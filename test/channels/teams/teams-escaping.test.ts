import { describe, expect, it } from 'vitest';
import { digestCards, renderMessages } from '../../../src/channels/teams/adaptive-cards.ts';
import { escapeTeamsText } from '../../../src/channels/teams/escape-markdown.ts';
import type { OutgoingMessage } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { cardProblems } from './support/card-validation.ts';

/** What a colleague might type into an answer, a reason, a diary line or their own name. */
const HOSTILE = 'Done [the policy](http://evil.example) <at>Everyone</at> <a href="http://evil.example">here</a> ![x](http://evil.example/p.png) <http://evil.example>';

/** Every string Teams reads as markdown: message text, TextBlock text and fact titles and values. */
function markdownOf(value: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'TextBlock' && typeof record.text === 'string') found.push(record.text);
      if (record.type === 'message' && typeof record.text === 'string') found.push(record.text);
      if (record.type === 'FactSet') for (const fact of record.facts as { title: string; value: string }[]) found.push(fact.title, fact.value);
      Object.values(record).forEach(walk);
    }
  };
  walk(value);
  return found;
}

function expectInert(strings: readonly string[]): void {
  expect(strings.length).toBeGreaterThan(0);
  for (const text of strings) {
    // No markdown link or image, and no tag (a mention, an anchor, an autolink).
    expect(text).not.toMatch(/\]\s*\(/);
    expect(text).not.toMatch(/<[a-zA-Z/!?]/);
  }
}

describe('user text in Teams markdown and Adaptive Cards is made inert wherever it is rendered', () => {
  it('breaks links, images, mentions and tags with an invisible space, keeping the words readable', () => {
    const escaped = escapeTeamsText(HOSTILE);
    expectInert([escaped]);
    expect(escaped.replace(/\u200B/g, '')).toBe(HOSTILE);
    expect(escapeTeamsText('**Plan** sent — 3 < 5 and a [note]')).toBe('**Plan** sent — 3 < 5 and a [note]');
  });

  it('in every message shape a colleague’s words can reach: a notification’s text, choices, a form, a summary', () => {
    const messages: OutgoingMessage[] = [
      { type: 'text', text: `Sam Science sent you their plan for agreement:\n1. ${HOSTILE}` },
      { type: 'choices', text: `Agree this goal? ${HOSTILE}`, choices: [{ label: 'Agree', value: 'agree' }] },
      { type: 'form', title: `About ${HOSTILE}`, fields: [{ id: 'reason', label: 'Why', kind: 'long-text', required: true }] },
      { type: 'summary', title: `Summary for ${HOSTILE}`, items: [{ label: HOSTILE, value: HOSTILE }] },
    ];
    for (const message of messages) {
      for (const run of [undefined, 'plan:m-1']) {
        const rendered = renderMessages([message], run);
        expectInert(markdownOf(rendered));
        for (const card of rendered.flatMap((a) => (a.attachments ?? []).map((x) => x.content))) expect(cardProblems(card)).toEqual([]);
      }
    }
  });

  it('in a digest card: a reviewee’s name and an item label', () => {
    const cards = digestCards({
      recipientId: 'lm',
      date: '2026-10-07',
      title: `Your growth cycle: ${HOSTILE}`,
      items: [{ obligationKey: 'k', label: HOSTILE, dueOn: '2026-10-30', rule: '004 §5', state: 'due-soon', point: 'due-in-7', about: { personId: 'p', fullName: HOSTILE }, actions: [{ label: 'Done', value: 'done:k' }] }],
    });
    expectInert(markdownOf(cards));
  });
});

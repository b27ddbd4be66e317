import { describe, expect, it } from 'vitest';
import { renderMessages } from '../../../src/channels/slack/block-kit.ts';
import { escapeMrkdwn } from '../../../src/channels/slack/escape-mrkdwn.ts';
import { renderDigest, renderHome } from '../../../src/channels/slack/render-views.ts';
import type { HomeView } from '../../../src/core/bot/bot-ports.ts';
import type { OutgoingMessage } from '../../../src/core/conversations/engine/outgoing-message.ts';

/** What a colleague might type into an answer, a reason, a diary line or their own name. */
const HOSTILE = 'Done <!channel> ask <@U0ADMIN> see <http://evil.example|the policy> & <!here>';

/** Every mrkdwn string in a rendered message: section text, fields, context elements and the fallback. */
function mrkdwnOf(value: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown, key?: string): void => {
    if (Array.isArray(node)) for (const n of node) walk(n);
    else if (node !== null && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'mrkdwn' && typeof record.text === 'string') found.push(record.text);
      for (const [k, v] of Object.entries(record)) if (k !== 'text' || typeof v !== 'string') walk(v, k);
    } else if (key === 'fallback' && typeof node === 'string') found.push(node);
  };
  walk(value);
  return found;
}

function expectInert(strings: readonly string[]): void {
  expect(strings.length).toBeGreaterThan(0);
  for (const text of strings) {
    expect(text).not.toMatch(/<[!@#]|<https?:/);
    expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
  }
}

describe('user text in Slack mrkdwn is escaped wherever it is rendered', () => {
  it('escapes &, < and > as Slack asks, so mentions and disguised links show as typed', () => {
    expect(escapeMrkdwn(HOSTILE)).toBe('Done &lt;!channel&gt; ask &lt;@U0ADMIN&gt; see &lt;http://evil.example|the policy&gt; &amp; &lt;!here&gt;');
  });

  it('in every message shape a colleague’s words can reach: text (a notification), choices, a form title, a summary, an attachment', () => {
    const messages: OutgoingMessage[] = [
      { type: 'text', text: `Sam Science sent you their plan for agreement:\n1. ${HOSTILE}` },
      { type: 'choices', text: `Agree this goal? ${HOSTILE}`, choices: [{ label: 'Agree', value: 'agree' }] },
      { type: 'form', title: `About ${HOSTILE}`, fields: [{ id: 'reason', label: 'Why', kind: 'long-text', required: true }] },
      { type: 'summary', title: `Summary for ${HOSTILE}`, items: [{ label: HOSTILE, value: HOSTILE }, { label: 'Long', value: `${HOSTILE}\n${'x'.repeat(2100)}` }] },
      { type: 'text', text: 'Your check-in', attachment: { filename: 'check-in.ics', content: `SUMMARY:${HOSTILE}`, contentType: 'text/calendar' } },
    ];
    for (const message of messages) {
      const rendered = renderMessages([message]);
      expectInert([...rendered.map((m) => m.text), ...rendered.flatMap((m) => mrkdwnOf(m.blocks))]);
      expect(JSON.stringify(rendered)).toContain('&lt;!channel&gt;');
    }
  });

  it('in a digest: a reviewee’s name and an item label', () => {
    const [message] = renderDigest({
      recipientId: 'lm',
      date: '2026-10-07',
      title: `Your growth cycle: ${HOSTILE}`,
      items: [{ obligationKey: 'k', label: HOSTILE, dueOn: '2026-10-30', rule: '002 §16', state: 'due-soon', point: 'due-in-7', about: { personId: 'p', fullName: HOSTILE }, actions: [{ label: 'Done', value: 'done:k' }] }],
    });
    expectInert([message!.text, ...mrkdwnOf(message!.blocks)]);
  });

  it('in App Home: reviewees’ names, plan goals and deadline labels', () => {
    const view: HomeView = {
      person: { id: 'p', fullName: HOSTILE, role: 'teacher' },
      academicYear: 2026,
      stage: 'Planning',
      deadlines: [{ obligationKey: 'k', label: HOSTILE, dueOn: '2026-10-30', overdue: true, rule: '002 §16' }],
      plan: { status: 'submitted', goals: [HOSTILE] },
      reviewees: [{ id: 'r', fullName: HOSTILE, open: 1, overdue: 0, next: HOSTILE }],
      actions: [],
    };
    expectInert(mrkdwnOf(renderHome(view)));
  });

  it('a long escaped text is never cut inside an escape (&lt; stays whole across sections)', () => {
    const text = `${'a'.repeat(2998)}<<<<${'b'.repeat(10)}`;
    const sections = renderMessages([{ type: 'text', text }])[0]!.blocks.map((b) => (b as { text: { text: string } }).text.text);
    expect(sections.length).toBe(2);
    for (const section of sections) expect(section).not.toMatch(/&(?!lt;)|&l$|&lt$/);
    expect(sections.join('')).toBe(escapeMrkdwn(text));
  });
});

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { deliveryParts, fileAsText, LIMITS, postedAsText, renderMessages } from '../../../src/channels/slack/block-kit.ts';
import { replyEffects } from '../../../src/core/bot/turn-flow.ts';
import { renderHome } from '../../../src/channels/slack/render-views.ts';
import { METHOD_SCOPES, requiredScopes } from '../../../src/channels/slack/slack-scopes.ts';
import { GROWTH_COMMAND } from '../../../src/channels/slack/slack-listeners.ts';
import { mentionedUser } from '../../../src/channels/slack/slack-payloads.ts';

interface Manifest {
  features: { app_home: Record<string, boolean>; slash_commands: { command: string; url: string; should_escape: boolean }[] };
  oauth_config: { redirect_urls: string[]; scopes: { bot: string[] } };
  settings: { event_subscriptions: { request_url: string; bot_events: string[] }; interactivity: { is_enabled: boolean; request_url: string }; org_deploy_enabled: boolean };
}

const manifest = parse(readFileSync('manifests/slack/manifest.yaml', 'utf8')) as Manifest;
const SOURCES = ['slack-channel.ts', 'slack-listeners.ts'].map((file) => readFileSync(`src/channels/slack/${file}`, 'utf8')).join('\n');

describe('the Slack manifest', () => {
  it('asks for exactly the scopes the code needs: least privilege', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(requiredScopes());
  });

  it('names every Web API method the code calls in the scope table (client.<family>.<method>)', () => {
    const called = new Set([...SOURCES.matchAll(/client\.(\w+)\.(\w+)\(/g)].map((m) => `${m[1]}.${m[2]}`));
    expect([...called].sort()).toEqual(Object.keys(METHOD_SCOPES).sort());
  });

  it('returns from "Add to Slack" to /slack/oauth_redirect, can be installed org-wide on Enterprise Grid, and hears when it is uninstalled', () => {
    expect(manifest.oauth_config.redirect_urls).toEqual(['https://YOUR-TRELLIS-HOST/slack/oauth_redirect']);
    expect(manifest.settings.org_deploy_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(expect.arrayContaining(['app_uninstalled', 'tokens_revoked']));
  });

  it('has /growth, the DM and App Home events and interactivity, all on /slack/events, with the Messages tab writable', () => {
    expect(manifest.features.slash_commands).toEqual([expect.objectContaining({ command: GROWTH_COMMAND, url: 'https://YOUR-TRELLIS-HOST/slack/events', should_escape: true })]);
    expect(manifest.settings.event_subscriptions.bot_events.sort()).toEqual(['app_home_opened', 'app_uninstalled', 'message.im', 'tokens_revoked']);
    expect(manifest.settings.event_subscriptions.request_url).toBe('https://YOUR-TRELLIS-HOST/slack/events');
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: 'https://YOUR-TRELLIS-HOST/slack/events' });
    expect(manifest.features.app_home).toEqual({ home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: false });
  });
});

const sectionTexts = (blocks: Record<string, unknown>[]) => blocks.filter((b) => b.type === 'section' && b.text !== undefined).map((b) => (b.text as { text: string }).text);

describe('Block Kit limits: long content is split, never truncated', () => {
  it('text over 3000 characters becomes several sections that together hold all of it', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `Line ${i}: ${'x'.repeat(40)}`);
    const [message, ...rest] = renderMessages([{ type: 'text', text: lines.join('\n') }]);
    expect(rest).toEqual([]);
    const texts = sectionTexts(message!.blocks);
    expect(texts.length).toBeGreaterThan(2);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    expect(texts.join('\n')).toBe(lines.join('\n'));
  });

  it('a long summary (a department of 600 people) is split into several messages of at most 50 blocks, every item kept', () => {
    const items = Array.from({ length: 600 }, (_, i) => ({ label: `Person ${i}`, value: `Self-reflection overdue by ${i % 9} days` }));
    const messages = renderMessages([{ type: 'summary', title: 'Overdue — Science', items }]);
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
    const fields = messages.flatMap((m) => m.blocks).flatMap((b) => (b.fields as { text: string }[] | undefined) ?? []);
    expect(fields).toHaveLength(600);
    for (const block of messages.flatMap((m) => m.blocks)) expect(((block.fields as unknown[]) ?? []).length).toBeLessThanOrEqual(LIMITS.fieldsPerSection);
    expect(fields.at(-1)!.text).toBe('*Person 599*\nSelf-reflection overdue by 5 days');
    expect(messages[1]!.text).toBe('Overdue — Science (continued)');
  });

  it('a turn’s messages are one Slack message, every block in order and every fallback line kept', () => {
    const turn = [
      { type: 'text' as const, text: 'Thanks — noted.' },
      { type: 'text' as const, text: '*2 Promote good progress*' },
      { type: 'choices' as const, text: 'How well are you doing?', choices: [{ label: 'Mostly', value: 'mostly' }] },
    ];
    const apart = turn.map((message) => renderMessages([message])[0]!);
    const together = renderMessages(turn);
    expect(together).toHaveLength(1);
    expect(together[0]!.blocks).toEqual(apart.flatMap((message) => message.blocks));
    expect(together[0]!.text).toBe(apart.map((message) => message.text).join('\n'));
  });

  it('messages are joined only within Slack’s limits: over 50 blocks, after a question’s buttons, or after an uploaded file, a new message starts', () => {
    const long = (n: number) => ({ type: 'summary' as const, title: `List ${n}`, items: Array.from({ length: 300 }, (_, i) => ({ label: `Person ${i}`, value: 'x' })) });
    const wide = renderMessages([long(1), long(2)]);
    expect(wide.map((message) => message.blocks.length)).toEqual([31, 31]);
    expect(renderMessages([long(1), long(2), { type: 'text', text: 'done' }]).map((message) => message.blocks.length)).toEqual([31, 32]);
    const question = { type: 'choices' as const, text: 'Which?', choices: [{ label: 'A', value: 'a' }] };
    expect(renderMessages([question, { type: 'text', text: 'After the buttons' }, question]).map((message) => message.text)).toEqual(['Which?', 'After the buttons\nWhich?']);
    const pdf = { filename: 'records.pdf', contentType: 'application/pdf', content: 'JVBERi0=', encoding: 'base64' as const };
    const withFile = renderMessages([{ type: 'text', text: 'Before' }, { type: 'text', text: 'Your records', attachment: pdf }, { type: 'text', text: 'After the file' }]);
    expect(withFile.map((message) => [message.text, message.file?.filename])).toEqual([
      ['Before\nYour records', 'records.pdf'],
      ['After the file', undefined],
    ]);
    for (const message of [...wide, ...withFile]) expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
  });

  it('more than 25 choices become several rows of buttons, each value kept', () => {
    const choices = Array.from({ length: 60 }, (_, i) => ({ label: `Colleague ${i}`, value: `p${i}` }));
    const [message] = renderMessages([{ type: 'choices', text: 'Who?', choices }]);
    const rows = message!.blocks.filter((b) => b.type === 'actions') as { elements: { value: string }[] }[];
    expect(rows.map((r) => r.elements.length)).toEqual([25, 25, 10]);
    expect(rows.flatMap((r) => r.elements.map((e) => e.value))).toEqual(choices.map((c) => c.value));
  });

  it('a calendar attachment is posted as text in the thread (no files:write scope needed)', () => {
    const [message] = renderMessages([{ type: 'text', text: 'Check-in booked.', attachment: { filename: 'check-in.ics', contentType: 'text/calendar', content: 'BEGIN:VCALENDAR\nEND:VCALENDAR' } }]);
    expect(sectionTexts(message!.blocks)).toEqual(['Check-in booked.', '*check-in.ics*', '```\nBEGIN:VCALENDAR\nEND:VCALENDAR```']);
  });

  it('a calendar file sent as the turn flow’s file effect shows the same blocks as when a message carries it, after the message', () => {
    const invitation = { filename: 'check-in.ics', contentType: 'text/calendar', content: 'BEGIN:VCALENDAR\nEND:VCALENDAR' };
    const [carried] = renderMessages([{ type: 'text', text: 'Check-in booked.', attachment: invitation }]);
    expect(fileAsText(invitation)).toEqual(carried!.blocks.slice(1));
    expect(postedAsText(invitation)).toBe(true);
    expect(postedAsText({ filename: 'records.pdf', contentType: 'application/pdf', content: 'JVBERi0=', encoding: 'base64' })).toBe(false);
  });

  it('a reply’s calendar file is a numbered part of its delivery after the reply’s messages, an upload sits between them unnumbered, and the saved reply gives the same parts as its effects', () => {
    const invitation = { filename: 'check-in.ics', contentType: 'text/calendar', content: 'BEGIN:VCALENDAR\nEND:VCALENDAR' };
    const pdf = { filename: 'records.pdf', contentType: 'application/pdf', content: 'JVBERi0=', encoding: 'base64' as const };
    const saved = [{ type: 'text' as const, text: 'Booked.', attachment: pdf }, { type: 'text' as const, text: 'Add it to your calendar.', attachment: invitation }, { type: 'choices' as const, text: 'Need to change it?', choices: [{ label: 'Cancel', value: 'cancel' }] }];
    const parts = deliveryParts(saved);
    expect(parts.map((part) => ('upload' in part ? `upload ${part.upload.filename} after ${part.after}` : `${part.number}/${part.of} ${part.message.text}`))).toEqual(['1/2 Booked.\nAdd it to your calendar.\nNeed to change it?', 'upload records.pdf after 1', '2/2 check-in.ics']);
    const [reply] = replyEffects(saved, undefined, 'reply:k');
    if (reply?.kind !== 'reply') throw new Error('no reply effect');
    expect(deliveryParts(reply.messages, reply.files)).toEqual(parts);
  });

  it('App Home lists forty reviewees within a view’s 100 blocks', () => {
    const reviewees = Array.from({ length: 40 }, (_, i) => ({ id: `r${i}`, fullName: `Reviewee ${i}`, open: 2, overdue: 0 }));
    const actions = Array.from({ length: 5 }, (_, i) => ({ label: `Start ${i}`, value: `start:k${i}` }));
    const blocks = renderHome({ person: { id: 'p', fullName: 'Pat', role: 'leader' }, academicYear: 2026, stage: 'Planning', deadlines: [], reviewees, actions });
    expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerView);
    expect(JSON.stringify(blocks)).toMatch(/Reviewee 39/);
  });
});

describe('a colleague named in /growth (should_escape: true)', () => {
  it('reads the user id from an escaped mention, and nothing from plain text', () => {
    expect(mentionedUser('<@U024BE7LH|sam>')).toBe('U024BE7LH');
    expect(mentionedUser('<@U024BE7LH>')).toBe('U024BE7LH');
    expect(mentionedUser('Sam Science')).toBeUndefined();
    expect(mentionedUser('<@U024BE7LH|sam> and <@U1|b>')).toBeUndefined();
  });
});

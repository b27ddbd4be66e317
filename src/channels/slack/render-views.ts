import type { HomeView } from '../../core/bot/bot-ports.ts';
import type { FormField } from '../../core/conversations/engine/outgoing-message.ts';
import { type DigestMessage, itemDueText, moreText } from '../../core/reminders/compose-digest.ts';
import { type Block, LIMITS, type SlackMessage, button, buttonRows, chunkText, sections } from './block-kit.ts';
import { escapeMrkdwn } from './escape-mrkdwn.ts';

export const HOME_ACTION = 'trellis_home_';
export const DIGEST_ACTION = 'trellis_digest_';
export const FORM_CALLBACK = 'trellis_form';
export const ACT_CALLBACK = 'trellis_act';

/** App Home: stage, deadlines, plan, buttons, and a manager's reviewees, within a view's 100 blocks. */
export function renderHome(view: HomeView): Block[] {
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: `Your growth cycle ${view.academicYear}/${String((view.academicYear + 1) % 100).padStart(2, '0')}` } },
    ...sections(`*${view.person.fullName}* · stage: *${view.stage}*`),
  ];
  if (view.exclusion !== undefined) blocks.push(...sections(`_${view.exclusion}_`));
  if (view.actions.length > 0) blocks.push(...buttonRows(view.actions, HOME_ACTION));
  const open = (view.inProgress ?? []).filter((d) => d.platform === 'slack');
  if (open.length > 0) blocks.push(...sections(`*In progress* (carry on in its thread in Messages)\n${open.map((d) => `• ${d.title}${d.status === 'paused' ? ' — paused, say `resume` in its thread' : ''}`).join('\n')}`));
  blocks.push({ type: 'divider' }, ...sections('*Next deadlines*'));
  const deadlines = view.deadlines.map((d) => `• ${d.overdue ? ':warning: ' : ''}${d.label} — ${d.dueText ?? `due ${d.dueOn}`}`);
  blocks.push(...sections(deadlines.length === 0 ? 'Nothing due. Well done!' : deadlines.join('\n')));
  if (view.plan !== undefined) {
    blocks.push({ type: 'divider' }, ...sections(`*My plan* (${view.plan.status})\n${view.plan.goals.map((g) => `• ${g}`).join('\n')}`));
  }
  if (view.reviewees.length > 0) {
    const lines = view.reviewees.map((r) => `• *${r.fullName}* — ${r.open} open, ${r.overdue} overdue${r.next ? ` · next: ${r.next}` : ''}`);
    blocks.push({ type: 'divider' }, ...sections(`*People you review*\n${lines.join('\n')}`));
  }
  const seen = view.seenBy ?? [];
  blocks.push({ type: 'divider' }, ...sections(`*Who has seen my records*\n${seen.length === 0 ? 'Nobody but you.' : seen.map((s) => `• ${s.when}: ${s.text}`).join('\n')}`));
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Type `/growth help` anywhere for everything Trellis can do.' }] });
  if (blocks.length > LIMITS.blocksPerView) {
    // A home tab holds 100 blocks: the last one says what did not fit rather than dropping it silently.
    return [...blocks.slice(0, LIMITS.blocksPerView - 1), ...sections('There is more than fits here: type `/growth status` for the full list.')];
  }
  return blocks;
}

/**
 * A day's reminders as one DM: a section per item with its buttons (start, done, snooze, not
 * applicable), "and 3 more — say `status`", then each escalation summary with its one button.
 */
export function renderDigest(digest: DigestMessage): SlackMessage[] {
  const blocks: Block[] = [{ type: 'header', text: { type: 'plain_text', text: digest.title.slice(0, 150) } }];
  for (const item of digest.items) {
    const who = item.about === undefined ? '' : ` — ${escapeMrkdwn(item.about.fullName)}`;
    const state = item.state === 'overdue' || item.state === 'escalated' ? ' :warning:' : '';
    const due = itemDueText(item, digest.date);
    blocks.push(...sections(`*${escapeMrkdwn(item.label)}*${who}${state}\n${due.charAt(0).toUpperCase()}${due.slice(1)}`));
    if (item.actions.length > 0) blocks.push({ type: 'actions', elements: item.actions.map((a, i) => button(a.label, `${DIGEST_ACTION}${blocks.length}_${i}`, a.value, a.value.startsWith('start:') ? 'primary' : undefined)) });
  }
  const more = moreText(digest);
  if (more !== undefined) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: more }] });
  for (const summary of digest.escalations ?? []) {
    blocks.push(...sections(`:warning: ${escapeMrkdwn(summary.text)}`));
    if (summary.actions.length > 0) blocks.push({ type: 'actions', elements: summary.actions.map((a, i) => button(a.label, `${DIGEST_ACTION}${blocks.length}_${i}`, a.value)) });
  }
  const messages: SlackMessage[] = [];
  for (let i = 0; i < blocks.length; i += LIMITS.blocksPerMessage) {
    messages.push({ text: escapeMrkdwn(i === 0 ? digest.title : `${digest.title} (continued)`), blocks: blocks.slice(i, i + LIMITS.blocksPerMessage) });
  }
  return messages;
}

/** A modal for a form: each field is an input block whose block_id is the field id, so errors land on it. */
export function renderModal(title: string, fields: readonly FormField[], callbackId: string, privateMetadata: string): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: privateMetadata,
    title: { type: 'plain_text', text: shortTitle(title) },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: fields.slice(0, LIMITS.blocksPerView).map((field) => (tooLongForModal(field) ? keptAsItIs(field) : {
      type: 'input',
      block_id: field.id,
      optional: !field.required,
      label: { type: 'plain_text', text: chunkText(field.label, 2000)[0] },
      ...(field.hint === undefined ? {} : { hint: { type: 'plain_text', text: chunkText(field.hint, 2000)[0] } }),
      element: inputElement(field),
    })),
  };
}

/** An earlier answer longer than a Slack text input holds (answers in the thread may be longer). */
function tooLongForModal(field: FormField): boolean {
  return (field.kind === 'long-text' || field.kind === 'text') && (field.value?.length ?? 0) > MODAL_TEXT_LIMIT;
}

/**
 * Such an answer is shown as a note, not an input: only inputs are sent back, so saving the modal
 * leaves it as it is rather than cutting it to what the input could hold.
 */
function keptAsItIs(field: FormField): Record<string, unknown> {
  const length = (field.value ?? '').length.toLocaleString('en-GB');
  const text = `*${escapeMrkdwn(field.label)}*\nYour answer is ${length} characters, more than a Slack form holds, so it stays as it is. To change it, say \`edit ${escapeMrkdwn(field.label)}\` in the thread.`;
  return { type: 'section', block_id: field.id, text: { type: 'mrkdwn', text: chunkText(text, LIMITS.sectionText)[0] } };
}

/** Slack's longest plain-text input. */
const MODAL_TEXT_LIMIT = 3000;

/** A field's input, holding its prefill (an earlier answer, or what was typed before a refusal). */
function inputElement(field: FormField): Record<string, unknown> {
  const value = field.value === undefined || field.value === '' ? undefined : field.value;
  switch (field.kind) {
    case 'date':
      return { type: 'datepicker', action_id: 'value', ...(value !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(value) ? { initial_date: value } : {}) };
    case 'choice': {
      const options = (field.choices ?? []).slice(0, 100).map((c) => ({ text: { type: 'plain_text', text: c.label.slice(0, 75) }, value: c.value }));
      const initial = options.find((o) => o.value === value);
      return { type: 'static_select', action_id: 'value', options, ...(initial === undefined ? {} : { initial_option: initial }) };
    }
    case 'long-text':
    case 'text': {
      const max = Math.min(field.maxLength ?? MODAL_TEXT_LIMIT, MODAL_TEXT_LIMIT);
      return { type: 'plain_text_input', action_id: 'value', ...(field.kind === 'long-text' ? { multiline: true } : {}), max_length: max, ...(value === undefined ? {} : { initial_value: value.slice(0, max) }) };
    }
  }
}

// Modal titles are at most 24 characters.
function shortTitle(title: string): string {
  return title.length <= 24 ? title : `${title.slice(0, 23)}…`;
}

import type { App } from '@slack/bolt';
import type { Actor, ReminderActionOutcome } from '../../core/bot/bot-ports.ts';
import { type CommandOutcome, NOT_ON_ROSTER } from '../../core/bot/trellis-bot.ts';
import type { FormField, OutgoingMessage } from '../../core/conversations/engine/outgoing-message.ts';
import { CHOICE_ACTION, FORM_ACTION, renderMessages, sections } from './block-kit.ts';
import { ACT_CALLBACK, DIGEST_ACTION, FORM_CALLBACK, HOME_ACTION, renderHome, renderModal } from './render-views.ts';
import type { SlackChannel } from './slack-channel.ts';
import { BlockActionsSchema, type BlockActionsPayload, CommandSchema, HomeOpenedSchema, inputValue, MessageEnvelopeSchema, ViewSubmissionSchema } from './slack-payloads.ts';

export const GROWTH_COMMAND = '/growth';
const IN_THREAD_NOTE = 'Slash commands don’t work inside threads: reply in the thread, or use its buttons.';
const REMINDER_VALUE = /^(start|done|snooze|na):/;

/**
 * Bolt listeners: each acknowledges first (events are acknowledged by Bolt before they run), then
 * checks the payload with zod, identifies the person and calls the bot. Anything unexpected is
 * logged and ignored, so Slack always gets its 200 and nothing half-applied.
 */
export function registerListeners(app: App, slack: SlackChannel): void {
  const { log } = slack.parts;
  const guard = (what: string, run: () => Promise<void>) =>
    run().catch((error: unknown) => log.error(`slack ${what} failed`, { error }));

  app.event('message', ({ body }) => guard('message', () => onMessage(slack, body)));
  app.event('app_home_opened', ({ body }) => guard('app home', () => onHomeOpened(slack, body)));
  app.command(GROWTH_COMMAND, async ({ ack, body, respond }) => {
    // Ack before anything else: Slack shows an error after 3 seconds, and trigger_id work comes later.
    await ack();
    await guard('/growth', () => onCommand(slack, body, respond));
  });
  app.action(/^trellis_/, async ({ ack, body }) => {
    await ack();
    await guard('button', () => onAction(slack, body));
  });
  app.view(FORM_CALLBACK, ({ ack, body }) => guard('form', () => onViewSubmission(slack, body, ack as ViewAck)));
  app.view(ACT_CALLBACK, ({ ack, body }) => guard('reminder form', () => onViewSubmission(slack, body, ack as ViewAck)));
}

const tenantOf = (team: string | undefined, enterprise: string | null | undefined): string => enterprise ?? team ?? 'unknown';

async function onMessage(slack: SlackChannel, body: unknown): Promise<void> {
  const parsed = MessageEnvelopeSchema.safeParse(body);
  if (!parsed.success) {
    slack.parts.log.debug('slack message ignored (not a person’s direct message)', { issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
    return;
  }
  const { event, event_id: eventId } = parsed.data;
  const actor = await slack.identify(tenantOf(parsed.data.team_id, parsed.data.enterprise_id), event.user);
  if (actor === undefined) {
    await slack.post(event.channel, event.thread_ts, renderMessages([{ type: 'text', text: NOT_ON_ROSTER }]));
    return;
  }
  if (event.thread_ts !== undefined) {
    // A reply in a dialog's thread. The event id is the turn's message id: a retried delivery
    // repeats it, and the engine applies it once.
    const result = await slack.parts.bot.handleMessage(actor, { threadKey: `${event.channel}:${event.thread_ts}`, messageId: eventId }, { kind: 'text', text: event.text });
    await slack.deliverTurn(event.channel, event.thread_ts, result, eventId);
    return;
  }
  // Words typed in the DM work like /growth. A dialog starts in the thread of the person's own
  // message, so a retried event maps to the same thread and the engine's dedupe covers it.
  const outcome = await slack.parts.bot.command(actor, event.text, eventId, { prefix: '' });
  if (outcome.kind === 'reply') {
    await slack.post(event.channel, event.ts, renderMessages(outcome.messages));
    return;
  }
  const target = await slack.targetOf(actor.account.tenant, outcome.target);
  const result = await slack.parts.bot.startDialog(actor, { threadKey: `${event.channel}:${event.ts}`, messageId: eventId }, { trigger: outcome.trigger, target });
  if (result.duplicate) return;
  await slack.post(event.channel, event.ts, renderMessages([{ type: 'text', text: outcome.title }]));
  await slack.deliverTurn(event.channel, event.ts, result, eventId);
}

type Respond = (message: { response_type: 'ephemeral'; text: string; blocks?: Record<string, unknown>[] }) => Promise<unknown>;

async function onCommand(slack: SlackChannel, body: unknown, respond: Respond): Promise<void> {
  const parsed = CommandSchema.safeParse(body);
  if (!parsed.success) {
    slack.parts.log.warn('slack command ignored: unexpected payload', { issues: parsed.error.issues.map((i) => i.path.join('.')) });
    return;
  }
  const command = parsed.data;
  const reply = (messages: OutgoingMessage[]) => replyEphemerally(slack, respond, command.channel_id, command.user_id, messages);
  const actor = await slack.identify(tenantOf(command.team_id, command.enterprise_id), command.user_id);
  if (actor === undefined) {
    await reply([{ type: 'text', text: NOT_ON_ROSTER }]);
    return;
  }
  const outcome = await slack.parts.bot.command(actor, command.text, `command:${command.trigger_id}`, { prefix: `${GROWTH_COMMAND} `, inThreadNote: IN_THREAD_NOTE });
  if (outcome.kind === 'reply') {
    await reply(outcome.messages);
    return;
  }
  await startFromOutcome(slack, actor, outcome, `command:${command.trigger_id}`);
  await reply([{ type: 'text', text: `I’ve started your ${slack.parts.bot.dialogTitle(outcome.dialogId)?.toLowerCase() ?? 'conversation'} in a thread in our direct messages (Trellis → Messages).` }]);
}

async function startFromOutcome(slack: SlackChannel, actor: Actor, outcome: Extract<CommandOutcome, { kind: 'start-dialog' }>, messageId: string): Promise<void> {
  const target = await slack.targetOf(actor.account.tenant, outcome.target);
  await slack.openDialogThread(actor, { ...outcome, target }, messageId);
}

/** Ephemeral replies go through response_url; if it has expired, chat.postEphemeral instead. */
async function replyEphemerally(slack: SlackChannel, respond: Respond, channel: string, user: string, messages: OutgoingMessage[]): Promise<void> {
  for (const message of renderMessages(messages)) {
    try {
      await respond({ response_type: 'ephemeral', text: message.text, blocks: message.blocks });
    } catch (error) {
      slack.parts.log.warn('slack response_url failed; posting ephemerally', { error });
      await slack.client.chat.postEphemeral({ channel, user, text: message.text, blocks: message.blocks as never });
    }
    // A file cannot go in an ephemeral reply: it goes to the person's own DM with Trellis.
    if (message.file !== undefined) await slack.upload(await slack.dmChannel(slack.client, user), undefined, message.file);
  }
}

async function onHomeOpened(slack: SlackChannel, body: unknown): Promise<void> {
  const parsed = HomeOpenedSchema.safeParse(body);
  if (!parsed.success || parsed.data.event.tab !== 'home') return;
  const userId = parsed.data.event.user;
  const actor = await slack.identify(tenantOf(parsed.data.team_id, parsed.data.enterprise_id), userId);
  const blocks = actor === undefined ? sections(NOT_ON_ROSTER) : renderHome(await slack.parts.bot.home(actor.person));
  await slack.client.views.publish({ user_id: userId, view: { type: 'home', blocks } as never });
}

async function onAction(slack: SlackChannel, body: unknown): Promise<void> {
  const parsed = BlockActionsSchema.safeParse(body);
  if (!parsed.success) {
    slack.parts.log.warn('slack action ignored: unexpected payload', { issues: parsed.error.issues.map((i) => i.path.join('.')) });
    return;
  }
  const payload = parsed.data;
  const action = payload.actions[0]!;
  if (action.action_id === FORM_ACTION) {
    // trigger_id lives 3 seconds: the modal opens before any database work.
    await openFormModal(slack, payload, action.value);
    return;
  }
  const actor = await slack.identify(tenantOf(payload.user.team_id ?? payload.team?.id, payload.enterprise?.id), payload.user.id);
  if (actor === undefined) {
    const channel = payload.channel?.id ?? (await slack.dmChannel(slack.client, payload.user.id));
    await slack.post(channel, undefined, renderMessages([{ type: 'text', text: NOT_ON_ROSTER }]));
    return;
  }
  if (action.action_id.startsWith(CHOICE_ACTION)) await onChoice(slack, actor, payload, action);
  else if (action.action_id.startsWith(DIGEST_ACTION) || action.action_id.startsWith(HOME_ACTION)) await onShortcut(slack, actor, payload, action.value);
}

type Action = BlockActionsPayload['actions'][number];

async function onChoice(slack: SlackChannel, actor: Actor, payload: BlockActionsPayload, action: Action): Promise<void> {
  const message = payload.message;
  const channel = payload.channel?.id;
  if (message === undefined || channel === undefined) return;
  const threadTs = message.thread_ts ?? message.ts;
  // One answer per question message: a double click, or a press on a question already answered,
  // repeats this id and the engine ignores it.
  const messageId = `choice:${channel}:${message.ts}`;
  const result = await slack.parts.bot.handleMessage(actor, { threadKey: `${channel}:${threadTs}`, messageId }, { kind: 'choice', value: action.value });
  if (result.duplicate) return;
  const answered = [...message.blocks.filter((b) => b.type !== 'actions'), { type: 'context', elements: [{ type: 'mrkdwn', text: `You chose: *${action.text?.text ?? action.value}*` }] }];
  await slack.client.chat.update({ channel, ts: message.ts, text: `You chose: ${action.text?.text ?? action.value}`, blocks: answered as never });
  await slack.deliverTurn(channel, threadTs, result, messageId);
}

/** A digest or App Home button: a reminder action (`start:`, `done:`…) or a /growth word. */
async function onShortcut(slack: SlackChannel, actor: Actor, payload: BlockActionsPayload, value: string): Promise<void> {
  const messageId = `action:${payload.trigger_id}`;
  const channel = payload.channel?.id ?? (await slack.dmChannel(slack.client, actor.account.userId));
  if (!REMINDER_VALUE.test(value)) {
    const outcome = await slack.parts.bot.command(actor, value, messageId, { prefix: `${GROWTH_COMMAND} ` });
    if (outcome.kind === 'reply') await slack.post(channel, undefined, renderMessages(outcome.messages));
    else await startFromOutcome(slack, actor, outcome, messageId);
    return;
  }
  const outcome = await slack.parts.bot.act(actor, value);
  if (outcome.kind === 'ask') {
    const fields = askFields(outcome.message);
    const view = renderModal(outcome.message.type === 'form' ? outcome.message.title : 'A little more', fields, ACT_CALLBACK, JSON.stringify({ value }));
    await slack.client.views.open({ trigger_id: payload.trigger_id, view: view as never });
    return;
  }
  await applyOutcome(slack, actor, outcome, channel, messageId);
}

async function applyOutcome(slack: SlackChannel, actor: Actor, outcome: Exclude<ReminderActionOutcome, { kind: 'ask' }>, channel: string, messageId: string): Promise<void> {
  if (outcome.kind === 'reply') await slack.post(channel, undefined, renderMessages(outcome.messages));
  else {
    const target = outcome.targetPersonId === undefined ? undefined : { personId: outcome.targetPersonId };
    await slack.openDialogThread(actor, { dialogId: outcome.dialogId, trigger: outcome.trigger, title: slack.parts.bot.threadTitle(outcome.dialogId), target }, messageId);
  }
}

/** The fields a reminder action asks for; a plain question becomes one "reason" box. */
function askFields(message: OutgoingMessage): readonly FormField[] {
  if (message.type === 'form') return message.fields;
  const label = message.type === 'summary' ? message.title : message.text;
  return [{ id: 'reason', label, kind: 'long-text', required: true }];
}

async function openFormModal(slack: SlackChannel, payload: BlockActionsPayload, value: string): Promise<void> {
  const channel = payload.channel?.id;
  const message = payload.message;
  if (channel === undefined || message === undefined) return;
  const form = JSON.parse(value) as { title: string; fields: FormField[] };
  const meta = JSON.stringify({ channel, threadTs: message.thread_ts ?? message.ts });
  await slack.client.views.open({ trigger_id: payload.trigger_id, view: renderModal(form.title, form.fields, FORM_CALLBACK, meta) as never });
}

type ViewAck = (response?: { response_action: 'errors'; errors: Record<string, string> }) => Promise<void>;

/** Modal submissions: required fields are checked before the ack, so errors show on the fields. */
async function onViewSubmission(slack: SlackChannel, body: unknown, ack: ViewAck): Promise<void> {
  const parsed = ViewSubmissionSchema.safeParse(body);
  if (!parsed.success) {
    await ack();
    slack.parts.log.warn('slack form ignored: unexpected payload');
    return;
  }
  const { view, user } = parsed.data;
  const values: Record<string, string> = {};
  const errors: Record<string, string> = {};
  for (const block of view.blocks) {
    if (block.type !== 'input' || block.block_id === undefined) continue;
    const value = inputValue(view.state.values[block.block_id]?.value);
    if (value === '' && block.optional !== true) errors[block.block_id] = 'Please fill this in.';
    if (value !== '') values[block.block_id] = value;
  }
  if (Object.keys(errors).length > 0) {
    await ack({ response_action: 'errors', errors });
    return;
  }
  await ack();
  const actor = await slack.identify(tenantOf(user.team_id ?? parsed.data.team?.id, parsed.data.enterprise?.id), user.id);
  if (actor === undefined) return;
  const meta = JSON.parse(view.private_metadata || '{}') as { channel?: string; threadTs?: string; value?: string };
  const messageId = `view:${view.id}`;
  if (view.callback_id === ACT_CALLBACK && meta.value !== undefined) {
    const outcome = await slack.parts.bot.act(actor, meta.value, { reason: values.reason, until: values.until });
    const channel = await slack.dmChannel(slack.client, user.id);
    if (outcome.kind === 'ask') await slack.post(channel, undefined, renderMessages([outcome.message]));
    else await applyOutcome(slack, actor, outcome, channel, messageId);
    return;
  }
  if (meta.channel === undefined || meta.threadTs === undefined) return;
  const result = await slack.parts.bot.handleMessage(actor, { threadKey: `${meta.channel}:${meta.threadTs}`, messageId }, { kind: 'form', values });
  await slack.deliverTurn(meta.channel, meta.threadTs, result, messageId);
}

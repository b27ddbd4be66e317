import type { App } from '@slack/bolt';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Actor } from '../../core/bot/bot-ports.ts';
import { NOT_SAVED, type ThreadPlace } from '../../core/bot/trellis-bot.ts';
import type { Effect, ThreadOpener } from '../../core/bot/turn-flow.ts';
import { FORM_CHOICE } from '../../core/conversations/engine/commands.ts';
import { type Attachment, type FormField, messageText, type OutgoingMessage, say } from '../../core/conversations/engine/outgoing-message.ts';
import { CHOICE_ACTION, FORM_ACTION, isChoiceRow, renderMessages, sections } from './block-kit.ts';
import { escapeMrkdwn } from './escape-mrkdwn.ts';
import { ACT_CALLBACK, DIGEST_ACTION, FORM_CALLBACK, HOME_ACTION, renderHome, renderModal } from './render-views.ts';
import { type SlackChannel, threadPlace } from './slack-channel.ts';
import { installKeyOf } from './slack-installations.ts';
import { ephemeralPlace, postToResponseUrl } from './response-url.ts';
import { BlockActionsSchema, type BlockActionsPayload, CommandSchema, HomeOpenedSchema, inputValue, type MessageEnvelope, MessageEnvelopeSchema, type ViewSubmissionPayload, ViewSubmissionSchema } from './slack-payloads.ts';

export const GROWTH_COMMAND = '/growth';
const IN_THREAD_NOTE = 'Slash commands don’t work inside threads: reply in the thread, or use its buttons.';

const COMMAND_FAILED = 'Sorry, I couldn’t do that just now (Trellis is having trouble). Please try again in a few minutes.';
const FORM_NOT_SAVED = 'Trellis couldn’t save this just now. Please press Save again in a moment.';
/** Slack retries a failed event three times; after the third, nobody will send it again. */
const LAST_RETRY = 3;

/**
 * Bolt listeners. With `processBeforeResponse`, Slack's HTTP request stays open while a listener
 * runs, so for a message or a button press the listener does the turn (identify, the engine's
 * transaction) and returns: Slack gets its 200 once the turn has committed, or a 500 if it failed,
 * and retries (the engine applies a retry once). Replies are posted after the answer
 * (`slack.later`). A slash command too: its turn saves its answer and commits before the ack; Slack
 * never retries one, so a turn that fails is acknowledged with a plain apology instead. A modal submission saves before its ack, and a
 * failure is shown on the form so the person can press Save again with their answers intact.
 */
export function registerListeners(app: App, slack: SlackChannel): void {
  app.event('message', ({ body, context }) => onMessage(slack, body, context.retryNum, context.isEnterpriseInstall));
  app.event('app_home_opened', async ({ body, context }) => slack.later('app home', () => onHomeOpened(slack, body, context.isEnterpriseInstall)));
  app.command(GROWTH_COMMAND, async ({ ack, body, context }) => {
    // The turn, with its saved answer, commits before the ack; the answer is shown after it.
    let answer: (() => Promise<void>) | undefined;
    try {
      answer = await applyCommand(slack, body, context.isEnterpriseInstall);
    } catch (error) {
      // Slack never retries a slash command: the person hears at once that it did not work.
      slack.parts.log.error('slack /growth failed', { error });
      await ack({ response_type: 'ephemeral', text: COMMAND_FAILED });
      return;
    }
    await ack();
    if (answer !== undefined) slack.later('/growth', answer);
  });
  app.action(/^trellis_/, async ({ ack, body, context }) => {
    await ack();
    await onAction(slack, body, context.isEnterpriseInstall);
  });
  app.view(FORM_CALLBACK, ({ ack, body, context }) => onViewSubmission(slack, body, ack as ViewAck, context.isEnterpriseInstall));
  app.view(ACT_CALLBACK, ({ ack, body, context }) => onViewSubmission(slack, body, ack as ViewAck, context.isEnterpriseInstall));
  if (slack.installedInMany) {
    // Slack sends these even though the install is gone, so Bolt does not authorize them.
    const keyOf = (context: { isEnterpriseInstall?: boolean; teamId?: string; enterpriseId?: string }) => installKeyOf(context.isEnterpriseInstall === true, context.teamId, context.enterpriseId);
    app.event('app_uninstalled', async ({ context }) => slack.uninstalled(keyOf(context), 'the app was uninstalled'));
    app.event('tokens_revoked', async ({ event, context }) => {
      // Only the bot's token matters: Trellis asks for no user tokens.
      if ((event.tokens.bot ?? []).length > 0) await slack.uninstalled(keyOf(context), 'its bot token was revoked');
    });
  }
}

/**
 * The tenant a request is from, as accounts and installs record it. Installed through "Add to
 * Slack", it is the key of the install that serves the request (Bolt says which kind from the
 * request): the Grid org for an org-wide install, else the workspace, so a workspace of a Grid org
 * installed on its own is its team id even though its requests carry the org's id too. With one
 * bot token it is the org when there is one, as the token's own home tenant is.
 */
function tenantOf(slack: SlackChannel, orgWide: boolean | undefined, team: string | undefined, enterprise: string | null | undefined): string {
  if (slack.installedInMany) return installKeyOf(orgWide === true, team, enterprise) ?? 'unknown';
  return enterprise ?? team ?? 'unknown';
}

async function onMessage(slack: SlackChannel, body: unknown, retryNum: number | undefined, orgWide: boolean | undefined): Promise<void> {
  const parsed = MessageEnvelopeSchema.safeParse(body);
  if (!parsed.success) {
    slack.parts.log.debug('slack message ignored (not a person’s direct message)', { issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
    return;
  }
  const { event } = parsed.data;
  try {
    await applyMessage(slack, parsed.data, orgWide);
  } catch (error) {
    // Slack will not send it again: say so, rather than let what they wrote vanish.
    if ((retryNum ?? 0) >= LAST_RETRY) slack.later('not-saved notice', () => slack.post(event.channel, event.thread_ts, renderMessages([{ type: 'text', text: NOT_SAVED }])).then(() => undefined));
    throw error;
  }
}

async function applyMessage(slack: SlackChannel, envelope: MessageEnvelope, orgWide: boolean | undefined): Promise<void> {
  const { event, event_id: eventId } = envelope;
  // A reply in a dialog's thread. The event id is the turn's message id: a retried delivery
  // repeats it, and the engine applies it once. Who wrote it is looked up with the turn's first read.
  const inThread = event.thread_ts === undefined ? undefined : threadPlace(event.channel, event.thread_ts, eventId);
  const actor = await slack.identify(tenantOf(slack, orgWide, envelope.team_id, envelope.enterprise_id), event.user, inThread);
  if ('refusal' in actor) {
    slack.later('refusal reply', () => slack.post(event.channel, event.thread_ts, renderMessages([{ type: 'text', text: actor.refusal }])).then(() => undefined));
    return;
  }
  const { bot } = slack.parts;
  if (inThread !== undefined) {
    const { effects } = await bot.messageFlow(actor, inThread, { kind: 'text', text: event.text });
    slack.later('thread replies', () => bot.render(effects, slack.renderer(async () => ({ channel: event.channel, threadTs: event.thread_ts }))));
    return;
  }
  // Words typed in the DM work like /growth. A dialog starts in the thread of the person's own
  // message (its title posted there first), so a retried event maps to the same thread and the
  // engine's dedupe covers it.
  const inOwnThread: ThreadOpener = {
    openThread: async ({ messageId }) => threadPlace(event.channel, event.ts, messageId),
    targetOf: (text) => slack.targetOf(actor.account.tenant, text),
  };
  // The answer goes in the thread of the person's message, where the job engine can look it up: saved with it.
  const effects = await bot.commandFlow(actor, event.text, eventId, inOwnThread, { prefix: '', replyTo: { conversation: event.channel, thread: event.ts } });
  // A dialog's title heads its first reply in the same post when the reply goes to the same thread; else it is a post of its own.
  const started = effects.find((effect) => effect.kind === 'dialog-started');
  const lead = started !== undefined && effects.some((effect) => effect.kind === 'reply' && effect.place?.replyTo?.conversation === event.channel && effect.place.replyTo.thread === event.ts) ? started.title : undefined;
  const titled = { lead, render: async (effect: Effect) => void (lead === undefined && effect.kind === 'dialog-started' && (await slack.post(event.channel, event.ts, renderMessages([say(effect.title)])))) };
  slack.later('replies', () => bot.render(effects, slack.renderer(async () => ({ channel: event.channel, threadTs: event.ts }), titled)));
}

/**
 * Runs a slash command's turn and returns how to show its answer. The answer is saved in the turn
 * (its place: the command's response_url while Slack takes it, then the person's DM), so a crash or
 * a failed post after the ack leaves it to the job engine. A refusal, saved nowhere, is only shown.
 */
async function applyCommand(slack: SlackChannel, body: unknown, orgWide: boolean | undefined): Promise<(() => Promise<void>) | undefined> {
  const parsed = CommandSchema.safeParse(body);
  if (!parsed.success) {
    slack.parts.log.warn('slack command ignored: unexpected payload', { issues: parsed.error.issues.map((i) => i.path.join('.')) });
    return undefined;
  }
  const command = parsed.data;
  if (!slack.trustsResponseUrl(command.response_url)) {
    slack.parts.log.warn('slack command ignored: its response_url is not Slack’s');
    return undefined;
  }
  const shown = (messages: readonly OutgoingMessage[]) => postToResponseUrl(command.response_url, renderMessages(messages));
  const actor = await slack.identify(tenantOf(slack, orgWide, command.team_id, command.enterprise_id), command.user_id);
  if ('refusal' in actor) return () => shown([{ type: 'text', text: actor.refusal }]);
  const { bot } = slack.parts;
  const place = ephemeralPlace(command.channel_id, command.response_url, slack.parts.clock.now());
  const effects = await bot.commandFlow(actor, command.text, `command:${command.trigger_id}`, slack.dmThreads(actor), { prefix: `${GROWTH_COMMAND} `, inThreadNote: IN_THREAD_NOTE, replyTo: place });
  // An answer is ephemeral, where the command was typed; a dialog's replies go to its DM thread.
  const started = async (effect: Effect) => {
    if (effect.kind === 'dialog-started') await shown([say(`I’ve started your ${bot.dialogTitle(effect.dialogId)?.toLowerCase() ?? 'conversation'} in a thread in our direct messages (Trellis → Messages).`)]);
  };
  const reply = (messages: readonly OutgoingMessage[], replyKey: string | undefined) =>
    replyKey === undefined || place.ephemeral === undefined ? shown(messages) : slack.answerEphemerally(actor.account, place.ephemeral, messages, replyKey);
  // An ephemeral answer cannot carry a file: it goes to their DM with Trellis.
  const file = async (attachment: Attachment) => slack.sendFile(await slack.dmChannel(slack.client, actor.account.userId), undefined, attachment);
  return () => bot.render(effects, slack.renderer(async () => ({ channel: command.channel_id }), { reply, render: started, file }));
}

async function onHomeOpened(slack: SlackChannel, body: unknown, orgWide: boolean | undefined): Promise<void> {
  const parsed = HomeOpenedSchema.safeParse(body);
  if (!parsed.success || parsed.data.event.tab !== 'home') return;
  const userId = parsed.data.event.user;
  const actor = await slack.identify(tenantOf(slack, orgWide, parsed.data.team_id, parsed.data.enterprise_id), userId);
  const publish = (blocks: unknown[]) => slack.client.views.publish({ user_id: userId, view: { type: 'home', blocks } as never }).then(() => undefined);
  if ('refusal' in actor) return publish(sections(actor.refusal));
  // The core decides what the home holds; App Home is where Slack shows it.
  await slack.parts.bot.render(await slack.parts.bot.homeFlow(actor), { render: async (effect) => void (effect.kind === 'home' && (await publish(renderHome(effect.view)))) });
}

async function onAction(slack: SlackChannel, body: unknown, orgWide: boolean | undefined): Promise<void> {
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
  if (action.action_id.startsWith(CHOICE_ACTION) && action.value === FORM_CHOICE) {
    await openSectionForm(slack, payload, orgWide);
    return;
  }
  // A dialog's button: who pressed it is looked up with the turn's first read, as for a reply typed in its thread.
  const pressed = action.action_id.startsWith(CHOICE_ACTION) ? choicePlace(payload) : undefined;
  const actor = await slack.identify(tenantOf(slack, orgWide, payload.user.team_id ?? payload.team?.id, payload.enterprise?.id), payload.user.id, pressed?.place);
  if ('refusal' in actor) {
    slack.later('refusal reply', async () => {
      const channel = payload.channel?.id ?? (await slack.dmChannel(slack.client, payload.user.id));
      await slack.post(channel, undefined, renderMessages([{ type: 'text', text: actor.refusal }]));
    });
    return;
  }
  if (pressed !== undefined) await onChoice(slack, actor, action, pressed);
  else if (action.action_id.startsWith(DIGEST_ACTION) || action.action_id.startsWith(HOME_ACTION)) await onShortcut(slack, actor, payload, action.value);
}

type Action = BlockActionsPayload['actions'][number];

/**
 * Where a dialog's button was pressed: its thread, and the press's message id. One answer per
 * question message: a double click, or a press on a question already answered, repeats this id
 * and the engine ignores it.
 */
function choicePlace(payload: BlockActionsPayload): Pressed | undefined {
  const message = payload.message;
  const channel = payload.channel?.id;
  if (message === undefined || channel === undefined) return undefined;
  const threadTs = message.thread_ts ?? message.ts;
  return { message, channel, threadTs, place: threadPlace(channel, threadTs, `choice:${channel}:${message.ts}`) };
}

/** A dialog's button press: the question's message, its conversation and thread, and the turn's place. */
interface Pressed {
  message: NonNullable<BlockActionsPayload['message']>;
  channel: string;
  threadTs: string;
  place: ThreadPlace;
}

async function onChoice(slack: SlackChannel, actor: Actor, action: Action, pressed: Pressed): Promise<void> {
  const { message, channel, threadTs } = pressed;
  const { effects, result } = await slack.parts.bot.messageFlow(actor, pressed.place, { kind: 'choice', value: action.value });
  if (result.duplicate) return;
  slack.later('choice replies', async () => {
    const chosen = action.text?.text ?? action.value;
    // The question's buttons give way to the answer; the rest of the message (what came before the question in the same post) stays.
    const answered = [...message.blocks.filter((b) => !isChoiceRow(b)), { type: 'context', elements: [{ type: 'mrkdwn', text: `You chose: *${escapeMrkdwn(chosen)}*` }] }];
    await slack.client.chat.update({ channel, ts: message.ts, text: `You chose: ${escapeMrkdwn(chosen)}`, blocks: answered as never });
    await slack.parts.bot.render(effects, slack.renderer(async () => ({ channel, threadTs })));
  });
}

/** A digest or App Home button: a reminder action (`start:`, `done:`…) or a /growth word. */
async function onShortcut(slack: SlackChannel, actor: Actor, payload: BlockActionsPayload, value: string): Promise<void> {
  const { bot } = slack.parts;
  // The answer goes where the button was (the DM with the reminder), or from App Home, which has no conversation, to the DM: saved with the press either way.
  const pressedIn = payload.channel?.id ?? (await slack.dmChannel(slack.client, actor.account.userId));
  const effects = await bot.actFlow(actor, value, `action:${payload.trigger_id}`, slack.dmThreads(actor), undefined, { conversation: pressedIn });
  const here = async () => ({ channel: pressedIn });
  // trigger_id lives 3 seconds: a form to ask first opens as a modal straight after the ack.
  const modal = async (effect: Effect) => {
    if (effect.kind !== 'ask-form') return;
    const view = renderModal(effect.message.type === 'form' ? effect.message.title : 'A little more', askFields(effect.message), ACT_CALLBACK, JSON.stringify({ value: effect.value }));
    await slack.client.views.open({ trigger_id: payload.trigger_id, view: view as never });
  };
  slack.later('button replies', () => bot.render(effects, slack.renderer(here, { render: modal })));
}

/** The fields a reminder action asks for; a plain question becomes one "reason" box. */
function askFields(message: OutgoingMessage): readonly FormField[] {
  if (message.type === 'form') return message.fields;
  const label = message.type === 'summary' ? message.title : message.text;
  return [{ id: 'reason', label, kind: 'long-text', required: true }];
}

const FormButtonSchema = z.object({ title: z.string(), fields: z.array(z.looseObject({ id: z.string(), label: z.string(), kind: z.enum(['text', 'long-text', 'date', 'choice']), required: z.boolean() })) });

async function openFormModal(slack: SlackChannel, payload: BlockActionsPayload, value: string): Promise<void> {
  const channel = payload.channel?.id;
  const message = payload.message;
  if (channel === undefined || message === undefined) return;
  const form = FormButtonSchema.safeParse(parseJson(value));
  if (!form.success) {
    slack.parts.log.warn('slack form button ignored: its value is not a form');
    return;
  }
  const meta = JSON.stringify({ channel, threadTs: message.thread_ts ?? message.ts });
  await slack.client.views.open({ trigger_id: payload.trigger_id, view: renderModal(form.data.title, form.data.fields as FormField[], FORM_CALLBACK, meta) as never });
}

const LOADING_VIEW = { type: 'modal', title: { type: 'plain_text', text: 'Trellis' }, close: { type: 'plain_text', text: 'Close' }, blocks: sections('Getting your form…') };

/**
 * "Answer in a form" in a dialog's thread: the modal opens at once on a placeholder (trigger_id
 * lives 3 seconds), the core's `formFlow` says which form (from the thread's state), and the
 * modal becomes that form (`ask-form`); if the thread has moved on, it shows the reply instead.
 */
async function openSectionForm(slack: SlackChannel, payload: BlockActionsPayload, orgWide: boolean | undefined): Promise<void> {
  const channel = payload.channel?.id;
  const message = payload.message;
  if (channel === undefined || message === undefined) return;
  const opened = await slack.client.views.open({ trigger_id: payload.trigger_id, view: LOADING_VIEW as never });
  const viewId = opened.view?.id;
  const actor = await slack.identify(tenantOf(slack, orgWide, payload.user.team_id ?? payload.team?.id, payload.enterprise?.id), payload.user.id);
  const threadTs = message.thread_ts ?? message.ts;
  if ('refusal' in actor) {
    if (viewId !== undefined) await slack.client.views.update({ view_id: viewId, view: { ...LOADING_VIEW, blocks: sections(actor.refusal) } as never });
    return;
  }
  const effects = await slack.parts.bot.formFlow(actor, { threadKey: `${channel}:${threadTs}`, messageId: `form:${payload.trigger_id}` });
  if (viewId === undefined) return;
  // The modal is where this answer is shown: the form, or what the thread says instead.
  await slack.parts.bot.render(effects, {
    render: async (effect) => {
      if (effect.kind === 'ask-form' && effect.message.type === 'form') {
        await slack.client.views.update({ view_id: viewId, view: renderModal(effect.message.title, effect.message.fields, FORM_CALLBACK, JSON.stringify({ channel, threadTs })) as never });
      } else if (effect.kind === 'reply') {
        await slack.client.views.update({ view_id: viewId, view: { ...LOADING_VIEW, blocks: sections(effect.messages.map(messageText).join('\n')) } as never });
      }
    },
  });
}

type ViewAck = (response?: { response_action: 'errors'; errors: Record<string, string> }) => Promise<void>;

const ViewMetaSchema = z.object({ channel: z.string().optional(), threadTs: z.string().optional(), value: z.string().optional() });

/**
 * Modal submissions: required fields are checked, then the answer is saved, before the ack; a
 * failure to save is shown on the form (Slack keeps the modal open with what was typed).
 */
async function onViewSubmission(slack: SlackChannel, body: unknown, ack: ViewAck, orgWide: boolean | undefined): Promise<void> {
  const parsed = ViewSubmissionSchema.safeParse(body);
  if (!parsed.success) {
    await ack();
    slack.parts.log.warn('slack form ignored: unexpected payload');
    return;
  }
  const { view } = parsed.data;
  const values: Record<string, string> = {};
  const errors: Record<string, string> = {};
  const inputs = view.blocks.filter((block) => block.type === 'input' && block.block_id !== undefined);
  for (const block of inputs) {
    const blockId = block.block_id!;
    const value = inputValue(view.state.values[blockId]?.value);
    if (value === '' && block.optional !== true) errors[blockId] = 'Please fill this in.';
    // An optional field left empty is sent as empty: in a section form it means "skip".
    values[blockId] = value;
  }
  if (Object.keys(errors).length > 0) {
    await ack({ response_action: 'errors', errors });
    return;
  }
  let replies: (() => Promise<void>) | { errors: Record<string, string> };
  try {
    replies = await applySubmission(slack, parsed.data, values, orgWide);
  } catch (error) {
    const first = inputs[0]?.block_id;
    // With no field to show it on, the error goes to Slack, which tells the person it failed.
    if (first === undefined) throw error;
    slack.parts.log.error('slack form not saved', { error });
    await ack({ response_action: 'errors', errors: { [first]: FORM_NOT_SAVED } });
    return;
  }
  if (typeof replies !== 'function') {
    // Refused answers are shown on their fields; the modal stays open with everything typed.
    await ack({ response_action: 'errors', errors: replies.errors });
    return;
  }
  await ack();
  slack.later('form replies', replies);
}

/** Saves a submitted modal and returns what to post once Slack has its answer. */
async function applySubmission(slack: SlackChannel, submission: ViewSubmissionPayload, values: Record<string, string>, orgWide: boolean | undefined): Promise<(() => Promise<void>) | { errors: Record<string, string> }> {
  const { view, user } = submission;
  const nothing = async () => undefined;
  const actor = await slack.identify(tenantOf(slack, orgWide, user.team_id ?? submission.team?.id, submission.enterprise?.id), user.id);
  if ('refusal' in actor) return nothing;
  const meta = ViewMetaSchema.safeParse(parseJson(view.private_metadata || '{}'));
  if (!meta.success) return nothing;
  // The same modal may be submitted again after a refused field: what was submitted is part of the id.
  const messageId = `view:${view.id}:${createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 16)}`;
  const { bot } = slack.parts;
  if (view.callback_id === ACT_CALLBACK && meta.data.value !== undefined) {
    // The answer goes to the DM (the modal has closed), saved with the change it answers.
    const dmChannel = await slack.dmChannel(slack.client, user.id);
    const effects = await bot.actFlow(actor, meta.data.value, messageId, slack.dmThreads(actor), { reason: values.reason, until: values.until }, { conversation: dmChannel });
    const dm = async () => ({ channel: dmChannel });
    // Still short of what it needs: asked again in the DM (the modal has closed).
    const askAgain = async (effect: Effect) => {
      if (effect.kind === 'ask-form') await slack.post((await dm()).channel, undefined, renderMessages([effect.message]));
    };
    return () => bot.render(effects, slack.renderer(dm, { render: askAgain }));
  }
  const { channel, threadTs } = meta.data;
  if (channel === undefined || threadTs === undefined) return nothing;
  const { effects, result } = await bot.messageFlow(actor, threadPlace(channel, threadTs, messageId), { kind: 'form', values });
  if (result.fieldErrors !== undefined) return { errors: result.fieldErrors };
  return () => bot.render(effects, slack.renderer(async () => ({ channel, threadTs })));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

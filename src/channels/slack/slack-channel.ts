import { AsyncLocalStorage } from 'node:async_hooks';
import { App, ErrorCode, HTTPReceiver, type ReceiverEvent, SocketModeReceiver } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { ChannelParts } from '../../compose-app.ts';
import type { Actor, PlatformAccount } from '../../core/bot/bot-ports.ts';
import type { WorkspaceInstallations } from '../../core/bot/installation-ports.ts';
import { type DialogTarget, NOT_ON_ROSTER, type ThreadPlace } from '../../core/bot/trellis-bot.ts';
import type { Effect, EffectRenderer, ThreadOpener } from '../../core/bot/turn-flow.ts';
import { NOT_SET_UP, workspaceIsSetUp } from '../../core/bot/workspace-binding.ts';
import { type Attachment, attachmentBytes, type OutgoingMessage, say } from '../../core/conversations/engine/outgoing-message.ts';
import type { DeliveryLookup, DigestDelivery } from '../../core/reminders/reminder-ports.ts';
import type { ReplyPlace } from '../../core/notifications/notification-queue.ts';
import { canMessageAccount } from '../../core/reach/reach.ts';
import type { Channel, ChannelDelivery, Route } from '../channel.ts';
import { type DeliveryPart, deliveryParts, fileMessage, joined, partsOf, postedAsText, renderMessages, type SlackMessage } from './block-kit.ts';
import type { SlackRefusal } from '../../core/reach/slack-refusals.ts';
import { answerLost, apiUrlOf, boltLogger, deliveryFailure, refusalOf, webClientOptions } from './slack-client.ts';
import { installedWorkspaces, oauthInstaller, SLACK_INSTALL_PATH, SLACK_REDIRECT_PATH, type SlackClients, type SlackWorkspaces, singleWorkspace } from './slack-installations.ts';
import { registerListeners } from './slack-listeners.ts';
import { mentionedUser } from './slack-payloads.ts';
import { gateSlackRequest } from './slack-request-gate.ts';
import { renderDigest } from './render-views.ts';
import { lookupPlaceOf, postToResponseUrl, RESPONSE_URL_LIFETIME_MS, ResponseUrlError, SLACK_HOOKS_ORIGIN } from './response-url.ts';

export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * Socket Mode's receiver has no `processBeforeResponse`, and Bolt's App acknowledges an Events API
 * envelope before any listener runs. Handing the App an event whose `ack` only remembers the call,
 * and acknowledging to Slack once processing has finished, gives Socket Mode what the Request URL
 * has: a message is acknowledged after its turn committed, and one whose turn failed is not, so
 * Slack sends it again (its event id makes a second delivery a no-op once one has committed).
 * Commands, buttons and forms already call `ack` themselves after their commit.
 */
export function ackEventsAfterProcessing(processEvent: (event: ReceiverEvent) => Promise<void>): (event: ReceiverEvent) => Promise<void> {
  return async (event) => {
    if (event.body.type !== 'event_callback') return processEvent(event);
    let asked = false;
    let answer: unknown;
    await processEvent({
      ...event,
      ack: async (response?: unknown) => {
        asked = true;
        answer = response;
      },
    });
    if (asked) await event.ack(answer);
  };
}

/** The Slack message metadata event type that carries a delivery's key. */
export const DELIVERY_EVENT_TYPE = 'trellis_delivery';
/** How far before the attempt's start the lookup reads, for the gap between our clock and Slack's. */
const LOOKUP_MARGIN_MS = 5 * 60_000;
const LOOKUP_PAGE_SIZE = 20;
const LOOKUP_MAX_PAGES = 5;
/** A dialog's thread is read whole, oldest first (Slack's order for replies): up to 1,000 messages. */
const THREAD_PAGE_SIZE = 200;

/**
 * Part `part` of `of` of the delivery `key`, as Slack message metadata; `files` names the files
 * uploaded straight after it (an upload carries no metadata, so the part before it says what follows).
 */
export function deliveryMetadata(key: string, part: number, of: number, files: readonly string[] = []): { event_type: string; event_payload: { key: string; part: number; of: number; files?: { name: string }[] } } {
  return { event_type: DELIVERY_EVENT_TYPE, event_payload: { key, part, of, ...(files.length === 0 ? {} : { files: files.map((name) => ({ name })) }) } };
}

/** Which part of the delivery `key` a message's metadata marks it as (0 when it is not one), of how many, and the files uploaded after it. */
function partOf(metadata: { event_type?: string; event_payload?: Record<string, unknown> } | undefined, key: string): { part: number; of: number; files: string[] } {
  const payload = metadata?.event_payload;
  if (metadata?.event_type !== DELIVERY_EVENT_TYPE || payload?.key !== key || typeof payload.part !== 'number' || typeof payload.of !== 'number') return { part: 0, of: 0, files: [] };
  const files = Array.isArray(payload.files) ? payload.files.flatMap((file: unknown) => (typeof file === 'object' && file !== null && 'name' in file && typeof file.name === 'string' ? [file.name] : [])) : [];
  return { part: payload.part, of: payload.of, files };
}

/**
 * How far a delivery got in a conversation, as a look-up found it: the highest numbered part there
 * (0: none) of `of`, the files that part says are uploaded after it (`expected`), and the names of
 * the files uploaded there after it by anyone but the person (`uploaded`: in a DM, the bot; with no
 * part, those shared since a slash command was asked, whose files come with no numbered part before them).
 */
export interface DeliveryProgress {
  part: number;
  of: number;
  expected: readonly string[];
  uploaded: readonly string[];
}

export const NOTHING_SENT: DeliveryProgress = { part: 0, of: 0, expected: [], uploaded: [] };

/** A file found whose name Slack did not give (a file object without `name`): it stands for any one name. */
const UNNAMED_FILE = '';

/** The names in `names` not matched, one for one, by a name in `found` (or, failing that, by an unnamed file). */
function missing(names: readonly string[], found: readonly string[]): string[] {
  const left = [...found];
  return names.filter((name) => {
    const at = left.indexOf(name) >= 0 ? left.indexOf(name) : left.indexOf(UNNAMED_FILE);
    if (at < 0) return true;
    left.splice(at, 1);
    return false;
  });
}

/** The whole delivery is there: its last numbered part, and every file uploaded after that part. */
export function wholeDelivery(progress: DeliveryProgress): boolean {
  return progress.part > 0 && progress.part === progress.of && missing(progress.expected, progress.uploaded).length === 0;
}

/**
 * Trellis as a Slack app. Every request is checked (size, signature, timestamp both ways, shape)
 * before Bolt sees it; the listeners (slack-listeners.ts) translate events, commands, buttons and
 * modals into TrellisBot calls, and this class renders what comes back and reaches people in their
 * DMs. HTTP mode mounts Bolt's receiver on Trellis's own server with `processBeforeResponse`, so a
 * message or button press is answered 200 only once its turn has committed (a failed turn gets a
 * 500 and Slack retries it); replies are posted after that answer. Socket Mode when an app token is set.
 */
export class SlackChannel implements Channel {
  readonly name = 'slack';
  readonly routes: Route[] = [];
  readonly parts: ChannelParts;
  readonly #workspaces: SlackWorkspaces;
  /** The one workspace's clients with SLACK_BOT_TOKEN; none when installed in many workspaces. */
  readonly #single: SlackClients | undefined;
  /** The Web API client of the workspace the request being handled came from (Bolt's, authorized with its install's token). */
  readonly #requestClient = new AsyncLocalStorage<WebClient>();
  readonly #app: App;
  readonly #installations: WorkspaceInstallations | undefined;
  readonly #socketMode: boolean;
  /** Where Slack's response_urls may point: its hooks host, or the configured Web API's (a test's fake). */
  readonly #responseOrigins: ReadonlySet<string>;
  readonly #dmChannels = new Map<string, string>();
  /** Requests Slack has sent whose listeners, or the replies posted after their ack, are still running. */
  readonly #inFlight = new Set<Promise<void>>();
  #botIds: Promise<{ botId: string; botUserId: string; homeTenant: string | undefined }> | undefined;

  /**
   * `installations`: where "Add to Slack" installs are kept, when the app is installed in many
   * workspaces (SLACK_CLIENT_ID…); absent with one bot token (SLACK_BOT_TOKEN).
   */
  constructor(parts: ChannelParts, installations?: WorkspaceInstallations) {
    const config = parts.config.slack;
    if (config === undefined) throw new Error('Slack is not configured');
    this.parts = parts;
    this.#installations = installations;
    const logger = boltLogger(parts.log);
    const clientOptions = webClientOptions(config, parts.log);
    this.#responseOrigins = new Set([SLACK_HOOKS_ORIGIN, new URL(apiUrlOf(config)).origin]);
    // With OAuth, Bolt's installer: "Add to Slack" (GET /slack/install), Slack's redirect back, and
    // each request authorized from its workspace's stored install.
    let installer: ReturnType<typeof oauthInstaller> | undefined;
    if (config.botToken !== undefined) {
      const single = singleWorkspace(config, config.botToken, parts.log);
      this.#workspaces = single;
      this.#single = single.clients;
    } else {
      if (config.oauth === undefined || installations === undefined) throw new Error('Slack needs a bot token, or OAuth and an installation store');
      this.#workspaces = installedWorkspaces(config, installations, parts.log);
      this.#single = undefined;
      installer = oauthInstaller(config, config.oauth, installations, clientOptions.slackApiUrl);
    }
    // With one token, a custom authorize asks auth.test once (and again only after a failure),
    // instead of Bolt calling it at construction time, before Trellis has logged anything useful.
    // Installed in many workspaces, Bolt's installer authorizes each request from its workspace's
    // stored install, and refuses (401) a request from a workspace with none.
    const botToken = config.botToken;
    const authorize =
      botToken === undefined
        ? undefined
        : async () => {
            const { botId, botUserId } = await this.#botIdentity();
            return { botToken, botId, botUserId };
          };
    // No conversation store: Trellis keeps its own state, and Bolt's in-memory one looked every
    // event's conversation up and, finding none, made an Error (a stack trace) to say so.
    const common = { ...(authorize === undefined ? {} : { authorize }), logger, clientOptions, convoStore: false as const };
    this.#socketMode = config.appToken !== undefined;
    if (config.appToken !== undefined) {
      this.#app = new App({ ...common, receiver: new SocketModeReceiver({ appToken: config.appToken, logger }) });
    } else {
      // The receiver never listens itself: its request listener is mounted on the shared server,
      // one URL for events, commands and interactivity; with OAuth, also "Add to Slack" (GET
      // /slack/install) and Slack's redirect back. Every POST passes `gateSlackRequest` first,
      // which checks the signature (and a timestamp skew either way), so the receiver does not
      // check it a second time (an HMAC and two more for the comparison, per message).
      const receiver = new HTTPReceiver({ signingSecret: config.signingSecret, endpoints: SLACK_EVENTS_PATH, logger, signatureVerification: false, processBeforeResponse: true, ...installer });
      this.#app = new App({ ...common, receiver });
      if (installer !== undefined) {
        const listen: Route['handle'] = (request, response) => receiver.requestListener(request, response);
        this.routes.push({ method: 'GET', path: SLACK_INSTALL_PATH, handle: listen }, { method: 'GET', path: SLACK_REDIRECT_PATH, handle: listen });
        // Every Web API call made while handling a request goes to that request's workspace.
        this.#app.use(({ client, next }) => this.#requestClient.run(client, next));
      }
      const handle: Route['handle'] = async (request, response) => {
        // Bolt throws inside its receiver, where nothing catches it, on bodies it does not expect
        // (`null`, an array, a string where an object goes): those never reach it.
        const gate = await gateSlackRequest(request, config.signingSecret, Date.now());
        if (!gate.ok) {
          parts.log.warn('slack request refused', { status: gate.status, reason: gate.reason });
          response.writeHead(gate.status, { 'content-type': 'text/plain; charset=utf-8' }).end(gate.reason);
          return;
        }
        receiver.requestListener(request, response);
      };
      this.routes.push({ method: 'POST', path: SLACK_EVENTS_PATH, handle });
    }
    // Tracking processEvent (and the replies posted after it) lets stop() drain turns in progress
    // before the database closes, and tests wait on idle().
    const processEvent = this.#socketMode ? ackEventsAfterProcessing(this.#app.processEvent.bind(this.#app)) : this.#app.processEvent.bind(this.#app);
    this.#app.processEvent = (event) => this.#track(processEvent(event));
    // Rethrown so the receiver answers 500 and Slack retries: the turn did not commit.
    this.#app.error(async (error) => {
      if (error.code === ErrorCode.AuthorizationError) parts.log.warn('slack request refused: Trellis is not installed in its workspace', { error: error.message });
      else parts.log.error('slack listener failed', { error });
      throw error;
    });
    registerListeners(this.#app, this);
  }

  /**
   * The Web API client for what is being done now: the workspace of the Slack request being
   * handled, or the one bot token's. Installed in many workspaces, there is no client outside a
   * request: deliveries choose their workspace's (#reach).
   */
  get client(): WebClient {
    const scoped = this.#requestClient.getStore();
    if (scoped !== undefined) return scoped;
    if (this.#single !== undefined) return this.#single.replies;
    throw new Error('no Slack workspace for this call: it is not part of a Slack request');
  }

  /** Installed in many workspaces through "Add to Slack" (SLACK_CLIENT_ID…), not one bot token. */
  get installedInMany(): boolean {
    return this.#workspaces.installed;
  }

  /**
   * Slack says the install is gone (`app_uninstalled`, or its bot token revoked): forget it, so
   * requests from that workspace are refused and messages to its people fail for good (a dead
   * letter the head is told of) instead of being retried with a dead token.
   */
  async uninstalled(key: string | undefined, why: string): Promise<void> {
    if (key === undefined || this.#installations === undefined) return;
    const removed = await this.#installations.remove(key);
    this.parts.log.info('slack install removed', { workspace: key, why, removed });
  }

  async start(): Promise<void> {
    if (this.#workspaces.installed) return;
    // Learn the bot's own ids now, so the first person to write does not wait for auth.test; a
    // wrong token is reported at start-up, but Slack being briefly unreachable does not stop Trellis.
    this.#botIdentity().catch((error: unknown) => this.parts.log.warn('Slack auth.test failed: check SLACK_BOT_TOKEN and that Slack is reachable', { error }));
    if (this.#socketMode) await this.#app.start();
  }

  async stop(): Promise<void> {
    if (this.#socketMode) await this.#app.stop();
    await this.idle();
  }

  /** Resolves once every request received so far has been handled and its replies sent. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /**
   * Work done after Slack has been answered (posting replies, opening a modal): tracked for
   * idle() and stop(), and a failure is logged, since there is no request left to fail.
   */
  later(what: string, work: () => Promise<void>): void {
    void this.#track(work().catch((error: unknown) => this.parts.log.error(`slack ${what} failed`, { error })));
  }

  #track(work: Promise<void>): Promise<void> {
    this.#inFlight.add(work);
    const done = () => this.#inFlight.delete(work);
    work.then(done, done);
    return work;
  }

  /** The roster person behind a Slack user; their e-mail comes from users.info on first contact. */
  /**
   * The roster person behind a Slack user (their e-mail comes from users.info on first contact),
   * or what to tell them: not on a roster, or (installed in many workspaces) writing from a
   * workspace no school has recorded, where nobody is linked.
   */
  async identify(tenant: string, userId: string, thread?: ThreadPlace): Promise<Actor | Refusal> {
    if (this.#workspaces.installed && !workspaceIsSetUp(tenant, await this.parts.identities.recordedWorkspaces('slack'))) return { refusal: NOT_SET_UP };
    const account: PlatformAccount = { platform: 'slack', tenant, userId };
    const lookupEmail = async () => {
      try {
        return (await this.client.users.info({ user: userId })).user?.profile?.email;
      } catch (error) {
        // Slack saying there is no such user is an answer (not on a roster); anything else fails
        // the request, so Slack retries it.
        const failure = deliveryFailure(error);
        if ('unreachable' in failure) return undefined;
        throw error;
      }
    };
    // Given the dialog thread the message is in, its turn's first read comes with the look-up.
    const actor = await this.parts.bot.actor(account, lookupEmail, { homeTenant: await this.#homeTenant(), thread });
    return actor ?? { refusal: NOT_ON_ROSTER };
  }

  /** A colleague named in a command: a mention resolves to their person, anything else is matched by name. */
  async targetOf(tenant: string, text: string | undefined): Promise<DialogTarget | undefined> {
    if (text === undefined || text.trim() === '') return undefined;
    const userId = mentionedUser(text.trim());
    const named = userId === undefined ? undefined : await this.identify(tenant, userId);
    return named === undefined || 'refusal' in named ? { text: text.replace(/^<@[A-Z0-9]+\|?([^>]*)>$/, '$1').trim() } : { personId: named.person.id };
  }

  async dmChannel(client: WebClient, userId: string): Promise<string> {
    const known = this.#dmChannels.get(userId);
    if (known !== undefined) return known;
    const opened = await client.conversations.open({ users: userId });
    const channel = opened.channel?.id;
    if (channel === undefined) throw new Error('Slack opened no DM channel');
    this.#dmChannels.set(userId, channel);
    return channel;
  }

  /** Posts Slack messages in order (in a thread when `threadTs` is given), each followed by its file; returns the last ts. */
  post(channel: string, threadTs: string | undefined, messages: readonly SlackMessage[], client: WebClient = this.client): Promise<string | undefined> {
    return this.sendParts(channel, threadTs, partsOf(messages), client);
  }

  /**
   * Sends a delivery's parts in order (in a thread when `threadTs` is given); returns the last
   * message's ts. With a delivery `key`, each message carries it as metadata, numbered, with the
   * names of the files uploaded straight after it (see deliveryMetadata), so a retry can find it
   * in the conversation's history; `there` is what a look-up found there already (a send cut off
   * part-way): the messages up to its highest part are not sent again, nor an upload before that
   * part, nor one after it (with no part found, any upload) whose file is already there (`there.uploaded`).
   */
  async sendParts(channel: string, threadTs: string | undefined, parts: readonly DeliveryPart[], client: WebClient = this.client, key?: string, found: DeliveryProgress = NOTHING_SENT): Promise<string | undefined> {
    let ts: string | undefined;
    // Found numbered as a different count of parts (sent part-way before a turn's messages were
    // joined into fewer posts): its parts cannot be matched to these, so it is sent whole again —
    // a copy of what was there rather than a part lost.
    const numbered = parts.find((part) => 'message' in part);
    const there = found.part > 0 && numbered !== undefined && 'message' in numbered && found.of !== numbered.of ? NOTHING_SENT : found;
    // The uploads a look-up may have found (those after the highest part found; with no part found, any: a slash command's
    // files go to the DM before any numbered part), less those it found, one for one by name.
    const mayBeThere = (part: { after: number }) => there.part === 0 || part.after === there.part;
    const toUpload = missing(
      parts.flatMap((part) => ('upload' in part && mayBeThere(part) ? [part.upload.filename] : [])),
      there.uploaded,
    );
    for (const part of parts) {
      if ('upload' in part) {
        if (mayBeThere(part)) {
          const at = toUpload.indexOf(part.upload.filename);
          if (at < 0) continue;
          toUpload.splice(at, 1);
        } else if (part.after < there.part) continue;
        await this.upload(channel, threadTs, part.upload, client);
        continue;
      }
      if (part.number <= there.part) continue;
      const metadata = key === undefined ? {} : { metadata: deliveryMetadata(key, part.number, part.of, part.followedBy) };
      const { message } = part;
      const sent = await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks as never, ...metadata, ...(threadTs === undefined ? {} : { thread_ts: threadTs }) });
      ts = sent.ts;
    }
    return ts;
  }

  /** Uploads a file into a channel or thread (files.uploadV2: a URL, the bytes, then completion). */
  async upload(channel: string, threadTs: string | undefined, attachment: Attachment, client: WebClient = this.client): Promise<void> {
    const file = { filename: attachment.filename, title: attachment.filename, file: attachmentBytes(attachment) };
    await client.files.uploadV2(threadTs === undefined ? { channel_id: channel, ...file } : { channel_id: channel, thread_ts: threadTs, ...file });
  }

  /**
   * A file on its own (the core's `file` effect): a calendar file as a message showing it as text,
   * any other uploaded (files.uploadV2) — the same bytes a message carrying it gets (`post`).
   */
  async sendFile(channel: string, threadTs: string | undefined, attachment: Attachment, client: WebClient = this.client): Promise<void> {
    if (postedAsText(attachment)) await this.post(channel, threadTs, [fileMessage(attachment)], client);
    else await this.upload(channel, threadTs, attachment, client);
  }

  /**
   * Where a dialog started from a slash command or a button goes: a new thread in the person's DM
   * with Trellis, whose parent message is its title. Colleagues named with a mention are people.
   */
  dmThreads(actor: Actor): ThreadOpener {
    return {
      openThread: async ({ title, messageId }) => {
        const channel = await this.dmChannel(this.client, actor.account.userId);
        const parentTs = await this.post(channel, undefined, renderMessages([{ type: 'text', text: title }]));
        if (parentTs === undefined) throw new Error('Slack returned no ts for the thread');
        return threadPlace(channel, parentTs, messageId);
      },
      targetOf: (text) => this.targetOf(actor.account.tenant, text),
    };
  }

  /**
   * Renders the core's effects in Slack. A reply goes to its dialog's thread (`place`), carrying its
   * saved key so the job engine's look-up finds it, or where the person spoke (`here`, by default in
   * its thread); what the rest look like depends on where the request came from, so `also` renders
   * them (a slash command answers ephemerally; a reminder's form is a modal). A file goes where its
   * reply went, or (`file`) where the request's renderer says: a slash command's to the DM.
   * A saved reply and the files after it are the parts of one delivery (`deliveryParts`: a
   * calendar file is a numbered message after the reply's), so a crash between the reply and its
   * file leaves the file for the job engine's look-up to find missing and send.
   */
  renderer(
    here: () => Promise<{ channel: string; threadTs?: string | undefined }>,
    also: Partial<Pick<EffectRenderer, 'render'>> & {
      reply?: (messages: readonly OutgoingMessage[], replyKey: string | undefined) => Promise<void>;
      file?: (file: Attachment) => Promise<void>;
      /** Words shown at the top of the first reply (a dialog's title in the thread it starts in), in its first message where Slack's limits allow. */
      lead?: string | undefined;
    } = {},
  ): EffectRenderer {
    // The saved replies sent so far in this request, with the parts their file effects send.
    const begun = new Map<string, { channel: string; threadTs?: string | undefined; parts: readonly DeliveryPart[]; next: number }>();
    let lead = also.lead === undefined ? undefined : renderMessages([say(also.lead)])[0];
    // The lead joins the first part's message; the parts keep their numbers, so the job engine's
    // look-up (which sends the saved reply, without the lead) counts the same parts.
    const led = async (channel: string, threadTs: string | undefined, parts: readonly DeliveryPart[]): Promise<DeliveryPart[]> => {
      const first = parts[0];
      const heading = lead;
      lead = undefined;
      if (heading === undefined || first === undefined) return [...parts];
      const both = 'message' in first ? joined(heading, first.message) : undefined;
      if (both !== undefined && 'message' in first) return [{ ...first, message: both }, ...parts.slice(1)];
      await this.post(channel, threadTs, [heading]);
      return [...parts];
    };
    const sendReply = async (channel: string, threadTs: string | undefined, effect: Extract<Effect, { kind: 'reply' }>) => {
      if (effect.replyKey === undefined) {
        await this.sendParts(channel, threadTs, await led(channel, threadTs, partsOf(renderMessages(effect.messages))));
        return;
      }
      const parts = deliveryParts(effect.messages, effect.files);
      // Each file is one part, after the words' messages (a reply effect's messages carry none).
      const words = parts.length - (effect.files?.length ?? 0);
      begun.set(effect.replyKey, { channel, threadTs, parts, next: words });
      await this.sendParts(channel, threadTs, await led(channel, threadTs, parts.slice(0, words)), this.client, effect.replyKey);
    };
    return {
      render: async (effect) => {
        if (effect.kind === 'file') {
          const key = effect.replyKey;
          const reply = key === undefined ? undefined : begun.get(key);
          if (reply !== undefined) {
            // The file's own part of its reply's delivery, where the reply went.
            const part = reply.parts[reply.next++];
            if (part !== undefined) await this.sendParts(reply.channel, reply.threadTs, [part], this.client, key);
            return;
          }
          const place = effect.place?.replyTo;
          if (place !== undefined) await this.sendFile(place.conversation, place.thread, effect.file);
          else if (also.file !== undefined) await also.file(effect.file);
          else {
            const { channel, threadTs } = await here();
            await this.sendFile(channel, threadTs, effect.file);
          }
          return;
        }
        if (effect.kind === 'reply') {
          const place = effect.place?.replyTo;
          if (place !== undefined) await sendReply(place.conversation, place.thread, effect);
          else if (also.reply !== undefined) await also.reply(effect.messages, effect.replyKey);
          else {
            const { channel, threadTs } = await here();
            await sendReply(channel, threadTs, effect);
          }
          return;
        }
        await also.render?.(effect);
      },
    };
  }

  /**
   * A queued notification or notice, from the job engine: sent like a digest, by the client that
   * never re-posts by itself and hands a 429 back for the queue to wait out, with the lookup when
   * the answer is lost, so the engine's retry is the only retry and cannot make a second copy.
   */
  sendTo(personId: string, messages: readonly OutgoingMessage[], key: string): Promise<ChannelDelivery> {
    return this.#deliver('digests', personId, undefined, deliveryParts(messages), key, true);
  }

  /**
   * A queued notification for one account of theirs (the one they had before a second was
   * linked), or a turn's reply the job engine is sending because the channel's own send never
   * completed: sent as `sendTo` sends, to that account's DM, or to the reply's `place` (its DM
   * thread).
   */
  async sendToAccount(personId: string, account: PlatformAccount, messages: readonly OutgoingMessage[], key: string, place?: ReplyPlace): Promise<ChannelDelivery> {
    const started = this.parts.clock.now();
    let clients: SlackClients | undefined;
    try {
      clients = await this.#workspaces.clientsFor(account.tenant);
      if (clients === undefined) return notInstalled(account.tenant);
      if (place?.ephemeral !== undefined) {
        await this.answerEphemerally(account, place.ephemeral, messages, key, clients, true);
        return this.#worked(personId);
      }
      const channel = place?.conversation ?? (await this.dmChannel(clients.digests, account.userId));
      // A reply the channel began sending itself may be in its thread in part (its file not yet, say): only the rest is sent.
      const there = place === undefined ? NOTHING_SENT : ((await this.#partsIn({ userId: account.userId, clients, place }, key, started)) ?? NOTHING_SENT);
      await this.sendParts(channel, place?.thread, deliveryParts(messages), clients.digests, key, there);
    } catch (error) {
      const reach = clients === undefined ? undefined : { userId: account.userId, clients, place: lookupPlaceOf(place) };
      if (reach !== undefined && answerLost(error) && (await this.#lookUpIn(reach, key, started).catch(() => false)) === true) return this.#worked(personId);
      await this.#refused(personId, account.tenant, refusalOf('a message', error));
      return deliveryFailure(error);
    }
    return this.#worked(personId);
  }

  /** A response_url the app will post to (and keep for the job engine): on Slack's hooks host, or the configured API's. */
  trustsResponseUrl(url: string): boolean {
    return URL.canParse(url) && this.#responseOrigins.has(new URL(url).origin);
  }

  /**
   * A slash command's answer, by the channel after the ack and by the job engine alike: shown only
   * to the person through the command's response_url while Slack takes it (30 minutes, a few
   * uses); once it has expired, in their DM, carrying the reply's key, and only the parts not there
   * yet. An ephemeral message cannot be looked up, so an answer Slack took whose response was lost
   * before the reply was marked sent is shown again: the floor the fault test counts. A file goes
   * to the DM (an ephemeral message cannot carry one); sent `again` (by the job engine, after the
   * channel's own send), only the files not shared into the DM since the command was asked.
   */
  async answerEphemerally(account: PlatformAccount, ephemeral: NonNullable<ReplyPlace['ephemeral']>, messages: readonly OutgoingMessage[], key: string, given?: SlackClients, again = false): Promise<void> {
    const clients = given ?? (await this.#workspaces.clientsFor(account.tenant));
    if (clients === undefined) throw new Error(notInstalled(account.tenant).error);
    const client = clients.digests;
    const rendered = renderMessages(messages);
    const asked = new Date(Date.parse(ephemeral.until) - RESPONSE_URL_LIFETIME_MS);
    if (this.parts.clock.now().getTime() < Date.parse(ephemeral.until)) {
      try {
        await postToResponseUrl(ephemeral.url, rendered);
        const uploads = partsOf(rendered).filter((part) => 'upload' in part);
        const shared = again && uploads.length > 0 ? ((await this.#filesSharedSince({ userId: account.userId, clients }, asked)) ?? []) : [];
        await this.sendParts(await this.dmChannel(client, account.userId), undefined, uploads, client, undefined, { ...NOTHING_SENT, uploaded: shared });
        return;
      } catch (error) {
        if (!(error instanceof ResponseUrlError && error.expired)) throw error;
      }
    }
    const found = (await this.#partsIn({ userId: account.userId, clients }, key, asked)) ?? NOTHING_SENT;
    // None of its words in the DM yet: its files may be, from the channel's own send before the response_url expired.
    const there = again && found.part === 0 ? { ...found, uploaded: (await this.#filesSharedSince({ userId: account.userId, clients }, asked)) ?? [] } : found;
    await this.sendParts(await this.dmChannel(client, account.userId), undefined, deliveryParts(messages), client, key, there);
  }

  deliverDigest(delivery: DigestDelivery): Promise<ChannelDelivery> {
    return this.#deliver('digests', delivery.recipient.id, delivery.recipient.email, partsOf(renderDigest(delivery.message)), delivery.key, true);
  }

  /**
   * Slack has no idempotency key on chat.postMessage, so a retry after a crash mid-send looks
   * for the digest's key in the metadata of the bot's messages in the person's DM since the
   * attempt began (less a margin for clocks): one conversations.history call, rarely a second
   * page. Delivered only if its last message is there. Undefined when Slack does not reach them.
   * The patient client is used: a 429 or a 5xx here waits and retries rather than risking a
   * second copy; a lookup that still fails throws, and the digest is sent again.
   */
  async wasDelivered(delivery: DeliveryLookup, since: Date): Promise<boolean | undefined> {
    const { account } = delivery;
    if (account !== undefined) {
      const clients = await this.#workspaces.clientsFor(account.tenant);
      return clients === undefined ? undefined : this.#lookUpIn({ userId: account.userId, clients, place: lookupPlaceOf(delivery.place) }, delivery.key, since);
    }
    return this.#lookUp(delivery.recipient.id, delivery.recipient.email, delivery.key, since);
  }

  async #lookUp(personId: string, email: string | undefined, key: string, since: Date): Promise<boolean | undefined> {
    let reach: Reach;
    try {
      reach = await this.#reach('replies', personId, email);
    } catch (error) {
      if ('unreachable' in deliveryFailure(error)) return undefined;
      throw error;
    }
    if ('unreachable' in reach) return undefined;
    return this.#lookUpIn(reach, key, since);
  }

  /** The lookup in one account's DM (or the reply's thread there): delivered only if its last part is there, and the files uploaded after it. */
  async #lookUpIn(reach: LookupReach, key: string, since: Date): Promise<boolean | undefined> {
    const found = await this.#partsIn(reach, key, since);
    return found === undefined ? undefined : wholeDelivery(found);
  }

  /**
   * How far the delivery `key` got in the account's DM since `since` (or in the reply's thread
   * there, from its start: `conversations.replies`), with the patient client: the highest part
   * found (posted in order), and the files uploaded after it — a message with `files` not from the
   * person, after that part, under the names that part lists (an upload carries no metadata).
   * Undefined when more of the conversation has passed than a few pages.
   */
  async #partsIn(reach: LookupReach, key: string, since: Date): Promise<DeliveryProgress | undefined> {
    const read = await this.#read(reach, key, since.getTime() - LOOKUP_MARGIN_MS);
    if (read === undefined) return undefined;
    const { ts, ...found } = read.highest;
    const after = read.shared.filter((share) => found.part > 0 && share.ts > ts).sort((a, b) => a.ts - b.ts);
    return { ...found, uploaded: after.flatMap((share) => share.names) };
  }

  /**
   * The names of the files shared into the account's DM at or after `since` by anyone but the
   * person (the bot): a slash command's files, which follow its ephemeral answer with no numbered
   * part before them. Read with no margin, so a file of an earlier request is not taken for this
   * one's; undefined when more has passed than a few pages.
   */
  async #filesSharedSince(reach: LookupReach, since: Date): Promise<string[] | undefined> {
    const read = await this.#read(reach, undefined, since.getTime());
    return read?.shared.filter((share) => share.ts * 1000 >= since.getTime()).flatMap((share) => share.names);
  }

  /**
   * Reads the conversation a look-up reads (the reply's thread from its start, else the DM since
   * `oldestMs`), a few pages at most: the highest part of the delivery `key` found, and every file
   * shared there by anyone but the person. Stops early at the last part when no file is due after it.
   */
  async #read(reach: LookupReach, key: string | undefined, oldestMs: number): Promise<{ highest: DeliveryProgress & { ts: number }; shared: { ts: number; names: string[] }[] } | undefined> {
    const client = reach.clients.replies;
    const channel = reach.place?.conversation ?? (await this.dmChannel(client, reach.userId));
    const thread = reach.place?.thread;
    const oldest = (oldestMs / 1000).toFixed(6);
    let highest = { ...NOTHING_SENT, ts: 0 };
    const shared: { ts: number; names: string[] }[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < LOOKUP_MAX_PAGES; page++) {
      // A thread is read from its start (a dialog's thread is short); a DM only since the attempt.
      const query = { channel, include_all_metadata: true, ...(thread === undefined ? { oldest, limit: LOOKUP_PAGE_SIZE } : { limit: THREAD_PAGE_SIZE }), ...(cursor === undefined ? {} : { cursor }) };
      const history = thread === undefined ? await client.conversations.history(query) : await client.conversations.replies({ ...query, ts: thread });
      for (const message of history.messages ?? []) {
        const ts = Number(message.ts ?? 0);
        if (message.files !== undefined && message.files.length > 0 && message.user !== reach.userId) shared.push({ ts, names: message.files.map((file) => file.name ?? UNNAMED_FILE) });
        const found = key === undefined ? undefined : partOf(message.metadata, key);
        if (found !== undefined && found.part > highest.part) highest = { part: found.part, of: found.of, expected: found.files, uploaded: [], ts };
      }
      // The last part, with no file due after it, settles it; files after it may be on a later page (a thread is read oldest first).
      if (highest.part > 0 && highest.part === highest.of && highest.expected.length === 0) return { highest, shared };
      cursor = history.response_metadata?.next_cursor || undefined;
      if (!history.has_more || cursor === undefined) return { highest, shared };
    }
    // More of the conversation since the attempt than a few pages: cannot tell, so it is sent again.
    return undefined;
  }

  /**
   * `checkLost`: when the post's answer never came (the connection dropped, a timeout, a 5xx),
   * Slack may have the message: look its key up before calling it a failure, since the retry
   * would post it again (the digest client itself never re-posts).
   */
  async #deliver(kind: keyof SlackClients, personId: string, email: string | undefined, parts: readonly DeliveryPart[], key: string, checkLost = false): Promise<ChannelDelivery> {
    const started = this.parts.clock.now();
    let tenant: string | undefined;
    try {
      const reach = await this.#reach(kind, personId, email);
      if ('unreachable' in reach) return { ok: false, unreachable: true, error: reach.unreachable };
      tenant = reach.tenant;
      const client = reach.clients[kind];
      await this.sendParts(await this.dmChannel(client, reach.userId), undefined, parts, client, key);
    } catch (error) {
      if (checkLost && answerLost(error) && (await this.#lookUp(personId, email, key, started).catch(() => false)) === true) return this.#worked(personId);
      await this.#refused(personId, tenant, refusalOf('a message', error));
      return deliveryFailure(error);
    }
    return this.#worked(personId);
  }

  /** A message reached them, so a refusal Slack gave before is forgotten (a failure to forget is logged, never a failed send). */
  async #worked(personId: string): Promise<ChannelDelivery> {
    await this.parts.slackRefusals.clear(personId).catch((error: unknown) => this.parts.log.warn(`slack: could not clear a refusal: ${error instanceof Error ? error.message : String(error)}`));
    return { ok: true };
  }

  /** Slack refused the person (not in the workspace, deactivated, a send refused): kept for `trellis reach`, logged if it cannot be. */
  async #refused(personId: string, workspace: string | undefined, refusal: Omit<SlackRefusal, 'at' | 'workspace'> | undefined): Promise<void> {
    if (refusal === undefined) return;
    await this.parts.slackRefusals
      .record(personId, { ...refusal, workspace, at: this.parts.clock.now() })
      .catch((error: unknown) => this.parts.log.warn(`slack: could not record a refusal: ${error instanceof Error ? error.message : String(error)}`));
  }

  /**
   * Who the person is in Slack and the clients of their workspace: their linked account's
   * workspace (its install's token when installed in many), else the first workspace with a user
   * of their roster e-mail (users.lookupByEmail) — the one bot token's, or each workspace recorded
   * for their school or trust that Trellis is installed in — linked for next time. A linked
   * account whose workspace has no install (uninstalled) is unreachable: the delivery fails for good.
   */
  async #reach(kind: keyof SlackClients, personId: string, email: string | undefined): Promise<Reach> {
    const { identities } = this.parts;
    const linked = (await identities.accountsOf(personId)).find((a) => a.platform === 'slack' && canMessageAccount({ platform: 'slack', reachable: a.reachable, hasConversationRef: a.conversationRef !== undefined }));
    if (linked !== undefined) {
      const clients = await this.#workspaces.clientsFor(linked.tenant);
      return clients === undefined ? { unreachable: notInstalled(linked.tenant).error } : { userId: linked.userId, clients, tenant: linked.tenant };
    }
    const person = email === undefined || this.#workspaces.installed ? await identities.personById(personId) : undefined;
    const address = email ?? person?.email;
    if (address === undefined) return { unreachable: 'no Slack account for them' };
    const candidates = this.#single !== undefined ? [{ clients: this.#single, tenant: undefined }] : await this.#installedClientsOf(person?.schoolId);
    let reason = 'Slack: Trellis is not installed in a workspace recorded for their school';
    // What Slack refused, kept for `trellis reach`: a deactivated account over "no such user" in another workspace.
    let refusal: { outcome: SlackRefusal['outcome']; detail: string; workspace: string | undefined } | undefined;
    for (const { clients, tenant } of candidates) {
      try {
        const found = await this.#linkByEmail(clients[kind], personId, address, tenant);
        if ('userId' in found) return { userId: found.userId, clients, tenant: found.tenant ?? tenant };
        if (found.deactivated) {
          reason = 'Slack: their account is deactivated';
          refusal = { outcome: 'deactivated', detail: 'Slack answered users.lookupByEmail with their user marked deleted (deactivated)', workspace: found.tenant ?? tenant };
        } else reason = 'no Slack account for them';
      } catch (error) {
        const failure = deliveryFailure(error);
        if (!('unreachable' in failure)) throw error;
        reason = failure.error;
        const refused = refusalOf('users.lookupByEmail', error);
        if (refused !== undefined && refusal?.outcome !== 'deactivated') refusal = { ...refused, workspace: tenant };
      }
    }
    if (refusal !== undefined) await this.#refused(personId, refusal.workspace, refusal);
    return { unreachable: reason };
  }

  /** The clients of each workspace recorded for the school (and its trust) that Trellis is installed in. */
  async #installedClientsOf(schoolId: string | undefined): Promise<{ clients: SlackClients; tenant: string }[]> {
    if (schoolId === undefined) return [];
    const found: { clients: SlackClients; tenant: string }[] = [];
    for (const tenant of await this.parts.identities.workspacesOf(schoolId, 'slack')) {
      const clients = await this.#workspaces.clientsFor(tenant);
      if (clients !== undefined && !found.some((entry) => entry.clients === clients)) found.push({ clients, tenant });
    }
    return found;
  }

  /**
   * The workspace user with this e-mail, linked to the person through the same rule as someone who
   * writes in; a user Slack marks `deleted` (deactivated) is not linked.
   */
  async #linkByEmail(client: WebClient, personId: string, address: string, installTenant: string | undefined): Promise<{ userId: string; tenant: string | undefined } | { deactivated: boolean; tenant?: string | undefined }> {
    const found = (await client.users.lookupByEmail({ email: address })).user;
    if (found?.id === undefined) return { deactivated: false };
    // Installed in many: the tenant of the install that found them, which their requests arrive
    // under (a Grid workspace installed on its own is its team, not its org). One bot token:
    // Enterprise Grid users carry their org id, the tenant their events arrive under.
    const tenant = installTenant ?? (found as { enterprise_user?: { enterprise_id?: string } }).enterprise_user?.enterprise_id ?? found.team_id;
    if (found.deleted === true) return { deactivated: true, tenant };
    if (tenant === undefined) return { userId: found.id, tenant };
    // Linked through the same rule as someone who writes in: only from their school's workspace.
    const person = await this.parts.bot.identify({ platform: 'slack', tenant, userId: found.id }, async () => address, { homeTenant: await this.#homeTenant() });
    return person?.id === personId ? { userId: found.id, tenant } : { deactivated: false, tenant };
  }

  /**
   * The workspace the bot token belongs to (its Enterprise Grid org when it has one): where a
   * school that has recorded no workspace takes its people from. Unknown while Slack is
   * unreachable; none (null) when installed in many workspaces, where only recorded ones count.
   */
  async #homeTenant(): Promise<string | undefined | null> {
    if (this.#workspaces.installed) return null;
    return (await this.#botIdentity().catch(() => undefined))?.homeTenant;
  }

  #botIdentity(): Promise<{ botId: string; botUserId: string; homeTenant: string | undefined }> {
    this.#botIds ??= this.client.auth.test().then(
      (result) => ({ botId: result.bot_id ?? '', botUserId: result.user_id ?? '', homeTenant: result.enterprise_id || result.team_id || undefined }),
      (error: unknown) => {
        this.#botIds = undefined;
        throw error;
      },
    );
    return this.#botIds;
  }
}

/** A dialog's DM thread as the core knows it: its key, and where its reply goes (saved with the turn). */
export function threadPlace(channel: string, threadTs: string, messageId: string): ThreadPlace {
  return { threadKey: `${channel}:${threadTs}`, messageId, replyTo: { conversation: channel, thread: threadTs } };
}

/** What Slack-side identification tells someone it cannot serve (not on a roster, or a workspace not set up). */
export type Refusal = { refusal: string };

type Reach = { userId: string; clients: SlackClients; tenant?: string | undefined } | { unreachable: string };

/** Where a delivery is looked up: the account's DM, or a reply's thread. */
type LookupReach = { userId: string; clients: SlackClients; place?: ReplyPlace | undefined };

function notInstalled(tenant: string): { ok: false; unreachable: true; error: string } {
  return { ok: false, unreachable: true, error: `Slack: Trellis is not installed in workspace ${tenant}` };
}

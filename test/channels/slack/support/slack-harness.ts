import { SlackChannel } from '../../../../src/channels/slack/slack-channel.ts';
import { type RunningApp, startApp } from '../../../../src/compose-app.ts';
import { loadConfig } from '../../../../src/config/load-config.ts';
import { runDueJobs } from '../../../../src/scheduler/job-worker.ts';
import type { Clock } from '../../../../src/core/time/clock.ts';
import { consoleLogger, type Logger, silentLogger } from '../../../../src/logging/logger.ts';
import { type SeededSchool, seedSchool } from '../../../support/seed-school.ts';
import type { TestDatabase } from '../../../support/test-database.ts';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, FakeSlack, type RecordedCall } from './fake-slack.ts';
import { fixture, postEvent, postForm, postInteraction, SIGNING_SECRET, type SlackPost } from './signed-requests.ts';

export const TEAM = 'T123ABC456';

export interface SlackWorld {
  app: RunningApp;
  fake: FakeSlack;
  close(): Promise<void>;
}

/** A Thomas Alleyne school of Hana Head and Sam Science (who she line-manages), served by a Slack world: where the reliability tests start. */
export async function startHeadAndSamWorld(db: TestDatabase, clock: Clock): Promise<{ world: SlackWorld; school: SeededSchool; slug: string }> {
  const school = await seedSchool(db.prisma, 'thomas-alleyne', [
    { key: 'head', fullName: 'Hana Head', role: 'headteacher' },
    { key: 'sam', fullName: 'Sam Science', role: 'teacher', lineManager: 'head' },
  ]);
  const slug = (await db.prisma.school.findUniqueOrThrow({ where: { id: school.schoolId } })).slug;
  return { world: await startSlackWorld(db, clock), school, slug };
}

/** The real app on a free port, its Web API pointed at a fake Slack on loopback. */
export async function startSlackWorld(db: TestDatabase, clock: Clock, log?: Logger): Promise<SlackWorld> {
  const fake = await FakeSlack.start();
  const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${fake.url}/api/`, LOG_LEVEL: 'silent' });
  const app = await startApp(config, clock, log ?? (process.env.SLACK_TEST_LOG ? consoleLogger('debug') : silentLogger), { scheduler: false });
  return {
    app,
    fake,
    async close() {
      await app.close();
      await fake.close();
    },
  };
}

/** A 32-byte key for the tests' encrypted installs. */
export const TEST_ENCRYPTION_KEY = 'a3f1c2d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';

/**
 * The real app installed through "Add to Slack" (no bot token): OAuth against the fake's
 * oauth.v2.access, its consent page URL on the fake too, installs encrypted in the test database.
 */
export async function startSlackOAuthWorld(db: TestDatabase, clock: Clock, log?: Logger): Promise<SlackWorld> {
  const fake = await FakeSlack.start();
  const config = loadConfig({
    DATABASE_URL: db.url,
    PORT: '0',
    SLACK_CLIENT_ID: FAKE_CLIENT_ID,
    SLACK_CLIENT_SECRET: FAKE_CLIENT_SECRET,
    SLACK_STATE_SECRET: 'test-state-secret-of-some-length',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    TRELLIS_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    SLACK_API_URL: `${fake.url}/api/`,
    SLACK_OAUTH_URL: `${fake.url}/oauth/v2/authorize`,
    LOG_LEVEL: 'silent',
  });
  const app = await startApp(config, clock, log ?? (process.env.SLACK_TEST_LOG ? consoleLogger('debug') : silentLogger), { scheduler: false });
  return {
    app,
    fake,
    async close() {
      await app.close();
      await fake.close();
    },
  };
}

/** Slack's ts values are unique per channel; these are unique per run, so no two threads share one. */
let messageCount = 0;
/** Every command and press gets a trigger id and a response_url of its own, as from Slack (a URL takes five posts). */
let responseUrls = 0;

type Block = { type: string; elements?: { action_id: string; value: string; text: { text: string } }[]; text?: { text: string } };

/** A Slack user talking to Trellis: slash commands, DMs, thread replies and button presses, all signed. */
export class SlackUser {
  readonly #world: SlackWorld;
  readonly id: string;
  /** The workspace they are in (the bot's own, TEAM, unless said otherwise). */
  readonly team: string;
  /** Their Enterprise Grid org, when their workspace is in one. */
  readonly enterprise: string | undefined;
  /** Whether the app is installed org-wide in their Grid org (else in their workspace on its own). */
  readonly orgWide: boolean;
  #event = 0;

  constructor(world: SlackWorld, id: string, email: string, team = TEAM, enterprise?: string, orgWide = true) {
    this.#world = world;
    this.id = id;
    this.team = team;
    this.enterprise = enterprise;
    this.orgWide = enterprise !== undefined && orgWide;
    world.fake.addUser(this.orgWide || enterprise === undefined ? { id, email, teamId: enterprise ?? team } : { id, email, teamId: team, enterpriseId: enterprise });
  }

  get dm(): string {
    return `D${this.id}`;
  }

  command(text: string): Promise<SlackPost> {
    const body = fixture<Record<string, string>>('slack_slash_command.json');
    delete body.enterprise_id;
    delete body.enterprise_name;
    const grid: Record<string, string> = this.enterprise === undefined ? {} : { enterprise_id: this.enterprise, is_enterprise_install: String(this.orgWide) };
    return postForm(this.#world.app.server.url, { ...body, ...grid, team_id: this.team, command: '/growth', text, user_id: this.id, channel_id: 'C2147483705', trigger_id: `trig.${this.id}.${++responseUrls}`, response_url: `${this.#world.fake.url}/respond/${this.id}/${responseUrls}` });
  }

  /** A message in the app DM; in a thread when `threadTs` is given. Returns the event id used. */
  async say(text: string, threadTs?: string, options: { eventId?: string; headers?: Record<string, string>; channel?: string } = {}): Promise<{ post: SlackPost; eventId: string; ts: string }> {
    const envelope = fixture<{ event: Record<string, unknown>; event_id: string; team_id: string; enterprise_id?: string; authorizations: { user_id: string; team_id: string; enterprise_id?: string; is_enterprise_install: boolean }[] }>(threadTs === undefined ? 'slack_event_message_im.json' : 'slack_event_message_im_thread_reply.COMPOSED.json');
    const ts = `${1_800_000_000 + ++this.#event}.${String(++messageCount).padStart(6, '0')}`;
    envelope.team_id = this.team;
    envelope.event_id = options.eventId ?? `Ev${this.id}${messageCount}`;
    envelope.authorizations[0]!.user_id = 'UBOT';
    envelope.authorizations[0]!.team_id = this.team;
    if (this.enterprise !== undefined) {
      envelope.enterprise_id = this.enterprise;
      envelope.authorizations[0]!.enterprise_id = this.enterprise;
      envelope.authorizations[0]!.is_enterprise_install = this.orgWide;
    }
    envelope.event = { ...envelope.event, channel: options.channel ?? this.dm, user: this.id, text, ts, event_ts: ts, ...(threadTs === undefined ? {} : { thread_ts: threadTs, parent_user_id: 'UBOT' }) };
    const post = await postEvent(this.#world.app.server.url, envelope, { headers: options.headers ?? {} });
    return { post, eventId: envelope.event_id, ts };
  }

  /** Presses the button with this value (or label) on a message the bot posted (block_actions, composed from Slack's documented shape). */
  press(message: RecordedCall, valueOrLabel: string): Promise<SlackPost> {
    const blocks = (message.body.blocks ?? []) as Block[];
    const button = blocks.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : [])).find((e) => e.value === valueOrLabel || e.text.text === valueOrLabel);
    if (button === undefined) throw new Error(`no button ${valueOrLabel} in ${JSON.stringify(blocks)}`);
    const value = button.value;
    const ts = String(message.response.ts);
    return postInteraction(this.#world.app.server.url, {
      type: 'block_actions',
      user: { id: this.id, username: 'someone', name: 'someone', team_id: this.team },
      api_app_id: 'A123ABC456',
      token: 'verification-token',
      container: { type: 'message', message_ts: ts, channel_id: message.body.channel, is_ephemeral: false },
      trigger_id: `trig.${this.id}.${++responseUrls}`,
      team: { id: this.team, domain: 'example' },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: message.body.channel, name: 'directmessage' },
      message: { type: 'message', user: 'UBOT', bot_id: 'BBOT', ts, ...(message.body.thread_ts === undefined ? {} : { thread_ts: message.body.thread_ts }), text: message.body.text, blocks },
      state: { values: {} },
      response_url: `${this.#world.fake.url}/respond/${this.id}/${responseUrls}`,
      actions: [{ action_id: button.action_id, block_id: 'b1', text: { type: 'plain_text', text: button.text.text }, value, type: 'button', action_ts: `${Date.now() / 1000}` }],
    });
  }
}

/** The bot's messages in a thread, in order. */
export function threadMessages(fake: FakeSlack, threadTs: string): RecordedCall[] {
  return fake.callsOf('chat.postMessage').filter((c) => c.body.thread_ts === threadTs && c.response.ok === true);
}

/** Text of a posted message: its sections, as a person would read them. */
export function textOf(call: RecordedCall | undefined): string {
  const blocks = (call?.body.blocks ?? []) as Block[];
  return blocks.map((b) => b.text?.text ?? '').filter((t) => t !== '').join('\n');
}

/** The values and labels of a message's buttons. */
export function buttonsOf(call: RecordedCall | undefined): string[] {
  return ((call?.body.blocks ?? []) as Block[]).flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : [])).flatMap((e) => [e.value, e.text.text]);
}

/** Waits until the thread has more bot messages than `before` and Slack has been quiet for a moment (a turn may post several). */
export async function nextReplies(world: SlackWorld, threadTs: string, before: number): Promise<RecordedCall[]> {
  await settle(world);
  await world.fake.until(() => threadMessages(world.fake, threadTs).length > before);
  return threadMessages(world.fake, threadTs).slice(before);
}

/**
 * What the server's job worker does next (the tests run the app without it): once every request
 * so far is finished, runs each job that is due, so what turns queued for other people is delivered.
 */
export async function deliverQueued(world: SlackWorld): Promise<void> {
  await settle(world);
  await runDueJobs(world.app.services.database.url, world.app.jobs);
}

/** Waits until the app has finished every request sent so far (Slack is answered before the work is done). */
export function settle(world: SlackWorld): Promise<void> {
  const slack = world.app.channels.find((channel) => channel.name === 'slack');
  if (!(slack instanceof SlackChannel)) throw new Error('the Slack channel is not running');
  return slack.idle();
}

import type { ChannelParts } from '../../compose-app.ts';
import { defaultTermDates } from '../../core/calendar/default-term-dates.ts';
import { londonDateOf, londonInstant } from '../../core/calendar/london-time.ts';
import type { OutgoingMessage } from '../../core/conversations/engine/outgoing-message.ts';
import type { DigestDelivery } from '../../core/reminders/reminder-ports.ts';
import { academicYearOf, currentAcademicYear } from '../../core/time/clock.ts';
import { SimulatedClock } from '../../core/time/simulated-clock.ts';
import { resetDemo } from '../../demo/reset-demo.ts';
import { demoPresets, seedDemo } from '../../demo/seed-demo.ts';
import { sendJson } from '../../server/http-server.ts';
import type { Channel, ChannelDelivery, Route } from '../channel.ts';
import { PlaygroundApi } from './playground-api.ts';
import { PlaygroundClock } from './playground-clock.ts';
import { PlaygroundPeople } from './playground-people.ts';
import { PlaygroundState } from './playground-state.ts';
import { isSameSite } from './same-site.ts';
import { LOCAL_TENANT, PlaygroundTurns } from './playground-turns.ts';
import { serveStatic } from './static-files.ts';

export interface PlaygroundOptions {
  reset?: boolean | undefined;
  preset?: string | undefined;
}

/**
 * Trellis in a browser page, for trying it with nothing registered: people to act as, their DMs
 * and dialog threads, the "my cycle" panel and a clock to move. It is a channel like Slack and
 * Teams, over the same TrellisBot, so what it shows is what they would.
 */
export class PlaygroundChannel implements Channel {
  readonly name = 'playground' as const;
  readonly routes: readonly Route[];
  readonly state: PlaygroundState;
  readonly #parts: ChannelParts;
  readonly #options: PlaygroundOptions;
  readonly #people: PlaygroundPeople;
  /** Slack or Teams serve real staff on this server too: no demo seeding, the real clock, demo people only. */
  readonly #besideRealChannels: boolean;

  constructor(parts: ChannelParts, options: PlaygroundOptions = {}) {
    this.#besideRealChannels = !playgroundOwnsClock(parts.config, { playground: true });
    if (!this.#besideRealChannels && !(parts.clock instanceof SimulatedClock)) throw new Error('the playground needs the app to run on a SimulatedClock it can move');
    this.#parts = parts;
    this.#options = options;
    this.state = new PlaygroundState(parts.config.dataDir);
    const prisma = parts.services.database.prisma;
    this.#people = new PlaygroundPeople(prisma, parts.identities, { demoOnly: this.#besideRealChannels });
    const turns = new PlaygroundTurns({ bot: parts.bot, state: this.state, clock: parts.clock, log: parts.log, emailOf: async (id) => (await this.#people.find(id))?.email,
      nameOf: async (id) => (await this.#people.find(id))?.fullName,
    });
    const clock = new PlaygroundClock({ clock: parts.clock, state: this.state, prisma, schools: parts.services.schools, sweep: parts.sweep });
    const api = new PlaygroundApi({ turns, state: this.state, clock, people: this.#people, home: (person) => parts.bot.home(person) });
    const apiName = (url: string | undefined) => (url ?? '').split('?')[0]!.slice('/playground/api/'.length);
    // The API answers only its own page: another site's page (or a rebound DNS name) gets a 403.
    const sameSite = (handle: Route['handle']): Route['handle'] => async (req, res) => {
      if (isSameSite(req, parts.config.host)) return handle(req, res);
      parts.log.warn('playground: refused a cross-site request', { method: req.method, host: req.headers.host, origin: req.headers.origin });
      sendJson(res, 403, { error: 'The playground only answers its own page.' });
    };
    this.routes = [
      { method: 'GET', path: '/', handle: (_req, res) => serveStatic(res, 'index.html') },
      { method: 'GET', path: '/playground/api/*', handle: sameSite((req, res) => api.get(req, res, apiName(req.url))) },
      { method: 'POST', path: '/playground/api/*', handle: sameSite((req, res) => api.post(req, res, apiName(req.url))) },
      { method: 'GET', path: '/playground/*', handle: (req, res) => serveStatic(res, (req.url ?? '').split('?')[0]!.slice('/playground/'.length)) },
    ];
  }

  /**
   * Loads the transcript and the clock, resets the demo if asked, then seeds it (idempotent).
   * Next to real Slack or Teams it does none of that: real staff's data and the real date are
   * left alone, and the page shows only a demo trust that is already there (if any).
   */
  async start(): Promise<void> {
    const { services, log } = this.#parts;
    if (this.#besideRealChannels) {
      await this.state.load();
      if (this.#options.reset) log.warn('playground: --reset is ignored next to Slack or Teams, so nothing real is wiped');
      log.info('playground ready next to real channels: no demo seeded, the real clock, only demo people listed');
      this.#warnIfExposed();
      return;
    }
    const clock = this.#parts.clock as SimulatedClock;
    const presets = demoPresets(this.#options.preset);
    if (this.#options.reset) {
      const { schools } = await resetDemo(services.database.prisma, LOCAL_TENANT);
      await this.state.wipe();
      log.info('playground reset', { schools });
    }
    await this.state.load();
    const at = this.state.clockAt ?? firstSchoolMorning(clock.now());
    clock.set(at);
    this.state.clockAt = at;
    const seeded = await seedDemo({ ...services, clock }, presets, currentAcademicYear(clock));
    await this.state.save();
    // Whatever today's nudges are (the first morning's "your reflection is open"), they are waiting.
    await this.#parts.sweep();
    this.#warnIfExposed();
    log.info('playground ready', { today: londonDateOf(clock.now()), schools: seeded.map((s) => s.slug) });
  }

  #warnIfExposed(): void {
    if (!['127.0.0.1', 'localhost', '::1'].includes(this.#parts.config.host)) {
      this.#parts.log.warn('the playground is listening beyond this machine: anyone who can reach it can act as anyone on its rosters', { host: this.#parts.config.host });
    }
  }

  async sendTo(personId: string, messages: readonly OutgoingMessage[], key: string): Promise<ChannelDelivery> {
    if ((await this.#people.find(personId)) === undefined) return { ok: false, unreachable: true, error: 'not on any roster' };
    if (this.state.hasKey(personId, key)) return { ok: true };
    const now = this.#parts.clock.now();
    for (const message of messages) this.state.append(personId, 'dm', now, { kind: 'bot', message, key });
    await this.state.save();
    return { ok: true };
  }

  async deliverDigest(delivery: DigestDelivery): Promise<ChannelDelivery> {
    const personId = delivery.recipient.id;
    if ((await this.#people.find(personId)) === undefined) return { ok: false, unreachable: true, error: 'not on any roster' };
    if (!this.state.hasKey(personId, delivery.key)) this.state.append(personId, 'dm', this.#parts.clock.now(), { kind: 'digest', digest: delivery.message, key: delivery.key });
    await this.state.save();
    return { ok: true };
  }
}

/**
 * Where a new demo starts: 15:30 (when reminders go out, after lessons) on the first day of the autumn term of the academic year we are
 * in, so a visitor can step through the whole cycle (reflection, the October plan meeting, the
 * spring review, the end-of-year review and the appeal window) rather than join it half-way.
 */
export function firstSchoolMorning(realNow: Date): Date {
  const year = academicYearOf(londonDateOf(realNow));
  const autumn = defaultTermDates('england-and-wales', year).terms[0]!;
  return londonInstant(autumn.start, '15:30');
}

/** The playground moves the app's clock only when it runs alone: next to Slack or Teams, time is real. */
export function playgroundOwnsClock(config: Pick<ChannelParts['config'], 'slack' | 'teams'>, options: { playground?: boolean | undefined }): boolean {
  return playgroundWillRun(config, options) && config.slack === undefined && config.teams === undefined;
}

/** The playground runs when asked to, and always when no chat platform is configured. */
export function playgroundWillRun(config: Pick<ChannelParts['config'], 'slack' | 'teams'>, options: { playground?: boolean | undefined }): boolean {
  return options.playground === true || (config.slack === undefined && config.teams === undefined);
}

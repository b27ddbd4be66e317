import type { ChannelParts } from '../../compose-app.ts';
import { defaultTermDates } from '../../core/calendar/default-term-dates.ts';
import { londonDateOf, londonInstant } from '../../core/calendar/london-time.ts';
import type { OutgoingMessage } from '../../core/conversations/engine/outgoing-message.ts';
import type { DigestDelivery } from '../../core/reminders/reminder-ports.ts';
import { academicYearOf, currentAcademicYear } from '../../core/time/clock.ts';
import { SimulatedClock } from '../../core/time/simulated-clock.ts';
import { resetDemo } from '../../demo/reset-demo.ts';
import { demoPresets, seedDemo } from '../../demo/seed-demo.ts';
import type { Channel, ChannelDelivery, Route } from '../channel.ts';
import { PlaygroundApi } from './playground-api.ts';
import { PlaygroundClock } from './playground-clock.ts';
import { PlaygroundPeople } from './playground-people.ts';
import { PlaygroundState } from './playground-state.ts';
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
  readonly clock: SimulatedClock;
  readonly #parts: ChannelParts;
  readonly #options: PlaygroundOptions;
  readonly #people: PlaygroundPeople;

  constructor(parts: ChannelParts, options: PlaygroundOptions = {}) {
    if (!(parts.clock instanceof SimulatedClock)) throw new Error('the playground needs the app to run on a SimulatedClock it can move');
    this.#parts = parts;
    this.#options = options;
    this.clock = parts.clock;
    this.state = new PlaygroundState(parts.config.dataDir);
    const prisma = parts.services.database.prisma;
    this.#people = new PlaygroundPeople(prisma, parts.identities);
    const turns = new PlaygroundTurns({ bot: parts.bot, state: this.state, messenger: parts.router, clock: parts.clock, log: parts.log, emailOf: async (id) => (await this.#people.find(id))?.email });
    const clock = new PlaygroundClock({ clock: this.clock, state: this.state, prisma, schools: parts.services.schools, sweep: parts.sweep });
    const api = new PlaygroundApi({ turns, state: this.state, clock, people: this.#people, home: (person) => parts.bot.home(person) });
    const apiName = (url: string | undefined) => (url ?? '').split('?')[0]!.slice('/playground/api/'.length);
    this.routes = [
      { method: 'GET', path: '/', handle: (_req, res) => serveStatic(res, 'index.html') },
      { method: 'GET', path: '/playground/api/*', handle: (req, res) => api.get(req, res, apiName(req.url)) },
      { method: 'POST', path: '/playground/api/*', handle: (req, res) => api.post(req, res, apiName(req.url)) },
      { method: 'GET', path: '/playground/*', handle: (req, res) => serveStatic(res, (req.url ?? '').split('?')[0]!.slice('/playground/'.length)) },
    ];
  }

  /** Loads the transcript and the clock, resets the demo if asked, then seeds it (idempotent). */
  async start(): Promise<void> {
    const { services, log } = this.#parts;
    const presets = demoPresets(this.#options.preset);
    if (this.#options.reset) {
      const { schools } = await resetDemo(services.database.prisma, LOCAL_TENANT);
      await this.state.wipe();
      log.info('playground reset', { schools });
    }
    await this.state.load();
    const at = this.state.clockAt ?? firstSchoolMorning(this.#parts.clock.now());
    this.clock.set(at);
    this.state.clockAt = at;
    const seeded = await seedDemo({ ...services, clock: this.clock }, presets, currentAcademicYear(this.clock));
    await this.state.save();
    // Whatever today's nudges are (the first morning's "your reflection is open"), they are waiting.
    await this.#parts.sweep();
    if (!['127.0.0.1', 'localhost', '::1'].includes(this.#parts.config.host)) {
      log.warn('the playground is listening beyond this machine: anyone who can reach it can act as anyone on its rosters', { host: this.#parts.config.host });
    }
    log.info('playground ready', { today: londonDateOf(this.clock.now()), schools: seeded.map((s) => s.slug) });
  }

  async sendTo(personId: string, messages: readonly OutgoingMessage[], key: string): Promise<ChannelDelivery> {
    if ((await this.#people.find(personId)) === undefined) return { ok: false, unreachable: true, error: 'not on any roster' };
    if (this.state.hasKey(personId, key)) return { ok: true };
    const now = this.clock.now();
    for (const message of messages) this.state.append(personId, 'dm', now, { kind: 'bot', message, key });
    await this.state.save();
    return { ok: true };
  }

  async deliverDigest(delivery: DigestDelivery): Promise<ChannelDelivery> {
    const personId = delivery.recipient.id;
    if ((await this.#people.find(personId)) === undefined) return { ok: false, unreachable: true, error: 'not on any roster' };
    if (!this.state.hasKey(personId, delivery.key)) this.state.append(personId, 'dm', this.clock.now(), { kind: 'digest', digest: delivery.message, key: delivery.key });
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

/** The playground runs when asked to, and always when no chat platform is configured. */
export function playgroundWillRun(config: Pick<ChannelParts['config'], 'slack' | 'teams'>, options: { playground?: boolean | undefined }): boolean {
  return options.playground === true || (config.slack === undefined && config.teams === undefined);
}

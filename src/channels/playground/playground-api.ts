import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { BotReports, KnownPerson } from '../../core/bot/bot-ports.ts';
import { sendJson } from '../../server/http-server.ts';
import { readBody } from '../../server/read-body.ts';
import type { PlaygroundClock } from './playground-clock.ts';
import type { PlaygroundState } from './playground-state.ts';
import { PlaygroundInputError, type PlaygroundTurns, type TurnOutcome } from './playground-turns.ts';
import type { PlaygroundPeople } from './playground-people.ts';

export interface PlaygroundApiDeps {
  turns: PlaygroundTurns;
  state: PlaygroundState;
  clock: PlaygroundClock;
  people: PlaygroundPeople;
  home: (person: KnownPerson) => ReturnType<BotReports['home']>;
}

const id = z.string().min(1).max(100);
const messageId = z.string().min(1).max(100).optional();
const SayBody = z.object({ person: z.uuid(), thread: id, text: z.string().trim().min(1, 'Type a message first.').max(4000), messageId });
const PressBody = z.object({ person: z.uuid(), thread: id, entry: id, value: z.string().min(1).max(500), messageId });
const SubmitBody = z.object({ person: z.uuid(), thread: id, entry: id, values: z.record(z.string(), z.string().max(4000)), messageId });
const HomeActionBody = z.object({ person: z.uuid(), value: z.string().min(1).max(500), messageId });
const ClockBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('set'), date: z.string() }),
  z.object({ action: z.literal('next-school-day') }),
  z.object({ action: z.literal('next-deadline') }),
]);

const MAX_BODY_BYTES = 64 * 1024;
/** Message ids the page already sent, with what came of them: a retried click is applied once. */
const REMEMBERED = 500;

/** The JSON API behind the page, under `/playground/api/`. */
export class PlaygroundApi {
  readonly #deps: PlaygroundApiDeps;
  readonly #handled = new Map<string, TurnOutcome>();

  constructor(deps: PlaygroundApiDeps) {
    this.#deps = deps;
  }

  async get(request: IncomingMessage, response: ServerResponse, name: string): Promise<void> {
    const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
    await respond(response, async () => {
      const { state, clock, people } = this.#deps;
      switch (name) {
        case 'people':
          return { schools: await people.list() };
        case 'clock':
          return clock.view();
        case 'inbox': {
          const person = await people.require(query.get('person'));
          const since = Number(query.get('since') ?? '-1');
          if (since === state.version) return { version: state.version, unchanged: true };
          return { version: state.version, clock: clock.view(), threads: state.threadsOf(person.id) };
        }
        case 'home':
          return this.#deps.home(await people.require(query.get('person')));
        default:
          return undefined;
      }
    });
  }

  async post(request: IncomingMessage, response: ServerResponse, name: string): Promise<void> {
    await respond(response, async () => {
      const body = await readJson(request);
      const { turns, clock, people } = this.#deps;
      switch (name) {
        case 'say': {
          const b = parse(SayBody, body);
          return this.#once(b.messageId, () => turns.say(b.person, b.thread, b.text, b.messageId ?? randomUUID()));
        }
        case 'press': {
          const b = parse(PressBody, body);
          return this.#once(b.messageId, () => turns.press(b.person, b.thread, b.entry, b.value, b.messageId ?? randomUUID()));
        }
        case 'submit': {
          const b = parse(SubmitBody, body);
          return this.#once(b.messageId, () => turns.submit(b.person, b.thread, b.entry, b.values, b.messageId ?? randomUUID()));
        }
        case 'home-action': {
          const b = parse(HomeActionBody, body);
          return this.#once(b.messageId, () => turns.homeAction(b.person, b.value, b.messageId ?? randomUUID()));
        }
        case 'clock': {
          const b = parse(ClockBody, body);
          const slugs = await people.schoolSlugs();
          if (b.action === 'set') return clock.setDate(b.date, slugs);
          if (b.action === 'next-school-day') return clock.nextSchoolDay(slugs);
          return clock.nextDeadline(slugs, await people.schoolIds());
        }
        default:
          return undefined;
      }
    });
  }

  async #once(key: string | undefined, run: () => Promise<TurnOutcome>): Promise<TurnOutcome> {
    if (key !== undefined) {
      const seen = this.#handled.get(key);
      if (seen !== undefined) return seen;
    }
    const outcome = await run();
    await this.#deps.state.save();
    if (key !== undefined) {
      this.#handled.set(key, outcome);
      if (this.#handled.size > REMEMBERED) this.#handled.delete(this.#handled.keys().next().value!);
    }
    return outcome;
  }
}

async function respond(response: ServerResponse, run: () => Promise<unknown>): Promise<void> {
  try {
    const result = await run();
    if (result === undefined) sendJson(response, 404, { error: 'There is no such playground request.' });
    else sendJson(response, 200, result);
  } catch (error) {
    if (error instanceof PlaygroundInputError) sendJson(response, error.status, { error: error.message });
    else throw error;
  }
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  throw new PlaygroundInputError(`The request was not understood (${where}${issue?.message ?? 'invalid'}).`);
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const raw = await readBody(request, MAX_BODY_BYTES);
  if (raw === undefined) throw new PlaygroundInputError('That message is too long.');
  try {
    return JSON.parse(raw.toString('utf8') || '{}');
  } catch {
    throw new PlaygroundInputError('The request was not JSON.');
  }
}

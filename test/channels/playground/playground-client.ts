import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type AppOptions, type RunningApp, startApp } from '../../../src/compose-app.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import type { Clock } from '../../../src/core/time/clock.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import type { Entry, Thread } from '../../../src/channels/playground/playground-state.ts';
import type { SchoolPeople } from '../../../src/channels/playground/playground-people.ts';

export async function newDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'trellis-playground-'));
}

/** The real app on a free port, playground on, the cron scheduler off (tests move the clock). */
export function startPlayground(databaseUrl: string, dataDir: string, clock: Clock, options: AppOptions = {}): Promise<RunningApp> {
  const config = loadConfig({ DATABASE_URL: databaseUrl, PORT: '0', TRELLIS_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  return startApp(config, clock, silentLogger, { playground: true, preset: 'kingsmead', scheduler: false, ...options });
}

/** The page's JSON API, as the browser calls it. */
export class PlaygroundClient {
  constructor(readonly url: string) {}

  async get<T>(path: string): Promise<T> {
    const response = await fetch(`${this.url}/playground/api/${path}`);
    const body = await response.json();
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${JSON.stringify(body)}`);
    return body as T;
  }

  async post<T = { openThread?: string }>(path: string, body: unknown): Promise<T> {
    const response = await this.raw(path, JSON.stringify(body));
    const data = await response.json();
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${JSON.stringify(data)}`);
    return data as T;
  }

  raw(path: string, body: string): Promise<Response> {
    return fetch(`${this.url}/playground/api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  }

  people(): Promise<{ schools: SchoolPeople[] }> {
    return this.get('people');
  }

  async personId(fullName: string): Promise<string> {
    const { schools } = await this.people();
    const person = schools.flatMap((s) => s.people).find((p) => p.fullName === fullName);
    if (person === undefined) throw new Error(`no ${fullName} in the playground`);
    return person.id;
  }

  async threads(person: string): Promise<Thread[]> {
    return (await this.get<{ threads: Thread[] }>(`inbox?person=${person}`)).threads;
  }

  async thread(person: string, threadId: string): Promise<Thread> {
    const thread = (await this.threads(person)).find((t) => t.id === threadId);
    if (thread === undefined) throw new Error(`no thread ${threadId}`);
    return thread;
  }

  say(person: string, thread: string, text: string, messageId: string = randomUUID()) {
    return this.post('say', { person, thread, text, messageId });
  }

  press(person: string, thread: string, entry: string, value: string) {
    return this.post('press', { person, thread, entry, value, messageId: randomUUID() });
  }

  clock(body: { action: 'set'; date: string } | { action: 'next-school-day' } | { action: 'next-deadline' }) {
    return this.post<{ clock: { date: string }; note: string }>('clock', body);
  }

  /**
   * Answers a dialog thread to the end the way a visitor would: the first button when there are
   * buttons (Submit when offered), else the next typed answer, until the bot stops asking.
   */
  async finishDialog(person: string, threadId: string, answers: readonly string[], done: RegExp): Promise<string> {
    const queue = [...answers];
    for (let turn = 0; turn < 80; turn++) {
      const thread = await this.thread(person, threadId);
      const text = thread.entries.map(describe).join('\n');
      if (done.test(text)) return text;
      const last = thread.entries.at(-1)!;
      if (last.kind === 'bot' && last.message.type === 'choices') {
        const choice = last.message.choices.find((c) => c.value === 'submit') ?? last.message.choices[0]!;
        await this.press(person, threadId, last.id, choice.value);
      } else {
        // Each filler answer differs: the same words again at once would be a double send.
        await this.say(person, threadId, queue.shift() ?? `Working on it this term (${turn + 1})`);
      }
    }
    throw new Error(`the dialog did not finish:\n${(await this.thread(person, threadId)).entries.map(describe).join('\n')}`);
  }
}

export function describe(entry: Entry): string {
  switch (entry.kind) {
    case 'typed':
      return `> ${entry.text}`;
    case 'thread':
      return `[thread] ${entry.title}`;
    case 'digest':
      return `[digest] ${entry.digest.title}: ${entry.digest.items.map((i) => `${i.label} (${i.state}, due ${i.dueOn})`).join('; ')}`;
    case 'bot': {
      const m = entry.message;
      if (m.type === 'text') return m.text;
      if (m.type === 'choices') return `${m.text} [${m.choices.map((c) => c.label).join(' | ')}]`;
      if (m.type === 'form') return `${m.title} {${m.fields.map((f) => f.label).join(', ')}}`;
      return `${m.title}: ${m.items.map((i) => `${i.label}=${i.value}`).join(', ')}`;
    }
  }
}

export function dmText(threads: readonly Thread[]): string {
  const dm = threads.find((t) => t.id === 'dm');
  expect(dm).toBeDefined();
  return dm!.entries.map(describe).join('\n');
}

/** Kingsmead's growth-plan answers (001 Appendix B): the last is the “By… I am… so that…” summary. */
export const KINGSMEAD_PLAN_ANSWERS = [
  'Relationships',
  'Questioning',
  'Low participation in 9X',
  'Everyone in 9X answers',
  'Positive behaviour for learning',
  'Hands-down responses rise',
  'Some cold calling already',
  'Read Lemov; practise weekly',
  'By July I am cold-calling in every lesson so that all of 9X answer questions',
];

import { join } from 'node:path';
import { expect } from 'vitest';
import { fixture } from '../../channels/slack/support/signed-requests.ts';
import { WorkerProcess } from './worker-processes.ts';

/** The real app serving Slack and running its worker, in a child process the fault tests kill. */
export const SLACK_APP = join(import.meta.dirname, 'slack-app-process.ts');

/** The workspace the fault tests' people are in. */
export const FAULT_TEAM = 'T123ABC456';

/** Resolves waiters whenever something they wait for may have changed. */
export class Signal {
  readonly #waiters: { test: () => boolean; resolve: () => void }[] = [];

  until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ test, resolve }));
  }

  changed(): void {
    for (const waiter of [...this.#waiters]) {
      if (!waiter.test()) continue;
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }
}

/** Starts the app process and waits for its "ready <url>". */
export async function startAppProcess(name: string, env: Record<string, string>): Promise<{ process: WorkerProcess; url: string }> {
  const process = new WorkerProcess(name, env, SLACK_APP);
  const line = await process.nextLine();
  expect(line).toMatch(/^ready http:/);
  return { process, url: line.slice('ready '.length) };
}

let messages = 0;

/** A direct message to the bot as Slack's Events API sends it (in a thread when `threadTs` is given); event ids start with `prefix`. */
export function dmEvent(prefix: string, userId: string, text: string, threadTs?: string): { envelope: Record<string, unknown>; ts: string } {
  const envelope = fixture<{ event: Record<string, unknown>; event_id: string; team_id: string; authorizations: { user_id: string }[] }>(threadTs === undefined ? 'slack_event_message_im.json' : 'slack_event_message_im_thread_reply.COMPOSED.json');
  const ts = `${1_800_000_000 + ++messages}.${String(messages).padStart(6, '0')}`;
  envelope.team_id = FAULT_TEAM;
  envelope.event_id = `${prefix}${messages}`;
  envelope.authorizations[0]!.user_id = 'UBOT';
  envelope.event = { ...envelope.event, channel: `D${userId}`, user: userId, text, ts, event_ts: ts, ...(threadTs === undefined ? {} : { thread_ts: threadTs, parent_user_id: 'UBOT' }) };
  return { envelope, ts };
}

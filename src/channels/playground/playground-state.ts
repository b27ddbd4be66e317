import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutgoingMessage } from '../../core/conversations/engine/outgoing-message.ts';
import type { DigestMessage } from '../../core/reminders/compose-digest.ts';

/** One line of a playground conversation, as the page shows it. */
export type Entry = { id: string; at: string; key?: string | undefined } & (
  | { kind: 'typed'; text: string }
  /** `act`: a form that answers a reminder button (snooze until…, not applicable because…). */
  | { kind: 'bot'; message: OutgoingMessage; act?: string | undefined; answered?: string | undefined }
  | { kind: 'digest'; digest: DigestMessage }
  /** In the DM: the parent message of a dialog's thread. */
  | { kind: 'thread'; threadId: string; title: string }
);

/** A person's DM (`id: 'dm'`) or one dialog thread in it. */
export interface Thread {
  id: string;
  title: string;
  createdAt: string;
  entries: Entry[];
}

interface SavedState {
  /** The simulated clock's instant when last moved or saved. */
  clockAt?: string | undefined;
  people: Record<string, Thread[]>;
}

export type NewEntry = Entry extends infer E ? (E extends Entry ? Omit<E, 'id' | 'at'> : never) : never;

/**
 * The playground's transcript and clock, kept in `<dataDir>/playground/state.json`. Dialog
 * state is in PostgreSQL like every channel's; what is kept here is what a chat client would
 * keep (what was said in which thread), which has no table of its own. Every change is written
 * atomically (a temporary file renamed over the old one), so a crash never leaves half a file.
 */
export class PlaygroundState {
  readonly #file: string;
  #state: SavedState = { people: {} };
  #saving: Promise<void> = Promise.resolve();
  /** Bumped on every change; the page polls it to know when to fetch again. */
  version = 0;

  constructor(dataDir: string) {
    this.#file = join(dataDir, 'playground', 'state.json');
  }

  async load(): Promise<void> {
    try {
      this.#state = JSON.parse(await readFile(this.#file, 'utf8')) as SavedState;
      this.#state.people ??= {};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read the playground transcript ${this.#file}: ${(error as Error).message}`);
      this.#state = { people: {} };
    }
  }

  async wipe(): Promise<void> {
    this.#state = { people: {} };
    await rm(this.#file, { force: true });
    this.version++;
  }

  get clockAt(): Date | undefined {
    return this.#state.clockAt === undefined ? undefined : new Date(this.#state.clockAt);
  }

  set clockAt(instant: Date) {
    this.#state.clockAt = instant.toISOString();
    this.version++;
  }

  threadsOf(personId: string): Thread[] {
    let threads = this.#state.people[personId];
    if (threads === undefined) {
      threads = [{ id: 'dm', title: 'Direct messages', createdAt: new Date(0).toISOString(), entries: [] }];
      this.#state.people[personId] = threads;
    }
    return threads;
  }

  thread(personId: string, threadId: string): Thread | undefined {
    return this.threadsOf(personId).find((t) => t.id === threadId);
  }

  openThread(personId: string, title: string, at: Date): Thread {
    const thread: Thread = { id: randomUUID().slice(0, 8), title, createdAt: at.toISOString(), entries: [] };
    this.threadsOf(personId).push(thread);
    this.append(personId, 'dm', at, { kind: 'thread', threadId: thread.id, title });
    return thread;
  }

  append(personId: string, threadId: string, at: Date, entry: NewEntry): Entry {
    const thread = this.thread(personId, threadId);
    if (thread === undefined) throw new Error(`no thread ${threadId} for ${personId}`);
    const full = { ...entry, id: randomUUID().slice(0, 12), at: at.toISOString() } as Entry;
    thread.entries.push(full);
    this.version++;
    return full;
  }

  /** Whether something with this delivery key already reached the person (a retried send). */
  hasKey(personId: string, key: string): boolean {
    return this.threadsOf(personId).some((t) => t.entries.some((e) => e.key === key));
  }

  findEntry(personId: string, threadId: string, entryId: string): Entry | undefined {
    return this.thread(personId, threadId)?.entries.find((e) => e.id === entryId);
  }

  touch(): void {
    this.version++;
  }

  /** Writes the current state; calls queue, so writes never interleave. */
  save(): Promise<void> {
    const text = JSON.stringify(this.#state);
    this.#saving = this.#saving.then(async () => {
      await mkdir(join(this.#file, '..'), { recursive: true });
      const temporary = `${this.#file}.${process.pid}.tmp`;
      await writeFile(temporary, text);
      await rename(temporary, this.#file);
    });
    return this.#saving;
  }
}

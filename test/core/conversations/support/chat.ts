import { randomUUID } from 'node:crypto';
import { ALL_DIALOGS } from '../../../../src/core/conversations/dialogs/all-dialogs.ts';
import type { TurnInput } from '../../../../src/core/conversations/engine/inbound-turn.ts';
import { messageText, type OutgoingMessage } from '../../../../src/core/conversations/engine/outgoing-message.ts';
import { ConversationEngine, type TurnResult } from '../../../../src/core/conversations/engine/run-turn.ts';
import { type Notification, turnCause } from '../../../../src/core/notifications/notification-queue.ts';
import { type Clock, fixedClock } from '../../../../src/core/time/clock.ts';
import type { PrismaClient } from '../../../../src/storage/db/create-prisma-client.ts';
import { PrismaConversationStore } from '../../../../src/storage/prisma/prisma-conversation-store.ts';
import { asNotifications, queuedNotifications } from '../../../support/queued-notifications.ts';

/** Monday 5 October 2026, 10:00 London: early in the 2026/27 cycle, when reflections are due. */
export const OCTOBER = fixedClock('2026-10-05T09:00:00Z');

/** The real engine over a real database, remembering the database so a Chat can read back what a turn queued. */
export class TestEngine extends ConversationEngine {
  readonly prisma: PrismaClient;

  /** `readBack`: the client a Chat reads queued notifications through, when it is not the one under test (a statement count). */
  constructor(prisma: PrismaClient, clock: Clock, readBack: PrismaClient = prisma) {
    super({ store: new PrismaConversationStore(prisma), clock, dialogs: ALL_DIALOGS });
    this.prisma = readBack;
  }
}

export function newEngine(prisma: PrismaClient, clock: Clock = OCTOBER, readBack: PrismaClient = prisma): TestEngine {
  return new TestEngine(prisma, clock, readBack);
}

/** A turn with the notifications it queued for other people, read back from the outbox. */
export type ChatTurn = TurnResult & { notifications: Notification[] };

/**
 * A transcript driver: `await chat.user('reflect'); expect(chat.lastBot()).toMatch(/Standard 1/)`.
 * Each call is one inbound message with a fresh platform message id, through the real engine and
 * a real database.
 */
export class Chat {
  engine: TestEngine;
  readonly personId: string;
  readonly threadKey: string;
  readonly tenant: string;
  readonly platform: 'slack' | 'teams' | 'local';
  last: ChatTurn | undefined;
  readonly transcript: string[] = [];

  /**
   * Each chat is its own workspace unless `tenant` says otherwise, so one test's unfinished draft
   * never resumes in the next test that starts the same dialog for the same person.
   */
  constructor(engine: TestEngine, personId: string, threadKey = `thread-${randomUUID()}`, tenant = `T-${randomUUID()}`, platform: 'slack' | 'teams' | 'local' = 'local') {
    this.engine = engine;
    this.platform = platform;
    this.personId = personId;
    this.threadKey = threadKey;
    this.tenant = tenant;
  }

  user(text: string, messageId: string = randomUUID()): Promise<ChatTurn> {
    return this.send({ kind: 'text', text }, messageId);
  }

  press(value: string): Promise<ChatTurn> {
    return this.send({ kind: 'choice', value });
  }

  /** Answers several questions in a row, failing fast if any answer is refused. */
  async answers(...texts: string[]): Promise<void> {
    for (const text of texts) {
      const before = this.last?.conversation?.step;
      await this.user(text);
      const after = this.last?.conversation?.step;
      if (before !== undefined && before === after && this.last?.conversation?.status === 'active') {
        throw new Error(`answer "${text}" was refused at step ${before}:\n${this.lastBot()}`);
      }
    }
  }

  async send(input: TurnInput, messageId: string = randomUUID()): Promise<ChatTurn> {
    this.transcript.push(`> ${input.kind === 'text' ? input.text : input.kind === 'choice' ? `[${input.value}]` : JSON.stringify(input.values)}`);
    const turn = { tenant: this.tenant, platform: this.platform, threadKey: this.threadKey, personId: this.personId, messageId };
    const result = await this.engine.handle({ ...turn, input });
    const notifications = asNotifications(await queuedNotifications(this.engine.prisma, `notify:${turnCause(turn)}:`));
    this.last = { ...result, notifications };
    this.transcript.push(...this.last.messages.map(messageText));
    return this.last;
  }

  /** Everything the bot said in reply to the last message, as plain text. */
  lastBot(): string {
    return (this.last?.messages ?? []).map(messageText).join('\n');
  }

  lastMessages(): OutgoingMessage[] {
    return this.last?.messages ?? [];
  }

  step(): string | undefined {
    return this.last?.conversation?.step;
  }
}

import type { SlackRefusal, SlackRefusalStore } from '../../core/reach/slack-refusals.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';

/** `slack_reach_failures`: a person's last Slack refusal, replaced by the next and removed by a success. */
export class PrismaSlackRefusals implements SlackRefusalStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  async record(personId: string, refusal: SlackRefusal): Promise<void> {
    const data = { workspace: refusal.workspace ?? null, outcome: refusal.outcome, detail: refusal.detail, attemptedAt: refusal.at };
    await this.#prisma.slackReachFailure.upsert({ where: { personId }, create: { personId, ...data }, update: data });
  }

  async clear(personId: string): Promise<void> {
    await this.#prisma.slackReachFailure.deleteMany({ where: { personId } });
  }
}

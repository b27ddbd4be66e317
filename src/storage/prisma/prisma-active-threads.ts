import type { ActiveThreads, LineManagers, OpenThread } from '../../core/bot/active-threads.ts';
import type { ChatPlatform } from '../../core/bot/bot-ports.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';

/** Open dialogs and line managers, read from `conversations` and `people`. */
export class PrismaActiveThreads implements ActiveThreads, LineManagers {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  async latestOpen(tenant: string, platform: ChatPlatform, personId: string, threadKeyPrefix: string): Promise<OpenThread | undefined> {
    const row = await this.#prisma.conversation.findFirst({
      where: { tenant, platform, personId, status: { in: ['active', 'paused'] }, threadKey: { startsWith: threadKeyPrefix } },
      orderBy: { updatedAt: 'desc' },
      select: { threadKey: true, dialogId: true, status: true },
    });
    if (row === null) return undefined;
    return { threadKey: row.threadKey, dialogId: row.dialogId, status: row.status === 'paused' ? 'paused' : 'active' };
  }

  async openThreads(tenant: string, platform: ChatPlatform, personId: string): Promise<OpenThread[]> {
    const rows = await this.#prisma.conversation.findMany({
      where: { tenant, platform, personId, status: { in: ['active', 'paused'] } },
      orderBy: { updatedAt: 'desc' },
      take: 10,
      select: { threadKey: true, dialogId: true, status: true },
    });
    return rows.map((row) => ({ threadKey: row.threadKey, dialogId: row.dialogId, status: row.status === 'paused' ? 'paused' : 'active' }));
  }

  async lineManagerOf(personId: string): Promise<{ id: string; fullName: string } | undefined> {
    const row = await this.#prisma.person.findUnique({ where: { id: personId }, select: { lineManager: { select: { id: true, fullName: true, active: true } } } });
    const manager = row?.lineManager;
    return manager?.active ? { id: manager.id, fullName: manager.fullName } : undefined;
  }
}

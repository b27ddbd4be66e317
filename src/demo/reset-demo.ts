import type { PrismaClient } from '../storage/db/create-prisma-client.ts';
import { DEMO_TRUST_SLUG } from './seed-demo.ts';

/**
 * `npm start -- --reset`: forgets the demo trust's schools (their people, cycles, records and
 * reminders go with them by cascade) and every playground conversation, so the next seed starts
 * the year afresh. Schools a visitor set up outside the demo trust are left alone.
 */
export async function resetDemo(prisma: PrismaClient, tenant: string): Promise<{ schools: number }> {
  return prisma.$transaction(async (tx) => {
    const schools = await tx.school.findMany({ where: { trust: { slug: DEMO_TRUST_SLUG } }, select: { id: true } });
    const ids = schools.map((s) => s.id);
    // Audit rows only lose their school on delete; a reset should leave no trace of the old demo.
    await tx.auditEvent.deleteMany({ where: { schoolId: { in: ids } } });
    await tx.school.deleteMany({ where: { id: { in: ids } } });
    await tx.trust.deleteMany({ where: { slug: DEMO_TRUST_SLUG } });
    await tx.conversation.deleteMany({ where: { tenant } });
    await tx.processedInbound.deleteMany({ where: { tenant } });
    return { schools: ids.length };
  });
}

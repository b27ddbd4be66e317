import type { PrismaClient } from '../../../../src/storage/db/create-prisma-client.ts';

/** Adds an open obligation the base seed lacks (feedback, end-of-cycle review, UPR application). */
export async function addObligation(prisma: PrismaClient, cycleId: string, personId: string, kind: string, dueOn: string): Promise<void> {
  await prisma.obligation.create({
    data: {
      key: `${cycleId}:${kind}:extra:${dueOn}`,
      cycleId,
      personId,
      kind,
      opensOn: new Date('2026-09-01T00:00:00Z'),
      dueOn: new Date(`${dueOn}T00:00:00Z`),
      ownerRole: 'reviewee',
      label: kind,
      rule: 'test',
    },
  });
}

export async function obligationStatus(prisma: PrismaClient, personId: string, kind: string): Promise<string[]> {
  const rows = await prisma.obligation.findMany({ where: { personId, kind }, orderBy: { dueOn: 'asc' } });
  return rows.map((row) => row.status);
}

export const day = (date: Date | null | undefined): string | undefined => date?.toISOString().slice(0, 10);

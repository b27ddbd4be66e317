import type { KeptCountsCorrection, KeptCountsStore } from '../../core/reports/kept-counts.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';

/**
 * The recount of `report_tallies` and `cycle_first_dues` is the SQL function
 * `recount_kept_counts` (raw SQL migration `…_recount_tallies_recount16`, which says why it loses
 * and doubles no concurrent write): one statement, so one transaction, whatever the caller.
 */
export class PrismaKeptCounts implements KeptCountsStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  schools(): Promise<{ id: string; slug: string; name: string }[]> {
    return this.#prisma.school.findMany({ orderBy: { slug: 'asc' }, select: { id: true, slug: true, name: true } });
  }

  async recount(schoolId: string): Promise<KeptCountsCorrection> {
    const [row] = await this.#prisma.$queryRaw<{ tally_groups_off: number; first_dues_off: number }[]>`
      SELECT tally_groups_off, first_dues_off FROM recount_kept_counts(${schoolId}::uuid)`;
    return { tallyGroupsOff: row?.tally_groups_off ?? 0, firstDuesOff: row?.first_dues_off ?? 0 };
  }
}

import type { School } from '../../core/schools/school.ts';
import { type SqlRunner, sql } from '../db/sql.ts';
import { schoolOf } from '../prisma/prisma-school-repository.ts';

/** A school by its slug on the `pg` pool alone (`trellis sweep`'s storage), read as `PrismaSchoolRepository` reads it. */
export class PgSchoolReads {
  readonly #runner: SqlRunner;

  constructor(runner: SqlRunner) {
    this.#runner = runner;
  }

  async findSchool(slug: string): Promise<School | undefined> {
    const [row] = await this.#runner.rows<Parameters<typeof schoolOf>[0]>(sql`
      SELECT s.id::text AS id, s.slug, s.name, t.slug AS trust_slug, s.policy, s.policy_source, s.term_dates, s.region
      FROM schools s LEFT JOIN trusts t ON t.id = s.trust_id WHERE s.slug = ${slug}`);
    return row === undefined ? undefined : schoolOf(row);
  }
}

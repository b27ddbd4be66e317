import type { RosterImportDeps } from '../../src/core/roster/import-roster.ts';
import type { Clock } from '../../src/core/time/clock.ts';
import type { PrismaClient } from '../../src/storage/db/create-prisma-client.ts';
import { PrismaObligationRepository } from '../../src/storage/prisma/prisma-obligation-repository.ts';
import { PrismaRosterRepository } from '../../src/storage/prisma/prisma-roster-repository.ts';
import { PrismaSchoolRepository } from '../../src/storage/prisma/prisma-school-repository.ts';

/** What a roster import needs, on a test database; `writes` (e.g. a counting client) carries the roster's and obligations' statements. */
export function rosterImportDeps(prisma: PrismaClient, clock: Clock, writes: PrismaClient = prisma): RosterImportDeps {
  return { schools: new PrismaSchoolRepository(prisma), roster: new PrismaRosterRepository(writes), obligations: new PrismaObligationRepository(writes), clock };
}

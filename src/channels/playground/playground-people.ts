import type { IdentityStore, KnownPerson } from '../../core/bot/bot-ports.ts';
import type { PrismaClient } from '../../storage/db/create-prisma-client.ts';
import { DEMO_TRUST_SLUG } from '../../demo/seed-demo.ts';
import { PlaygroundInputError } from './playground-turns.ts';

export interface PersonCard {
  id: string;
  fullName: string;
  role: string;
  department: string | null;
  flags: string[];
  manager: string | null;
}

export interface SchoolPeople {
  slug: string;
  name: string;
  policy: string;
  people: PersonCard[];
}

/** Senior people first, so the head and the trust leader are at the top of each school's list. */
const ROLE_ORDER: Record<string, number> = { 'trust-leader': 0, headteacher: 1, leader: 2, teacher: 3, 'teaching-assistant': 4, support: 5 };

/**
 * Everyone the page lets a visitor act as: every active person of every school, grouped by
 * school; or, next to real Slack or Teams (`demoOnly`), only the demo trust's people, so the page
 * never lists real staff nor lets anyone act as them.
 */
export class PlaygroundPeople {
  readonly #prisma: PrismaClient;
  readonly #identities: IdentityStore;
  readonly #schools: { trust?: { slug: string } };

  constructor(prisma: PrismaClient, identities: IdentityStore, options: { demoOnly: boolean } = { demoOnly: false }) {
    this.#prisma = prisma;
    this.#identities = identities;
    this.#schools = options.demoOnly ? { trust: { slug: DEMO_TRUST_SLUG } } : {};
  }

  async list(): Promise<SchoolPeople[]> {
    const schools = await this.#prisma.school.findMany({
      where: this.#schools,
      orderBy: { slug: 'asc' },
      include: { people: { where: { active: true }, include: { lineManager: { select: { fullName: true } } } } },
    });
    return schools.map((school) => ({
      slug: school.slug,
      name: school.name,
      policy: school.policySource.replace(/^preset:/, ''),
      people: school.people
        .map((p) => ({ id: p.id, fullName: p.fullName, role: p.role, department: p.department, flags: p.flags, manager: p.lineManager?.fullName ?? null }))
        .sort((a, b) => (ROLE_ORDER[a.role] ?? 9) - (ROLE_ORDER[b.role] ?? 9) || (a.manager === null ? -1 : 0) - (b.manager === null ? -1 : 0) || a.fullName.localeCompare(b.fullName)),
    }));
  }

  async schoolSlugs(): Promise<string[]> {
    return (await this.#prisma.school.findMany({ where: this.#schools, select: { slug: true } })).map((s) => s.slug);
  }

  async schoolIds(): Promise<string[]> {
    return (await this.#prisma.school.findMany({ where: this.#schools, select: { id: true } })).map((s) => s.id);
  }

  async find(personId: string): Promise<KnownPerson | undefined> {
    const person = await this.#identities.personById(personId);
    if (!person?.active) return undefined;
    if (this.#schools.trust !== undefined && !(await this.schoolIds()).includes(person.schoolId)) return undefined;
    return person;
  }

  async require(personId: string | null): Promise<KnownPerson> {
    const person = personId === null || !/^[0-9a-f-]{36}$/i.test(personId) ? undefined : await this.find(personId);
    if (person === undefined) throw new PlaygroundInputError('Pick someone to act as from the list on the left.');
    return person;
  }
}

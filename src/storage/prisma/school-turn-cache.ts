/** What a turn needs of its school that rarely changes: the policy document, the term dates and the region, as stored. */
export interface CachedSchool {
  schoolId: string;
  /** `schools.updated_at` in milliseconds: every change to the row (policy apply, term upload, `school set`) moves it. */
  stamp: number;
  policy: unknown;
  termDates: unknown;
  /** The bank-holiday region. */
  region: string;
}

const MOST_PEOPLE = 50_000;
const MOST_SCHOOLS = 2_000;

/**
 * The school rows this process has read for turns, kept so a turn does not carry the policy and
 * term dates over the wire on every message. Nothing here is trusted on its own: each turn's first
 * statement reads the school's `updated_at` and sends the documents again whenever it differs from
 * the stamp kept here (another replica's change included), so a change is seen by the next turn
 * everywhere without any message between processes. `schoolOf` remembers which school a person was
 * last seen in, only to say which stamp to compare; a person moved to another school simply gets
 * the documents again.
 */
export class SchoolTurnCache {
  readonly #schools = new Map<string, CachedSchool>();
  readonly #schoolOfPerson = new Map<string, string>();
  /** Whose a chat account was when last read ahead of a turn (`PrismaConversationStore.readAhead`), to say which school to offer before the person is known. */
  readonly #personOfAccount = new Map<string, string>();

  /** The school a turn last read, offered for someone not seen yet: most first contacts are in a school the process already holds. */
  #lastSchoolId: string | undefined;

  /**
   * The school and stamp to offer the database for this person, if one is kept: theirs, or for
   * someone not seen yet the school last read (a wrong guess only sends the documents, as for no guess).
   */
  knownFor(personId: string | undefined): CachedSchool | undefined {
    const schoolId = (personId === undefined ? undefined : this.#schoolOfPerson.get(personId)) ?? this.#lastSchoolId;
    return schoolId === undefined ? undefined : this.#schools.get(schoolId);
  }

  get(schoolId: string, stamp: number): CachedSchool | undefined {
    const school = this.#schools.get(schoolId);
    return school?.stamp === stamp ? school : undefined;
  }

  remember(personId: string, school: CachedSchool): void {
    if (this.#schoolOfPerson.size >= MOST_PEOPLE) this.#schoolOfPerson.clear();
    if (this.#schools.size >= MOST_SCHOOLS && !this.#schools.has(school.schoolId)) this.#schools.clear();
    this.#schoolOfPerson.set(personId, school.schoolId);
    this.#schools.set(school.schoolId, school);
    this.#lastSchoolId = school.schoolId;
  }

  personOfAccount(accountKey: string): string | undefined {
    return this.#personOfAccount.get(accountKey);
  }

  seenAccount(accountKey: string, personId: string): void {
    if (this.#personOfAccount.size >= MOST_PEOPLE) this.#personOfAccount.clear();
    this.#personOfAccount.set(accountKey, personId);
  }

  seen(personId: string, schoolId: string): void {
    if (this.#schoolOfPerson.size >= MOST_PEOPLE) this.#schoolOfPerson.clear();
    this.#schoolOfPerson.set(personId, schoolId);
  }
}

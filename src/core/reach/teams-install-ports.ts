/** Why Microsoft Graph would not install the Teams app for a person: 403 forbidden, 404 not found. */
export type TeamsInstallFailureKind = 'forbidden' | 'not-found';

/** A person's last failed install, kept until an install succeeds; `trellis reach` gives it as the reason. */
export interface TeamsInstallFailure {
  tenant: string;
  outcome: TeamsInstallFailureKind;
  /** What Graph said, in a sentence (its status and error code). */
  detail: string;
  at: Date;
}

/** A Teams tenant Trellis serves, the schools that registered it, and its Graph set-up. */
export interface TeamsTenantEntry {
  tenantId: string;
  /** Slugs of the schools it is registered for (a trust's other schools accept it too). */
  schools: string[];
  /** The app's id in the tenant's app catalogue; undefined: no proactive install there. */
  catalogAppId?: string | undefined;
}

/** A tenant where Trellis can install its app through Graph. */
export interface GraphTenant {
  tenantId: string;
  catalogAppId: string;
}

/**
 * The storage side of Teams for many tenants: which tenant serves which school (the same records
 * `trellis school set --teams-tenant` writes and the linking rule reads), each tenant's Graph set-up,
 * and why an install failed for someone.
 */
export interface TeamsTenantStore {
  /**
   * Registers the tenant for the school (its people then link from it, and from their trust's other
   * registered tenants, only) and, when given, the app's catalogue id there. `unlinked`: the
   * school's and trust's Teams accounts from tenants no longer theirs, dropped.
   */
  register(schoolId: string, tenantId: string, catalogAppId: string | undefined, by?: string): Promise<{ added: boolean; unlinked: number }>;
  /** Unregisters it: accounts of the school's people in it that no other registration covers are unlinked. */
  unregister(schoolId: string, tenantId: string, by?: string): Promise<{ removed: boolean; unlinked: number }>;
  list(): Promise<TeamsTenantEntry[]>;
  /** The schools of a trust (id and slug), to register a tenant for the whole trust; undefined when there is no such trust. */
  trustSchools(trustSlug: string): Promise<{ id: string; slug: string }[] | undefined>;
  /** The tenants registered for the school or its trust that have a catalogue id. */
  graphTenantsOf(schoolId: string): Promise<GraphTenant[]>;
  recordFailure(personId: string, failure: TeamsInstallFailure): Promise<void>;
  clearFailure(personId: string): Promise<void>;
}

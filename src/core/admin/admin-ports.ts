import type { AdminGrant, AdminSchoolRef } from './admin-access.ts';

/** `admin_grants`: who administers which school or trust. */
export interface AdminDirectory {
  /** The grants held by this (normalised) e-mail. */
  grantsOf(email: string): Promise<AdminGrant[]>;
  /** The schools these grants name, directly or through their trust, by name. */
  schoolsOf(grants: readonly AdminGrant[]): Promise<AdminSchoolRef[]>;
}

/** A change an administrator made in the console, for the audit trail (`audit_events`). */
export interface AdminAuditEntry {
  schoolId: string;
  /** e.g. `outbox.resent`. */
  action: string;
  /** The administrator's e-mail. */
  by: string;
  details: Record<string, string | number | string[]>;
}

/** Writes to the one audit trail every store writes to (`audit_events`). */
export interface AdminAudit {
  record(entry: AdminAuditEntry): Promise<void>;
}

/** The term-date files shipped with Trellis (`config/terms`), which an administrator may pick instead of uploading one. */
export interface ShippedTermDates {
  /** The files' names, e.g. `england-2026-28.yaml`, in order. */
  names(): Promise<string[]>;
  /** A file's text, or undefined when no shipped file has that name. */
  read(name: string): Promise<string | undefined>;
}

/** A live admin console session, as its administrator sees it on the sessions page. */
export interface AdminSessionRecord {
  id: string;
  email: string;
  createdAt: Date;
  expiresAt: Date;
  userAgent?: string | undefined;
}

/**
 * `admin_sessions`: the sessions the signed cookies name. A cookie counts only while its session is
 * live here (not ended, not expired), so ending one takes effect at once on every replica.
 */
export interface AdminSessions {
  start(session: AdminSessionRecord): Promise<void>;
  /** The session when it is live at `now`; undefined when ended, expired or unknown. */
  live(id: string, now: Date): Promise<AdminSessionRecord | undefined>;
  /** This e-mail's live sessions, newest first. */
  liveFor(email: string, now: Date): Promise<AdminSessionRecord[]>;
  /** Ends one of this e-mail's sessions (another's is left alone); whether one was live. */
  end(id: string, email: string, now: Date): Promise<boolean>;
}

/** A fixed-window count of attempts per key (a step of sign-in and a client address), shared by every replica. */
export interface AttemptLimiter {
  /** Counts one attempt; refused, with the seconds until the window ends, once the window's limit is used. */
  attempt(key: string, now: Date): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
}

/** Where an administrator's grant applies: one school, or every school of a trust (each by its slug). */
export type AdminScope = { school: string } | { trust: string };

/** An administrator of a school as the console lists them: named for the school, or for its trust. */
export interface SchoolAdministrator {
  email: string;
  scope: 'school' | 'trust';
  since: Date;
}

/** Naming and removing administrators (`admin_grants`), audited as `trellis admins add|remove` is. */
export interface AdminGrants {
  /** Everyone who administers the school: its own grants and its trust's. */
  administratorsOf(school: { id: string; trustId?: string | undefined }): Promise<SchoolAdministrator[]>;
  /** Names an administrator; `by` is who did it, when it was done in the console. */
  add(email: string, scope: AdminScope, by?: string): Promise<{ found: boolean; added: boolean }>;
  /** Removes the grant and ends that person's console sessions; how many grants were removed. */
  remove(email: string, scope: AdminScope, now: Date, by?: string): Promise<number>;
}

/** A Slack workspace / Grid org or Teams tenant recorded for a school, with what Trellis knows of its install; never a token. */
export interface ChatBinding {
  platform: 'slack' | 'teams';
  tenantId: string;
  /** When it was recorded (`trellis school set --slack-team/--teams-tenant`), and for which school: this one or another of its trust. */
  recordedAt: Date;
  recordedFor: string;
  recordedForSchoolId: string;
  /** Slack, installed through "Add to Slack": the install that serves it. */
  slackInstall?: { key: string; teamId?: string | undefined; enterpriseId?: string | undefined; orgWide: boolean; installedAt: Date; installedBy?: InstalledBy | undefined } | undefined;
  /** Teams: its `teams_tenants` row, if any: whether Graph installs are set up (a catalogue app id). Being recorded is what admits its people. */
  teamsTenant?: { registeredAt: Date; graphInstalls: boolean } | undefined;
}

/** Who installed an app: the platform's user id, and their name when that account is linked to someone on a roster. */
export interface InstalledBy {
  userId: string;
  name?: string | undefined;
}

/** The chat workspaces and tenants bound to a school (recorded for it, or for another school of its trust, which serves it too), read for the console. */
export interface ChatBindings {
  boundTo(schoolId: string): Promise<ChatBinding[]>;
  /**
   * Records a workspace / org or tenant for a school through the very calls `trellis school set
   * --slack-team` and `trellis teams tenants add` make, audited (`chat-workspace.recorded`) with `by`.
   */
  record(schoolId: string, platform: 'slack' | 'teams', tenant: string, by: string): Promise<{ added: boolean; unlinked: number }>;
  /** Forgets one recorded for the school as `trellis teams tenants remove` does, audited (`chat-workspace.removed`) with `by`. */
  remove(schoolId: string, platform: 'slack' | 'teams', tenant: string, by: string): Promise<{ removed: boolean; unlinked: number }>;
  /** The schools of a trust, to record a tenant for all of them. */
  trustSchools(trustSlug: string): Promise<{ id: string; slug: string }[]>;
}

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

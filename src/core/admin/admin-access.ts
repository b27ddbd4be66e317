/**
 * Who may use the admin console for a school: the one rule. An administrator is named by e-mail,
 * for one school or for every school of a trust (`trellis admins add`); someone signed in through
 * OpenID Connect is matched by their verified e-mail only.
 */

/** One `admin_grants` row: exactly one of the two is set. */
export interface AdminGrant {
  schoolId?: string | undefined;
  trustId?: string | undefined;
}

/** A school as the console lists it. */
export interface AdminSchoolRef {
  id: string;
  slug: string;
  name: string;
  trustId?: string | undefined;
  trustName?: string | undefined;
  trustSlug?: string | undefined;
}

/** Whether these grants make their holder an administrator of the school: named for it, or for its trust. */
export function administers(grants: readonly AdminGrant[], school: Pick<AdminSchoolRef, 'id' | 'trustId'>): boolean {
  return grants.some((grant) => (grant.schoolId !== undefined && grant.schoolId === school.id) || (grant.trustId !== undefined && school.trustId !== undefined && grant.trustId === school.trustId));
}

/** An e-mail as grants store it and sign-ins are matched: trimmed and lower-cased. */
export function normaliseAdminEmail(email: string): string {
  return email.trim().toLowerCase();
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function looksLikeEmail(text: string): boolean {
  return EMAIL.test(text.trim());
}

/**
 * The e-mail an ID token vouches for, or undefined. Only a verified address counts: `email_verified`
 * true (Slack, Google and most providers), or Microsoft Entra's `xms_edov` (the e-mail's domain is
 * verified by the tenant), since Entra ID tokens carry no `email_verified`. An unverified address
 * could be anyone's, so it never maps to an administrator.
 */
export function verifiedEmailOf(claims: Readonly<Record<string, unknown>>): string | undefined {
  const email = claims.email;
  if (typeof email !== 'string' || !looksLikeEmail(email)) return undefined;
  if (claims.email_verified !== true && claims.xms_edov !== true) return undefined;
  return normaliseAdminEmail(email);
}

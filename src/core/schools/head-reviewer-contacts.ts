import { z } from 'zod';
import { HEAD_REVIEWER_NAMES, type HeadReviewerContact } from '../access/relationships.ts';
import { HEAD_REVIEWER_MEMBERS, type HeadReviewerMember, type Policy } from '../policy/policy-schema.ts';

const ContactSchema = z.strictObject({ member: z.enum(HEAD_REVIEWER_MEMBERS), fullName: z.string().trim().min(1), email: z.email().optional() });

/** The school's stored contacts; an entry this version cannot read is left out, not guessed. */
export function storedHeadReviewerContacts(value: unknown): HeadReviewerContact[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    const parsed = ContactSchema.safeParse(entry);
    return parsed.success ? [parsed.data] : [];
  });
}

export type ContactChange = { ok: true; contacts: HeadReviewerContact[]; said: string } | { ok: false; error: string };

/**
 * Names one of the head's reviewers who is not on the roster (002 §22–24, 003 §6.3, 004 §9.1).
 * The member must be one the school's policy names, and not the trust's CEO when the roster has a
 * trust leader (they are the CEO). The same name for the same member replaces the earlier entry.
 */
export function addHeadReviewerContact(policy: Policy, contacts: readonly HeadReviewerContact[], input: { member: string; fullName: string; email?: string | undefined }): ContactChange {
  const panel = policy.headReviewers;
  if (panel === undefined) return { ok: false, error: `${policy.organisation}'s policy does not say who reviews the head, so there is no one to name: the head's reviewer is their line manager on the roster.` };
  if (!(HEAD_REVIEWER_MEMBERS as readonly string[]).includes(input.member)) return { ok: false, error: `--as must be one of ${panel.members.join(', ')} (${panel.rule}), not "${input.member}".` };
  const member = input.member as HeadReviewerMember;
  if (!panel.members.includes(member)) return { ok: false, error: `${policy.organisation}'s policy has the head reviewed by ${panel.members.join(' and ')} (${panel.rule}), not ${HEAD_REVIEWER_NAMES[member]}: use --as ${panel.members.join(' or --as ')}.` };
  const parsed = ContactSchema.safeParse({ member, fullName: input.fullName, email: input.email });
  if (!parsed.success) return { ok: false, error: input.fullName.trim() === '' ? 'Give their name with --name.' : `"${input.email}" is not an e-mail address.` };
  const contact = parsed.data;
  const kept = contacts.filter((c) => !(c.member === member && c.fullName.toLowerCase() === contact.fullName.toLowerCase()));
  return { ok: true, contacts: [...kept, contact], said: `${contact.fullName}${contact.email === undefined ? '' : ` <${contact.email}>`} is named as ${HEAD_REVIEWER_NAMES[member]} (${panel.rule}).` };
}

/** Removes a named contact by name (any member). */
export function removeHeadReviewerContact(contacts: readonly HeadReviewerContact[], fullName: string): ContactChange {
  const kept = contacts.filter((c) => c.fullName.toLowerCase() !== fullName.trim().toLowerCase());
  if (kept.length === contacts.length) return { ok: false, error: `No contact called "${fullName.trim()}" is named for this school.` };
  return { ok: true, contacts: kept, said: `${fullName.trim()} is no longer named as one of the head's reviewers.` };
}

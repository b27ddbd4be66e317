import { describe, expect, it } from 'vitest';
import { administers, verifiedEmailOf } from '../../../src/core/admin/admin-access.ts';

describe('who administers a school', () => {
  const school = { id: 's1', trustId: 't1' };

  it('a grant for the school or for its trust does; a grant for another school or trust does not', () => {
    expect(administers([{ schoolId: 's1' }], school)).toBe(true);
    expect(administers([{ trustId: 't1' }], school)).toBe(true);
    expect(administers([{ schoolId: 's2' }, { trustId: 't2' }], school)).toBe(false);
    expect(administers([], school)).toBe(false);
  });

  it('a trust grant says nothing about a school outside any trust', () => {
    expect(administers([{ trustId: 't1' }], { id: 's3', trustId: undefined })).toBe(false);
  });
});

describe('the e-mail a sign-in vouches for', () => {
  it('is the verified e-mail, lower-cased (email_verified, or Entra’s xms_edov)', () => {
    expect(verifiedEmailOf({ email: 'Ops@School.Example', email_verified: true })).toBe('ops@school.example');
    expect(verifiedEmailOf({ email: 'it@trust.example', xms_edov: true })).toBe('it@trust.example');
  });

  it('is nothing for an unverified, missing or malformed e-mail', () => {
    expect(verifiedEmailOf({ email: 'ops@school.example', email_verified: false })).toBeUndefined();
    expect(verifiedEmailOf({ email: 'ops@school.example' })).toBeUndefined();
    expect(verifiedEmailOf({ email: 'ops@school.example', email_verified: 'true' })).toBeUndefined();
    expect(verifiedEmailOf({ email_verified: true })).toBeUndefined();
    expect(verifiedEmailOf({ email: 'not an address', email_verified: true })).toBeUndefined();
  });
});

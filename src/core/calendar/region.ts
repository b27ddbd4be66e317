/**
 * The UK's three bank-holiday calendars, named as gov.uk names them. Wales shares England's
 * bank holidays, so one region covers both.
 */
export const REGIONS = ['england-and-wales', 'scotland', 'northern-ireland'] as const;

export type Region = (typeof REGIONS)[number];

export const DEFAULT_REGION: Region = 'england-and-wales';

export function isRegion(value: unknown): value is Region {
  return typeof value === 'string' && (REGIONS as readonly string[]).includes(value);
}

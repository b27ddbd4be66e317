import { randomBytes } from 'node:crypto';

/**
 * A time-ordered id (UUID version 7, as the schema's own default; made here rather than by
 * PostgreSQL 18's `uuidv7()`, so an older server given as DATABASE_URL works too): a page of new
 * rows gets ids that sort together, so they, and the obligations' keys that start with a
 * person's id, go into the indexes side by side instead of all over them.
 */
export function timeOrderedId(): string {
  const bytes = randomBytes(16);
  const now = Date.now();
  for (let at = 0; at < 6; at++) bytes[at] = Math.floor(now / 2 ** (8 * (5 - at))) & 0xff;
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

import { randomUUID } from 'node:crypto';

/**
 * A time-ordered id (UUID version 7, as the schema's own default; made here rather than by
 * PostgreSQL 18's `uuidv7()`, so an older server given as DATABASE_URL works too): a page of new
 * rows gets ids that sort together, so they, and the obligations' keys that start with a
 * person's id, go into the indexes side by side instead of all over them.
 *
 * The random part is a version 4 UUID's (Node draws those from a pooled buffer; `randomBytes(16)`
 * for each id was about 3 µs, 0.3 s of a 10,000-staff first load's 110,000 ids): its first 48 bits
 * become the time in milliseconds and its version digit a 7; its variant bits are already v7's.
 */
export function timeOrderedId(): string {
  const now = Date.now();
  // A page's thousands of ids are made within a few milliseconds: the time's text is made once for each.
  if (now !== madeAt) {
    const time = now.toString(16).padStart(12, '0');
    madeAt = now;
    timePart = `${time.slice(0, 8)}-${time.slice(8, 12)}-7`;
  }
  return timePart + randomUUID().slice(15);
}

let madeAt = -1;
let timePart = '';

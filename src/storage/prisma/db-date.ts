/**
 * PostgreSQL `date` columns come back from Prisma as JavaScript Dates at UTC midnight. The core
 * speaks ISO `YYYY-MM-DD` strings, so convert here, at the edge, and nowhere else.
 */
export function toDbDate(isoDate: string): Date {
  return new Date(`${isoDate}T00:00:00.000Z`);
}

export function fromDbDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function fromOptionalDbDate(date: Date | null): string | undefined {
  return date === null ? undefined : fromDbDate(date);
}

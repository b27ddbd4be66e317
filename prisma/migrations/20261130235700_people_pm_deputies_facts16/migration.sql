-- The access facts read a school's PM deputies (002 §18) on every read; without this it scanned
-- every person (40 ms at 100,000 staff). Partial, so schema.prisma cannot say it: checked by
-- RAW_SQL_INDEXES in test/storage/schema-matches-migrations.test.ts.
CREATE INDEX "people_pm_deputies_idx" ON "people"("school_id") WHERE 'pm-deputy' = ANY ("flags");

-- The items still to do (open or snoozed, not optional) by due date, carrying what `overdue`
-- counts them by: its totals read the overdue items from this index alone (an index-only scan of
-- the items due before today) instead of from the table. A partial index, which schema.prisma
-- cannot express, so it is created here only and named in
-- test/storage/schema-matches-migrations.test.ts's list of indexes made by raw SQL.
CREATE INDEX "obligations_open_by_due_idx" ON "obligations"("due_on") INCLUDE ("cycle_id", "person_id", "kind") WHERE "status" IN ('open', 'snoozed') AND NOT "optional";

-- The reminders still waiting to go (pending), by recipient: what digest assembly reads. A partial
-- index, which schema.prisma cannot express, so it is created here only and named in
-- test/storage/schema-matches-migrations.test.ts's list of indexes made by raw SQL. Without it,
-- assembling a school's digests reads the whole outbox, every row ever sent included.
CREATE INDEX "nudge_outbox_pending_reminders_idx" ON "nudge_outbox"("recipient_id") WHERE "status" = 'pending' AND ("payload"->>'type') = 'reminder';

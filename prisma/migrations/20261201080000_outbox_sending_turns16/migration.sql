-- The rows being sent (a turn's reply from its commit until the channel marks it sent, a delivery
-- mid-attempt), by when the send started: what the every-minute pass reads to give a send left
-- unfinished past its grace its delivery job (queueStalledSends). A partial index, which
-- schema.prisma cannot express, so it is created here only and named in
-- test/storage/schema-matches-migrations.test.ts's list of indexes made by raw SQL. It holds only
-- the sends in flight: never the sent history, nor the digests waiting for their window.
CREATE INDEX "nudge_outbox_sending_idx" ON "nudge_outbox"("sending_since") WHERE "status" = 'pending' AND "sending_since" IS NOT NULL;

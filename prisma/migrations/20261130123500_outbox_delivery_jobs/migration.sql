-- Digests are delivered by graphile-worker jobs now, not leased by the sweep: a lease that was
-- still held becomes pending again (its job is queued when the worker starts), and a delivery
-- attempt in flight is recorded so a run after a crash can check with the platform first.
ALTER TABLE "nudge_outbox" ADD COLUMN "sending_since" TIMESTAMPTZ(3);
UPDATE "nudge_outbox" SET "status" = 'pending' WHERE "status" = 'sending';

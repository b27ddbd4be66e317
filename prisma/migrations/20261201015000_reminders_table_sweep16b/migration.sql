-- Reminders get a narrow table of their own. A reminder is one cadence point for one recipient,
-- carried by its recipient's digest, never delivered on its own; in nudge_outbox each paid for the
-- outbox's uuid id, six indexes and a jsonb payload (~440 bytes a row), and a busy sweep writes
-- four of them per person. Here a row is its key, who and what it is about, the plan's point and
-- dates, and where it stands: two indexes (the key; the status with the recipient, for digest
-- assembly, a leaver's deletion and a person's export) and the recipient's foreign key. The outbox
-- keeps what is delivered: digests, notices and notifications.
CREATE TABLE "reminders" (
    "key" TEXT NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "recipient_id" UUID NOT NULL,
    "obligation_id" UUID,
    "digest_key" TEXT,
    "point" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "scheduled_on" DATE NOT NULL,
    "send_on" DATE NOT NULL,
    "due_on" DATE NOT NULL,
    "copy" JSONB,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "sent_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "reminders_pkey" PRIMARY KEY ("key")
);

-- Every reminder queued so far, as it stands. Rows written before reminders referred to their
-- obligation carry the whole reminder: it is kept as `copy`, and its point and dates as columns.
INSERT INTO "reminders" ("key", "id", "recipient_id", "obligation_id", "digest_key", "point", "audience", "scheduled_on", "send_on", "due_on", "copy",
    "status", "sent_at", "last_error", "created_at", "updated_at")
SELECT o."key", o."id", o."recipient_id", COALESCE(o."obligation_id", (o."payload"->'reminder'->>'obligationId')::uuid), o."payload"->>'digestKey',
    COALESCE(o."payload"->>'point', o."payload"->'reminder'->>'point'),
    COALESCE(o."payload"->>'audience', o."payload"->'reminder'->>'audience'),
    COALESCE(o."payload"->>'scheduledOn', o."payload"->'reminder'->>'scheduledOn')::date,
    COALESCE(o."payload"->>'sendOn', o."payload"->'reminder'->>'sendOn')::date,
    COALESCE(o."payload"->>'dueOn', o."payload"->'reminder'->>'dueOn')::date,
    o."payload"->'reminder', o."status", o."sent_at", o."last_error", o."created_at", o."updated_at"
FROM "nudge_outbox" o WHERE o."payload"->>'type' = 'reminder';

DELETE FROM "nudge_outbox" WHERE "payload"->>'type' = 'reminder';
DROP INDEX "nudge_outbox_pending_reminders_idx";
-- Only reminders referred to an obligation: the outbox's column and its index go with them.
DROP INDEX "nudge_outbox_obligation_id_idx";
ALTER TABLE "nudge_outbox" DROP COLUMN "obligation_id";

-- The status first: digest assembly reads the pending reminders only, never the sent history (as
-- the outbox's partial index on pending reminders did); a look-up by recipient alone (a leaver's
-- deletion, a person's export, the foreign key's cascade) skips through its few statuses.
CREATE INDEX "reminders_status_recipient_id_idx" ON "reminders"("status", "recipient_id");

ALTER TABLE "reminders" ADD CONSTRAINT "reminders_recipient_id_fkey" FOREIGN KEY ("recipient_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

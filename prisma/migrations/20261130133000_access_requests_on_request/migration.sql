-- Access on request (002 §18): a grant starts as a request and is granted or refused by the head
-- or the PM deputy; until then it has no decider and no grant time.
ALTER TABLE "access_grants" ALTER COLUMN "granted_by_id" DROP NOT NULL,
  ALTER COLUMN "granted_at" DROP NOT NULL,
  ALTER COLUMN "granted_at" DROP DEFAULT,
  ADD COLUMN "status" TEXT NOT NULL DEFAULT 'granted',
  ADD COLUMN "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  ADD COLUMN "decision_note" TEXT;

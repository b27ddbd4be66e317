-- A reviewee's written request for another reviewer, with reasons (002 §27, 004 §3.10): the head or
-- the PM deputy grants it by naming a replacement (a reviewer_assignments row) or declines it with a reason.
CREATE TABLE "reviewer_change_requests" (
    "id" UUID NOT NULL,
    "reviewee_id" UUID NOT NULL,
    "reviewer_id" UUID,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'requested',
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "decided_by_id" UUID,
    "decided_at" TIMESTAMPTZ(3),
    "new_reviewer_id" UUID,
    "decision_note" TEXT,

    CONSTRAINT "reviewer_change_requests_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "reviewer_change_requests_reviewee_id_idx" ON "reviewer_change_requests"("reviewee_id");
CREATE INDEX "reviewer_change_requests_reviewer_id_idx" ON "reviewer_change_requests"("reviewer_id");
CREATE INDEX "reviewer_change_requests_decided_by_id_idx" ON "reviewer_change_requests"("decided_by_id");
CREATE INDEX "reviewer_change_requests_new_reviewer_id_idx" ON "reviewer_change_requests"("new_reviewer_id");

ALTER TABLE "reviewer_change_requests" ADD CONSTRAINT "reviewer_change_requests_reviewee_id_fkey" FOREIGN KEY ("reviewee_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "reviewer_change_requests" ADD CONSTRAINT "reviewer_change_requests_reviewer_id_fkey" FOREIGN KEY ("reviewer_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "reviewer_change_requests" ADD CONSTRAINT "reviewer_change_requests_decided_by_id_fkey" FOREIGN KEY ("decided_by_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "reviewer_change_requests" ADD CONSTRAINT "reviewer_change_requests_new_reviewer_id_fkey" FOREIGN KEY ("new_reviewer_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

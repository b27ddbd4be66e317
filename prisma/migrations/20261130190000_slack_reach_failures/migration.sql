-- What Slack last refused for a person (not in the workspace, deactivated, a send refused), which
-- trellis reach reports; removed once a lookup or send to them works again.
CREATE TABLE "slack_reach_failures" (
    "id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "workspace" TEXT,
    "outcome" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "attempted_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "slack_reach_failures_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "slack_reach_failures_person_id_key" ON "slack_reach_failures"("person_id");

ALTER TABLE "slack_reach_failures" ADD CONSTRAINT "slack_reach_failures_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable
CREATE TABLE "peer_observations" (
    "id" UUID NOT NULL,
    "cycle_id" UUID NOT NULL,
    "observer_id" UUID NOT NULL,
    "colleague_id" UUID,
    "observed_on" DATE NOT NULL,
    "lesson" TEXT NOT NULL,
    "learned" TEXT NOT NULL,
    "next_steps" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "peer_observations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "peer_observations_cycle_id_observed_on_idx" ON "peer_observations"("cycle_id", "observed_on");

-- CreateIndex
CREATE INDEX "peer_observations_observer_id_idx" ON "peer_observations"("observer_id");

-- CreateIndex
CREATE INDEX "peer_observations_colleague_id_idx" ON "peer_observations"("colleague_id");

-- AddForeignKey
ALTER TABLE "peer_observations" ADD CONSTRAINT "peer_observations_cycle_id_fkey" FOREIGN KEY ("cycle_id") REFERENCES "cycles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "peer_observations" ADD CONSTRAINT "peer_observations_observer_id_fkey" FOREIGN KEY ("observer_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "peer_observations" ADD CONSTRAINT "peer_observations_colleague_id_fkey" FOREIGN KEY ("colleague_id") REFERENCES "people"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AlterTable: the graded observation's grade (002 §48), and the revision meeting and concern an observation beyond the cap needs (002 Annex 1 §5)
ALTER TABLE "observations" ADD COLUMN "grade" TEXT,
ADD COLUMN "revision_meeting_on" DATE,
ADD COLUMN "concern" TEXT;

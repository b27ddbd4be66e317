-- CreateTable
CREATE TABLE "check_in_meetings" (
    "id" UUID NOT NULL,
    "cycle_id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "organizer_id" UUID,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_minutes" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'scheduled',
    "sequence" INTEGER NOT NULL DEFAULT 0,
    "check_in_id" UUID,
    "cancelled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "check_in_meetings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "check_in_meetings_person_id_starts_at_idx" ON "check_in_meetings"("person_id", "starts_at");

-- CreateIndex
CREATE INDEX "check_in_meetings_organizer_id_starts_at_idx" ON "check_in_meetings"("organizer_id", "starts_at");

-- CreateIndex
CREATE INDEX "check_in_meetings_cycle_id_idx" ON "check_in_meetings"("cycle_id");

-- CreateIndex
CREATE INDEX "check_in_meetings_check_in_id_idx" ON "check_in_meetings"("check_in_id");

-- AddForeignKey
ALTER TABLE "check_in_meetings" ADD CONSTRAINT "check_in_meetings_cycle_id_fkey" FOREIGN KEY ("cycle_id") REFERENCES "cycles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "check_in_meetings" ADD CONSTRAINT "check_in_meetings_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "check_in_meetings" ADD CONSTRAINT "check_in_meetings_organizer_id_fkey" FOREIGN KEY ("organizer_id") REFERENCES "people"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "check_in_meetings" ADD CONSTRAINT "check_in_meetings_check_in_id_fkey" FOREIGN KEY ("check_in_id") REFERENCES "check_ins"("id") ON DELETE SET NULL ON UPDATE CASCADE;

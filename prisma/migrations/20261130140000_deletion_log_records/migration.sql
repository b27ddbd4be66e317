-- The deletion log: one row per record destroyed by retention (003 §14.3, 004 §11.2) or on
-- request (002 §44), without the record's content.
CREATE TABLE "deletion_log" (
    "id" UUID NOT NULL,
    "school_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "record_id" UUID NOT NULL,
    "subject_person_id" UUID,
    "cycle_year" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "deleted_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "deletion_log_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "deletion_log_school_id_deleted_at_idx" ON "deletion_log"("school_id", "deleted_at");

CREATE INDEX "deletion_log_subject_person_id_idx" ON "deletion_log"("subject_person_id");

-- A first contact looks a person up by e-mail alone (stored lower-cased), which the
-- (school_id, email) key cannot serve: without this it is a scan of every person.
CREATE INDEX "people_email_idx" ON "people"("email");

-- The idle sweep asks "what changed since the last complete tick": people of a school,
-- reviewer assignments and obligations by the time they changed.
CREATE INDEX "people_school_id_updated_at_idx" ON "people"("school_id", "updated_at");
CREATE INDEX "reviewer_assignments_created_at_idx" ON "reviewer_assignments"("created_at");
CREATE INDEX "obligations_updated_at_idx" ON "obligations"("updated_at");

-- How far each school's sweep has got today (see SweepMark in schema.prisma).
CREATE TABLE "sweep_marks" (
    "school_id" UUID NOT NULL,
    "swept_on" DATE NOT NULL,
    "swept_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "sweep_marks_pkey" PRIMARY KEY ("school_id")
);

ALTER TABLE "sweep_marks" ADD CONSTRAINT "sweep_marks_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE CASCADE ON UPDATE CASCADE;

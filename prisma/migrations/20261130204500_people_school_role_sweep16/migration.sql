-- Every sweep tick looks up the school's headteacher; without this it read every person of the school.
CREATE INDEX "people_school_id_role_idx" ON "people"("school_id", "role");

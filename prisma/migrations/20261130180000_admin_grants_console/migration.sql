-- The admin console's administrators: an e-mail per school, or per trust (all its schools).
CREATE TABLE "admin_grants" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "school_id" UUID,
    "trust_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "admin_grants_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "admin_grants_one_scope" CHECK (("school_id" IS NULL) <> ("trust_id" IS NULL))
);
CREATE UNIQUE INDEX "admin_grants_email_school_id_key" ON "admin_grants"("email", "school_id");
CREATE UNIQUE INDEX "admin_grants_email_trust_id_key" ON "admin_grants"("email", "trust_id");
CREATE INDEX "admin_grants_email_idx" ON "admin_grants"("email");
ALTER TABLE "admin_grants" ADD CONSTRAINT "admin_grants_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "admin_grants" ADD CONSTRAINT "admin_grants_trust_id_fkey" FOREIGN KEY ("trust_id") REFERENCES "trusts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Teams for many tenants: each tenant's Graph set-up (the app's id in its catalogue), and why the
-- app could not be installed for a person (trellis teams install), which trellis reach reports.
CREATE TABLE "teams_tenants" (
    "tenant_id" TEXT NOT NULL,
    "catalog_app_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "teams_tenants_pkey" PRIMARY KEY ("tenant_id")
);

CREATE TABLE "teams_install_failures" (
    "id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "attempted_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "teams_install_failures_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "teams_install_failures_person_id_key" ON "teams_install_failures"("person_id");

ALTER TABLE "teams_install_failures" ADD CONSTRAINT "teams_install_failures_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

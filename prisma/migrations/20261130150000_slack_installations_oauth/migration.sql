-- Slack workspaces (or Enterprise Grid orgs) Trellis was installed in through "Add to Slack".
-- `install_key` is the enterprise id for an org-wide install, else the team id. `secret` holds the
-- installation as Slack returned it (bot token included), encrypted with AES-256-GCM under
-- TRELLIS_ENCRYPTION_KEY; the other columns are plain so installs can be listed and found.
CREATE TABLE "slack_installations" (
    "id" UUID NOT NULL,
    "install_key" TEXT NOT NULL,
    "team_id" TEXT,
    "enterprise_id" TEXT,
    "is_enterprise_install" BOOLEAN NOT NULL DEFAULT false,
    "secret" TEXT NOT NULL,
    "installed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "slack_installations_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "slack_installations_install_key_key" ON "slack_installations"("install_key");
CREATE INDEX "slack_installations_enterprise_id_idx" ON "slack_installations"("enterprise_id");

-- CreateTable
CREATE TABLE "school_chat_workspaces" (
    "id" UUID NOT NULL,
    "school_id" UUID NOT NULL,
    "platform" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "school_chat_workspaces_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "school_chat_workspaces_school_id_platform_tenant_id_key" ON "school_chat_workspaces"("school_id", "platform", "tenant_id");

-- CreateIndex
CREATE INDEX "school_chat_workspaces_platform_tenant_id_idx" ON "school_chat_workspaces"("platform", "tenant_id");

-- AddForeignKey
ALTER TABLE "school_chat_workspaces" ADD CONSTRAINT "school_chat_workspaces_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE CASCADE ON UPDATE CASCADE;

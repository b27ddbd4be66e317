-- Admin console sessions kept server-side (sign-out and a removed grant end them at once), and a
-- fixed-window count of sign-in attempts per client address, shared by every replica.
CREATE TABLE "admin_sessions" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "user_agent" TEXT,

    CONSTRAINT "admin_sessions_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "admin_sessions_email_idx" ON "admin_sessions"("email");

CREATE TABLE "admin_sign_in_attempts" (
    "key" TEXT NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "admin_sign_in_attempts_pkey" PRIMARY KEY ("key","window_start")
);

CREATE INDEX "admin_sign_in_attempts_window_start_idx" ON "admin_sign_in_attempts"("window_start");

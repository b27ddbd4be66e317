-- Job-worker heartbeats: a worker pool killed outright has its jobs unlocked within minutes
-- instead of after graphile-worker's four-hour lock timeout.
CREATE TABLE "job_worker_heartbeats" (
    "worker_id" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "beat_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "job_worker_heartbeats_pkey" PRIMARY KEY ("worker_id")
);

-- CreateTable
CREATE TABLE "trusts" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "trusts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "schools" (
    "id" UUID NOT NULL,
    "trust_id" UUID,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "policy" JSONB NOT NULL,
    "policy_source" TEXT NOT NULL,
    "term_dates" JSONB NOT NULL,
    "region" TEXT NOT NULL DEFAULT 'england-and-wales',
    "time_zone" TEXT NOT NULL DEFAULT 'Europe/London',
    "reminder_window_start" TEXT NOT NULL DEFAULT '08:30',
    "reminder_window_end" TEXT NOT NULL DEFAULT '16:30',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "schools_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "people" (
    "id" UUID NOT NULL,
    "school_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "full_name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "department" TEXT,
    "start_date" DATE,
    "contract" TEXT NOT NULL DEFAULT 'permanent',
    "contract_end" DATE,
    "flags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "line_manager_id" UUID,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "people_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reviewer_assignments" (
    "id" UUID NOT NULL,
    "reviewee_id" UUID NOT NULL,
    "reviewer_id" UUID NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'reviewer',
    "starts_on" DATE NOT NULL,
    "ends_on" DATE,
    "reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reviewer_assignments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cycles" (
    "id" UUID NOT NULL,
    "school_id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "academic_year" INTEGER NOT NULL,
    "starts_on" DATE NOT NULL,
    "ends_on" DATE NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "exclusion_reason" TEXT,
    "closed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cycles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "obligations" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "cycle_id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "optional" BOOLEAN NOT NULL DEFAULT false,
    "opens_on" DATE NOT NULL,
    "due_on" DATE NOT NULL,
    "owner_role" TEXT NOT NULL,
    "owner_person_id" UUID,
    "rule" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "snoozed_until" DATE,
    "completed_at" TIMESTAMPTZ(3),
    "note" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "obligations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "self_reflections" (
    "id" UUID NOT NULL,
    "cycle_id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "framework" TEXT NOT NULL,
    "entries" JSONB NOT NULL DEFAULT '[]',
    "successes" TEXT,
    "strengths" TEXT,
    "areas_for_growth" TEXT,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "submitted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "self_reflections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "growth_plans" (
    "id" UUID NOT NULL,
    "cycle_id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "summary" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "submitted_at" TIMESTAMPTZ(3),
    "agreed_at" TIMESTAMPTZ(3),
    "agreed_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "growth_plans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "plan_goals" (
    "id" UUID NOT NULL,
    "plan_id" UUID NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "detail" TEXT,
    "success_criteria" TEXT,
    "completion_date" DATE,
    "improvement_plan_area" TEXT,
    "quantitative" BOOLEAN NOT NULL DEFAULT false,
    "wider_impact" BOOLEAN NOT NULL DEFAULT false,
    "check_in_dates" DATE[] DEFAULT ARRAY[]::DATE[],
    "status" TEXT NOT NULL DEFAULT 'active',
    "achieved_on" DATE,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "plan_goals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "check_ins" (
    "id" UUID NOT NULL,
    "cycle_id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "conducted_by_id" UUID,
    "held_on" DATE NOT NULL,
    "discussed" TEXT,
    "agreed_actions" TEXT,
    "wellbeing" TEXT,
    "diary_note" TEXT,
    "next_check_in_on" DATE,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "check_ins_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "diary_entries" (
    "id" UUID NOT NULL,
    "cycle_id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "plan_goal_id" UUID,
    "written_on" DATE NOT NULL,
    "body" TEXT NOT NULL,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "diary_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "feedback_records" (
    "id" UUID NOT NULL,
    "cycle_id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "given_by_id" UUID,
    "given_on" DATE NOT NULL,
    "praise" TEXT,
    "probing_question" TEXT,
    "action_step" TEXT,
    "support_level" TEXT,
    "plan_ahead" TEXT,
    "lock_in" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "feedback_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "observations" (
    "id" UUID NOT NULL,
    "cycle_id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "observer_id" UUID,
    "observed_on" DATE NOT NULL,
    "class_name" TEXT NOT NULL,
    "minutes" INTEGER NOT NULL,
    "focus" TEXT,
    "kind" TEXT NOT NULL DEFAULT 'performance-management',
    "oral_feedback_on" DATE,
    "written_feedback_on" DATE,
    "written_feedback" TEXT,
    "teacher_comment" TEXT,
    "counts_toward_cap" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "observations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "end_of_cycle_reviews" (
    "id" UUID NOT NULL,
    "cycle_id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "reviewer_id" UUID,
    "intended" TEXT,
    "did" TEXT,
    "impact" TEXT,
    "recommendations" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'draft',
    "meeting_on" DATE,
    "final_report_issued_on" DATE,
    "completed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "end_of_cycle_reviews_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "appeals" (
    "id" UUID NOT NULL,
    "cycle_id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "entries" JSONB NOT NULL DEFAULT '[]',
    "grounds" TEXT NOT NULL,
    "lodged_on" DATE NOT NULL,
    "final_report_received_on" DATE NOT NULL,
    "appeal_manager_id" UUID,
    "companion" TEXT,
    "meeting_on" DATE,
    "outcome_on" DATE,
    "outcome" TEXT,
    "status" TEXT NOT NULL DEFAULT 'lodged',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "appeals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pay_threshold_applications" (
    "id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "cycle_id" UUID,
    "academic_year" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "business_case" TEXT,
    "evidence" JSONB NOT NULL DEFAULT '[]',
    "submitted_on" DATE,
    "decided_on" DATE,
    "decided_by_id" UUID,
    "outcome_note" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "pay_threshold_applications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "conversations" (
    "id" UUID NOT NULL,
    "tenant" TEXT NOT NULL,
    "thread_key" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "person_id" UUID,
    "dialog_id" TEXT NOT NULL,
    "dialog_version" INTEGER NOT NULL DEFAULT 1,
    "step" TEXT NOT NULL,
    "values" JSONB NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "conversations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "processed_inbound" (
    "id" UUID NOT NULL,
    "tenant" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_inbound_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "nudge_outbox" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "recipient_id" UUID NOT NULL,
    "obligation_id" UUID,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "not_before" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "nudge_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "access_logs" (
    "id" UUID NOT NULL,
    "viewer_id" UUID NOT NULL,
    "subject_id" UUID NOT NULL,
    "grant_id" UUID,
    "resource" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "access_logs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "access_grants" (
    "id" UUID NOT NULL,
    "requester_id" UUID NOT NULL,
    "subject_id" UUID NOT NULL,
    "granted_by_id" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "granted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "notified_at" TIMESTAMPTZ(3),

    CONSTRAINT "access_grants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" UUID NOT NULL,
    "school_id" UUID,
    "actor_id" UUID,
    "action" TEXT NOT NULL,
    "subject_type" TEXT,
    "subject_id" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "platform_identities" (
    "id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "platform" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "platform_user_id" TEXT NOT NULL,
    "conversation_ref" JSONB,
    "reachable" BOOLEAN NOT NULL DEFAULT true,
    "last_seen_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "platform_identities_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "trusts_slug_key" ON "trusts"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "schools_slug_key" ON "schools"("slug");

-- CreateIndex
CREATE INDEX "schools_trust_id_idx" ON "schools"("trust_id");

-- CreateIndex
CREATE INDEX "people_school_id_line_manager_id_idx" ON "people"("school_id", "line_manager_id");

-- CreateIndex
CREATE UNIQUE INDEX "people_school_id_email_key" ON "people"("school_id", "email");

-- CreateIndex
CREATE INDEX "reviewer_assignments_reviewee_id_kind_starts_on_idx" ON "reviewer_assignments"("reviewee_id", "kind", "starts_on");

-- CreateIndex
CREATE INDEX "reviewer_assignments_reviewer_id_idx" ON "reviewer_assignments"("reviewer_id");

-- CreateIndex
CREATE INDEX "cycles_school_id_academic_year_idx" ON "cycles"("school_id", "academic_year");

-- CreateIndex
CREATE UNIQUE INDEX "cycles_person_id_academic_year_key" ON "cycles"("person_id", "academic_year");

-- CreateIndex
CREATE UNIQUE INDEX "obligations_key_key" ON "obligations"("key");

-- CreateIndex
CREATE INDEX "obligations_due_on_status_idx" ON "obligations"("due_on", "status");

-- CreateIndex
CREATE INDEX "obligations_cycle_id_idx" ON "obligations"("cycle_id");

-- CreateIndex
CREATE INDEX "obligations_person_id_status_idx" ON "obligations"("person_id", "status");

-- CreateIndex
CREATE INDEX "obligations_owner_person_id_status_idx" ON "obligations"("owner_person_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "self_reflections_cycle_id_key" ON "self_reflections"("cycle_id");

-- CreateIndex
CREATE INDEX "self_reflections_person_id_idx" ON "self_reflections"("person_id");

-- CreateIndex
CREATE UNIQUE INDEX "growth_plans_cycle_id_key" ON "growth_plans"("cycle_id");

-- CreateIndex
CREATE INDEX "growth_plans_person_id_idx" ON "growth_plans"("person_id");

-- CreateIndex
CREATE INDEX "plan_goals_plan_id_position_idx" ON "plan_goals"("plan_id", "position");

-- CreateIndex
CREATE INDEX "check_ins_cycle_id_held_on_idx" ON "check_ins"("cycle_id", "held_on");

-- CreateIndex
CREATE INDEX "check_ins_person_id_idx" ON "check_ins"("person_id");

-- CreateIndex
CREATE INDEX "check_ins_conducted_by_id_idx" ON "check_ins"("conducted_by_id");

-- CreateIndex
CREATE INDEX "diary_entries_cycle_id_written_on_idx" ON "diary_entries"("cycle_id", "written_on");

-- CreateIndex
CREATE INDEX "diary_entries_person_id_idx" ON "diary_entries"("person_id");

-- CreateIndex
CREATE INDEX "diary_entries_plan_goal_id_idx" ON "diary_entries"("plan_goal_id");

-- CreateIndex
CREATE INDEX "feedback_records_cycle_id_given_on_idx" ON "feedback_records"("cycle_id", "given_on");

-- CreateIndex
CREATE INDEX "feedback_records_person_id_idx" ON "feedback_records"("person_id");

-- CreateIndex
CREATE INDEX "feedback_records_given_by_id_idx" ON "feedback_records"("given_by_id");

-- CreateIndex
CREATE INDEX "observations_cycle_id_observed_on_idx" ON "observations"("cycle_id", "observed_on");

-- CreateIndex
CREATE INDEX "observations_person_id_idx" ON "observations"("person_id");

-- CreateIndex
CREATE INDEX "observations_observer_id_idx" ON "observations"("observer_id");

-- CreateIndex
CREATE UNIQUE INDEX "end_of_cycle_reviews_cycle_id_key" ON "end_of_cycle_reviews"("cycle_id");

-- CreateIndex
CREATE INDEX "end_of_cycle_reviews_person_id_idx" ON "end_of_cycle_reviews"("person_id");

-- CreateIndex
CREATE INDEX "end_of_cycle_reviews_reviewer_id_idx" ON "end_of_cycle_reviews"("reviewer_id");

-- CreateIndex
CREATE INDEX "appeals_cycle_id_idx" ON "appeals"("cycle_id");

-- CreateIndex
CREATE INDEX "appeals_person_id_idx" ON "appeals"("person_id");

-- CreateIndex
CREATE INDEX "appeals_appeal_manager_id_idx" ON "appeals"("appeal_manager_id");

-- CreateIndex
CREATE INDEX "pay_threshold_applications_cycle_id_idx" ON "pay_threshold_applications"("cycle_id");

-- CreateIndex
CREATE INDEX "pay_threshold_applications_decided_by_id_idx" ON "pay_threshold_applications"("decided_by_id");

-- CreateIndex
CREATE UNIQUE INDEX "pay_threshold_applications_person_id_academic_year_key" ON "pay_threshold_applications"("person_id", "academic_year");

-- CreateIndex
CREATE INDEX "conversations_person_id_status_idx" ON "conversations"("person_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "conversations_tenant_thread_key_key" ON "conversations"("tenant", "thread_key");

-- CreateIndex
CREATE INDEX "processed_inbound_received_at_idx" ON "processed_inbound"("received_at");

-- CreateIndex
CREATE UNIQUE INDEX "processed_inbound_tenant_message_id_key" ON "processed_inbound"("tenant", "message_id");

-- CreateIndex
CREATE UNIQUE INDEX "nudge_outbox_key_key" ON "nudge_outbox"("key");

-- CreateIndex
CREATE INDEX "nudge_outbox_status_not_before_idx" ON "nudge_outbox"("status", "not_before");

-- CreateIndex
CREATE INDEX "nudge_outbox_recipient_id_idx" ON "nudge_outbox"("recipient_id");

-- CreateIndex
CREATE INDEX "nudge_outbox_obligation_id_idx" ON "nudge_outbox"("obligation_id");

-- CreateIndex
CREATE INDEX "access_logs_subject_id_at_idx" ON "access_logs"("subject_id", "at");

-- CreateIndex
CREATE INDEX "access_logs_viewer_id_idx" ON "access_logs"("viewer_id");

-- CreateIndex
CREATE INDEX "access_logs_grant_id_idx" ON "access_logs"("grant_id");

-- CreateIndex
CREATE INDEX "access_grants_requester_id_subject_id_idx" ON "access_grants"("requester_id", "subject_id");

-- CreateIndex
CREATE INDEX "access_grants_subject_id_idx" ON "access_grants"("subject_id");

-- CreateIndex
CREATE INDEX "access_grants_granted_by_id_idx" ON "access_grants"("granted_by_id");

-- CreateIndex
CREATE INDEX "audit_events_school_id_at_idx" ON "audit_events"("school_id", "at");

-- CreateIndex
CREATE INDEX "audit_events_actor_id_idx" ON "audit_events"("actor_id");

-- CreateIndex
CREATE INDEX "audit_events_subject_type_subject_id_idx" ON "audit_events"("subject_type", "subject_id");

-- CreateIndex
CREATE INDEX "platform_identities_person_id_idx" ON "platform_identities"("person_id");

-- CreateIndex
CREATE UNIQUE INDEX "platform_identities_platform_tenant_id_platform_user_id_key" ON "platform_identities"("platform", "tenant_id", "platform_user_id");

-- AddForeignKey
ALTER TABLE "schools" ADD CONSTRAINT "schools_trust_id_fkey" FOREIGN KEY ("trust_id") REFERENCES "trusts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "people" ADD CONSTRAINT "people_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "people" ADD CONSTRAINT "people_line_manager_id_fkey" FOREIGN KEY ("line_manager_id") REFERENCES "people"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reviewer_assignments" ADD CONSTRAINT "reviewer_assignments_reviewee_id_fkey" FOREIGN KEY ("reviewee_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reviewer_assignments" ADD CONSTRAINT "reviewer_assignments_reviewer_id_fkey" FOREIGN KEY ("reviewer_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cycles" ADD CONSTRAINT "cycles_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cycles" ADD CONSTRAINT "cycles_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "obligations" ADD CONSTRAINT "obligations_cycle_id_fkey" FOREIGN KEY ("cycle_id") REFERENCES "cycles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "obligations" ADD CONSTRAINT "obligations_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "obligations" ADD CONSTRAINT "obligations_owner_person_id_fkey" FOREIGN KEY ("owner_person_id") REFERENCES "people"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "self_reflections" ADD CONSTRAINT "self_reflections_cycle_id_fkey" FOREIGN KEY ("cycle_id") REFERENCES "cycles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "self_reflections" ADD CONSTRAINT "self_reflections_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "growth_plans" ADD CONSTRAINT "growth_plans_cycle_id_fkey" FOREIGN KEY ("cycle_id") REFERENCES "cycles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "growth_plans" ADD CONSTRAINT "growth_plans_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "growth_plans" ADD CONSTRAINT "growth_plans_agreed_by_id_fkey" FOREIGN KEY ("agreed_by_id") REFERENCES "people"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plan_goals" ADD CONSTRAINT "plan_goals_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "growth_plans"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "check_ins" ADD CONSTRAINT "check_ins_cycle_id_fkey" FOREIGN KEY ("cycle_id") REFERENCES "cycles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "check_ins" ADD CONSTRAINT "check_ins_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "check_ins" ADD CONSTRAINT "check_ins_conducted_by_id_fkey" FOREIGN KEY ("conducted_by_id") REFERENCES "people"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "diary_entries" ADD CONSTRAINT "diary_entries_cycle_id_fkey" FOREIGN KEY ("cycle_id") REFERENCES "cycles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "diary_entries" ADD CONSTRAINT "diary_entries_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "diary_entries" ADD CONSTRAINT "diary_entries_plan_goal_id_fkey" FOREIGN KEY ("plan_goal_id") REFERENCES "plan_goals"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "feedback_records" ADD CONSTRAINT "feedback_records_cycle_id_fkey" FOREIGN KEY ("cycle_id") REFERENCES "cycles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "feedback_records" ADD CONSTRAINT "feedback_records_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "feedback_records" ADD CONSTRAINT "feedback_records_given_by_id_fkey" FOREIGN KEY ("given_by_id") REFERENCES "people"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "observations" ADD CONSTRAINT "observations_cycle_id_fkey" FOREIGN KEY ("cycle_id") REFERENCES "cycles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "observations" ADD CONSTRAINT "observations_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "observations" ADD CONSTRAINT "observations_observer_id_fkey" FOREIGN KEY ("observer_id") REFERENCES "people"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "end_of_cycle_reviews" ADD CONSTRAINT "end_of_cycle_reviews_cycle_id_fkey" FOREIGN KEY ("cycle_id") REFERENCES "cycles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "end_of_cycle_reviews" ADD CONSTRAINT "end_of_cycle_reviews_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "end_of_cycle_reviews" ADD CONSTRAINT "end_of_cycle_reviews_reviewer_id_fkey" FOREIGN KEY ("reviewer_id") REFERENCES "people"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_cycle_id_fkey" FOREIGN KEY ("cycle_id") REFERENCES "cycles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_appeal_manager_id_fkey" FOREIGN KEY ("appeal_manager_id") REFERENCES "people"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pay_threshold_applications" ADD CONSTRAINT "pay_threshold_applications_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pay_threshold_applications" ADD CONSTRAINT "pay_threshold_applications_cycle_id_fkey" FOREIGN KEY ("cycle_id") REFERENCES "cycles"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pay_threshold_applications" ADD CONSTRAINT "pay_threshold_applications_decided_by_id_fkey" FOREIGN KEY ("decided_by_id") REFERENCES "people"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "nudge_outbox" ADD CONSTRAINT "nudge_outbox_recipient_id_fkey" FOREIGN KEY ("recipient_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "nudge_outbox" ADD CONSTRAINT "nudge_outbox_obligation_id_fkey" FOREIGN KEY ("obligation_id") REFERENCES "obligations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "access_logs" ADD CONSTRAINT "access_logs_viewer_id_fkey" FOREIGN KEY ("viewer_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "access_logs" ADD CONSTRAINT "access_logs_subject_id_fkey" FOREIGN KEY ("subject_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "access_logs" ADD CONSTRAINT "access_logs_grant_id_fkey" FOREIGN KEY ("grant_id") REFERENCES "access_grants"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "access_grants" ADD CONSTRAINT "access_grants_requester_id_fkey" FOREIGN KEY ("requester_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "access_grants" ADD CONSTRAINT "access_grants_subject_id_fkey" FOREIGN KEY ("subject_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "access_grants" ADD CONSTRAINT "access_grants_granted_by_id_fkey" FOREIGN KEY ("granted_by_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "people"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "platform_identities" ADD CONSTRAINT "platform_identities_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Reference social-team receiver: schema version 1.
--
-- Plain PostgreSQL DDL: it runs unchanged in PGlite (embedded) and on a PostgreSQL server, e.g.
--   psql -v ON_ERROR_STOP=1 -f receiver/schema.sql
-- Every statement is idempotent, so it is applied on every start. Later changes go into versioned
-- migrations (see MIGRATIONS in receiver/store.ts), never into edits of these CREATE statements.

CREATE TABLE IF NOT EXISTS schema_version (
  version    integer     PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);

-- One row per referral. The primary key is the ServiceRequest identifier (urn:uuid:...), which the
-- sender keeps stable across retries: that is what makes delivery exactly-once on this side.
CREATE TABLE IF NOT EXISTS referral (
  referral_id         text        PRIMARY KEY,
  received_at         timestamptz NOT NULL DEFAULT now(),
  last_received_at    timestamptz NOT NULL DEFAULT now(),
  patient_name        text        NOT NULL,
  patient_phone       text        NOT NULL,
  call_moment         text,
  life_domains        text[]      NOT NULL DEFAULT '{}',
  note                text,
  consent_recorded_by text,
  -- The screening answers as [{ "linkId", "question", "answer", "code" }], extracted for display.
  answers             jsonb       NOT NULL DEFAULT '[]'::jsonb,
  -- The transaction Bundle exactly as first received (later duplicates never overwrite it).
  bundle              jsonb       NOT NULL,
  -- The social team's own progress; will drive Task.status in the feedback loop.
  task_status         text        NOT NULL DEFAULT 'requested',
  times_received      integer     NOT NULL DEFAULT 1 CHECK (times_received >= 1)
);

CREATE INDEX IF NOT EXISTS referral_received_at_idx ON referral (received_at DESC);

-- One row per HTTP request that reached a /fhir path. No patient data: only the referral id.
CREATE TABLE IF NOT EXISTS request_log (
  id          serial      PRIMARY KEY,
  received_at timestamptz NOT NULL DEFAULT now(),
  method      text        NOT NULL,
  path        text        NOT NULL,
  status      integer     NOT NULL,
  referral_id text
);

INSERT INTO schema_version (version) VALUES (1) ON CONFLICT (version) DO NOTHING;

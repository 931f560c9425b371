/**
 * Database access for the receiver. Every function takes the database as a parameter so the same
 * code runs against an in-memory PGlite in tests, a durable PGlite data directory, or a PostgreSQL
 * server (receiver/db.ts).
 *
 * Times that matter to the social team (received, called, changed) are passed in from the caller's
 * clock rather than taken from SQL `now()`, so tests can put a referral on a Friday before Easter.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ReferralOutcome, ReferralPartner, ReferralProgress } from '../contract/referral-status.js';
import { taskStatusFor } from '../contract/referral-status.js';
import type { Db, Queryable } from './db.js';
import type { ReferralAnswer, ReferralSummary } from './validate.js';

export type { Db, Queryable } from './db.js';

const SCHEMA_FILE = fileURLToPath(new URL('./schema.sql', import.meta.url));

/** Version that `schema.sql` creates. */
export const BASE_SCHEMA_VERSION = 1;

/**
 * Any constant will do, as long as every instance uses the same one: the key of the PostgreSQL
 * advisory lock held while the schema is created or migrated ("vroeg" in ASCII).
 */
const MIGRATION_LOCK_KEY = 0x7672_6f65_67;

/**
 * Later schema changes, applied in order once each, each in its own transaction, after `schema.sql`.
 * Never edit an entry that has shipped; append a new version.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; description: string; sql: string }> = [
  {
    version: 2,
    description: 'inbox: practices, API tokens, team accounts, sessions, progress, history, access log, withdrawal',
    sql: `
CREATE TABLE practice (
  id            text        PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name          text        NOT NULL,
  -- The social team's shared contact point for this practice (team address, not a person's).
  contact_point text        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- A practice's API tokens. Only the SHA-256 of a token is stored (see receiver/auth.ts). The webhook
-- signing secret is stored as is: verifying an HMAC needs the secret itself.
CREATE TABLE api_token (
  id             text        PRIMARY KEY,
  practice_id    text        NOT NULL REFERENCES practice (id),
  token_sha256   text        NOT NULL UNIQUE,
  label          text,
  webhook_secret text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  revoked_at     timestamptz,
  last_used_at   timestamptz
);

CREATE TABLE team_user (
  username        text        PRIMARY KEY CHECK (username ~ '^[a-z0-9._-]{2,64}$'),
  display_name    text        NOT NULL,
  password_hash   text        NOT NULL,
  failed_attempts integer     NOT NULL DEFAULT 0,
  locked_until    timestamptz,
  disabled        boolean     NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  last_login_at   timestamptz
);

-- Login sessions (@fastify/session store): shared by every instance, kept across restarts.
CREATE TABLE session (
  sid        text        PRIMARY KEY,
  data       jsonb       NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX session_expires_at_idx ON session (expires_at);

-- Secrets the instances must share, e.g. the session cookie signing key; generated on first start.
CREATE TABLE app_secret (
  name  text PRIMARY KEY,
  value text NOT NULL
);

ALTER TABLE referral ADD COLUMN practice_id     text REFERENCES practice (id);
ALTER TABLE referral ADD COLUMN source          text        NOT NULL DEFAULT 'fhir' CHECK (source IN ('fhir', 'webhook'));
ALTER TABLE referral ADD COLUMN contacted_at    timestamptz;
ALTER TABLE referral ADD COLUMN failed_attempts integer     NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0);
ALTER TABLE referral ADD COLUMN last_attempt_at timestamptz;
ALTER TABLE referral ADD COLUMN outcome         text;
ALTER TABLE referral ADD COLUMN partners        text[]      NOT NULL DEFAULT '{}';
ALTER TABLE referral ADD COLUMN note_for_gp     text;
ALTER TABLE referral ADD COLUMN updated_at      timestamptz;
ALTER TABLE referral ADD COLUMN withdrawn_at    timestamptz;
UPDATE referral SET updated_at = last_received_at;
ALTER TABLE referral ALTER COLUMN updated_at SET NOT NULL;
ALTER TABLE referral ALTER COLUMN updated_at SET DEFAULT now();
-- Erased when the patient withdraws consent.
ALTER TABLE referral ALTER COLUMN patient_name DROP NOT NULL;
ALTER TABLE referral ALTER COLUMN patient_phone DROP NOT NULL;
CREATE INDEX referral_practice_idx ON referral (practice_id);
CREATE INDEX referral_open_idx ON referral (received_at) WHERE outcome IS NULL AND withdrawn_at IS NULL;

-- What happened to a referral, who did it and when; never updated, never deleted.
CREATE TABLE referral_history (
  id          serial      PRIMARY KEY,
  referral_id text        NOT NULL REFERENCES referral (referral_id),
  at          timestamptz NOT NULL,
  -- A team member's username, or "practice:<id>" for what a practice sent.
  actor       text        NOT NULL,
  what        jsonb       NOT NULL
);
CREATE INDEX referral_history_referral_idx ON referral_history (referral_id, at);

-- Every time a team member saw a referral's personal data (NEN 7513-style access log).
CREATE TABLE data_access_log (
  id          serial      PRIMARY KEY,
  at          timestamptz NOT NULL,
  username    text        NOT NULL,
  referral_id text,
  what        text        NOT NULL
);
CREATE INDEX data_access_log_at_idx ON data_access_log (at DESC);
`,
  },
];

/** The newest schema version this code knows. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? BASE_SCHEMA_VERSION;

/**
 * Creates the tables if needed and applies pending migrations. Each step runs in a transaction that
 * first takes an advisory lock, so two instances starting at once on one PostgreSQL server take
 * turns: the second sees the version the first reached and skips what is done.
 * @returns the schema version the database is at afterwards.
 */
export async function migrate(db: Db): Promise<number> {
  const schema = await readFile(SCHEMA_FILE, 'utf8');
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(schema);
  });
  let current = 0;
  for (const migration of MIGRATIONS) {
    current = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const version = await schemaVersion(tx);
      if (migration.version <= version) return version;
      try {
        await tx.exec(migration.sql);
      } catch (error) {
        throw new Error(`migratie naar schemaversie ${migration.version} (${migration.description}) mislukt: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      }
      await tx.query('INSERT INTO schema_version (version) VALUES ($1)', [migration.version]);
      return migration.version;
    });
  }
  const final = await schemaVersion(db);
  if (final > LATEST_SCHEMA_VERSION) {
    throw new Error(`de database heeft schemaversie ${final}, deze ontvanger kent tot en met ${LATEST_SCHEMA_VERSION}: werk de ontvanger bij`);
  }
  return Math.max(current, final);
}

/** Highest applied schema version (0 if none). */
export async function schemaVersion(db: Queryable): Promise<number> {
  const result = await db.query<{ version: number | null }>('SELECT max(version)::integer AS version FROM schema_version');
  return result.rows[0]?.version ?? 0;
}

// ---------------------------------------------------------------------------------------------
// Referrals

/** How a referral arrived. */
export type ReferralSource = 'fhir' | 'webhook';

/** Outcome of recording a referral. */
export type RecordResult =
  | { kind: 'inserted' | 'duplicate'; receivedAt: Date; timesReceived: number }
  /** The id is taken by another practice's referral: nothing was changed. */
  | { kind: 'conflict' };

/**
 * Stores a referral exactly once. A repeat of a known referral id from the same practice is not
 * stored again; it only bumps `times_received`. `ON CONFLICT DO NOTHING` (rather than
 * check-then-insert) keeps concurrent duplicates from creating two rows, also on PostgreSQL.
 */
export async function recordReferral(
  db: Db,
  input: { referral: ReferralSummary; document: unknown; practiceId: string | null; source: ReferralSource; at: Date },
): Promise<RecordResult> {
  const { referral, practiceId, source, at } = input;
  return db.transaction(async (tx) => {
    const inserted = await tx.query<{ received_at: Date; times_received: number }>(
      `INSERT INTO referral (referral_id, patient_name, patient_phone, call_moment, life_domains, note,
                             consent_recorded_by, answers, bundle, practice_id, source, received_at,
                             last_received_at, updated_at, task_status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $12, 'received')
       ON CONFLICT (referral_id) DO NOTHING
       RETURNING received_at, times_received`,
      [
        referral.referralId,
        referral.patientName,
        referral.patientPhone,
        referral.callMoment,
        referral.lifeDomains,
        referral.note,
        referral.consentRecordedBy,
        JSON.stringify(referral.answers),
        JSON.stringify(input.document),
        practiceId,
        source,
        at,
      ],
    );
    const created = inserted.rows[0];
    if (created) {
      await appendHistory(tx, referral.referralId, at, practiceId ? `practice:${practiceId}` : 'practice:onbekend', { type: 'received', source });
      return { kind: 'inserted', receivedAt: created.received_at, timesReceived: created.times_received };
    }
    const repeated = await tx.query<{ received_at: Date; times_received: number }>(
      `UPDATE referral SET times_received = times_received + 1, last_received_at = $2
       WHERE referral_id = $1 AND practice_id IS NOT DISTINCT FROM $3
       RETURNING received_at, times_received`,
      [referral.referralId, at, practiceId],
    );
    const row = repeated.rows[0];
    if (!row) return { kind: 'conflict' };
    return { kind: 'duplicate', receivedAt: row.received_at, timesReceived: row.times_received };
  });
}

/** A stored referral, as the inbox, the FHIR API and the test helpers see it. */
export interface StoredReferral {
  /** `urn:uuid:…` */
  id: string;
  /** The bare UUID, as used in URLs. */
  uuid: string;
  practiceId: string | null;
  practiceName: string | null;
  /** The team's shared contact point for the practice. */
  contactPoint: string | null;
  source: ReferralSource;
  receivedAt: string;
  lastReceivedAt: string;
  /** Last change by anyone (Task.lastModified). */
  updatedAt: string;
  timesReceived: number;
  /** Personal data; all null/empty once consent is withdrawn. */
  patientName: string | null;
  patientPhone: string | null;
  callMoment: string | null;
  lifeDomains: string[];
  note: string | null;
  answers: ReferralAnswer[];
  consentRecordedBy: string | null;
  taskStatus: string;
  progress: ReferralProgress;
  lastAttemptAt: string | null;
  withdrawn: boolean;
  withdrawnAt: string | null;
  /** The document as first received (erased to the Task alone after a withdrawal). */
  bundle: unknown;
}

interface ReferralRow {
  referral_id: string;
  practice_id: string | null;
  practice_name: string | null;
  contact_point: string | null;
  source: ReferralSource;
  received_at: Date;
  last_received_at: Date;
  updated_at: Date;
  times_received: number;
  patient_name: string | null;
  patient_phone: string | null;
  call_moment: string | null;
  life_domains: string[] | null;
  note: string | null;
  answers: unknown;
  consent_recorded_by: string | null;
  task_status: string;
  contacted_at: Date | null;
  failed_attempts: number;
  last_attempt_at: Date | null;
  outcome: string | null;
  partners: string[] | null;
  note_for_gp: string | null;
  withdrawn_at: Date | null;
  bundle: unknown;
}

const REFERRAL_COLUMNS = `r.referral_id, r.practice_id, p.name AS practice_name, p.contact_point, r.source, r.received_at,
  r.last_received_at, r.updated_at, r.times_received, r.patient_name, r.patient_phone, r.call_moment, r.life_domains,
  r.note, r.answers, r.consent_recorded_by, r.task_status, r.contacted_at, r.failed_attempts, r.last_attempt_at,
  r.outcome, r.partners, r.note_for_gp, r.withdrawn_at`;

const iso = (date: Date | null) => (date ? date.toISOString() : null);

function toReferral(row: ReferralRow): StoredReferral {
  const progress: ReferralProgress = {
    contactedAt: iso(row.contacted_at),
    failedAttempts: row.failed_attempts,
    outcome: row.outcome as ReferralOutcome | null,
    partners: (row.partners ?? []) as ReferralPartner[],
    noteForGp: row.note_for_gp,
    withdrawn: row.withdrawn_at !== null,
  };
  return {
    id: row.referral_id,
    uuid: row.referral_id.replace(/^urn:uuid:/, ''),
    practiceId: row.practice_id,
    practiceName: row.practice_name,
    contactPoint: row.contact_point,
    source: row.source,
    receivedAt: row.received_at.toISOString(),
    lastReceivedAt: row.last_received_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    timesReceived: row.times_received,
    patientName: row.patient_name,
    patientPhone: row.patient_phone,
    callMoment: row.call_moment,
    lifeDomains: row.life_domains ?? [],
    note: row.note,
    answers: Array.isArray(row.answers) ? (row.answers as ReferralAnswer[]) : [],
    consentRecordedBy: row.consent_recorded_by,
    taskStatus: row.task_status,
    progress,
    lastAttemptAt: iso(row.last_attempt_at),
    withdrawn: progress.withdrawn,
    withdrawnAt: iso(row.withdrawn_at),
    bundle: row.bundle,
  };
}

/** Which referrals the work queue shows. */
export type QueueFilter = 'open' | 'closed' | 'withdrawn' | 'all';
export const QUEUE_FILTERS: readonly QueueFilter[] = ['open', 'closed', 'withdrawn', 'all'];

const FILTER_SQL: Record<QueueFilter, string> = {
  open: 'WHERE r.outcome IS NULL AND r.withdrawn_at IS NULL ORDER BY r.received_at ASC, r.referral_id',
  closed: 'WHERE r.outcome IS NOT NULL AND r.withdrawn_at IS NULL ORDER BY r.updated_at DESC, r.referral_id',
  withdrawn: 'WHERE r.withdrawn_at IS NOT NULL ORDER BY r.withdrawn_at DESC, r.referral_id',
  all: 'ORDER BY r.received_at DESC, r.referral_id',
};

/** Referrals for the work queue: open ones oldest first, the other lists most recent first. */
export async function listReferrals(db: Queryable, filter: QueueFilter = 'all', limit = 500): Promise<StoredReferral[]> {
  const result = await db.query<ReferralRow>(
    `SELECT ${REFERRAL_COLUMNS}, NULL AS bundle FROM referral r LEFT JOIN practice p ON p.id = r.practice_id ${FILTER_SQL[filter]} LIMIT $1`,
    [limit],
  );
  return result.rows.map(toReferral);
}

/** Every referral with its stored document (test and benchmark helper; newest first). */
export async function listAllReferrals(db: Queryable): Promise<StoredReferral[]> {
  const result = await db.query<ReferralRow>(
    `SELECT ${REFERRAL_COLUMNS}, r.bundle FROM referral r LEFT JOIN practice p ON p.id = r.practice_id ORDER BY r.received_at DESC, r.referral_id`,
  );
  return result.rows.map(toReferral);
}

/** One referral by its id (`urn:uuid:…`), with its stored document; null if unknown. */
export async function getReferral(db: Queryable, referralId: string): Promise<StoredReferral | null> {
  const result = await db.query<ReferralRow>(
    `SELECT ${REFERRAL_COLUMNS}, r.bundle FROM referral r LEFT JOIN practice p ON p.id = r.practice_id WHERE r.referral_id = $1`,
    [referralId],
  );
  const row = result.rows[0];
  return row ? toReferral(row) : null;
}

/** Counts per queue, for the filter links. */
export async function queueCounts(db: Queryable): Promise<Record<QueueFilter, number>> {
  const result = await db.query<Record<QueueFilter, number>>(
    `SELECT count(*) FILTER (WHERE outcome IS NULL AND withdrawn_at IS NULL)::integer AS open,
            count(*) FILTER (WHERE outcome IS NOT NULL AND withdrawn_at IS NULL)::integer AS closed,
            count(*) FILTER (WHERE withdrawn_at IS NOT NULL)::integer AS withdrawn,
            count(*)::integer AS all
     FROM referral`,
  );
  return result.rows[0] ?? { open: 0, closed: 0, withdrawn: 0, all: 0 };
}

/** One entry of a referral's history. */
export type HistoryEvent =
  | { type: 'received'; source: ReferralSource }
  | { type: 'called'; contactedAt: string }
  | { type: 'not-reached'; attempt: number }
  | { type: 'outcome'; outcome: ReferralOutcome; partners: ReferralPartner[]; noteForGp: string | null }
  | { type: 'withdrawn'; withdrawnAt: string; recordedBy: string | null; via: ReferralSource };

export interface HistoryEntry {
  at: string;
  actor: string;
  what: HistoryEvent;
}

async function appendHistory(tx: Queryable, referralId: string, at: Date, actor: string, what: HistoryEvent): Promise<void> {
  await tx.query('INSERT INTO referral_history (referral_id, at, actor, what) VALUES ($1, $2, $3, $4)', [referralId, at, actor, JSON.stringify(what)]);
}

/** A referral's history, oldest first. */
export async function referralHistory(db: Queryable, referralId: string): Promise<HistoryEntry[]> {
  const result = await db.query<{ at: Date; actor: string; what: HistoryEvent }>(
    'SELECT at, actor, what FROM referral_history WHERE referral_id = $1 ORDER BY at, id',
    [referralId],
  );
  return result.rows.map((row) => ({ at: row.at.toISOString(), actor: row.actor, what: row.what }));
}

/** A change the social team records. */
export type ProgressChange =
  | { type: 'called'; contactedAt: Date }
  | { type: 'not-reached' }
  | { type: 'outcome'; outcome: ReferralOutcome; partners: ReferralPartner[]; noteForGp: string | null };

/**
 * Records a call, a failed attempt or the outcome, in one transaction with its history entry.
 * @returns the updated referral; null if it does not exist; `withdrawn` if consent was withdrawn
 *   (nothing may be recorded any more).
 */
export async function recordProgress(db: Db, referralId: string, change: ProgressChange, actor: string, at: Date): Promise<StoredReferral | null | 'withdrawn'> {
  const done = await db.transaction(async (tx) => {
    const current = await tx.query<{ withdrawn_at: Date | null }>('SELECT withdrawn_at FROM referral WHERE referral_id = $1 FOR UPDATE', [referralId]);
    const row = current.rows[0];
    if (!row) return null;
    if (row.withdrawn_at) return 'withdrawn' as const;
    let event: HistoryEvent;
    if (change.type === 'called') {
      await tx.query('UPDATE referral SET contacted_at = $2, updated_at = $3 WHERE referral_id = $1', [referralId, change.contactedAt, at]);
      event = { type: 'called', contactedAt: change.contactedAt.toISOString() };
    } else if (change.type === 'not-reached') {
      const updated = await tx.query<{ failed_attempts: number }>(
        'UPDATE referral SET failed_attempts = failed_attempts + 1, last_attempt_at = $2, updated_at = $2 WHERE referral_id = $1 RETURNING failed_attempts',
        [referralId, at],
      );
      event = { type: 'not-reached', attempt: updated.rows[0]?.failed_attempts ?? 0 };
    } else {
      await tx.query('UPDATE referral SET outcome = $2, partners = $3, note_for_gp = $4, updated_at = $5 WHERE referral_id = $1', [
        referralId,
        change.outcome,
        change.partners,
        change.noteForGp,
        at,
      ]);
      event = { type: 'outcome', outcome: change.outcome, partners: change.partners, noteForGp: change.noteForGp };
    }
    await appendHistory(tx, referralId, at, actor, event);
    await syncTaskStatus(tx, referralId);
    return 'ok' as const;
  });
  if (done === 'ok') return getReferral(db, referralId);
  return done;
}

async function syncTaskStatus(tx: Queryable, referralId: string): Promise<void> {
  const result = await tx.query<ReferralRow>(`SELECT ${REFERRAL_COLUMNS}, NULL AS bundle FROM referral r LEFT JOIN practice p ON p.id = r.practice_id WHERE r.referral_id = $1`, [
    referralId,
  ]);
  const row = result.rows[0];
  if (row) await tx.query('UPDATE referral SET task_status = $2 WHERE referral_id = $1', [referralId, taskStatusFor(toReferral(row).progress)]);
}

/** Result of {@link withdrawReferral}. */
export type WithdrawResult = 'withdrawn' | 'already-withdrawn' | 'not-found';

/**
 * Withdraws consent: erases the personal data from the row and from the stored document (only the
 * Task, which holds none, is kept so the practice can still read its status), marks the referral
 * withdrawn and records who did it. Repeating it changes nothing. A referral of another practice is
 * `not-found`, exactly as an unknown one.
 */
export async function withdrawReferral(
  db: Db,
  input: { referralId: string; practiceId: string; withdrawnAt: Date; recordedBy: string | null; via: ReferralSource; at: Date },
): Promise<WithdrawResult> {
  return db.transaction(async (tx) => {
    const current = await tx.query<{ withdrawn_at: Date | null; bundle: unknown }>(
      'SELECT withdrawn_at, bundle FROM referral WHERE referral_id = $1 AND practice_id = $2 FOR UPDATE',
      [input.referralId, input.practiceId],
    );
    const row = current.rows[0];
    if (!row) return 'not-found';
    if (row.withdrawn_at) return 'already-withdrawn';
    await tx.query(
      `UPDATE referral SET patient_name = NULL, patient_phone = NULL, call_moment = NULL, life_domains = '{}', note = NULL,
              answers = '[]'::jsonb, bundle = $2, withdrawn_at = $3, updated_at = $4, task_status = 'cancelled'
       WHERE referral_id = $1`,
      [input.referralId, JSON.stringify(erasedDocument(row.bundle)), input.withdrawnAt, input.at],
    );
    await appendHistory(tx, input.referralId, input.at, `practice:${input.practiceId}`, {
      type: 'withdrawn',
      withdrawnAt: input.withdrawnAt.toISOString(),
      recordedBy: input.recordedBy,
      via: input.via,
    });
    return 'withdrawn';
  });
}

/**
 * What is left of a received document after a withdrawal: a FHIR Bundle keeps only its Task (status,
 * references and the GP's name, no patient data); a webhook document keeps nothing personal.
 */
function erasedDocument(document: unknown): unknown {
  if (document && typeof document === 'object' && (document as { resourceType?: unknown }).resourceType === 'Bundle') {
    const entries = Array.isArray((document as { entry?: unknown }).entry) ? ((document as { entry: unknown[] }).entry as Array<{ resource?: { resourceType?: unknown } }>) : [];
    const bundle = document as Record<string, unknown>;
    return {
      resourceType: 'Bundle',
      type: bundle.type,
      ...(bundle.identifier ? { identifier: bundle.identifier } : {}),
      ...(bundle.timestamp ? { timestamp: bundle.timestamp } : {}),
      entry: entries.filter((entry) => entry?.resource?.resourceType === 'Task'),
    };
  }
  const webhook = (document ?? {}) as Record<string, unknown>;
  return { type: webhook.type, referralId: webhook.referralId, createdAt: webhook.createdAt, recipient: webhook.recipient, erased: true };
}

// ---------------------------------------------------------------------------------------------
// Data-access log

/** What a team member looked at. */
export type AccessKind = 'view-queue' | 'view-detail' | 'view-api-list';

/**
 * Logs that `username` saw personal data: one row per referral shown (a queue view logs every
 * referral on the page; an empty page logs one row without referral id).
 */
export async function logAccess(db: Queryable, username: string, referralIds: readonly string[], what: AccessKind, at: Date): Promise<void> {
  if (referralIds.length === 0) {
    await db.query('INSERT INTO data_access_log (at, username, referral_id, what) VALUES ($1, $2, NULL, $3)', [at, username, what]);
    return;
  }
  await db.query(
    `INSERT INTO data_access_log (at, username, referral_id, what)
     SELECT $1, $2, id, $3 FROM unnest($4::text[]) AS id`,
    [at, username, what, referralIds],
  );
}

export interface AccessLogEntry {
  at: string;
  username: string;
  displayName: string | null;
  referralId: string | null;
  what: AccessKind;
}

/** The most recent access-log entries, newest first; optionally for one referral. */
export async function listAccessLog(db: Queryable, options: { limit?: number; referralId?: string } = {}): Promise<AccessLogEntry[]> {
  const result = await db.query<{ at: Date; username: string; display_name: string | null; referral_id: string | null; what: AccessKind }>(
    `SELECT l.at, l.username, u.display_name, l.referral_id, l.what
     FROM data_access_log l LEFT JOIN team_user u ON u.username = l.username
     WHERE $2::text IS NULL OR l.referral_id = $2
     ORDER BY l.at DESC, l.id DESC LIMIT $1`,
    [options.limit ?? 500, options.referralId ?? null],
  );
  return result.rows.map((row) => ({ at: row.at.toISOString(), username: row.username, displayName: row.display_name, referralId: row.referral_id, what: row.what }));
}

// ---------------------------------------------------------------------------------------------
// Request log and counters

/** One line of the /fhir request log. */
export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  referralId: string | null;
}

/** Appends a request to the log (requests that reached a /fhir path or /webhook). */
export async function logRequest(db: Queryable, entry: RequestLogEntry): Promise<void> {
  await db.query('INSERT INTO request_log (method, path, status, referral_id) VALUES ($1, $2, $3, $4)', [entry.method, entry.path, entry.status, entry.referralId]);
}

/** Counters without patient data: /fhir requests, POSTs to the transaction endpoint, referrals. */
export interface Stats {
  requests: number;
  posts: number;
  referrals: number;
  open: number;
  withdrawn: number;
}

/** Reads the counters behind `GET /api/stats`. */
export async function readStats(db: Queryable): Promise<Stats> {
  // count() is bigint in PostgreSQL; cast so every driver hands back a plain number.
  const result = await db.query<Stats>(
    `SELECT (SELECT count(*) FROM request_log)::integer AS requests,
            (SELECT count(*) FROM request_log WHERE method = 'POST' AND path IN ('/fhir', '/fhir/'))::integer AS posts,
            (SELECT count(*) FROM referral)::integer AS referrals,
            (SELECT count(*) FROM referral WHERE outcome IS NULL AND withdrawn_at IS NULL)::integer AS open,
            (SELECT count(*) FROM referral WHERE withdrawn_at IS NOT NULL)::integer AS withdrawn`,
  );
  return result.rows[0] ?? { requests: 0, posts: 0, referrals: 0, open: 0, withdrawn: 0 };
}

// ---------------------------------------------------------------------------------------------
// Practices and API tokens

export interface Practice {
  id: string;
  name: string;
  contactPoint: string;
}

export const PRACTICE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Creates a practice or updates its name and contact point. */
export async function upsertPractice(db: Queryable, practice: Practice): Promise<void> {
  await db.query(
    `INSERT INTO practice (id, name, contact_point) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, contact_point = EXCLUDED.contact_point`,
    [practice.id, practice.name, practice.contactPoint],
  );
}

export async function listPractices(db: Queryable): Promise<Practice[]> {
  const result = await db.query<{ id: string; name: string; contact_point: string }>('SELECT id, name, contact_point FROM practice ORDER BY id');
  return result.rows.map((row) => ({ id: row.id, name: row.name, contactPoint: row.contact_point }));
}

export interface ApiTokenInfo {
  id: string;
  practiceId: string;
  label: string | null;
  hasWebhookSecret: boolean;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** Stores a token by its hash. Returns false when a token with that hash exists already. */
export async function insertToken(
  db: Queryable,
  token: { id: string; practiceId: string; sha256: string; label: string | null; webhookSecret: string | null },
): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO api_token (id, practice_id, token_sha256, label, webhook_secret) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING RETURNING id`,
    [token.id, token.practiceId, token.sha256, token.label, token.webhookSecret],
  );
  return result.rows.length === 1;
}

/** The practice a (non-revoked) token belongs to, by the token's hash; marks it used. */
export async function findActiveToken(db: Queryable, sha256: string, at: Date): Promise<{ id: string; practiceId: string; webhookSecret: string | null } | null> {
  const result = await db.query<{ id: string; practice_id: string; webhook_secret: string | null }>(
    `UPDATE api_token SET last_used_at = $2 WHERE token_sha256 = $1 AND revoked_at IS NULL
     RETURNING id, practice_id, webhook_secret`,
    [sha256, at],
  );
  const row = result.rows[0];
  return row ? { id: row.id, practiceId: row.practice_id, webhookSecret: row.webhook_secret } : null;
}

export async function listTokens(db: Queryable): Promise<ApiTokenInfo[]> {
  const result = await db.query<{
    id: string;
    practice_id: string;
    label: string | null;
    has_secret: boolean;
    created_at: Date;
    revoked_at: Date | null;
    last_used_at: Date | null;
  }>('SELECT id, practice_id, label, webhook_secret IS NOT NULL AS has_secret, created_at, revoked_at, last_used_at FROM api_token ORDER BY practice_id, created_at');
  return result.rows.map((row) => ({
    id: row.id,
    practiceId: row.practice_id,
    label: row.label,
    hasWebhookSecret: row.has_secret,
    createdAt: row.created_at.toISOString(),
    revokedAt: iso(row.revoked_at),
    lastUsedAt: iso(row.last_used_at),
  }));
}

/** Revokes a token. Returns false when there is no such token. */
export async function revokeToken(db: Queryable, id: string, at: Date): Promise<boolean> {
  const result = await db.query('UPDATE api_token SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1 RETURNING id', [id, at]);
  return result.rows.length === 1;
}

// ---------------------------------------------------------------------------------------------
// Team accounts

export interface TeamUser {
  username: string;
  displayName: string;
  passwordHash: string;
  failedAttempts: number;
  lockedUntil: Date | null;
  disabled: boolean;
  lastLoginAt: Date | null;
}

export const USERNAME_PATTERN = /^[a-z0-9._-]{2,64}$/;

interface UserRow {
  username: string;
  display_name: string;
  password_hash: string;
  failed_attempts: number;
  locked_until: Date | null;
  disabled: boolean;
  last_login_at: Date | null;
}

const toUser = (row: UserRow): TeamUser => ({
  username: row.username,
  displayName: row.display_name,
  passwordHash: row.password_hash,
  failedAttempts: row.failed_attempts,
  lockedUntil: row.locked_until,
  disabled: row.disabled,
  lastLoginAt: row.last_login_at,
});

export async function getUser(db: Queryable, username: string): Promise<TeamUser | null> {
  const result = await db.query<UserRow>('SELECT * FROM team_user WHERE username = $1', [username]);
  return result.rows[0] ? toUser(result.rows[0]) : null;
}

export async function listUsers(db: Queryable): Promise<TeamUser[]> {
  const result = await db.query<UserRow>('SELECT * FROM team_user ORDER BY username');
  return result.rows.map(toUser);
}

/** Creates a user; false if the username is taken. */
export async function insertUser(db: Queryable, user: { username: string; displayName: string; passwordHash: string }): Promise<boolean> {
  const result = await db.query(
    'INSERT INTO team_user (username, display_name, password_hash) VALUES ($1, $2, $3) ON CONFLICT (username) DO NOTHING RETURNING username',
    [user.username, user.displayName, user.passwordHash],
  );
  return result.rows.length === 1;
}

/** Updates a user's fields; false if there is no such user. */
export async function updateUser(
  db: Queryable,
  username: string,
  change: { displayName?: string; passwordHash?: string; disabled?: boolean; unlock?: boolean },
): Promise<boolean> {
  const result = await db.query(
    `UPDATE team_user SET
       display_name = coalesce($2, display_name),
       password_hash = coalesce($3, password_hash),
       disabled = coalesce($4, disabled),
       failed_attempts = CASE WHEN $5 THEN 0 ELSE failed_attempts END,
       locked_until = CASE WHEN $5 THEN NULL ELSE locked_until END
     WHERE username = $1 RETURNING username`,
    [username, change.displayName ?? null, change.passwordHash ?? null, change.disabled ?? null, change.unlock ?? false],
  );
  return result.rows.length === 1;
}

/**
 * Counts a failed login; at `maxAttempts` the account locks until `lockUntil` and the count starts
 * again. Returns whether the account is now locked.
 */
export async function registerLoginFailure(db: Queryable, username: string, maxAttempts: number, lockUntil: Date): Promise<boolean> {
  const result = await db.query<{ locked: boolean }>(
    `UPDATE team_user SET
       locked_until = CASE WHEN failed_attempts + 1 >= $2 THEN $3 ELSE locked_until END,
       failed_attempts = CASE WHEN failed_attempts + 1 >= $2 THEN 0 ELSE failed_attempts + 1 END
     WHERE username = $1
     RETURNING locked_until IS NOT NULL AND locked_until = $3 AS locked`,
    [username, maxAttempts, lockUntil],
  );
  return result.rows[0]?.locked ?? false;
}

export async function registerLoginSuccess(db: Queryable, username: string, at: Date): Promise<void> {
  await db.query('UPDATE team_user SET failed_attempts = 0, locked_until = NULL, last_login_at = $2 WHERE username = $1', [username, at]);
}

// ---------------------------------------------------------------------------------------------
// Sessions and shared secrets

export async function sessionGet(db: Queryable, sid: string): Promise<unknown> {
  const result = await db.query<{ data: unknown }>('SELECT data FROM session WHERE sid = $1 AND expires_at > now()', [sid]);
  return result.rows[0]?.data ?? null;
}

export async function sessionSet(db: Queryable, sid: string, data: unknown, expiresAt: Date): Promise<void> {
  await db.query(
    `INSERT INTO session (sid, data, expires_at) VALUES ($1, $2, $3)
     ON CONFLICT (sid) DO UPDATE SET data = EXCLUDED.data, expires_at = EXCLUDED.expires_at`,
    [sid, JSON.stringify(data), expiresAt],
  );
}

export async function sessionDestroy(db: Queryable, sid: string): Promise<void> {
  await db.query('DELETE FROM session WHERE sid = $1', [sid]);
}

/** Ends every session of a user (account disabled, password changed). */
export async function destroyUserSessions(db: Queryable, username: string): Promise<void> {
  await db.query(`DELETE FROM session WHERE data->>'username' = $1`, [username]);
}

export async function pruneSessions(db: Queryable): Promise<void> {
  await db.query('DELETE FROM session WHERE expires_at <= now()');
}

/** A secret shared by every instance, created by whichever starts first. */
export async function sharedSecret(db: Queryable, name: string, create: () => string): Promise<string> {
  await db.query('INSERT INTO app_secret (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, create()]);
  const result = await db.query<{ value: string }>('SELECT value FROM app_secret WHERE name = $1', [name]);
  const value = result.rows[0]?.value;
  if (!value) throw new Error(`geheim ${name} ontbreekt in de database`);
  return value;
}

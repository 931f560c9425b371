/**
 * Database access for the reference receiver. Every function takes the database as a parameter so the
 * same code runs against an in-memory PGlite in tests, a durable PGlite data directory, or (with a thin
 * adapter offering `query`/`exec`/`transaction`) a PostgreSQL server.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { PGliteInterface, Transaction } from '@electric-sql/pglite';
import type { ReferralAnswer, ReferralSummary } from './validate.js';

/** The database handle the store works with (PGlite or anything with the same query API). */
export type Db = Pick<PGliteInterface, 'query' | 'exec' | 'transaction'>;
type Queryable = Pick<Transaction, 'query' | 'exec'>;

const SCHEMA_FILE = fileURLToPath(new URL('./schema.sql', import.meta.url));

/** Version that `schema.sql` creates. */
export const BASE_SCHEMA_VERSION = 1;

/**
 * Later schema changes, applied in order once each, each in its own transaction, after `schema.sql`.
 * Append `{ version: 2, sql: 'ALTER TABLE ...' }`; never edit an entry that has shipped.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [];

/**
 * Creates the tables if needed and applies pending migrations.
 * @returns the schema version the database is at afterwards.
 */
export async function migrate(db: Db): Promise<number> {
  await db.exec(await readFile(SCHEMA_FILE, 'utf8'));
  let current = await schemaVersion(db);
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    await db.transaction(async (tx) => {
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_version (version) VALUES ($1)', [migration.version]);
    });
    current = migration.version;
  }
  return current;
}

/** Highest applied schema version (0 if none). */
export async function schemaVersion(db: Queryable): Promise<number> {
  const result = await db.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_version');
  return result.rows[0]?.version ?? 0;
}

/** Outcome of recording a referral: whether this call created it, and the stored bookkeeping. */
export interface RecordResult {
  inserted: boolean;
  receivedAt: Date;
  timesReceived: number;
}

/**
 * Stores a referral exactly once. A repeat of a known referral id is not stored again; it only bumps
 * `times_received`. `ON CONFLICT DO NOTHING` (rather than check-then-insert) keeps concurrent duplicate
 * requests from ever creating two rows, also on a multi-connection PostgreSQL server.
 */
export async function recordReferral(db: Db, referral: ReferralSummary, bundle: unknown): Promise<RecordResult> {
  return db.transaction(async (tx) => {
    const inserted = await tx.query<{ received_at: Date; times_received: number }>(
      `INSERT INTO referral (referral_id, patient_name, patient_phone, call_moment, life_domains, note,
                             consent_recorded_by, answers, bundle)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
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
        JSON.stringify(bundle),
      ],
    );
    const created = inserted.rows[0];
    if (created) return { inserted: true, receivedAt: created.received_at, timesReceived: created.times_received };

    const repeated = await tx.query<{ received_at: Date; times_received: number }>(
      `UPDATE referral SET times_received = times_received + 1, last_received_at = now()
       WHERE referral_id = $1
       RETURNING received_at, times_received`,
      [referral.referralId],
    );
    const row = repeated.rows[0];
    // Unreachable unless someone deletes the row between the two statements; fail loudly, not silently.
    if (!row) throw new Error(`referral ${referral.referralId} vanished while recording a repeat`);
    return { inserted: false, receivedAt: row.received_at, timesReceived: row.times_received };
  });
}

/** A stored referral as the API and the HTML page see it. */
export type StoredReferral = Omit<ReferralSummary, 'referralId'> & {
  id: string;
  receivedAt: string;
  lastReceivedAt: string;
  timesReceived: number;
  taskStatus: string;
  bundle: unknown;
};

interface ReferralRow {
  referral_id: string;
  received_at: Date;
  last_received_at: Date;
  patient_name: string;
  patient_phone: string;
  call_moment: string | null;
  life_domains: string[] | null;
  note: string | null;
  consent_recorded_by: string | null;
  answers: unknown;
  bundle: unknown;
  task_status: string;
  times_received: number;
}

/** All referrals, newest first. */
export async function listReferrals(db: Queryable): Promise<StoredReferral[]> {
  const result = await db.query<ReferralRow>(
    `SELECT referral_id, received_at, last_received_at, patient_name, patient_phone, call_moment,
            life_domains, note, consent_recorded_by, answers, bundle, task_status, times_received
     FROM referral
     ORDER BY received_at DESC, referral_id`,
  );
  return result.rows.map((row) => ({
    id: row.referral_id,
    receivedAt: row.received_at.toISOString(),
    lastReceivedAt: row.last_received_at.toISOString(),
    patientName: row.patient_name,
    patientPhone: row.patient_phone,
    callMoment: row.call_moment,
    lifeDomains: row.life_domains ?? [],
    note: row.note,
    consentRecordedBy: row.consent_recorded_by,
    answers: Array.isArray(row.answers) ? (row.answers as ReferralAnswer[]) : [],
    timesReceived: row.times_received,
    taskStatus: row.task_status,
    bundle: row.bundle,
  }));
}

/** One line of the /fhir request log. */
export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  referralId: string | null;
}

/** Appends a request to the log (only requests that reached a /fhir path are logged). */
export async function logRequest(db: Queryable, entry: RequestLogEntry): Promise<void> {
  await db.query('INSERT INTO request_log (method, path, status, referral_id) VALUES ($1, $2, $3, $4)', [
    entry.method,
    entry.path,
    entry.status,
    entry.referralId,
  ]);
}

/** Counters for end-to-end tests: /fhir requests, POSTs to the transaction endpoint, stored referrals. */
export interface Stats {
  requests: number;
  posts: number;
  referrals: number;
}

/** Reads the counters behind `GET /api/stats`. */
export async function readStats(db: Queryable): Promise<Stats> {
  // count() is bigint in PostgreSQL; cast so every driver hands back a plain number.
  const result = await db.query<Stats>(
    `SELECT (SELECT count(*) FROM request_log)::integer AS requests,
            (SELECT count(*) FROM request_log
              WHERE method = 'POST' AND path IN ('/fhir', '/fhir/'))::integer AS posts,
            (SELECT count(*) FROM referral)::integer AS referrals`,
  );
  return result.rows[0] ?? { requests: 0, posts: 0, referrals: 0 };
}

import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Practitioner, ReferralRecord } from '../../contract/referral-bundle';
import type { ReferralFeedback } from '../../contract/referral-status';
import type { EndpointFormat } from '../shared/configuration';
import type { DeliveryError, DeliveryState, TriggerSummary } from '../shared/messages';

/** What every outbox entry has: one message to the social team and how its delivery goes. */
interface OutboxEntryBase {
  /** Primary key: the referral's UUID, or `<referralId>#withdrawal` for its withdrawal ({@link withdrawalKey}). */
  key: string;
  /** The referral this message is about. */
  referralId: string;
  patientHash: string;
  /** The rule set whose screening led to this referral (cooldown and status are per rule set). */
  ruleSetId: string;
  createdAt: string;
  /** Id of the configured endpoint, for its credentials at send time, and the URL it had when queued. */
  endpointId: string;
  endpoint: string;
  recipient: string;
  /** The format `body` was built in, from the endpoint's format when queued. */
  format: EndpointFormat;
  state: DeliveryState;
  attempts: number;
  /** Epoch ms when the next attempt is due; while sending, a lease after which a lost attempt is retried. */
  nextAttemptAt: number | null;
  lastAttemptAt?: string;
  deliveredAt?: string;
  lastError?: DeliveryError;
  /**
   * With a `lastError` of kind `auth`: a fingerprint (not the secret) of the credentials the receiver
   * refused, so that a changed token, and only that, retries it ({@link credentialFingerprint}).
   */
  refusedCredentials?: string;
  /** Tab to tell about progress; may be gone by the time delivery succeeds. */
  tabId?: number;
  /** The exact JSON sent on every attempt; dropped once delivered or withdrawn, so patient data does not linger. */
  body: string | null;
}

/** Where the way back stands for a delivered FHIR referral (see status-poll.ts). */
export interface PollState {
  /** Epoch ms of the last read, successful or not: the 15-minute minimum counts from here. */
  lastAttemptAt: number | null;
  /** Reads that failed in a row (network, 5xx, timeout): the delay doubles with each. */
  failures: number;
  /** Why the last read failed, when it did. */
  lastError?: DeliveryError;
}

/** A referral waiting for, or past, delivery. Written before the GP is told "queued". */
export interface ReferralOutboxEntry extends OutboxEntryBase {
  kind: 'referral';
  /** When the patient withdrew consent. State `withdrawn`: before it was sent (a tombstone). */
  withdrawnAt?: string;
  /** Who recorded the withdrawal, for the withdrawal message should an attempt in flight turn out delivered. */
  withdrawnBy?: Practitioner;
  /**
   * Epoch ms when the receiver is next asked how the referral stands. Only set while that makes
   * sense (delivered, FHIR, not withdrawn, Task not final): the `by-poll` index holds exactly the
   * referrals that are polled, so "nothing open" is an empty index and no alarm.
   */
  pollDueAt?: number;
  poll?: PollState;
  /** What the social team reported, from the last successful read. */
  feedback?: ReferralFeedback;
  feedbackCheckedAt?: string;
  /** When the referral stopped being open (Task final, or consent withdrawn): the rule set's cooldown counts from here. */
  closedAt?: string;
}

/** The message telling the receiver that a delivered referral's consent was withdrawn. */
export interface WithdrawalOutboxEntry extends OutboxEntryBase {
  kind: 'withdrawal';
  withdrawnAt: string;
}

/** A message to the social team waiting for, or past, delivery. */
export type OutboxEntry = ReferralOutboxEntry | WithdrawalOutboxEntry;

/** The outbox key of a referral's withdrawal message. */
export function withdrawalKey(referralId: string): string {
  return `${referralId}#withdrawal`;
}

/**
 * The patient's consent as recorded by the GP, kept by the practice next to the referral. Unlike the
 * contract's record (what is sent, always `withdrawnAt: null`), the practice's copy learns of a withdrawal.
 */
export type ConsentRecord = Omit<ReferralRecord['consent'], 'withdrawnAt'> & { withdrawnAt: string | null; referralId: string; patientHash: string };

export type AuditAction =
  | 'referral.queued'
  | 'referral.attempt-failed'
  | 'referral.delivered'
  | 'referral.rejected'
  | 'consent.withdrawn'
  | 'withdrawal.delivered'
  | 'withdrawal.attempt-failed'
  | 'withdrawal.rejected'
  | 'referral.status-received'
  | 'screening.negative'
  | 'prompt.dismissed';

/** One line of the access/processing log (in the spirit of NEN 7513): who did what, for which pseudonym. */
export interface AuditEvent {
  id?: number;
  at: string;
  action: AuditAction;
  patientHash: string;
  actor?: Practitioner;
  referralId?: string;
  detail?: string;
}

/** One screening moment in the pseudonymised history (later: cooldown, reporting). */
export interface ScreeningEvent {
  id?: number;
  at: string;
  patientHash: string;
  outcome: 'referred' | 'negative' | 'dismissed';
  reason?: 'not-now' | 'not-relevant';
  trigger: TriggerSummary;
  ruleSetId: string;
  ruleSetVersion: string;
}

export interface VroegsignaalSchema extends DBSchema {
  outbox: { key: string; value: OutboxEntry; indexes: { 'by-state': DeliveryState; 'by-patient': string; 'by-poll': number } };
  consents: { key: string; value: ConsentRecord; indexes: { 'by-patient': string } };
  audit: { key: number; value: AuditEvent; indexes: { 'by-time': string } };
  screenings: { key: number; value: ScreeningEvent; indexes: { 'by-patient': string } };
}

export type VroegsignaalDatabase = IDBPDatabase<VroegsignaalSchema>;

export const DATABASE_VERSION = 2;

/**
 * Opens (and creates or upgrades) the extension's database. Call from the background only: opened
 * from a content script it would belong to the EHR's origin. Each version step is its own block
 * so later versions add steps without touching earlier ones.
 */
export function openVroegsignaalDatabase(name = 'vroegsignaal'): Promise<VroegsignaalDatabase> {
  return openDB<VroegsignaalSchema>(name, DATABASE_VERSION, {
    async upgrade(db, oldVersion, _newVersion, transaction) {
      if (oldVersion < 1) {
        const outbox = db.createObjectStore('outbox', { keyPath: 'referralId' });
        outbox.createIndex('by-state', 'state');
        outbox.createIndex('by-patient', 'patientHash');
        const consents = db.createObjectStore('consents', { keyPath: 'referralId' });
        consents.createIndex('by-patient', 'patientHash');
        const audit = db.createObjectStore('audit', { keyPath: 'id', autoIncrement: true });
        audit.createIndex('by-time', 'at');
        const screenings = db.createObjectStore('screenings', { keyPath: 'id', autoIncrement: true });
        screenings.createIndex('by-patient', 'patientHash');
      }
      if (oldVersion < 2) {
        // Withdrawal messages share the outbox (and its delivery) with referrals, so the key is no
        // longer the referral id alone; existing entries are FHIR referrals. IndexedDB cannot change
        // a key path, so the store is rebuilt. Only requests of this upgrade are awaited in here.
        const v1 = (await transaction.objectStore('outbox' as never).getAll()) as Array<Omit<ReferralOutboxEntry, 'key' | 'kind' | 'format'>>;
        db.deleteObjectStore('outbox');
        const outbox = db.createObjectStore('outbox', { keyPath: 'key' });
        outbox.createIndex('by-state', 'state');
        outbox.createIndex('by-patient', 'patientHash');
        outbox.createIndex('by-poll', 'pollDueAt');
        for (const entry of v1) {
          const migrated: ReferralOutboxEntry = { ...entry, key: entry.referralId, kind: 'referral', format: 'fhir-r4' };
          // Delivered before there was a way back: ask once soon, then on the usual schedule.
          if (migrated.state === 'delivered') migrated.pollDueAt = Date.now();
          await outbox.put(migrated);
        }
      }
    },
  });
}

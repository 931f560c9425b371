import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Practitioner, ReferralRecord } from '../../contract/referral-bundle';
import type { DeliveryError, DeliveryState, TriggerSummary } from '../shared/messages';

/** A referral waiting for, or past, delivery. Written before the GP is told "queued". */
export interface OutboxEntry {
  referralId: string;
  patientHash: string;
  /** The rule set whose screening led to this referral (cooldown and status are per rule set). */
  ruleSetId: string;
  createdAt: string;
  /** Id of the configured endpoint, for its credentials at send time, and the URL it had when queued. */
  endpointId: string;
  endpoint: string;
  recipient: string;
  state: DeliveryState;
  attempts: number;
  /** Epoch ms when the next attempt is due; while sending, a lease after which a lost attempt is retried. */
  nextAttemptAt: number | null;
  lastAttemptAt?: string;
  deliveredAt?: string;
  lastError?: DeliveryError;
  /** Tab to tell about progress; may be gone by the time delivery succeeds. */
  tabId?: number;
  /** The exact JSON sent on every attempt; dropped once delivered, so patient data does not linger. */
  body: string | null;
}

/** The patient's consent as recorded by the GP, kept by the practice next to the referral. */
export type ConsentRecord = ReferralRecord['consent'] & { referralId: string; patientHash: string };

export type AuditAction =
  | 'referral.queued'
  | 'referral.attempt-failed'
  | 'referral.delivered'
  | 'referral.rejected'
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
  outbox: { key: string; value: OutboxEntry; indexes: { 'by-state': DeliveryState; 'by-patient': string } };
  consents: { key: string; value: ConsentRecord; indexes: { 'by-patient': string } };
  audit: { key: number; value: AuditEvent; indexes: { 'by-time': string } };
  screenings: { key: number; value: ScreeningEvent; indexes: { 'by-patient': string } };
}

export type VroegsignaalDatabase = IDBPDatabase<VroegsignaalSchema>;

export const DATABASE_VERSION = 1;

/**
 * Opens (and creates or upgrades) the extension's database. Call from the background only: opened
 * from a content script it would belong to the EHR's origin. Each version step is its own block
 * so later versions add steps without touching earlier ones.
 */
export function openVroegsignaalDatabase(name = 'vroegsignaal'): Promise<VroegsignaalDatabase> {
  return openDB<VroegsignaalSchema>(name, DATABASE_VERSION, {
    upgrade(db, oldVersion) {
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
    },
  });
}

import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Practitioner, ReferralRecord, ScreeningAnswer } from '../../contract/referral-bundle';
import type { CallMoment, LifeDomain } from '../../contract/referral-contract';
import type { ReferralFeedback } from '../../contract/referral-status';
import type { EndpointFormat } from '../shared/configuration';
import type { Locale } from '../shared/locale';
import type { DeliveryError, DeliveryState, TriggerSummary } from '../shared/messages';
import type { AuditEntry } from './audit-log';

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
  /** Demo data from the synthetic-practice generator: never sent or polled, shown as such, removable. */
  synthetic?: true;
  /**
   * The patient's name, for the assistant's work list (search, "who is this about"). Kept as long as
   * the entry: the retention purge removes it with the closed referral. Absent on entries written
   * before version 4 and on synthetic ones.
   */
  patientName?: string;
  /**
   * What `body` was built from, kept exactly as long as `body` (dropped on delivery or withdrawal):
   * a referral the receiver refused can be fixed and rebuilt under the same id (work-list.ts).
   */
  record?: ReferralRecord;
  /** When the social team's feedback last changed (status-poll.ts), so "not seen yet" can be told. */
  feedbackChangedAt?: string;
  /** When the GP last opened this patient in the sidebar with feedback present (screening-service.ts). */
  feedbackSeenAt?: string;
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
  | 'screening.consent-declined'
  | 'prompt.dismissed';

/**
 * A line of the log as versions 1 and 2 kept it (store `audit`). Since version 3 the log is the
 * hash-chained `auditLog` store, written only by audit-log.ts, which moves these lines into the chain
 * once at start ({@link AuditEntry}).
 */
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
  /** `consent-declined`: the screen was positive, but the patient did not want a referral. */
  outcome: 'referred' | 'negative' | 'dismissed' | 'consent-declined';
  reason?: 'not-now' | 'not-relevant';
  trigger: TriggerSummary;
  ruleSetId: string;
  ruleSetVersion: string;
  /**
   * The answer to each of the rule set's questions (`not-asked` for one left open), for the
   * practice report's "yes per question". Only yes/no/not-asked: nothing about the patient.
   * Absent on screenings recorded before it was kept.
   */
  answers?: Record<string, ScreeningAnswer>;
  /** Demo data from the synthetic-practice generator: shown as such, and removable. */
  synthetic?: true;
}

/**
 * A positive screening the GP saved for the practice assistant (store `drafts`, version 4): the
 * patient consented, but something — usually the phone number — must still be confirmed. Unsent, so
 * never purged; deleted in the transaction that turns it into referrals (drafts.ts).
 */
export interface DraftRecord {
  /** A UUID; the audit log's object for the consent given at draft time. */
  id: string;
  createdAt: string;
  adapterId: string;
  patientHash: string;
  patientName: string;
  /** As the GP typed it or the page showed it, not yet confirmed: the assistant confirms or replaces it. */
  phone?: string;
  ruleSetIds: string[];
  answers: Record<string, ScreeningAnswer>;
  callMoment: CallMoment;
  lifeDomains: LifeDomain[];
  note: string;
  /** The language the consent statement was read in. */
  locale: Locale;
  trigger: TriggerSummary;
  /** The consent as the GP recorded it: who, when, and the statement read out, per rule set. */
  consent: { recordedBy: Practitioner; recordedAt: string; statements: Record<string, string> };
}

/** An item of the assistant's work list that was opened, and in which version (work-list.ts): the unread count. */
export interface WorkListOpened {
  itemId: string;
  /** What the item was when opened (e.g. the time of the refusal): a new refusal is unread again. */
  version: string;
  openedAt: string;
}

export interface VroegsignaalSchema extends DBSchema {
  /** Version 4: the GP's positive screenings waiting for the assistant. */
  drafts: { key: string; value: DraftRecord; indexes: { 'by-patient': string } };
  /** Version 4: which work-list items were opened. */
  workListOpened: { key: string; value: WorkListOpened };
  /** The NEN 7513 log since version 3: hash-chained, keyed by its gapless sequence number (audit-log.ts). */
  auditLog: { key: number; value: AuditEntry; indexes: { 'by-time': string; 'by-event': [string, string]; 'by-patient': string } };
  outbox: { key: string; value: OutboxEntry; indexes: { 'by-state': DeliveryState; 'by-patient': string; 'by-poll': number } };
  consents: { key: string; value: ConsentRecord; indexes: { 'by-patient': string } };
  /** Versions 1 and 2's unchained log: emptied into `auditLog` at start (audit-log.ts), kept so old data can move. */
  audit: { key: number; value: AuditEvent; indexes: { 'by-time': string } };
  screenings: { key: number; value: ScreeningEvent; indexes: { 'by-patient': string; 'by-time': string } };
}

export type VroegsignaalDatabase = IDBPDatabase<VroegsignaalSchema>;

export const DATABASE_VERSION = 4;

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
      if (oldVersion < 3) {
        // The hash-chained audit log (audit-log.ts). Its key is the chain's own sequence number, not
        // an auto-increment, so a gap or a reordering shows. The old `audit` lines are not moved in
        // here: each chained entry names this workstation, whose id lives in storage.local, and
        // awaiting storage inside an upgrade would commit it. They move at start, in one transaction.
        const auditLog = db.createObjectStore('auditLog', { keyPath: 'seq' });
        auditLog.createIndex('by-time', 'at');
        auditLog.createIndex('by-event', ['event', 'at']);
        auditLog.createIndex('by-patient', 'patient');
        // Reporting reads screenings by period, retention purges them by age.
        transaction.objectStore('screenings').createIndex('by-time', 'at');
      }
      if (oldVersion < 4) {
        // The practice assistant's work list: drafts the GP saved for it, and which items it opened.
        const drafts = db.createObjectStore('drafts', { keyPath: 'id' });
        drafts.createIndex('by-patient', 'patientHash');
        db.createObjectStore('workListOpened', { keyPath: 'itemId' });
      }
    },
  });
}

import { dutchHolidayTableCalendar } from '../../contract/dutch-holiday-table';
import { FINAL_TASK_STATUSES, readTaskFeedback, taskFromSearchBundle, taskSearchUrl, type ReferralFeedback } from '../../contract/referral-status';
import { callbackDeadline } from '../../contract/working-days';
import type { DeliveryError, ReferralStatus } from '../shared/messages';
import type { AuditLog, AuditTransaction } from './audit-log';
import type { ReferralOutboxEntry, VroegsignaalDatabase } from './database';
import type { EndpointDestination } from './delivery';

// The way back: how the extension learns what the social team did with a delivered referral. It
// reads the FHIR Task of every open referral (delivered, not withdrawn, Task not final) from the
// receiver, on a schedule kept in IndexedDB (`pollDueAt` on the outbox entry, indexed), with one
// browser alarm set to the earliest due read — and none at all while no referral is open.
// A JSON-webhook endpoint is not asked: a system that does not speak FHIR has no way back in this
// version, so its referrals stay "delivered" without feedback (and are never flagged overdue).

/** Never ask about one referral more often than this (also the first read after delivery). */
export const MIN_POLL_INTERVAL_MS = 15 * 60_000;
/**
 * How often an open referral is read while all is well; also the longest backoff. Four hours
 * means at least twice within every working day, so "at least once per working day" always holds.
 */
export const REGULAR_POLL_INTERVAL_MS = 4 * 60 * 60_000;
const DEFAULT_TIMEOUT_MS = 15_000;

/** When a referral delivered at `deliveredAtMs` is first read back. */
export function firstPollDueAt(deliveredAtMs: number): number {
  return deliveredAtMs + MIN_POLL_INTERVAL_MS;
}

/** Delay after `failures` failed reads in a row (1-based): doubling from 15 minutes, capped at 4 hours. */
export function pollBackoffMs(failures: number): number {
  return Math.min(REGULAR_POLL_INTERVAL_MS, MIN_POLL_INTERVAL_MS * 2 ** Math.max(0, failures - 1));
}

/** Whether the social team has been in touch: the patient was reached, or the referral is closed. */
function contactMade(feedback: ReferralFeedback | undefined): boolean {
  return !!feedback && (feedback.contactedAt !== null || feedback.outcome !== null || FINAL_TASK_STATUSES.has(feedback.taskStatus));
}

/**
 * When a delivered referral without contact becomes overdue: the receiver's callback deadline
 * (`Task.restriction.period.end`) when it gives one, else the end of the 2nd working day after
 * delivery (weekends and Dutch public holidays do not count). Null when unknown — a year beyond the
 * holiday table — rather than a guess that could accuse the team a day early.
 */
export function callbackDueAt(entry: Pick<ReferralOutboxEntry, 'deliveredAt' | 'feedback'>): number | null {
  const given = entry.feedback?.callbackDueBy ? Date.parse(entry.feedback.callbackDueBy) : Number.NaN;
  if (!Number.isNaN(given)) return given;
  if (!entry.deliveredAt) return null;
  try {
    return callbackDeadline(new Date(entry.deliveredAt), dutchHolidayTableCalendar).overdueFrom.getTime();
  } catch {
    return null;
  }
}

/**
 * Delivered, not withdrawn, read back over FHIR, no contact yet, and past the callback deadline.
 * Webhook referrals are never overdue: nothing comes back to tell contact from silence.
 */
export function isOverdue(entry: ReferralOutboxEntry, now: number): boolean {
  if (entry.state !== 'delivered' || entry.withdrawnAt || entry.format !== 'fhir-r4' || contactMade(entry.feedback)) return false;
  const due = callbackDueAt(entry);
  return due !== null && now >= due;
}

export interface StatusPollDependencies {
  db: VroegsignaalDatabase;
  /** News from the social team is logged in the transaction that stores it. */
  auditLog: Pick<AuditLog, 'ready' | 'appendInTransaction'>;
  fetch: typeof fetch;
  now: () => number;
  /** Sets the status alarm for `atMs`, or clears it when null (nothing open: no alarm, no cost). */
  scheduleWakeUp: (atMs: number | null) => Promise<void>;
  /** The endpoint's address, format and credentials as configured now (see `endpointDestination`). */
  destinationFor: (endpointId: string) => Promise<EndpointDestination | undefined>;
  /** A referral's status as the GP sees it (the delivery service's `status`). */
  statusOf: (referralId: string) => Promise<ReferralStatus | undefined>;
  /** Pushes a fresh status to a tab (the `referral/status` tab message); must not throw. */
  notify: (tabId: number | undefined, status: ReferralStatus) => void;
  requestTimeoutMs?: number;
}

type ReadOutcome = { ok: true; feedback: ReferralFeedback } | { ok: false; error: DeliveryError };

/**
 * Reads the social team's feedback for open FHIR referrals: at most every 15 minutes per referral,
 * every 4 hours while open, at once when the patient is opened, backing off (15 min doubling to
 * 4 h) while the receiver is down, and waiting 4 hours (or for new credentials) when it refuses the
 * token. Stops for good when the Task is final or consent was withdrawn.
 */
export function createStatusPoller(deps: StatusPollDependencies) {
  const { db } = deps;
  const timeoutMs = deps.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const inFlight = new Map<string, Promise<void>>();

  async function read(entry: ReferralOutboxEntry): Promise<ReadOutcome> {
    const destination = await deps.destinationFor(entry.endpointId);
    if (!destination) return { ok: false, error: { kind: 'configuration', detail: `endpoint "${entry.endpointId}" is no longer configured` } };
    if (destination.format !== 'fhir-r4') return { ok: false, error: { kind: 'configuration', detail: `endpoint "${entry.endpointId}" is no FHIR server now` } };
    try {
      const response = await deps.fetch(taskSearchUrl(destination.url, entry.referralId), {
        method: 'GET',
        headers: { Accept: 'application/fhir+json', ...(destination.authorization ? { Authorization: destination.authorization } : {}) },
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.status === 401 || response.status === 403) {
        return { ok: false, error: { kind: 'auth', httpStatus: response.status, detail: `${response.status} ${response.statusText}`.trim() } };
      }
      if (!response.ok) return { ok: false, error: { kind: 'http', httpStatus: response.status, detail: `${response.status} ${response.statusText}`.trim() } };
      const feedback = readTaskFeedback(taskFromSearchBundle(await response.json()));
      if (!feedback) return { ok: false, error: { kind: 'http', httpStatus: response.status, detail: 'the receiver has no Task for this referral' } };
      return { ok: true, feedback };
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      const detail = error instanceof Error ? error.message : String(error);
      return { ok: false, error: { kind: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network', detail } };
    }
  }

  async function pollOnce(key: string): Promise<void> {
    const entry = await db.get('outbox', key);
    if (entry?.kind !== 'referral' || entry.pollDueAt === undefined) return;
    const outcome = await read(entry);
    const nowMs = deps.now();
    const checkedAt = new Date(nowMs).toISOString();

    // Re-read inside the transaction: consent may have been withdrawn while the request was out.
    await deps.auditLog.ready();
    const tx = db.transaction(['outbox', 'auditLog'], 'readwrite');
    const current = await tx.objectStore('outbox').get(key);
    const writes: Array<Promise<unknown>> = [];
    if (current?.kind === 'referral' && current.pollDueAt !== undefined) {
      let next: ReferralOutboxEntry;
      if (outcome.ok) {
        const { feedback } = outcome;
        const { pollDueAt: _due, ...rest } = current;
        next = { ...rest, feedback, feedbackCheckedAt: checkedAt, poll: { lastAttemptAt: nowMs, failures: 0 } };
        if (FINAL_TASK_STATUSES.has(feedback.taskStatus)) {
          // Closed by the team: nothing more will happen, so no more reads; the cooldown counts from the closing.
          const closed = feedback.lastModified && !Number.isNaN(Date.parse(feedback.lastModified)) ? feedback.lastModified : checkedAt;
          next.closedAt = closed;
        } else {
          next.pollDueAt = nowMs + REGULAR_POLL_INTERVAL_MS;
        }
        if (JSON.stringify(feedback) !== JSON.stringify(current.feedback)) {
          // News for the assistant's work list: unseen until the GP opens the patient after this.
          next.feedbackChangedAt = checkedAt;
          // Codes only: the team's own words (businessStatusText, the note for the GP) stay out of the log.
          writes.push(
            deps.auditLog.appendInTransaction(tx as unknown as AuditTransaction, [
              {
                event: 'referral.status-received',
                at: checkedAt,
                patient: current.patientHash,
                actor: 'system',
                object: current.referralId,
                detail: {
                  taskStatus: feedback.taskStatus,
                  ...(feedback.businessStatus ? { businessStatus: feedback.businessStatus } : {}),
                  ...(feedback.outcome ? { outcome: feedback.outcome } : {}),
                },
              },
            ]),
          );
        }
      } else {
        const failures = (current.poll?.failures ?? 0) + 1;
        // A refused token is not fixed by asking again soon: wait the regular interval (or a credential change).
        const delay = outcome.error.kind === 'auth' ? REGULAR_POLL_INTERVAL_MS : pollBackoffMs(failures);
        next = { ...current, pollDueAt: nowMs + delay, poll: { lastAttemptAt: nowMs, failures, lastError: outcome.error } };
      }
      writes.push(tx.objectStore('outbox').put(next));
    }
    await Promise.all([...writes, tx.done]);
  }

  /** Reads one referral unless a read of it is already under way in this worker. */
  function poll(key: string): Promise<void> {
    const running = inFlight.get(key);
    if (running) return running;
    const promise = pollOnce(key).finally(() => inFlight.delete(key));
    inFlight.set(key, promise);
    return promise;
  }

  /** Sets the one status alarm to the earliest due read, or clears it when no referral is open. */
  async function reschedule(): Promise<void> {
    const cursor = await db.transaction('outbox').store.index('by-poll').openCursor();
    await deps.scheduleWakeUp(cursor ? (cursor.value as ReferralOutboxEntry).pollDueAt! : null);
  }

  async function pushStatus(referralId: string, tabId: number | undefined): Promise<void> {
    const status = await deps.statusOf(referralId);
    if (status) deps.notify(tabId, status);
  }

  return {
    reschedule,

    /** Reads every referral whose time has come (the status alarm, a browser start), then re-arms the alarm. */
    async pollDue(): Promise<void> {
      const due = await db.getAllFromIndex('outbox', 'by-poll', IDBKeyRange.upperBound(deps.now()));
      await Promise.all(
        due.map(async (entry) => {
          await poll(entry.key);
          await pushStatus(entry.referralId, entry.tabId);
        }),
      );
      await reschedule();
    },

    /**
     * The patient was opened: reads their open referrals now, unless one was read less than 15
     * minutes ago, and pushes the fresh statuses to the tab. The sidebar was answered already with
     * what is stored; this comes after.
     */
    async patientOpened(patientHash: string, tabId: number | undefined): Promise<void> {
      const now = deps.now();
      const open = (await db.getAllFromIndex('outbox', 'by-patient', patientHash)).filter(
        (entry): entry is ReferralOutboxEntry =>
          entry.kind === 'referral' &&
          entry.pollDueAt !== undefined &&
          (entry.poll?.lastAttemptAt == null || now - entry.poll.lastAttemptAt >= MIN_POLL_INTERVAL_MS),
      );
      if (open.length === 0) return;
      await Promise.all(
        open.map(async (entry) => {
          await poll(entry.key);
          await pushStatus(entry.referralId, tabId);
        }),
      );
      await reschedule();
    },

    /**
     * After a configuration change: reads refused for the endpoint's token are tried again as soon as
     * the 15-minute minimum allows, instead of waiting the regular 4 hours.
     */
    async retryRefused(): Promise<void> {
      const now = deps.now();
      const tx = db.transaction('outbox', 'readwrite');
      const refused = (await tx.store.index('by-poll').getAll()).filter(
        (entry): entry is ReferralOutboxEntry => entry.kind === 'referral' && entry.poll?.lastError?.kind === 'auth',
      );
      await Promise.all([
        ...refused.map((entry) => tx.store.put({ ...entry, pollDueAt: Math.max(now, (entry.poll?.lastAttemptAt ?? now) + MIN_POLL_INTERVAL_MS) })),
        tx.done,
      ]);
      if (refused.length > 0) await reschedule();
    },
  };
}

export type StatusPoller = ReturnType<typeof createStatusPoller>;

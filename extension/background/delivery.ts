import { buildWithdrawalBundle, withdrawalIdempotencyKey, type Practitioner } from '../../contract/referral-bundle';
import { buildWebhookWithdrawal, SIGNATURE_HEADER, signWebhookBody } from '../../contract/webhook';
import type { EndpointFormat, SocialTeamEndpoint } from '../shared/configuration';
import type { DeliveryError, ReferralStatus, WithdrawalStatus } from '../shared/messages';
import type { AuditDetail, AuditDraft, AuditLog, AuditTransaction } from './audit-log';
import {
  withdrawalKey,
  type ConsentRecord,
  type OutboxEntry,
  type ReferralOutboxEntry,
  type ScreeningEvent,
  type VroegsignaalDatabase,
  type WithdrawalOutboxEntry,
} from './database';
import { firstPollDueAt, isOverdue } from './status-poll';

export interface DeliveryDependencies {
  db: VroegsignaalDatabase;
  /** Every send, answer and withdrawal is logged in the transaction that records it. */
  auditLog: Pick<AuditLog, 'ready' | 'appendInTransaction'>;
  fetch: typeof fetch;
  now: () => number;
  random: () => number;
  /** Asks to be woken at `atMs` (browser alarm) or cancels the wake-up when null. */
  scheduleWakeUp: (atMs: number | null) => Promise<void>;
  /** Tells the tab (when known) how a referral is doing; must not throw. */
  notify: (tabId: number | undefined, status: ReferralStatus) => void;
  /**
   * Where a configured endpoint receives, in which format, and its credentials, read at send time
   * (see {@link endpointDestination}); `undefined` when the endpoint is no longer configured.
   */
  destinationFor: (endpointId: string) => Promise<EndpointDestination | undefined>;
  /** Told when a referral started or stopped being polled for the way back (the status alarm may move). */
  pollsChanged?: () => void;
  requestTimeoutMs?: number;
}

const FIRST_RETRY_MS = 20_000;
const MAX_RETRY_MS = 30 * 60_000;
/** Under the 30 s a browser gives an extension's service worker for one event. */
const DEFAULT_TIMEOUT_MS = 15_000;
/** The longest a receiver's `Retry-After` may hold a referral back: after that it is asked again anyway. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

/**
 * Delay before retry number `attempt` (1-based): doubling from 20 s, capped at 30 min, with jitter
 * between half and all of it so that many practices coming back online do not retry in step.
 */
export function retryDelayMs(attempt: number, random: () => number): number {
  const ceiling = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * A `Retry-After` header (delay in seconds, or an HTTP date) as milliseconds from `nowMs`, capped at
 * {@link MAX_RETRY_AFTER_MS}; null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return null;
    ms = at - nowMs;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

/**
 * Delay before retry number `attempt` when the receiver said `Retry-After`: never earlier than it
 * asked (nor earlier than the usual backoff), jittered upward only — by up to a tenth — so that the
 * practices it held back together do not return together.
 */
export function delayHonouringRetryAfter(attempt: number, retryAfterMs: number | null, random: () => number): number {
  const backoff = retryDelayMs(attempt, random);
  if (retryAfterMs === null) return backoff;
  return Math.max(backoff, Math.round(retryAfterMs + random() * retryAfterMs * 0.1));
}

/** The GP-facing view of a withdrawal message. */
function toWithdrawalStatus(entry: WithdrawalOutboxEntry, now: number): WithdrawalStatus {
  const base = toDeliveryView(entry, now);
  return { withdrawnAt: entry.withdrawnAt, ...base, state: base.state === 'withdrawn' ? 'queued' : base.state };
}

/**
 * State, next attempt and last error as the GP should read them. An attempt whose lease ran out was
 * lost (the worker stopped mid-send): it is waiting to be retried at the lease end, not "being sent".
 */
function toDeliveryView(entry: OutboxEntry, now: number) {
  const leaseExpired = entry.state === 'sending' && entry.nextAttemptAt !== null && entry.nextAttemptAt <= now;
  const state = leaseExpired ? ('retrying' as const) : entry.state;
  const waiting = state === 'queued' || state === 'sending' || state === 'retrying';
  return {
    state,
    ...(entry.deliveredAt ? { deliveredAt: entry.deliveredAt } : {}),
    ...(waiting && entry.nextAttemptAt !== null ? { nextAttemptAt: new Date(entry.nextAttemptAt).toISOString() } : {}),
    ...(entry.lastError && state !== 'delivered' && state !== 'withdrawn' ? { lastError: entry.lastError } : {}),
  };
}

/** The GP-facing view of a referral, with its withdrawal message (if consent was withdrawn after delivery). */
export function toReferralStatus(entry: ReferralOutboxEntry, now: number, withdrawal?: WithdrawalOutboxEntry): ReferralStatus {
  return {
    referralId: entry.referralId,
    ruleSetId: entry.ruleSetId,
    createdAt: entry.createdAt,
    attempts: entry.attempts,
    recipient: entry.recipient,
    ...toDeliveryView(entry, now),
    ...(entry.withdrawnAt ? { withdrawnAt: entry.withdrawnAt } : {}),
    ...(withdrawal ? { withdrawal: toWithdrawalStatus(withdrawal, now) } : {}),
    ...(entry.feedback ? { feedback: entry.feedback } : {}),
    ...(entry.feedbackCheckedAt ? { feedbackCheckedAt: entry.feedbackCheckedAt } : {}),
    ...(entry.poll?.lastError ? { feedbackError: entry.poll.lastError } : {}),
    ...(isOverdue(entry, now) ? { overdue: true } : {}),
  };
}

type AttemptOutcome =
  | { delivered: true }
  | { delivered: false; permanent: boolean; error: DeliveryError; retryAfterMs?: number | null; refusedCredentials?: string };

// 408, 425 and 429 say "later", every other 4xx says the referral itself is wrong: retrying the same
// bytes cannot help, so it waits for a person instead of hammering the receiver. 401 and 403 say the
// token is wrong: that too waits for a person (see retryRefusedCredentials).
function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 425 || status === 429;
}

async function describeRejection(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { issue?: Array<{ diagnostics?: string }>; error?: unknown; message?: unknown };
    const diagnostics = body.issue?.map((issue) => issue.diagnostics).filter(Boolean).join('; ');
    if (diagnostics) return diagnostics.slice(0, 300);
    // A webhook receiver's JSON error.
    const message = typeof body.message === 'string' ? body.message : typeof body.error === 'string' ? body.error : '';
    if (message) return message.slice(0, 300);
  } catch {
    // Neither an OperationOutcome nor a JSON error; the status line is all we can report.
  }
  return `${response.status} ${response.statusText}`.trim();
}

/**
 * Why a fetch failed. Fetch rejects with one generic TypeError ("fetch failed"); where the runtime
 * gives the reason as its cause (a refused redirect, a refused connection), the assistant needs it.
 */
export function failureDetail(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : '';
  return cause && cause !== error.message ? `${error.message}: ${cause}` : error.message;
}

/** A fetch that threw, as a delivery error: it timed out, or the network failed. */
export function fetchFailure(error: unknown): DeliveryError {
  const name = error instanceof Error ? error.name : '';
  return { kind: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network', detail: failureDetail(error) };
}

/**
 * A delivery error as the audit log keeps it: its kind and HTTP status, never the receiver's text
 * (which may quote what it was sent).
 */
function errorDetail(error: DeliveryError): AuditDetail {
  return { reason: error.kind, ...(error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {}) };
}

/** Where a message goes, in which format, and how it authenticates, as configured now. */
export interface EndpointDestination {
  url: string;
  format: EndpointFormat;
  authorization: string | null;
  /** json-webhook: the HMAC key of the signature header. */
  signingSecret?: string;
}

/**
 * A configured endpoint's address, format and credentials, looked up when a message is sent: a
 * changed token applies to referrals already queued, and so does a changed address — the token is
 * never sent to an address it was not configured with. `undefined` when the endpoint is gone.
 */
export function endpointDestination(endpoints: readonly SocialTeamEndpoint[], endpointId: string): EndpointDestination | undefined {
  const endpoint = endpoints.find((candidate) => candidate.id === endpointId);
  if (!endpoint) return undefined;
  return {
    url: endpoint.url,
    format: endpoint.format,
    authorization: endpoint.auth.scheme === 'bearer' ? `Bearer ${endpoint.auth.token}` : null,
    ...(endpoint.signingSecret !== undefined ? { signingSecret: endpoint.signingSecret } : {}),
  };
}

/**
 * A fingerprint of a destination's credentials: SHA-256, cut short, so the outbox can tell a changed
 * token from the refused one without keeping the token.
 */
export async function credentialFingerprint(destination: EndpointDestination): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${destination.authorization ?? ''}\n${destination.signingSecret ?? ''}`));
  return Array.from(new Uint8Array(digest).slice(0, 12), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Whether an undelivered referral may still be at the receiver: some attempt ended without a clear
 * "no" (a network error or timeout after the request left, a 5xx, or an attempt cut off mid-send).
 */
function mayHaveArrived(entry: ReferralOutboxEntry): boolean {
  if (entry.attempts === 0) return false;
  if (entry.state === 'sending') return true;
  const error = entry.lastError;
  if (!error) return true;
  return error.kind === 'network' || error.kind === 'timeout' || (error.kind === 'http' && (error.httpStatus ?? 0) >= 500);
}

/** The withdrawal message for a referral, in the referral's format, queued to be sent now. */
function withdrawalEntry(referral: ReferralOutboxEntry, withdrawnAt: string, by: Practitioner, now: number): WithdrawalOutboxEntry {
  const body =
    referral.format === 'json-webhook'
      ? buildWebhookWithdrawal(referral.referralId, withdrawnAt)
      : buildWithdrawalBundle(referral.referralId, withdrawnAt, by);
  return {
    key: withdrawalKey(referral.referralId),
    kind: 'withdrawal',
    referralId: referral.referralId,
    patientHash: referral.patientHash,
    ruleSetId: referral.ruleSetId,
    createdAt: withdrawnAt,
    endpointId: referral.endpointId,
    endpoint: referral.endpoint,
    recipient: referral.recipient,
    format: referral.format,
    state: 'queued',
    attempts: 0,
    nextAttemptAt: now,
    ...(referral.tabId !== undefined ? { tabId: referral.tabId } : {}),
    withdrawnAt,
    body: JSON.stringify(body),
  };
}

const WAITING_STATES = ['queued', 'sending', 'retrying'] as const;

export type WithdrawResult = { ok: true; status: ReferralStatus } | { ok: false; reason: 'not-found' };

/**
 * The outbox and its delivery: at-least-once sending with a stable Idempotency-Key, so that the
 * receiver sees each referral (and each withdrawal) exactly once. Survives the service worker
 * stopping at any moment: an attempt takes a lease (`nextAttemptAt`) and has the wake-up alarm set
 * for the lease end before it starts, and an expired lease is simply retried.
 */
export function createDeliveryService(deps: DeliveryDependencies) {
  const { db } = deps;
  const inFlight = new Map<string, Promise<OutboxEntry | undefined>>();
  const timeoutMs = deps.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;

  /** An entry about an outbox message: done by the background itself, for the patient and referral concerned. */
  function auditLine(entry: OutboxEntry, event: AuditDraft['event'], at: string, detail: AuditDetail): AuditDraft {
    return { event, at, patient: entry.patientHash, actor: 'system', object: entry.referralId, detail };
  }

  /**
   * Appends lines in the caller's transaction (which includes `outbox`, `consents` and `auditLog`),
   * on behalf of the GP who recorded the consent — for a withdrawal message, who recorded the withdrawal.
   */
  async function appendAudit(
    tx: { objectStore(name: 'outbox' | 'consents'): { get(key: string): Promise<unknown> } },
    entry: OutboxEntry,
    lines: AuditDraft[],
  ): Promise<void> {
    if (lines.length === 0) return;
    let onBehalfOf: Practitioner | undefined;
    if (entry.kind === 'withdrawal') onBehalfOf = ((await tx.objectStore('outbox').get(entry.referralId)) as ReferralOutboxEntry | undefined)?.withdrawnBy;
    else onBehalfOf = ((await tx.objectStore('consents').get(entry.referralId)) as ConsentRecord | undefined)?.recordedBy;
    await deps.auditLog.appendInTransaction(
      tx as unknown as AuditTransaction,
      lines.map((line) => ({ ...line, ...(onBehalfOf ? { onBehalfOf } : {}) })),
    );
  }

  async function attempt(entry: OutboxEntry, body: string): Promise<AttemptOutcome> {
    const destination = await deps.destinationFor(entry.endpointId);
    const misconfigured = (detail: string): AttemptOutcome => ({ delivered: false, permanent: true, error: { kind: 'configuration', detail } });
    if (!destination) return misconfigured(`endpoint "${entry.endpointId}" is no longer configured`);
    // The body was made in the endpoint's format when queued; a FHIR bundle is no webhook document.
    if (destination.format !== entry.format) return misconfigured(`endpoint "${entry.endpointId}" now takes ${destination.format}; this message was made as ${entry.format}`);
    const webhook = entry.format === 'json-webhook';
    if (webhook && destination.signingSecret === undefined) return misconfigured(`endpoint "${entry.endpointId}" has no signing secret`);
    const contentType = webhook ? 'application/json' : 'application/fhir+json';
    try {
      const response = await deps.fetch(destination.url, {
        method: 'POST',
        headers: {
          'Content-Type': contentType,
          Accept: contentType,
          'Idempotency-Key': entry.kind === 'withdrawal' ? withdrawalIdempotencyKey(entry.referralId) : entry.referralId,
          ...(destination.authorization ? { Authorization: destination.authorization } : {}),
          // Signed for this attempt: a retry hours later must not be refused as a replay.
          ...(webhook ? { [SIGNATURE_HEADER]: await signWebhookBody(body, destination.signingSecret!, deps.now()) } : {}),
        },
        body,
        // Never follow a redirect with patient data to wherever it points.
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.ok) return { delivered: true };
      // A withdrawal the receiver cannot place: the referral never arrived, so nothing is left to take back.
      if (entry.kind === 'withdrawal' && (response.status === 404 || response.status === 410)) return { delivered: true };
      const detail = await describeRejection(response);
      if (response.status === 401 || response.status === 403) {
        return {
          delivered: false,
          permanent: true,
          error: { kind: 'auth', httpStatus: response.status, detail },
          refusedCredentials: await credentialFingerprint(destination),
        };
      }
      const retryable = isRetryableStatus(response.status);
      return {
        delivered: false,
        permanent: !retryable,
        error: { kind: 'http', httpStatus: response.status, detail },
        retryAfterMs: retryable ? parseRetryAfter(response.headers.get('Retry-After'), deps.now()) : null,
      };
    } catch (error) {
      return { delivered: false, permanent: false, error: fetchFailure(error) };
    }
  }

  async function rescheduleWakeUp(): Promise<void> {
    let earliest: number | null = null;
    for (const state of WAITING_STATES) {
      for (const entry of await db.getAllFromIndex('outbox', 'by-state', state)) {
        if (entry.nextAttemptAt !== null && (earliest === null || entry.nextAttemptAt < earliest)) earliest = entry.nextAttemptAt;
      }
    }
    await deps.scheduleWakeUp(earliest);
  }

  async function statusOf(referralId: string): Promise<ReferralStatus | undefined> {
    const [entry, withdrawal] = await Promise.all([db.get('outbox', referralId), db.get('outbox', withdrawalKey(referralId))]);
    if (entry?.kind !== 'referral') return undefined;
    return toReferralStatus(entry, deps.now(), withdrawal?.kind === 'withdrawal' ? withdrawal : undefined);
  }

  async function notifyAbout(entry: OutboxEntry): Promise<void> {
    const status = await statusOf(entry.referralId);
    if (status) deps.notify(entry.tabId, status);
  }

  /** Marks an entry `sending` with a lease, unless it was delivered or withdrawn meanwhile. */
  async function takeLease(key: string, startedAt: number): Promise<OutboxEntry | undefined> {
    await deps.auditLog.ready();
    const tx = db.transaction(['outbox', 'consents', 'auditLog'], 'readwrite');
    const store = tx.objectStore('outbox');
    const entry = await store.get(key);
    if (!entry || entry.body === null || entry.state === 'delivered' || entry.state === 'withdrawn') {
      await tx.done;
      return undefined;
    }
    const sending: OutboxEntry = {
      ...entry,
      state: 'sending',
      attempts: entry.attempts + 1,
      lastAttemptAt: new Date(startedAt).toISOString(),
      nextAttemptAt: startedAt + timeoutMs + retryDelayMs(entry.attempts + 1, deps.random),
    };
    const sent = auditLine(sending, sending.kind === 'withdrawal' ? 'withdrawal.sent' : 'referral.sent', sending.lastAttemptAt!, { attempt: sending.attempts, endpointId: sending.endpointId });
    await Promise.all([store.put(sending), appendAudit(tx, sending, [sent]), tx.done]);
    return sending;
  }

  async function deliverOnce(key: string): Promise<OutboxEntry | undefined> {
    const sending = await takeLease(key, deps.now());
    if (!sending) return db.get('outbox', key);
    // The wake-up for the lease end is set before the request leaves: if the worker is stopped at any
    // moment from here on, the alarm brings it back and deliverDue retries the expired lease.
    await rescheduleWakeUp();
    await notifyAbout(sending);

    const outcome = await attempt(sending, sending.body!);
    const finishedAtMs = deps.now();
    const finishedAt = new Date(finishedAtMs).toISOString();
    const what = sending.kind === 'withdrawal' ? 'withdrawal' : 'referral';

    // Re-read inside the transaction: consent may have been withdrawn while the request was out.
    await deps.auditLog.ready();
    const tx = db.transaction(['outbox', 'consents', 'auditLog'], 'readwrite');
    const outbox = tx.objectStore('outbox');
    const current = (await outbox.get(key)) ?? sending;
    const writes: Array<Promise<unknown>> = [];
    const lines: AuditDraft[] = [];
    let finished: OutboxEntry = current;
    let queuedWithdrawal: WithdrawalOutboxEntry | undefined;
    const line = (event: AuditDraft['event'], detail: AuditDetail) => lines.push(auditLine(sending, event, finishedAt, { attempt: sending.attempts, endpointId: sending.endpointId, ...detail }));

    if (current.kind === 'referral' && current.state === 'withdrawn') {
      // Withdrawn while in flight: a failed attempt leaves the tombstone as it is. One that arrived
      // after all must be taken back: the referral counts as delivered and its withdrawal is queued.
      if (outcome.delivered) {
        // The record goes with the body: what was sent is no longer kept (only the name, for the work list).
        const { lastError: _lastError, record: _record, ...rest } = current;
        finished = { ...rest, state: 'delivered', attempts: sending.attempts, lastAttemptAt: sending.lastAttemptAt!, deliveredAt: finishedAt, nextAttemptAt: null, body: null };
        queuedWithdrawal = withdrawalEntry(current, current.withdrawnAt!, current.withdrawnBy ?? {}, finishedAtMs);
        writes.push(outbox.put(finished), outbox.put(queuedWithdrawal));
        line('referral.delivered', { reason: 'delivered-after-withdrawal' });
      }
    } else if (current.state === 'delivered' || current.state === 'withdrawn') {
      // Another worker instance finished it meanwhile: nothing to add.
    } else if (outcome.delivered) {
      const { lastError: _lastError, refusedCredentials: _refused, ...rest } = current;
      if (rest.kind === 'referral') delete rest.record;
      finished = { ...rest, state: 'delivered', deliveredAt: finishedAt, nextAttemptAt: null, body: null } as OutboxEntry;
      // A FHIR referral is read back from the receiver from now on; a webhook system has no way back.
      if (finished.kind === 'referral' && finished.format === 'fhir-r4') {
        finished = { ...finished, pollDueAt: firstPollDueAt(finishedAtMs), poll: { lastAttemptAt: null, failures: 0 } };
      }
      writes.push(outbox.put(finished));
      line(what === 'referral' ? 'referral.delivered' : 'withdrawal.delivered', {});
    } else if (outcome.permanent) {
      finished = {
        ...current,
        state: 'failed',
        nextAttemptAt: null,
        lastError: outcome.error,
        ...(outcome.refusedCredentials ? { refusedCredentials: outcome.refusedCredentials } : {}),
      };
      writes.push(outbox.put(finished));
      line(what === 'referral' ? 'referral.rejected' : 'withdrawal.rejected', errorDetail(outcome.error));
    } else {
      finished = {
        ...current,
        state: 'retrying',
        nextAttemptAt: finishedAtMs + delayHonouringRetryAfter(sending.attempts, outcome.retryAfterMs ?? null, deps.random),
        lastError: outcome.error,
      };
      writes.push(outbox.put(finished));
      line(what === 'referral' ? 'referral.attempt-failed' : 'withdrawal.attempt-failed', errorDetail(outcome.error));
    }
    await Promise.all([...writes, appendAudit(tx, sending, lines), tx.done]);

    await notifyAbout(finished);
    await rescheduleWakeUp();
    if (finished.kind === 'referral' && finished.state === 'delivered') deps.pollsChanged?.();
    if (queuedWithdrawal) void deliver(queuedWithdrawal.key).catch(() => {});
    return finished;
  }

  /** Sends one outbox entry now unless an attempt for it is already under way in this worker. */
  function deliver(key: string): Promise<OutboxEntry | undefined> {
    const running = inFlight.get(key);
    if (running) return running;
    const promise = deliverOnce(key).finally(() => inFlight.delete(key));
    inFlight.set(key, promise);
    return promise;
  }

  return {
    deliver,
    /** A referral's status as the GP sees it, with its withdrawal; undefined when there is no such referral. */
    status: statusOf,

    /**
     * Stores the referrals of one consent (one per positive rule set) with their consents, audit lines
     * and screening outcomes in one transaction. Only after it commits may the GP be told "queued".
     * `leading`: audit lines about the whole screening (the positive screen), logged before the referrals'.
     */
    async enqueue(
      referrals: ReadonlyArray<{ entry: ReferralOutboxEntry; consent: ConsentRecord; audit: AuditDraft[]; screening: ScreeningEvent }>,
      leading: readonly AuditDraft[] = [],
    ): Promise<ReferralOutboxEntry[]> {
      await deps.auditLog.ready();
      const tx = db.transaction(['outbox', 'consents', 'auditLog', 'screenings'], 'readwrite');
      await Promise.all([
        ...referrals.flatMap(({ entry, consent, screening }) => [
          tx.objectStore('outbox').add(entry),
          tx.objectStore('consents').add(consent),
          tx.objectStore('screenings').add(screening),
        ]),
        deps.auditLog.appendInTransaction(tx as unknown as AuditTransaction, [...leading, ...referrals.flatMap(({ audit }) => audit)]),
        tx.done,
      ]);
      return referrals.map(({ entry }) => entry);
    },

    /** Sends every message whose time has come (after a wake-up, a browser start or a lost attempt). */
    async deliverDue(): Promise<void> {
      const now = deps.now();
      const due: string[] = [];
      for (const state of WAITING_STATES) {
        for (const entry of await db.getAllFromIndex('outbox', 'by-state', state)) {
          if (entry.nextAttemptAt !== null && entry.nextAttemptAt <= now) due.push(entry.key);
        }
      }
      await Promise.all(due.map((key) => deliver(key)));
      await rescheduleWakeUp();
    },

    /**
     * A person asked to try again now (also after a permanent rejection): the referral, or — once it
     * was delivered — its withdrawal message, if that has not arrived yet.
     */
    async retryNow(referralId: string): Promise<ReferralStatus | undefined> {
      const referral = await db.get('outbox', referralId);
      if (referral?.kind !== 'referral') return undefined;
      let key = referralId;
      if (referral.state === 'delivered') {
        const withdrawal = await db.get('outbox', withdrawalKey(referralId));
        if (!withdrawal || withdrawal.state === 'delivered') return statusOf(referralId);
        key = withdrawal.key;
      } else if (referral.state === 'withdrawn') {
        return statusOf(referralId);
      }
      if (!inFlight.has(key)) {
        const tx = db.transaction('outbox', 'readwrite');
        const entry = await tx.store.get(key);
        if (entry && entry.state !== 'delivered' && entry.state !== 'withdrawn' && entry.state !== 'sending') await tx.store.put({ ...entry, nextAttemptAt: deps.now() });
        await tx.done;
      }
      await deliver(key);
      return statusOf(referralId);
    },

    /**
     * After a configuration change: messages that failed because the receiver refused the endpoint's
     * credentials are retried once, if those credentials have changed since (a new token). The same
     * token still refused waits for the next change, so nobody hammers the receiver.
     */
    async retryRefusedCredentials(): Promise<void> {
      const retry: string[] = [];
      for (const entry of await db.getAllFromIndex('outbox', 'by-state', 'failed')) {
        if (entry.lastError?.kind !== 'auth') continue;
        const destination = await deps.destinationFor(entry.endpointId);
        if (!destination || (await credentialFingerprint(destination)) === entry.refusedCredentials) continue;
        retry.push(entry.key);
      }
      if (retry.length === 0) return;
      const tx = db.transaction('outbox', 'readwrite');
      const now = deps.now();
      await Promise.all([
        ...retry.map(async (key) => {
          const entry = await tx.store.get(key);
          if (entry?.state === 'failed') await tx.store.put({ ...entry, state: 'retrying', nextAttemptAt: now });
        }),
        tx.done,
      ]);
      await Promise.all(retry.map((key) => deliver(key)));
    },

    /**
     * The patient withdrew consent for one of their referrals. Not delivered yet: it becomes a
     * tombstone (`withdrawn`, no body) and is never sent — an attempt already in flight that turns
     * out delivered queues the withdrawal after all. Delivered: a withdrawal message is queued and
     * sent like a referral. The practice's consent record and the audit log say so. Idempotent.
     */
    async withdraw(referralId: string, patientHash: string, practitioner: Practitioner): Promise<WithdrawResult> {
      const nowMs = deps.now();
      const withdrawnAt = new Date(nowMs).toISOString();
      await deps.auditLog.ready();
      const tx = db.transaction(['outbox', 'consents', 'auditLog'], 'readwrite');
      const outbox = tx.objectStore('outbox');
      const entry = await outbox.get(referralId);
      // Another patient's referral answers exactly like a missing one: the sidebar learns nothing about it.
      if (entry?.kind !== 'referral' || entry.patientHash !== patientHash) {
        await tx.done;
        return { ok: false, reason: 'not-found' };
      }
      if (entry.withdrawnAt) {
        await tx.done;
        return { ok: true, status: (await statusOf(referralId))! };
      }
      let queued: WithdrawalOutboxEntry | undefined;
      // The patient said no: the name kept for the work list goes too (nothing of this referral is listed any more).
      const { pollDueAt: _pollDueAt, patientName: _patientName, ...withoutPoll } = entry;
      const marked: ReferralOutboxEntry = { ...withoutPoll, withdrawnAt, withdrawnBy: practitioner, closedAt: withdrawnAt };
      const writes: Array<Promise<unknown>> = [];
      if (entry.state === 'delivered') {
        queued = withdrawalEntry(entry, withdrawnAt, practitioner, nowMs);
        writes.push(outbox.put(marked), outbox.put(queued));
      } else {
        const { lastError: _lastError, refusedCredentials: _refused, record: _record, ...tombstone } = marked;
        writes.push(outbox.put({ ...tombstone, state: 'withdrawn', body: null, nextAttemptAt: null }));
        // An earlier attempt may have reached the receiver and lost only its answer (a timeout, a
        // dropped connection, a 5xx after the commit): then the receiver holds the referral, and must
        // be told too. A receiver that never got it answers the withdrawal with 404, which ends it.
        if (mayHaveArrived(entry)) {
          queued = withdrawalEntry(entry, withdrawnAt, practitioner, nowMs);
          writes.push(outbox.put(queued));
        }
      }
      const consent = await tx.objectStore('consents').get(referralId);
      if (consent) writes.push(tx.objectStore('consents').put({ ...consent, withdrawnAt }));
      writes.push(
        deps.auditLog.appendInTransaction(tx as unknown as AuditTransaction, [
          {
            event: 'consent.withdrawn',
            at: withdrawnAt,
            patient: patientHash,
            actor: practitioner,
            object: referralId,
            ...(consent ? { onBehalfOf: consent.recordedBy } : {}),
            // Delivered: the receiver is told; otherwise removed unsent (told as well if an attempt may have arrived).
            detail: { state: entry.state, reason: queued ? 'withdrawal-queued' : 'removed-unsent' },
          },
        ]),
      );
      await Promise.all([...writes, tx.done]);
      await rescheduleWakeUp();
      deps.pollsChanged?.();
      if (queued) void deliver(queued.key).catch(() => {});
      return { ok: true, status: (await statusOf(referralId))! };
    },

    /** A pseudonymised patient's referrals with their statuses, newest first. */
    async forPatient(patientHash: string): Promise<Array<{ entry: ReferralOutboxEntry; status: ReferralStatus }>> {
      const entries = await db.getAllFromIndex('outbox', 'by-patient', patientHash);
      const withdrawals = new Map(entries.filter((entry) => entry.kind === 'withdrawal').map((entry) => [entry.referralId, entry as WithdrawalOutboxEntry]));
      const now = deps.now();
      return entries
        .filter((entry): entry is ReferralOutboxEntry => entry.kind === 'referral')
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .map((entry) => ({ entry, status: toReferralStatus(entry, now, withdrawals.get(entry.referralId)) }));
    },
  };
}

export type DeliveryService = ReturnType<typeof createDeliveryService>;

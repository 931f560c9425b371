import type { AuditEvent, ConsentRecord, OutboxEntry, ScreeningEvent, VroegsignaalDatabase } from './database';
import type { SocialTeamEndpoint } from '../shared/configuration';
import type { DeliveryError, ReferralStatus } from '../shared/messages';

export interface DeliveryDependencies {
  db: VroegsignaalDatabase;
  fetch: typeof fetch;
  now: () => number;
  random: () => number;
  /** Asks to be woken at `atMs` (browser alarm) or cancels the wake-up when null. */
  scheduleWakeUp: (atMs: number | null) => Promise<void>;
  /** Tells the referring tab how its referral is doing; must not throw. */
  notify: (entry: OutboxEntry) => void;
  /**
   * Where a configured endpoint receives and its `Authorization` header, read at send time (see
   * {@link endpointDestination}); `undefined` when the endpoint is no longer configured.
   */
  destinationFor: (endpointId: string) => Promise<EndpointDestination | undefined>;
  requestTimeoutMs?: number;
}

const FIRST_RETRY_MS = 20_000;
const MAX_RETRY_MS = 30 * 60_000;
const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * Delay before retry number `attempt` (1-based): doubling from 20 s, capped at 30 min, with jitter
 * between half and all of it so that many practices coming back online do not retry in step.
 */
export function retryDelayMs(attempt: number, random: () => number): number {
  const ceiling = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** The GP-facing view of an outbox entry. */
export function toReferralStatus(entry: OutboxEntry): ReferralStatus {
  return {
    referralId: entry.referralId,
    ruleSetId: entry.ruleSetId,
    state: entry.state,
    createdAt: entry.createdAt,
    attempts: entry.attempts,
    recipient: entry.recipient,
    ...(entry.deliveredAt ? { deliveredAt: entry.deliveredAt } : {}),
    ...(entry.nextAttemptAt !== null && entry.state !== 'delivered' && entry.state !== 'failed'
      ? { nextAttemptAt: new Date(entry.nextAttemptAt).toISOString() }
      : {}),
    ...(entry.lastError ? { lastError: entry.lastError } : {}),
  };
}

type AttemptOutcome = { delivered: true } | { delivered: false; permanent: boolean; error: DeliveryError };

// 408, 425 and 429 say "later", every other 4xx says the referral itself is wrong: retrying the same
// bytes cannot help, so it waits for a person instead of hammering the receiver.
function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 425 || status === 429;
}

async function describeRejection(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { issue?: Array<{ diagnostics?: string }> };
    const diagnostics = body.issue?.map((issue) => issue.diagnostics).filter(Boolean).join('; ');
    if (diagnostics) return diagnostics.slice(0, 300);
  } catch {
    // Not an OperationOutcome; the status line is all we can report.
  }
  return `${response.status} ${response.statusText}`.trim();
}

/**
 * Why a fetch failed. Fetch rejects with one generic TypeError ("fetch failed"); where the runtime
 * gives the reason as its cause (a refused redirect, a refused connection), the assistant needs it.
 */
function failureDetail(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : '';
  return cause && cause !== error.message ? `${error.message}: ${cause}` : error.message;
}

/** Where a referral goes and how it authenticates, as configured now. */
export interface EndpointDestination {
  url: string;
  authorization: string | null;
}

/**
 * A configured endpoint's address and `Authorization` header, looked up when a referral is sent: a
 * changed token applies to referrals already queued, and so does a changed address — the token is
 * never sent to an address it was not configured with. `undefined` when the endpoint is gone.
 */
export function endpointDestination(endpoints: readonly SocialTeamEndpoint[], endpointId: string): EndpointDestination | undefined {
  const endpoint = endpoints.find((candidate) => candidate.id === endpointId);
  if (!endpoint) return undefined;
  return { url: endpoint.url, authorization: endpoint.auth.scheme === 'bearer' ? `Bearer ${endpoint.auth.token}` : null };
}

/**
 * The outbox and its delivery: at-least-once sending with a stable Idempotency-Key, so that the
 * receiver sees each referral exactly once. Survives the service worker stopping mid-send: an
 * attempt takes a lease (`nextAttemptAt`) before it starts, and an expired lease is simply retried.
 */
export function createDeliveryService(deps: DeliveryDependencies) {
  const { db } = deps;
  const inFlight = new Map<string, Promise<OutboxEntry | undefined>>();
  const timeoutMs = deps.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function attempt(entry: OutboxEntry): Promise<AttemptOutcome> {
    if (entry.body === null) return { delivered: true };
    const destination = await deps.destinationFor(entry.endpointId);
    if (!destination) {
      return {
        delivered: false,
        permanent: true,
        error: { kind: 'configuration', detail: `endpoint "${entry.endpointId}" is no longer configured` },
      };
    }
    try {
      const response = await deps.fetch(destination.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/fhir+json',
          Accept: 'application/fhir+json',
          'Idempotency-Key': entry.referralId,
          ...(destination.authorization ? { Authorization: destination.authorization } : {}),
        },
        body: entry.body,
        // Never follow a redirect with patient data to wherever it points.
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.ok) return { delivered: true };
      const detail = await describeRejection(response);
      return {
        delivered: false,
        permanent: !isRetryableStatus(response.status),
        error: { kind: 'http', httpStatus: response.status, detail },
      };
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      const kind = name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network';
      return { delivered: false, permanent: false, error: { kind, detail: failureDetail(error) } };
    }
  }

  async function rescheduleWakeUp(): Promise<void> {
    let earliest: number | null = null;
    for (const state of ['queued', 'sending', 'retrying'] as const) {
      for (const entry of await db.getAllFromIndex('outbox', 'by-state', state)) {
        if (entry.nextAttemptAt !== null && (earliest === null || entry.nextAttemptAt < earliest)) earliest = entry.nextAttemptAt;
      }
    }
    await deps.scheduleWakeUp(earliest);
  }

  async function deliverOnce(referralId: string): Promise<OutboxEntry | undefined> {
    const entry = await db.get('outbox', referralId);
    if (!entry || entry.state === 'delivered') return entry;

    const startedAt = deps.now();
    const sending: OutboxEntry = {
      ...entry,
      state: 'sending',
      attempts: entry.attempts + 1,
      lastAttemptAt: new Date(startedAt).toISOString(),
      nextAttemptAt: startedAt + timeoutMs + retryDelayMs(entry.attempts + 1, deps.random),
    };
    await db.put('outbox', sending);
    deps.notify(sending);

    const outcome = await attempt(sending);
    const finishedAt = new Date(deps.now()).toISOString();
    let finished: OutboxEntry;
    let audit: AuditEvent;
    if (outcome.delivered) {
      const { lastError: _lastError, ...rest } = sending;
      finished = { ...rest, state: 'delivered', deliveredAt: finishedAt, nextAttemptAt: null, body: null };
      audit = { at: finishedAt, action: 'referral.delivered', patientHash: entry.patientHash, referralId, detail: sending.endpoint };
    } else if (outcome.permanent) {
      finished = { ...sending, state: 'failed', nextAttemptAt: null, lastError: outcome.error };
      audit = { at: finishedAt, action: 'referral.rejected', patientHash: entry.patientHash, referralId, detail: outcome.error.detail };
    } else {
      finished = {
        ...sending,
        state: 'retrying',
        nextAttemptAt: deps.now() + retryDelayMs(sending.attempts, deps.random),
        lastError: outcome.error,
      };
      audit = { at: finishedAt, action: 'referral.attempt-failed', patientHash: entry.patientHash, referralId, detail: outcome.error.detail };
    }
    const tx = db.transaction(['outbox', 'audit'], 'readwrite');
    await Promise.all([tx.objectStore('outbox').put(finished), tx.objectStore('audit').add(audit), tx.done]);
    deps.notify(finished);
    await rescheduleWakeUp();
    return finished;
  }

  /** Sends one referral now unless an attempt for it is already under way in this worker. */
  function deliver(referralId: string): Promise<OutboxEntry | undefined> {
    const running = inFlight.get(referralId);
    if (running) return running;
    const promise = deliverOnce(referralId).finally(() => inFlight.delete(referralId));
    inFlight.set(referralId, promise);
    return promise;
  }

  return {
    deliver,

    /**
     * Stores the referrals of one consent (one per positive rule set) with their consents, audit lines
     * and screening outcomes in one transaction. Only after it commits may the GP be told "queued".
     */
    async enqueue(referrals: ReadonlyArray<{ entry: OutboxEntry; consent: ConsentRecord; audit: AuditEvent; screening: ScreeningEvent }>): Promise<OutboxEntry[]> {
      const tx = db.transaction(['outbox', 'consents', 'audit', 'screenings'], 'readwrite');
      await Promise.all([
        ...referrals.flatMap(({ entry, consent, audit, screening }) => [
          tx.objectStore('outbox').add(entry),
          tx.objectStore('consents').add(consent),
          tx.objectStore('audit').add(audit),
          tx.objectStore('screenings').add(screening),
        ]),
        tx.done,
      ]);
      return referrals.map(({ entry }) => entry);
    },

    /** Sends every referral whose time has come (after a wake-up, a browser start or a lost attempt). */
    async deliverDue(): Promise<void> {
      const now = deps.now();
      const due: string[] = [];
      for (const state of ['queued', 'sending', 'retrying'] as const) {
        for (const entry of await db.getAllFromIndex('outbox', 'by-state', state)) {
          if (entry.nextAttemptAt !== null && entry.nextAttemptAt <= now) due.push(entry.referralId);
        }
      }
      await Promise.all(due.map((id) => deliver(id)));
      await rescheduleWakeUp();
    },

    /** A person asked to try again now (also after a permanent rejection). */
    async retryNow(referralId: string): Promise<OutboxEntry | undefined> {
      const entry = await db.get('outbox', referralId);
      if (!entry || entry.state === 'delivered') return entry;
      if (!inFlight.has(referralId)) await db.put('outbox', { ...entry, nextAttemptAt: deps.now() });
      return deliver(referralId);
    },

    /** A pseudonymised patient's referrals, newest first. */
    async forPatient(patientHash: string): Promise<OutboxEntry[]> {
      const entries = await db.getAllFromIndex('outbox', 'by-patient', patientHash);
      return entries.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
  };
}

export type DeliveryService = ReturnType<typeof createDeliveryService>;

import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dutchHolidayTableCalendar } from '../../contract/dutch-holiday-table';
import { REFERRAL_ID_SYSTEM } from '../../contract/referral-contract';
import { taskFeedbackFields, taskSearchUrl, type ReferralProgress } from '../../contract/referral-status';
import { callbackDeadline } from '../../contract/working-days';
import { openVroegsignaalDatabase, type VroegsignaalDatabase } from '../../extension/background/database';
import { MIN_POLL_INTERVAL_MS, pollBackoffMs, REGULAR_POLL_INTERVAL_MS } from '../../extension/background/status-poll';
import type { SocialTeamEndpoint } from '../../extension/shared/configuration';
import type { ReferralStatus } from '../../extension/shared/messages';
import { createTestBackground, scriptedEndpoint, SIDEBAR_SENDER } from './background-harness';
import { demoHisAdapter, referralRequest, socialTeamEndpoint } from './helpers';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const ENDPOINT_URL = 'http://127.0.0.1:4320/fhir';

let dbCounter = 0;
let db: VroegsignaalDatabase;
let clock: number;
let saved: Record<string, unknown>;

const noProgress: ReferralProgress = { contactedAt: null, failedAttempts: 0, outcome: null, partners: [], noteForGp: null, withdrawn: false };

/** The receiver's answer to a Task search: a search-set Bundle with the Task for `progress`. */
function taskBundle(referralId: string, progress: ReferralProgress, callbackDueBy: string | null = null): Response {
  const task = {
    resourceType: 'Task',
    identifier: [{ system: REFERRAL_ID_SYSTEM, value: `urn:uuid:${referralId}` }],
    intent: 'order',
    // Changed when the team records something, not on every read.
    ...taskFeedbackFields(progress, progress.contactedAt ?? '2026-01-05T09:00:00.000Z', callbackDueBy),
  };
  return new Response(JSON.stringify({ resourceType: 'Bundle', type: 'searchset', total: 1, entry: [{ resource: task }] }), { status: 200 });
}

/**
 * A FHIR receiver: takes referrals, and answers Task searches with `read()` — the progress of the
 * referral, or a status code when it is down or refuses.
 */
function receiver(read: () => ReferralProgress | number | 'down', callbackDueBy: string | null = null) {
  return scriptedEndpoint((request) => {
    if (request.method === 'POST') return new Response('{}', { status: 201 });
    const answer = read();
    if (answer === 'down') return Promise.reject(new TypeError('Failed to fetch'));
    if (typeof answer === 'number') return new Response('', { status: answer });
    const id = decodeURIComponent(request.url).match(/urn:uuid:([0-9a-f-]+)/)![1]!;
    return taskBundle(id, answer, callbackDueBy);
  });
}

function setup(endpoint: ReturnType<typeof scriptedEndpoint>, endpointSettings: Partial<SocialTeamEndpoint> = {}) {
  const alarms: Array<number | null> = [];
  const pushed: Array<{ status: ReferralStatus; tabId: number | undefined }> = [];
  saved.configuration ??= { adapters: [demoHisAdapter()], endpoints: [{ ...socialTeamEndpoint(ENDPOINT_URL), auth: { scheme: 'bearer', token: 'praktijk-token-1234' }, ...endpointSettings }] };
  const background = createTestBackground({
    db,
    saved,
    fetch: endpoint.fetch,
    now: () => clock,
    scheduleStatusWakeUp: (at) => void alarms.push(at),
    notify: (status, tabId) => void pushed.push({ status, tabId }),
  });
  return { ...background, alarms, pushed };
}

/** Submits a referral for P-1001 and waits for its delivery. */
async function delivered(background: ReturnType<typeof setup>): Promise<string> {
  const answer = await background.handle(
    { type: 'referral/submit', adapterId: 'demo-his', patientKey: 'P-1001', ruleSetIds: ['vroegsignaal-geldzorgen'], referral: referralRequest() },
    SIDEBAR_SENDER,
  );
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  await background.settled();
  return (answer.data as ReferralStatus[])[0]!.referralId;
}

async function openPatient(background: ReturnType<typeof setup>) {
  const answer = await background.handle({ type: 'patient/opened', adapterId: 'demo-his', patientKey: 'P-1001' }, SIDEBAR_SENDER);
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  const data = answer.data as { referrals: ReferralStatus[]; suppressed: Array<{ ruleSetId: string; reason: string; until?: string }> };
  await background.settled();
  return data;
}

beforeEach(async () => {
  saved = {};
  clock = Date.parse('2026-11-23T10:00:00Z');
  db = await openVroegsignaalDatabase(`poll-${++dbCounter}`);
});
afterEach(() => db.close());

describe('the poll schedule', () => {
  it('costs nothing while no referral is open: no alarm at all', async () => {
    const endpoint = receiver(() => noProgress);
    const background = setup(endpoint);
    await background.statusPoll.pollDue();
    expect(background.alarms).toEqual([null]);
    expect(endpoint.requests).toHaveLength(0);
  });

  it('reads a delivered referral 15 minutes after delivery, then every 4 hours while it is open', async () => {
    const endpoint = receiver(() => noProgress);
    const background = setup(endpoint);
    const deliveredAt = clock;
    const referralId = await delivered(background);
    expect(background.alarms.at(-1)).toBe(deliveredAt + MIN_POLL_INTERVAL_MS);

    clock = deliveredAt + MIN_POLL_INTERVAL_MS - 1;
    await background.statusPoll.pollDue();
    expect(endpoint.gets()).toHaveLength(0);

    clock += 1;
    await background.statusPoll.pollDue();
    const [read] = endpoint.gets();
    expect(read!.url).toBe(taskSearchUrl(ENDPOINT_URL, referralId));
    expect(read!.headers.get('Accept')).toBe('application/fhir+json');
    expect(read!.headers.get('Authorization')).toBe('Bearer praktijk-token-1234');
    expect(background.alarms.at(-1)).toBe(clock + REGULAR_POLL_INTERVAL_MS);
    // Every 4 hours: more than once in every working day.
    expect(REGULAR_POLL_INTERVAL_MS).toBeLessThanOrEqual(8 * HOUR);

    clock += REGULAR_POLL_INTERVAL_MS;
    await background.statusPoll.pollDue();
    expect(endpoint.gets()).toHaveLength(2);
  });

  it('reads at once when the patient is opened, answering first with what is stored and pushing the fresh status after', async () => {
    const endpoint = receiver(() => ({ ...noProgress, contactedAt: '2026-11-23T10:05:00.000Z', outcome: 'handled-with-partners', partners: ['credit-bank'], noteForGp: 'Afspraak gemaakt.' }));
    const background = setup(endpoint);
    const referralId = await delivered(background);
    clock += MINUTE;

    const answer = await background.handle({ type: 'patient/opened', adapterId: 'demo-his', patientKey: 'P-1001' }, SIDEBAR_SENDER);
    expect(answer).toMatchObject({ ok: true, data: { referrals: [{ referralId, state: 'delivered' }] } });
    expect((answer as { data: { referrals: ReferralStatus[] } }).data.referrals[0]).not.toHaveProperty('feedback');
    await background.settled();

    expect(endpoint.gets()).toHaveLength(1);
    expect(background.pushed.at(-1)).toMatchObject({
      tabId: 3,
      status: {
        referralId,
        feedbackCheckedAt: new Date(clock).toISOString(),
        feedback: {
          taskStatus: 'completed',
          businessStatus: 'handled-with-partners',
          contactedAt: '2026-11-23T10:05:00.000Z',
          outcome: 'handled-with-partners',
          partners: ['credit-bank'],
          noteForGp: 'Afspraak gemaakt.',
        },
      },
    });
    expect((await db.getAll('auditLog')).filter((line) => line.event === 'referral.status-received')).toHaveLength(1);
  });

  it('never reads one referral more often than every 15 minutes, however often the patient is opened', async () => {
    const endpoint = receiver(() => noProgress);
    const background = setup(endpoint);
    await delivered(background);
    await openPatient(background);
    expect(endpoint.gets()).toHaveLength(1);
    clock += MIN_POLL_INTERVAL_MS - 1;
    await openPatient(background);
    await openPatient(background);
    expect(endpoint.gets()).toHaveLength(1);
    clock += 1;
    await openPatient(background);
    expect(endpoint.gets()).toHaveLength(2);
    // The same feedback again is no news: one audit line only.
    expect((await db.getAll('auditLog')).filter((line) => line.event === 'referral.status-received')).toHaveLength(1);
  });

  it('backs off while the receiver is down: 15 minutes doubling to 4 hours, and back to normal when it answers', async () => {
    let answer: ReferralProgress | number | 'down' = 'down';
    const endpoint = receiver(() => answer);
    const background = setup(endpoint);
    await delivered(background);
    clock += MIN_POLL_INTERVAL_MS;
    const delays: number[] = [];
    const failures: Array<ReferralProgress | number | 'down'> = ['down', 503, 500, 'down', 502, 'down', 'down'];
    for (const failure of failures) {
      answer = failure;
      await background.statusPoll.pollDue();
      const next = background.alarms.at(-1)!;
      delays.push((next - clock) / MINUTE);
      clock = next;
    }
    expect(delays).toEqual([15, 30, 60, 120, 240, 240, 240]);
    expect(pollBackoffMs(50)).toBe(REGULAR_POLL_INTERVAL_MS);
    // Opening the patient reads too (and fails again, so the schedule stays at 4 hours).
    expect((await openPatient(background)).referrals[0]).toMatchObject({ feedbackError: { kind: 'network' } });
    expect(background.alarms.at(-1)! - clock).toBe(REGULAR_POLL_INTERVAL_MS);

    clock = background.alarms.at(-1)!;
    answer = noProgress;
    await background.statusPoll.pollDue();
    expect(background.alarms.at(-1)! - clock).toBe(REGULAR_POLL_INTERVAL_MS);
    expect((await openPatient(background)).referrals[0]).not.toHaveProperty('feedbackError');
  });

  it('does not hammer a receiver that refuses the token: says so on the status, waits 4 hours, tries again after a token change', async () => {
    let refuse = true;
    const endpoint = receiver(() => (refuse ? 401 : noProgress));
    const background = setup(endpoint);
    await delivered(background);
    clock += MIN_POLL_INTERVAL_MS;
    await background.statusPoll.pollDue();
    expect(background.alarms.at(-1)! - clock).toBe(REGULAR_POLL_INTERVAL_MS);
    expect((await openPatient(background)).referrals[0]).toMatchObject({ state: 'delivered', feedbackError: { kind: 'auth', httpStatus: 401 } });
    expect(endpoint.gets()).toHaveLength(1);

    refuse = false;
    clock += MIN_POLL_INTERVAL_MS;
    await background.configuration.saveItem('endpoints', { ...socialTeamEndpoint(ENDPOINT_URL), auth: { scheme: 'bearer', token: 'nieuw-token-5678' } });
    await background.settled();
    expect(background.alarms.at(-1)).toBe(clock);
    await background.statusPoll.pollDue();
    expect(endpoint.gets()).toHaveLength(2);
    expect(endpoint.gets()[1]!.headers.get('Authorization')).toBe('Bearer nieuw-token-5678');
    expect((await openPatient(background)).referrals[0]).toMatchObject({ feedback: { taskStatus: 'received' } });
  });

  it('stops for good once the Task is final; the rule set then follows its cooldown instead of "open referral"', async () => {
    let progress: ReferralProgress = noProgress;
    const endpoint = receiver(() => progress);
    const background = setup(endpoint);
    await delivered(background);
    expect((await openPatient(background)).suppressed).toEqual([{ ruleSetId: 'vroegsignaal-geldzorgen', reason: 'open-referral' }]);

    clock += 2 * 24 * HOUR;
    progress = { ...noProgress, contactedAt: '2026-11-24T09:00:00.000Z', outcome: 'declined' };
    const { suppressed } = await openPatient(background);
    // The answer came before the read; the next opening knows.
    expect(suppressed).toEqual([{ ruleSetId: 'vroegsignaal-geldzorgen', reason: 'open-referral' }]);
    expect(background.alarms.at(-1)).toBeNull();

    clock += 24 * HOUR;
    await background.statusPoll.pollDue();
    const reopened = await openPatient(background);
    expect(endpoint.gets()).toHaveLength(2);
    expect(reopened.referrals[0]).toMatchObject({ feedback: { taskStatus: 'completed', outcome: 'declined' } });
    expect(reopened.referrals[0]).not.toHaveProperty('overdue');
    // 90 days from the closing (the Task's lastModified), not from the referral.
    expect(reopened.suppressed).toEqual([{ ruleSetId: 'vroegsignaal-geldzorgen', reason: 'cooldown', until: '2027-02-22T09:00:00.000Z' }]);
  });

  it('stops reading a referral whose consent was withdrawn', async () => {
    const endpoint = receiver(() => noProgress);
    const background = setup(endpoint);
    const referralId = await delivered(background);
    expect(background.alarms.at(-1)).not.toBeNull();
    await background.handle({ type: 'referral/withdraw', adapterId: 'demo-his', patientKey: 'P-1001', referralId, practitioner: {} }, SIDEBAR_SENDER);
    await background.settled();
    expect(background.alarms.at(-1)).toBeNull();
    clock += 24 * HOUR;
    await background.statusPoll.pollDue();
    await openPatient(background);
    expect(endpoint.gets()).toHaveLength(0);
  });

  it('survives a service-worker stop and a browser restart: the schedule is in the database', async () => {
    const endpoint = receiver(() => noProgress);
    const first = setup(endpoint);
    await delivered(first);
    const due = first.alarms.at(-1)!;
    // A fresh background (the browser restarted; alarms may be gone) re-arms from what is stored.
    const restarted = setup(endpoint);
    await restarted.statusPoll.reschedule();
    expect(restarted.alarms).toEqual([due]);
    clock = due;
    await restarted.statusPoll.pollDue();
    expect(endpoint.gets()).toHaveLength(1);
  });
});

describe('overdue', () => {
  it('counts 2 working days from delivery, skipping the weekend and King\'s Day', async () => {
    // Delivered Thursday 23 April 2026; Saturday, Sunday and Monday 27 April (King's Day) do not count.
    clock = Date.parse('2026-04-23T08:00:00Z');
    expect(callbackDeadline(new Date(clock), dutchHolidayTableCalendar)).toMatchObject({ dueDate: '2026-04-28' });
    const endpoint = receiver(() => noProgress);
    const background = setup(endpoint);
    await delivered(background);

    clock = Date.parse('2026-04-28T21:59:59Z'); // 23:59:59 on Tuesday 28 April in Amsterdam
    expect((await openPatient(background)).referrals[0]).not.toHaveProperty('overdue');
    clock = Date.parse('2026-04-28T22:00:00Z');
    expect((await openPatient(background)).referrals[0]).toMatchObject({ overdue: true });
  });

  it('follows the receiver\'s own deadline when it gives one, and is lifted by contact', async () => {
    clock = Date.parse('2026-04-23T08:00:00Z');
    let progress: ReferralProgress = noProgress;
    const endpoint = receiver(() => progress, '2026-04-24T15:00:00.000Z');
    const background = setup(endpoint);
    await delivered(background);
    clock = Date.parse('2026-04-24T14:59:00Z');
    await openPatient(background);
    expect((await openPatient(background)).referrals[0]).toMatchObject({ feedback: { callbackDueBy: '2026-04-24T15:00:00.000Z' } });
    expect((await openPatient(background)).referrals[0]).not.toHaveProperty('overdue');
    clock = Date.parse('2026-04-24T15:00:00Z');
    expect((await openPatient(background)).referrals[0]).toMatchObject({ overdue: true });

    progress = { ...noProgress, contactedAt: '2026-04-24T16:00:00.000Z' };
    clock = Date.parse('2026-04-24T16:30:00Z');
    await openPatient(background);
    const after = (await openPatient(background)).referrals[0]!;
    expect(after).toMatchObject({ feedback: { taskStatus: 'in-progress', contactedAt: '2026-04-24T16:00:00.000Z' } });
    expect(after).not.toHaveProperty('overdue');
  });
});

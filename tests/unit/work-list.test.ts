import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReferralFeedback } from '../../contract/referral-status';
import { openVroegsignaalDatabase, type ReferralOutboxEntry, type VroegsignaalDatabase } from '../../extension/background/database';
import { createUnreadBadge } from '../../extension/background/unread-badge';
import { journalDate, outcomeJournalText, referralJournalText } from '../../extension/shared/journal-text';
import type { DraftRequest, RequestMessage, ResponseMap } from '../../extension/shared/messages';
import { unreadBadgeText, type WorkListDetails, type WorkListView } from '../../extension/shared/work-list';
import type { MessageSenderInfo } from '../../extension/background/message-handler';
import { createTestBackground, OPTIONS_SENDER, scriptedEndpoint, SIDEBAR_SENDER } from './background-harness';
import { demoHisAdapter, referralFeedback, referralRequest, socialTeamEndpoint } from './helpers';

// The practice assistant's work list (background/work-list.ts) through the message protocol, over
// fake-indexeddb: which items appear and go, the unread count, opening (audited), fixing and resending
// a refused referral, completing a GP's draft, and the journal lines.

/** The side panel is an extension page, like the options page. */
const SIDE_PANEL: MessageSenderInfo = { id: OPTIONS_SENDER.id!, url: OPTIONS_SENDER.url!.replace('options.html', 'sidepanel.html') };
const RULE_SET = 'vroegsignaal-geldzorgen';
const ASSISTANT = { name: 'Sanne Proef' };
const GP = { name: 'dr. E. Denkbeeld', agb: '01999001' };
const MONDAY_10 = Date.parse('2026-11-23T10:00:00Z');

let dbCounter = 0;
let db: VroegsignaalDatabase;
let clock: number;
let saved: Record<string, unknown>;

/** The receiver refuses referrals whose body holds `refuse` (400, an OperationOutcome); takes everything else. */
function receiver(refuse = 'Weigering') {
  return scriptedEndpoint((request) =>
    request.method === 'POST' && request.body.includes(refuse)
      ? new Response(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', diagnostics: 'telefoonnummer niet in gebruik' }] }), { status: 400 })
      : new Response('{}', { status: 201 }),
  );
}

function setup(endpoint = receiver()) {
  saved.configuration ??= {
    adapters: [demoHisAdapter()],
    endpoints: [socialTeamEndpoint()],
    users: [
      { id: 'huisarts-1', name: GP.name, role: 'gp', agb: GP.agb },
      { id: 'assistent-1', name: ASSISTANT.name, role: 'assistant' },
    ],
  };
  const background = createTestBackground({ db, saved, fetch: endpoint.fetch, now: () => clock });
  async function send<M extends RequestMessage>(message: M, sender = SIDE_PANEL): Promise<ResponseMap[M['type']]> {
    const answer = await background.handle(message, sender);
    if (!answer.ok) throw new Error(`${message.type}: ${JSON.stringify(answer.error)}`);
    return answer.data as ResponseMap[M['type']];
  }
  return { ...background, endpoint, send };
}

type World = ReturnType<typeof setup>;

async function submit(world: World, patientKey: string, name: string, phone = '06-99990001') {
  const statuses = await world.send(
    { type: 'referral/submit', adapterId: 'demo-his', patientKey, ruleSetIds: [RULE_SET], referral: referralRequest({ patient: { name, phone } }) },
    SIDEBAR_SENDER,
  );
  await world.settled();
  return statuses[0]!.referralId;
}

function draftRequest(overrides: Partial<DraftRequest> = {}): DraftRequest {
  const { patient: _patient, ...rest } = referralRequest();
  return { ...rest, patient: { name: 'Noor Concept' }, ...overrides };
}

const list = (world: World, filter?: WorkListView['items'][number]['kind'], search?: string) =>
  world.send({ type: 'worklist/get', ...(filter ? { filter } : {}), ...(search ? { search } : {}) });

async function setFeedback(referralId: string, feedback: Partial<ReferralFeedback>, changedAt: string) {
  const entry = (await db.get('outbox', referralId)) as ReferralOutboxEntry;
  const full = referralFeedback({ businessStatus: 'contacted', ...feedback });
  await db.put('outbox', { ...entry, feedback: full, feedbackCheckedAt: changedAt, feedbackChangedAt: changedAt });
}

beforeEach(async () => {
  saved = {};
  clock = MONDAY_10;
  db = await openVroegsignaalDatabase(`work-list-${++dbCounter}`);
});
afterEach(() => db.close());

describe('the work list', () => {
  it('lists a refused referral with the receiver’s reason, and not once it is delivered', async () => {
    const world = setup();
    const referralId = await submit(world, 'P-2001', 'Ria Weigering');
    await submit(world, 'P-2002', 'Mila Voorbeeld');
    const view = await list(world);
    expect(view.items).toHaveLength(1);
    expect(view.items[0]).toMatchObject({
      id: `attention:${referralId}`,
      kind: 'needs-attention',
      patientName: 'Ria Weigering',
      unread: true,
      problem: { kind: 'http', httpStatus: 400, detail: 'telefoonnummer niet in gebruik' },
    });
    expect(view.counts).toEqual({ 'needs-attention': 1, draft: 0, overdue: 0, 'outcome-unseen': 0, 'dismissed-today': 0 });
    // The delivered one keeps its name (for search), never its phone.
    const delivered = (await db.getAll('outbox')).find((entry) => entry.state === 'delivered') as ReferralOutboxEntry;
    expect(delivered).toMatchObject({ patientName: 'Mila Voorbeeld', body: null });
    expect(delivered.record).toBeUndefined();
    expect(JSON.stringify(delivered)).not.toContain('99990001');
  });

  it('lists a refused token as needing attention, to be fixed by the administrator', async () => {
    const world = setup(scriptedEndpoint(() => new Response('', { status: 401, statusText: 'Unauthorized' })));
    await submit(world, 'P-2001', 'Ria Token');
    const [item] = (await list(world)).items;
    expect(item).toMatchObject({ kind: 'needs-attention', problem: { kind: 'auth', httpStatus: 401 } });
  });

  it('lists an overdue callback after two working days without contact, and not once contact is made', async () => {
    const world = setup();
    const referralId = await submit(world, 'P-2003', 'Bas Wachtend');
    expect((await list(world)).items).toEqual([]);
    clock = Date.parse('2026-11-26T08:00:00Z'); // Thursday: Tuesday and Wednesday have passed
    expect((await list(world, 'overdue')).items).toMatchObject([{ id: `overdue:${referralId}`, patientName: 'Bas Wachtend' }]);
    await setFeedback(referralId, { contactedAt: '2026-11-26T07:30:00Z' }, '2026-11-26T07:45:00Z');
    const view = await list(world);
    expect(view.counts.overdue).toBe(0);
    // Contact made is news for the GP instead.
    expect(view.items).toMatchObject([{ kind: 'outcome-unseen', referralId }]);
  });

  it('lists feedback until the GP opens the patient in the sidebar, and again when it changes', async () => {
    const world = setup();
    const referralId = await submit(world, 'P-2004', 'Eva Uitkomst');
    await setFeedback(referralId, { outcome: 'handled-with-partners', partners: ['credit-bank', 'language-help'], taskStatus: 'completed' }, '2026-11-24T09:00:00Z');
    clock = Date.parse('2026-11-24T10:00:00Z');
    expect((await list(world, 'outcome-unseen')).items).toHaveLength(1);
    await world.send({ type: 'patient/opened', adapterId: 'demo-his', patientKey: 'P-2004' }, SIDEBAR_SENDER);
    expect((await list(world, 'outcome-unseen')).items).toHaveLength(0);
    expect(await db.get('outbox', referralId)).toMatchObject({ feedbackSeenAt: '2026-11-24T10:00:00.000Z' });
    await setFeedback(referralId, { outcome: 'passed-to-credit-bank', taskStatus: 'completed' }, '2026-11-24T11:00:00Z');
    expect((await list(world, 'outcome-unseen')).items).toHaveLength(1);
  });

  it('lists today’s dismissals with their reason and the name the sidebar gave, and forgets the name the next day', async () => {
    const world = setup();
    await world.send(
      {
        type: 'screening/recorded',
        adapterId: 'demo-his',
        patientKey: 'P-2005',
        ruleSetIds: [RULE_SET],
        outcome: 'dismissed',
        reason: 'not-relevant',
        trigger: { kind: 'code', baseCode: 'P06' },
        patientName: 'Jan Wegklik',
      },
      SIDEBAR_SENDER,
    );
    const [item] = (await list(world)).items;
    expect(item).toMatchObject({ kind: 'dismissed-today', patientName: 'Jan Wegklik', dismissalReason: 'not-relevant', ruleSetIds: [RULE_SET] });
    // The name lives in storage.session only, never in IndexedDB.
    expect(JSON.stringify(await db.getAll('screenings'))).not.toContain('Wegklik');
    expect(JSON.stringify(world.session)).toContain('Jan Wegklik');
    clock += 24 * 60 * 60 * 1000;
    expect((await list(world)).items).toEqual([]);
  });

  it('searches by name, without regard to case or accents, and counts per kind within the search', async () => {
    const world = setup();
    await submit(world, 'P-2006', 'Zoë Weigering');
    await submit(world, 'P-2007', 'Piet Weigering');
    await world.send({ type: 'draft/save', adapterId: 'demo-his', patientKey: 'P-2008', ruleSetIds: [RULE_SET], draft: draftRequest({ patient: { name: 'Zoe Concept' } }) }, SIDEBAR_SENDER);
    const found = await list(world, undefined, 'zoe');
    expect(found.items.map((item) => item.patientName)).toEqual(['Zoë Weigering', 'Zoe Concept']);
    expect(found.counts).toMatchObject({ 'needs-attention': 1, draft: 1 });
    const drafts = await list(world, 'draft', 'zoe');
    expect(drafts.items.map((item) => item.patientName)).toEqual(['Zoe Concept']);
    expect(drafts.counts['needs-attention']).toBe(1);
  });

  it('orders newest first within each kind', async () => {
    const world = setup();
    await submit(world, 'P-2009', 'Anna Weigering');
    clock += 60_000;
    await submit(world, 'P-2010', 'Bert Weigering');
    expect((await list(world)).items.map((item) => item.patientName)).toEqual(['Bert Weigering', 'Anna Weigering']);
  });
});

describe('opening an item', () => {
  it('audits personal-data.viewed every time, by the assistant, and marks the item read', async () => {
    const world = setup();
    const referralId = await submit(world, 'P-2011', 'Ria Weigering', '06-99990011');
    const itemId = `attention:${referralId}`;
    const details = await world.send({ type: 'worklist/open', itemId, actor: ASSISTANT });
    expect(details).toMatchObject({ patient: { name: 'Ria Weigering', phone: '06-99990011' }, callMoment: 'morning', noteShared: true, consent: { recordedBy: GP } });
    await world.send({ type: 'worklist/open', itemId, actor: ASSISTANT });
    const views = (await db.getAll('auditLog')).filter((entry) => entry.event === 'personal-data.viewed');
    expect(views).toHaveLength(2);
    expect(views[0]).toMatchObject({ patient: 'hash:demo-his:P-2011', object: referralId, user: { role: 'assistant', id: 'assistent-1' }, detail: { view: 'work-list' } });
    // No name or phone in the log.
    expect(JSON.stringify(views)).not.toMatch(/Weigering|99990011/);
    expect((await list(world)).items[0]!.unread).toBe(false);
  });

  it('counts unread items for the toolbar badge: opened ones no longer, a new refusal again', async () => {
    const world = setup();
    const first = await submit(world, 'P-2012', 'Anna Weigering');
    await submit(world, 'P-2013', 'Bert Weigering');
    expect((await list(world)).unread).toBe(2);
    expect(await world.workList.unreadCount()).toBe(2);
    await world.send({ type: 'worklist/open', itemId: `attention:${first}` });
    expect(await world.workList.unreadCount()).toBe(1);
    // Resent and refused again: a new refusal, unread again.
    clock += 60_000;
    await world.send({ type: 'worklist/resend', referralId: first, changes: {} });
    await world.settled();
    expect(await world.workList.unreadCount()).toBe(2);
    expect(world.workListChanges()).toBeGreaterThan(0);
  });

  it('refuses an item that is not (any more) on the list, without logging a view', async () => {
    const world = setup();
    const answer = await world.handle({ type: 'worklist/open', itemId: 'attention:00000000-0000-4000-8000-000000000099' }, SIDE_PANEL);
    expect(answer).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect((await db.getAll('auditLog')).filter((entry) => entry.event === 'personal-data.viewed')).toEqual([]);
  });

  it('is for the extension’s own pages only', async () => {
    const world = setup();
    expect(await world.handle({ type: 'worklist/get' }, SIDEBAR_SENDER)).toMatchObject({ ok: false, error: { code: 'invalid-sender' } });
  });
});

describe('fixing and resending a refused referral', () => {
  it('rebuilds it under the same id with the new phone and delivers it', async () => {
    const world = setup(receiver('99990021'));
    const referralId = await submit(world, 'P-2021', 'Ria Nummer', '06-99990021');
    expect(await db.get('outbox', referralId)).toMatchObject({ state: 'failed' });
    const status = await world.send({ type: 'worklist/resend', referralId, changes: { phone: '06 9999 0022', callMoment: 'evening' }, actor: ASSISTANT });
    expect(status).toMatchObject({ referralId, state: 'queued' });
    await world.settled();
    expect(await db.get('outbox', referralId)).toMatchObject({ state: 'delivered', body: null, patientName: 'Ria Nummer' });
    const [, second] = world.endpoint.posts();
    expect(second!.headers.get('Idempotency-Key')).toBe(referralId);
    expect(second!.body).toContain('+31699990022');
    expect(second!.body).toContain(`urn:uuid:${referralId}`);
    expect(second!.body).not.toContain('+31699990021');
    expect((await list(world)).items).toEqual([]);
    const queued = (await db.getAll('auditLog')).filter((entry) => entry.event === 'referral.queued' && entry.object === referralId);
    expect(queued.at(-1)).toMatchObject({ user: { role: 'assistant' }, onBehalfOf: GP, detail: { reason: 'resent' } });
  });

  it('refuses a phone number that cannot be called, and a note the patient did not consent to', async () => {
    const world = setup();
    const referralId = await submit(world, 'P-2022', 'Ria Weigering');
    expect(await world.handle({ type: 'worklist/resend', referralId, changes: { phone: '0900-1234567' } }, SIDE_PANEL)).toMatchObject({
      ok: false,
      error: { code: 'invalid-referral', problems: [{ path: 'changes.phone' }] },
    });
    expect(await world.handle({ type: 'worklist/resend', referralId, changes: { note: 'N01 hoofdpijn' } }, SIDE_PANEL)).toMatchObject({
      ok: false,
      error: { problems: [{ path: 'changes.note' }] },
    });
    expect(await db.get('outbox', referralId)).toMatchObject({ state: 'failed' });
  });

  it('does not resend a referral that was delivered', async () => {
    const world = setup();
    const referralId = await submit(world, 'P-2023', 'Mila Voorbeeld');
    expect(await world.handle({ type: 'worklist/resend', referralId, changes: { phone: '06-99990023' } }, SIDE_PANEL)).toMatchObject({ ok: false, error: { code: 'invalid-referral' } });
  });
});

describe('drafts: the GP asked the questions, the assistant completes and sends', () => {
  it('saves a draft from the sidebar with the GP’s consent, checked like a referral but for the phone', async () => {
    const world = setup();
    const { draftId } = await world.send({ type: 'draft/save', adapterId: 'demo-his', patientKey: 'P-2031', ruleSetIds: [RULE_SET], draft: draftRequest() }, SIDEBAR_SENDER);
    expect(await db.get('drafts', draftId)).toMatchObject({ patientName: 'Noor Concept', consent: { recordedBy: GP, recordedAt: '2026-11-23T10:00:00.000Z' } });
    expect((await db.getAll('auditLog')).map((entry) => [entry.event, entry.user.role])).toEqual([
      ['screening.positive', 'gp'],
      ['consent.given', 'gp'],
    ]);
    // Not positive: refused, nothing stored.
    const negative = await world.handle(
      { type: 'draft/save', adapterId: 'demo-his', patientKey: 'P-2032', ruleSetIds: [RULE_SET], draft: draftRequest({ answers: { 'make-ends-meet': 'no' } }) },
      SIDEBAR_SENDER,
    );
    expect(negative).toMatchObject({ ok: false, error: { code: 'invalid-referral', problems: [{ path: 'draft.answers' }] } });
    // Only from the sidebar.
    expect(await world.handle({ type: 'draft/save', adapterId: 'demo-his', patientKey: 'P-2031', ruleSetIds: [RULE_SET], draft: draftRequest() }, SIDE_PANEL)).toMatchObject({ ok: false, error: { code: 'invalid-sender' } });
    expect(await db.count('drafts')).toBe(1);
    // The rule set stays quiet for that patient while the draft waits.
    const opened = await world.send({ type: 'patient/opened', adapterId: 'demo-his', patientKey: 'P-2031' }, SIDEBAR_SENDER);
    expect(opened.suppressed).toContainEqual({ ruleSetId: RULE_SET, reason: 'open-referral' });
  });

  it('removes a draft unsent when the patient does not confirm, logs it, and lets the rule set prompt again', async () => {
    const world = setup();
    const { draftId } = await world.send({ type: 'draft/save', adapterId: 'demo-his', patientKey: 'P-2034', ruleSetIds: [RULE_SET], draft: draftRequest() }, SIDEBAR_SENDER);
    expect(await world.handle({ type: 'worklist/discard-draft', draftId }, SIDEBAR_SENDER)).toMatchObject({ ok: false, error: { code: 'invalid-sender' } });
    expect(await world.send({ type: 'worklist/discard-draft', draftId, actor: ASSISTANT })).toEqual({ discarded: true });
    expect(await db.get('drafts', draftId)).toBeUndefined();
    expect((await list(world)).items).toEqual([]);
    expect(world.endpoint.posts()).toEqual([]);
    const withdrawn = (await db.getAll('auditLog')).filter((entry) => entry.event === 'consent.withdrawn');
    expect(withdrawn).toMatchObject([{ object: draftId, user: { role: 'assistant' }, onBehalfOf: GP, detail: { reason: 'draft-discarded' } }]);
    expect(JSON.stringify(withdrawn)).not.toContain('Noor');
    const opened = await world.send({ type: 'patient/opened', adapterId: 'demo-his', patientKey: 'P-2034' }, SIDEBAR_SENDER);
    expect(opened.suppressed).not.toContainEqual(expect.objectContaining({ reason: 'open-referral' }));
    expect(await world.handle({ type: 'worklist/discard-draft', draftId }, SIDE_PANEL)).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('delivers the completed draft with the GP’s recorded consent, the assistant as sender', async () => {
    const world = setup();
    const { draftId } = await world.send({ type: 'draft/save', adapterId: 'demo-his', patientKey: 'P-2033', ruleSetIds: [RULE_SET], draft: draftRequest() }, SIDEBAR_SENDER);
    const [item] = (await list(world, 'draft')).items;
    expect(item).toMatchObject({ id: `draft:${draftId}`, patientName: 'Noor Concept', unread: true });
    const details = (await world.send({ type: 'worklist/open', itemId: item!.id, actor: ASSISTANT })) as WorkListDetails;
    expect(details.patient).toEqual({ name: 'Noor Concept', phone: null });

    clock += 2 * 60 * 60 * 1000; // two hours later
    const statuses = await world.send({ type: 'worklist/complete-draft', draftId, phone: '06-99990033', actor: ASSISTANT });
    expect(statuses).toHaveLength(1);
    await world.settled();
    const referralId = statuses[0]!.referralId;
    expect(await db.get('outbox', referralId)).toMatchObject({ state: 'delivered', patientName: 'Noor Concept' });
    expect(await db.get('drafts', draftId)).toBeUndefined();
    // The consent is the GP's, from when it was given: in the practice's record and in what was sent.
    expect(await db.get('consents', referralId)).toMatchObject({ recordedBy: GP, recordedAt: '2026-11-23T10:00:00.000Z' });
    const body = world.endpoint.posts()[0]!.body;
    expect(body).toContain('2026-11-23T10:00:00.000Z');
    expect(body).toContain('+31699990033');
    const events = (await db.getAll('auditLog')).map((entry) => ({ event: entry.event, role: entry.user.role, onBehalfOf: entry.onBehalfOf, object: entry.object }));
    expect(events.filter((entry) => entry.event === 'consent.given')).toEqual([{ event: 'consent.given', role: 'gp', onBehalfOf: null, object: draftId }]);
    expect(events.find((entry) => entry.event === 'referral.queued')).toEqual({ event: 'referral.queued', role: 'assistant', onBehalfOf: GP, object: referralId });
    expect(events.find((entry) => entry.event === 'referral.sent')).toMatchObject({ role: 'system', onBehalfOf: GP });
    expect((await list(world)).items).toEqual([]);
    // Completed once only.
    expect(await world.handle({ type: 'worklist/complete-draft', draftId, phone: '06-99990033' }, SIDE_PANEL)).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('refuses a phone that cannot be called and keeps the draft', async () => {
    const world = setup();
    const { draftId } = await world.send({ type: 'draft/save', adapterId: 'demo-his', patientKey: 'P-2034', ruleSetIds: [RULE_SET], draft: draftRequest() }, SIDEBAR_SENDER);
    expect(await world.handle({ type: 'worklist/complete-draft', draftId, phone: '12345' }, SIDE_PANEL)).toMatchObject({ ok: false, error: { code: 'invalid-referral', problems: [{ path: 'phone' }] } });
    expect(await db.get('drafts', draftId)).toBeDefined();
    expect(await db.count('outbox')).toBe(0);
  });
});

describe('journal lines', () => {
  it('suggests the referral line, and the outcome line once the team reported back', async () => {
    const world = setup();
    const referralId = await submit(world, 'P-2041', 'Eva Uitkomst');
    expect(await world.send({ type: 'worklist/journal-text', itemId: `referral:${referralId}` })).toEqual({
      text: 'Z01 Verwezen naar sociaal wijkteam (Vroegsignaal), met toestemming van patiënt; terugbellen binnen 2 werkdagen.',
    });
    await setFeedback(
      referralId,
      { outcome: 'handled-with-partners', partners: ['credit-bank', 'language-help'], taskStatus: 'completed', lastModified: '2026-11-25T10:00:00Z' },
      '2026-11-25T10:05:00Z',
    );
    const { text } = await world.send({ type: 'worklist/journal-text', itemId: `outcome:${referralId}` });
    expect(text).toBe('Z01 Terugkoppeling sociaal wijkteam 25-11-2026: Opgepakt door het sociaal team met partners, partners: Kredietbank, Taalhulp.');
    const details = await world.send({ type: 'worklist/open', itemId: `outcome:${referralId}` });
    expect(details.journalText).toBe(text);
  });

  it('are pure Dutch text, contact-only feedback included', () => {
    expect(referralJournalText()).toMatch(/^Z01 /);
    expect(journalDate('2026-03-12T23:30:00Z', 'Europe/Amsterdam')).toBe('13-03-2026');
    const feedback = referralFeedback({ businessStatus: 'contacted', contactedAt: '2026-03-12T09:00:00Z' });
    expect(outcomeJournalText(feedback, '2026-03-12T09:00:00Z', 'Europe/Amsterdam')).toBe('Z01 Terugkoppeling sociaal wijkteam 12-03-2026: contact met patiënt gelegd.');
    expect(outcomeJournalText({ ...feedback, contactedAt: null }, '2026-03-12T09:00:00Z')).toBeNull();
  });
});

describe('the toolbar badge', () => {
  it('shows the unread count once after a burst of changes, nothing for none and 99+ beyond', async () => {
    expect([0, 1, 99, 100].map(unreadBadgeText)).toEqual(['', '1', '99', '99+']);
    let count = 3;
    const shown: string[] = [];
    const timers: Array<() => void> = [];
    const badge = createUnreadBadge({ count: async () => count, show: async (text) => void shown.push(text), setTimeout: (callback) => void timers.push(callback) });
    badge.refresh();
    badge.refresh();
    expect(timers).toHaveLength(1);
    timers.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(shown).toEqual(['3']);
    badge.refresh();
    timers.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(shown).toEqual(['3']); // unchanged: not set again
    count = 0;
    await badge.update();
    expect(shown).toEqual(['3', '']);
  });
});

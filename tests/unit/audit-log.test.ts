import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { taskFeedbackFields, type ReferralProgress } from '../../contract/referral-status';
import { REFERRAL_ID_SYSTEM } from '../../contract/referral-contract';
import { csvCell, exportAuditLog, toCsv, toJsonLines } from '../../extension/background/audit-export';
import {
  createAuditLog,
  createWorkstationStore,
  GENESIS_HASH,
  hashEntry,
  resolveUser,
  verifyChain,
  type AuditDraft,
  type AuditEntry,
  type AuditLog,
  type AuditTransaction,
} from '../../extension/background/audit-log';
import { openVroegsignaalDatabase, type ConsentRecord, type ReferralOutboxEntry, type ScreeningEvent, type VroegsignaalDatabase } from '../../extension/background/database';
import { createRetention } from '../../extension/background/retention';
import type { PracticeConfiguration, PracticeUser } from '../../extension/shared/configuration';
import type { ReferralStatus } from '../../extension/shared/messages';
import { createTestBackground, memoryStorage, OPTIONS_SENDER, scriptedEndpoint, SIDEBAR_SENDER } from './background-harness';
import { defaultRuleSet, demoHisAdapter, referralRequest, socialTeamEndpoint } from './helpers';

const DAY = 24 * 60 * 60 * 1000;
const WORKSTATION_ID = 'werkplek-test-0001';

let dbCounter = 0;
let db: VroegsignaalDatabase;
let clock: number;

function auditLogOver(database: VroegsignaalDatabase, users: PracticeUser[] = []): AuditLog {
  return createAuditLog({
    db: database,
    now: () => clock,
    workstation: createWorkstationStore(memoryStorage({}), () => WORKSTATION_ID),
    users: async () => users,
  });
}

/** `count` entries about a few synthetic pseudonyms, one second apart. */
async function fill(log: AuditLog, count: number): Promise<AuditEntry[]> {
  const drafts: AuditDraft[] = Array.from({ length: count }, (_, index) => ({
    event: index % 3 === 0 ? 'prompt.shown' : index % 3 === 1 ? 'referral.queued' : 'referral.delivered',
    at: new Date(clock + index * 1000).toISOString(),
    patient: `pseudoniem-${index % 7}`,
    actor: index % 3 === 2 ? 'system' : { name: 'dr. E. Denkbeeld', agb: '01999001' },
    object: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    detail: { ruleSetIds: ['vroegsignaal-geldzorgen'] },
  }));
  return log.append(drafts);
}

beforeEach(async () => {
  clock = Date.parse('2026-11-23T10:00:00Z');
  db = await openVroegsignaalDatabase(`audit-${++dbCounter}`);
});
afterEach(() => db.close());

describe('the hash chain', () => {
  it('verifies an untampered chain of a few hundred entries, gapless from 1, each linked to the one before', async () => {
    const log = auditLogOver(db);
    await fill(log, 300);
    const stored = await db.getAll('auditLog');
    expect(stored.map((entry) => entry.seq)).toEqual(Array.from({ length: 300 }, (_, index) => index + 1));
    expect(stored[0]!.prevHash).toBe(GENESIS_HASH);
    expect(stored[1]!.prevHash).toBe(stored[0]!.hash);
    expect(await log.verify()).toEqual({ ok: true, count: 300, head: stored[299]!.hash });
  });

  it('names this workstation and the user with their role from the configured users, and the system for the background', async () => {
    const users: PracticeUser[] = [{ id: 'dr-denkbeeld', name: 'dr. E. Denkbeeld', role: 'gp', agb: '01999001' }, { id: 'sanne', name: 'Sanne Proef', role: 'assistant' }];
    expect(resolveUser({ agb: '01999001' }, users)).toEqual({ role: 'gp', id: 'dr-denkbeeld', name: 'dr. E. Denkbeeld', agb: '01999001' });
    expect(resolveUser({ name: ' sanne proef ' }, users)).toEqual({ role: 'assistant', id: 'sanne', name: 'Sanne Proef' });
    expect(resolveUser({ name: 'dr. Onbekend' }, users)).toEqual({ role: 'unknown', name: 'dr. Onbekend' });
    expect(resolveUser('system', users)).toEqual({ role: 'system' });
    const [entry] = await auditLogOver(db, users).append([{ event: 'prompt.shown', patient: 'p', actor: { name: 'Sanne Proef' } }]);
    expect(entry).toMatchObject({ seq: 1, user: { role: 'assistant', id: 'sanne' }, workstation: { id: WORKSTATION_ID }, at: '2026-11-23T10:00:00.000Z' });
  });

  it('finds an edited field at the entry that was edited', async () => {
    const log = auditLogOver(db);
    await fill(log, 40);
    const entry = (await db.get('auditLog', 17))!;
    await db.put('auditLog', { ...entry, patient: 'pseudoniem-van-iemand-anders' });
    expect(await log.verify()).toEqual({ ok: false, count: 40, firstBad: { seq: 17, reason: 'edited' } });
  });

  it('finds an edit even when the editor recomputed that entry’s own hash: the next entry no longer links to it', async () => {
    const log = auditLogOver(db);
    await fill(log, 40);
    const entry = (await db.get('auditLog', 17))!;
    const edited = { ...entry, event: 'prompt.dismissed' as const };
    await db.put('auditLog', { ...edited, hash: hashEntry(edited) });
    expect(await log.verify()).toMatchObject({ ok: false, firstBad: { seq: 17, reason: 'edited' } });
  });

  it('finds a deleted entry at its sequence number, also the very first one', async () => {
    const log = auditLogOver(db);
    await fill(log, 40);
    await db.delete('auditLog', 23);
    expect(await log.verify()).toEqual({ ok: false, count: 39, firstBad: { seq: 23, reason: 'deleted' } });
    await db.delete('auditLog', 1);
    expect(await log.verify()).toMatchObject({ ok: false, firstBad: { seq: 1, reason: 'deleted' } });
  });

  it('finds two entries swapped', async () => {
    const log = auditLogOver(db);
    await fill(log, 40);
    const [a, b] = [(await db.get('auditLog', 10))!, (await db.get('auditLog', 11))!];
    await db.put('auditLog', { ...b, seq: 10 });
    await db.put('auditLog', { ...a, seq: 11 });
    expect(await log.verify()).toEqual({ ok: false, count: 40, firstBad: { seq: 10, reason: 'reordered' } });
  });

  it('finds an inserted entry, between two numbers or with the rest renumbered', async () => {
    const log = auditLogOver(db);
    await fill(log, 40);
    const before = (await db.get('auditLog', 20))!;
    const forged = { ...before, seq: 20.5, event: 'personal-data.viewed' as const, prevHash: before.hash };
    await db.put('auditLog', { ...forged, hash: hashEntry(forged) });
    expect(await log.verify()).toMatchObject({ ok: false, firstBad: { seq: 20.5, reason: 'inserted' } });

    await db.delete('auditLog', 20.5);
    expect((await log.verify()).ok).toBe(true);
    // Everything from 21 moved one up (their hashes left as they were), the forgery at 21.
    const all = await db.getAll('auditLog');
    for (const entry of all.filter((e) => e.seq >= 21).reverse()) {
      await db.delete('auditLog', entry.seq);
      await db.put('auditLog', { ...entry, seq: entry.seq + 1 });
    }
    const slipped = { ...before, seq: 21, event: 'personal-data.viewed' as const, prevHash: before.hash };
    await db.put('auditLog', { ...slipped, hash: hashEntry(slipped) });
    expect(await log.verify()).toMatchObject({ ok: false, firstBad: { seq: 21, reason: 'inserted' } });
  });

  it('never forks: concurrent appends, in their own transactions or in one, follow each other', async () => {
    const log = auditLogOver(db);
    await log.ready();
    const oneTransaction = async () => {
      const tx = db.transaction(['auditLog', 'screenings'], 'readwrite');
      await Promise.all([
        log.appendInTransaction(tx as unknown as AuditTransaction, [{ event: 'screening.negative', patient: 'a' }]),
        log.appendInTransaction(tx as unknown as AuditTransaction, [{ event: 'prompt.dismissed', patient: 'b' }, { event: 'prompt.shown', patient: 'c' }]),
        tx.done,
      ]);
    };
    await Promise.all([
      ...Array.from({ length: 25 }, (_, index) => log.append([{ event: 'prompt.shown', patient: `p${index}` }])),
      oneTransaction(),
      oneTransaction(),
      ...Array.from({ length: 25 }, (_, index) => log.append([{ event: 'referral.sent', patient: `q${index}`, actor: 'system' }])),
    ]);
    const stored = await db.getAll('auditLog');
    expect(stored.map((entry) => entry.seq)).toEqual(Array.from({ length: 56 }, (_, index) => index + 1));
    expect(new Set(stored.map((entry) => entry.prevHash)).size).toBe(56);
    expect(await log.verify()).toMatchObject({ ok: true, count: 56 });
  });

  it('takes nothing back when the transaction it was appended in fails: the outbox write and its entry go together', async () => {
    const log = auditLogOver(db);
    await fill(log, 3);
    await log.ready();
    const tx = db.transaction(['auditLog', 'consents'], 'readwrite');
    const appended = log.appendInTransaction(tx as unknown as AuditTransaction, [{ event: 'consent.given', patient: 'p' }]);
    const failing = tx.objectStore('consents').add({ referralId: 'x' } as ConsentRecord).then(() => tx.objectStore('consents').add({ referralId: 'x' } as ConsentRecord));
    await expect(Promise.all([appended, failing, tx.done])).rejects.toThrow();
    expect(await db.count('auditLog')).toBe(3);
    expect((await log.verify()).ok).toBe(true);
  });

  it('moves the lines of database version 2 into the chain once, with their content, and empties the old store', async () => {
    const name = `audit-v2-${++dbCounter}`;
    const v2 = await openDB(name, 2, {
      upgrade(database) {
        const outbox = database.createObjectStore('outbox', { keyPath: 'key' });
        outbox.createIndex('by-state', 'state');
        outbox.createIndex('by-patient', 'patientHash');
        outbox.createIndex('by-poll', 'pollDueAt');
        database.createObjectStore('consents', { keyPath: 'referralId' }).createIndex('by-patient', 'patientHash');
        database.createObjectStore('audit', { keyPath: 'id', autoIncrement: true }).createIndex('by-time', 'at');
        database.createObjectStore('screenings', { keyPath: 'id', autoIncrement: true }).createIndex('by-patient', 'patientHash');
      },
    });
    await v2.add('audit', { at: '2026-10-01T09:00:00.000Z', action: 'referral.queued', patientHash: 'h1', actor: { name: 'dr. E. Denkbeeld' }, referralId: 'r1' });
    await v2.add('audit', { at: '2026-10-01T09:00:02.000Z', action: 'referral.delivered', patientHash: 'h1', referralId: 'r1', detail: 'http://127.0.0.1:4320/fhir' });
    await v2.add('audit', { at: '2026-10-02T09:00:00.000Z', action: 'prompt.dismissed', patientHash: 'h2', detail: 'not-now vroegsignaal-geldzorgen' });
    await v2.add('screenings', { at: '2026-10-02T09:00:00.000Z', patientHash: 'h2', outcome: 'dismissed' });
    v2.close();

    const v3 = await openVroegsignaalDatabase(name);
    expect(await v3.getAllKeysFromIndex('screenings', 'by-time')).toHaveLength(1);
    const log = auditLogOver(v3);
    await log.ready();
    await log.ready();
    expect(await v3.count('audit')).toBe(0);
    const entries = await v3.getAll('auditLog');
    expect(entries.map((entry) => [entry.seq, entry.event, entry.at, entry.patient, entry.user.role, entry.object])).toEqual([
      [1, 'referral.queued', '2026-10-01T09:00:00.000Z', 'h1', 'unknown', 'r1'],
      [2, 'referral.delivered', '2026-10-01T09:00:02.000Z', 'h1', 'system', 'r1'],
      [3, 'prompt.dismissed', '2026-10-02T09:00:00.000Z', 'h2', 'unknown', null],
    ]);
    expect(entries[2]!.detail).toEqual({ legacy: true, legacyDetail: 'not-now vroegsignaal-geldzorgen' });
    expect(entries[0]!.workstation).toEqual({ id: WORKSTATION_ID });
    expect(await log.verify()).toMatchObject({ ok: true, count: 3 });
    v3.close();
  });
});

describe('every event of a referral, in the background as wired', () => {
  const ENDPOINT_URL = 'http://127.0.0.1:4320/fhir';
  const progress: ReferralProgress = { contactedAt: '2026-11-24T09:00:00.000Z', failedAttempts: 0, outcome: null, partners: [], noteForGp: 'Mila Voorbeeld belt terug op 06-99990001', withdrawn: false };

  it('logs prompt, dismissal, screening, consent, queue, send, failure, delivery, status and withdrawal — and never a name or phone number', async () => {
    let posts = 0;
    const endpoint = scriptedEndpoint((request) => {
      if (request.method === 'POST') {
        posts++;
        // The receiver's error quotes the patient: that text must not reach the log.
        if (posts === 1) return new Response(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ diagnostics: 'Mila Voorbeeld 06-99990001 busy' }] }), { status: 503 });
        return new Response('{}', { status: 201 });
      }
      const id = decodeURIComponent(request.url).match(/urn:uuid:([0-9a-f-]+)/)![1]!;
      const task = { resourceType: 'Task', identifier: [{ system: REFERRAL_ID_SYSTEM, value: `urn:uuid:${id}` }], intent: 'order', ...taskFeedbackFields(progress, progress.contactedAt!, null) };
      return new Response(JSON.stringify({ resourceType: 'Bundle', type: 'searchset', total: 1, entry: [{ resource: task }] }), { status: 200 });
    });
    const saved: Record<string, unknown> = {
      configuration: {
        adapters: [demoHisAdapter()],
        endpoints: [socialTeamEndpoint(ENDPOINT_URL)],
        users: [{ id: 'dr-denkbeeld', name: 'dr. E. Denkbeeld', role: 'gp', agb: '01999001' }],
      },
    };
    const background = createTestBackground({ db, saved, fetch: endpoint.fetch, now: () => clock });
    const { handle } = background;
    const gp = { name: 'dr. E. Denkbeeld', agb: '01999001' };
    const ok = async (message: Parameters<typeof handle>[0], sender = SIDEBAR_SENDER) => {
      const answer = await handle(message, sender);
      if (!answer.ok) throw new Error(JSON.stringify(answer.error));
      return answer.data;
    };

    await ok({ type: 'prompt/shown', adapterId: 'demo-his', patientKey: 'P-1002', ruleSetIds: ['vroegsignaal-geldzorgen'], trigger: { kind: 'term' } });
    await ok({ type: 'screening/recorded', adapterId: 'demo-his', patientKey: 'P-1002', ruleSetIds: ['vroegsignaal-geldzorgen'], outcome: 'dismissed', reason: 'not-now', trigger: { kind: 'term' }, practitioner: gp });
    await ok({ type: 'prompt/shown', adapterId: 'demo-his', patientKey: 'P-1001', ruleSetIds: ['vroegsignaal-geldzorgen'], trigger: { kind: 'code', baseCode: 'N01' }, practitioner: gp });
    const [queued] = (await ok({ type: 'referral/submit', adapterId: 'demo-his', patientKey: 'P-1001', ruleSetIds: ['vroegsignaal-geldzorgen'], referral: referralRequest() })) as ReferralStatus[];
    await background.settled();
    clock += 60_000;
    await background.delivery.deliverDue();
    await background.settled();
    clock += 20 * 60_000;
    await background.statusPoll.pollDue();
    await background.auditLog.personalDataViewed({ patient: 'hash:demo-his:P-1001', actor: { name: 'Sanne Proef' }, object: queued!.referralId, view: 'work-list' });
    await ok({ type: 'referral/withdraw', adapterId: 'demo-his', patientKey: 'P-1001', referralId: queued!.referralId, practitioner: gp });
    // The withdrawal message is sent by the background on its own.
    for (let turn = 0; turn < 200 && !(await db.getAll('auditLog')).some((entry) => entry.event === 'withdrawal.delivered'); turn++) await new Promise((resolve) => setTimeout(resolve, 0));

    const entries = await db.getAll('auditLog');
    expect(entries.map((entry) => entry.event)).toEqual([
      'prompt.shown',
      'prompt.dismissed',
      'prompt.shown',
      'screening.positive',
      'consent.given',
      'referral.queued',
      'referral.sent',
      'referral.attempt-failed',
      'referral.sent',
      'referral.delivered',
      'referral.status-received',
      'personal-data.viewed',
      'consent.withdrawn',
      'withdrawal.sent',
      'withdrawal.delivered',
    ]);
    const byEvent = (event: string) => entries.find((entry) => entry.event === event)!;
    expect(byEvent('prompt.shown')).toMatchObject({ patient: 'hash:demo-his:P-1002', user: { role: 'unknown' }, detail: { trigger: 'term', ruleSetIds: ['vroegsignaal-geldzorgen'] } });
    expect(byEvent('prompt.dismissed')).toMatchObject({ user: { role: 'gp', id: 'dr-denkbeeld' }, detail: { reason: 'not-now' } });
    expect(byEvent('consent.given')).toMatchObject({ user: { role: 'gp' }, object: queued!.referralId, patient: 'hash:demo-his:P-1001' });
    // Delivery is the background's own doing, on behalf of the GP whose consent it carries.
    expect(byEvent('referral.delivered')).toMatchObject({ user: { role: 'system' }, onBehalfOf: gp, workstation: { id: WORKSTATION_ID } });
    expect(byEvent('referral.attempt-failed').detail).toEqual({ reason: 'http', httpStatus: 503, attempt: 1, endpointId: 'sociaal-wijkteam' });
    expect(byEvent('referral.status-received').detail).toMatchObject({ taskStatus: expect.any(String) });
    expect(byEvent('personal-data.viewed')).toMatchObject({ user: { role: 'unknown', name: 'Sanne Proef' }, detail: { view: 'work-list' } });

    const text = JSON.stringify(entries);
    // (The harness's pseudonyms spell out the EHR key, so that is not checked here; pseudonym.ts hashes it.)
    for (const personal of ['Mila', 'Voorbeeld', '06-99990001', '+31699990001', '699990001', 'Liever niet', 'belt terug']) expect(text).not.toContain(personal);
    expect(await background.auditLog.verify()).toMatchObject({ ok: true, count: entries.length });

    // The export from the options page: verified, and itself logged.
    const exported = await ok({ type: 'options/export-audit', format: 'jsonl' }, OPTIONS_SENDER);
    expect(exported).toMatchObject({ verification: { ok: true, count: entries.length }, exported: entries.length });
    expect((await db.getAll('auditLog')).at(-1)).toMatchObject({ event: 'audit.exported', detail: { format: 'jsonl', count: entries.length, reason: 'chain-ok' } });
  });

  it('refuses a prompt for a rule set that is not configured, from the sidebar only', async () => {
    const saved: Record<string, unknown> = { configuration: { adapters: [demoHisAdapter()], endpoints: [socialTeamEndpoint()] } };
    const { handle } = createTestBackground({ db, saved, fetch: scriptedEndpoint(() => new Response('{}')).fetch, now: () => clock });
    const message = { type: 'prompt/shown' as const, adapterId: 'demo-his', patientKey: 'P-1', ruleSetIds: ['bestaat-niet'], trigger: { kind: 'term' as const } };
    expect(await handle(message, SIDEBAR_SENDER)).toMatchObject({ ok: false, error: { code: 'invalid-message' } });
    expect(await handle({ ...message, ruleSetIds: ['vroegsignaal-geldzorgen'] }, OPTIONS_SENDER)).toMatchObject({ ok: false, error: { code: 'invalid-sender' } });
    expect(await db.count('auditLog')).toBe(0);
  });
});

describe('export', () => {
  const entry = (overrides: Partial<AuditEntry>): AuditEntry => ({
    seq: 1,
    event: 'prompt.shown',
    at: '2026-11-23T10:00:00.000Z',
    patient: 'pseudoniem',
    user: { role: 'gp', id: 'dr-denkbeeld', name: 'dr. E. Denkbeeld', agb: '01999001' },
    onBehalfOf: null,
    workstation: { id: WORKSTATION_ID },
    object: null,
    detail: null,
    prevHash: GENESIS_HASH,
    hash: 'a'.repeat(64),
    ...overrides,
  });

  it('escapes CSV cells: quotes doubled, commas and line breaks quoted, formulas defused', () => {
    expect(csvCell('gewoon')).toBe('gewoon');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('zei "ja"')).toBe('"zei ""ja"""');
    expect(csvCell('regel 1\nregel 2')).toBe('"regel 1\nregel 2"');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+31 6')).toBe("'+31 6");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(null)).toBe('');
    expect(csvCell(12)).toBe('12');
  });

  it('writes a CSV a spreadsheet opens: BOM, header row, CRLF, one row per entry, the chain check in a column', () => {
    const entries = [
      entry({ seq: 1, user: { role: 'unknown', name: '=cmd|"/c calc"!A1' }, detail: { ruleSetIds: ['a', 'b'], reason: 'not-now' } }),
      entry({ seq: 2, event: 'referral.delivered', user: { role: 'system' } }),
      entry({ seq: 3 }),
    ];
    const csv = toCsv(entries, { ok: false, count: 3, firstBad: { seq: 2, reason: 'edited' } });
    expect(csv.startsWith('\uFEFFseq,time_utc,event,patient_pseudonym,user_role,user_id,user_name,')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('');
    expect(lines[1]).toContain(`,"'=cmd|""/c calc""!A1",`);
    expect(lines[1]).toContain(`"{""reason"":""not-now"",""ruleSetIds"":[""a"",""b""]}"`);
    expect(lines.slice(1, 4).map((line) => line.split(',').at(-1))).toEqual(['ok', 'broken:edited', 'after-break']);
  });

  it('writes JSON Lines: a header with the verification and the period, then each entry as stored', () => {
    const entries = [entry({ seq: 1 }), entry({ seq: 2, detail: { reason: 'regel\nbreuk' } })];
    const text = toJsonLines(entries, { ok: true, count: 2, head: 'b'.repeat(64) }, { exportedAt: '2026-11-23T11:00:00.000Z', workstation: { id: WORKSTATION_ID, name: 'Balie' }, from: '2026-11-01T00:00:00.000Z' });
    const lines = text.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toEqual({
      format: 'vroegsignaal-audit-log',
      version: 1,
      exportedAt: '2026-11-23T11:00:00.000Z',
      workstation: { id: WORKSTATION_ID, name: 'Balie' },
      period: { from: '2026-11-01T00:00:00.000Z', to: null },
      verification: { ok: true, count: 2, head: 'b'.repeat(64) },
      entries: 2,
    });
    expect(lines.slice(1)).toEqual(entries);
  });

  it('exports a period of local days, and a broken chain all the same, with where it broke', async () => {
    const log = auditLogOver(db);
    await fill(log, 10);
    clock += 3 * DAY;
    await log.append([{ event: 'prompt.shown', patient: 'later' }]);
    const third = (await db.get('auditLog', 3))!;
    await db.put('auditLog', { ...third, patient: 'gewijzigd' });
    const day = new Date(clock);
    const local = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
    const result = await exportAuditLog(log, { format: 'csv', from: local, to: local }, () => clock);
    expect(result.verification).toEqual({ ok: false, count: 11, firstBad: { seq: 3, reason: 'edited' } });
    expect(result.exported).toBe(1);
    expect(result.mediaType).toBe('text/csv;charset=utf-8');
    expect(result.fileName).toMatch(/^vroegsignaal-auditlog-werkplek-[\d-]+\.csv$/);
    expect(result.text).toContain(',later,');
    expect(result.text).toContain('after-break');
  });
});

describe('retention', () => {
  const ruleSet = defaultRuleSet();
  const configuration = (retention?: PracticeConfiguration['practice']['retention']) => async () => ({ practice: { name: 'Praktijk', ...(retention ? { retention } : {}) }, ruleSets: [{ ...ruleSet, cooldownDays: 90 }] });

  function referral(id: string, overrides: Partial<ReferralOutboxEntry>): ReferralOutboxEntry {
    return {
      key: id,
      kind: 'referral',
      referralId: id,
      patientHash: `patient-${id}`,
      ruleSetId: ruleSet.id,
      createdAt: new Date(clock - 800 * DAY).toISOString(),
      endpointId: 'sociaal-wijkteam',
      endpoint: 'http://127.0.0.1:4320/fhir',
      recipient: 'Sociaal wijkteam',
      format: 'fhir-r4',
      state: 'delivered',
      attempts: 1,
      nextAttemptAt: null,
      body: null,
      ...overrides,
    };
  }
  const consent = (id: string) => ({ referralId: id, patientHash: `patient-${id}`, recordedBy: { name: 'dr. E. Denkbeeld' }, recordedAt: '2024-01-01T00:00:00.000Z', withdrawnAt: null }) as unknown as ConsentRecord;
  const screening = (daysAgo: number): ScreeningEvent => ({ at: new Date(clock - daysAgo * DAY).toISOString(), patientHash: 'p', outcome: 'negative', trigger: { kind: 'term' }, ruleSetId: ruleSet.id, ruleSetVersion: '1' });
  const ago = (days: number) => new Date(clock - days * DAY).toISOString();

  it('purges closed referrals and old screenings past the term, never an unsent referral, and logs the purge', async () => {
    const log = auditLogOver(db);
    const referrals = [
      referral('closed-old', { closedAt: ago(400), feedback: { noteForGp: 'terugkoppeling' } as never }),
      referral('closed-recent', { closedAt: ago(100) }),
      referral('withdrawn-old', { state: 'withdrawn', withdrawnAt: ago(500), closedAt: ago(500) }),
      referral('webhook-old', { format: 'json-webhook', deliveredAt: ago(700) }),
      // Delivered over FHIR and still open: the team has not closed it.
      referral('open-old', { deliveredAt: ago(700), pollDueAt: clock }),
      // Never sent, however old: queued, retrying, failed and waiting for a person.
      referral('queued-old', { state: 'queued', nextAttemptAt: clock, body: '{}' }),
      referral('retrying-old', { state: 'retrying', nextAttemptAt: clock, body: '{}' }),
      referral('failed-old', { state: 'failed', body: '{}', lastError: { kind: 'http', httpStatus: 422, detail: 'x' } }),
      // Withdrawn after delivery long ago, but the receiver has not been told yet.
      referral('withdrawal-pending', { closedAt: ago(500), withdrawnAt: ago(500) }),
    ];
    for (const entry of referrals) {
      await db.put('outbox', entry);
      await db.put('consents', consent(entry.referralId));
    }
    await db.put('outbox', { ...referral('withdrawal-pending', {}), key: 'withdrawal-pending#withdrawal', kind: 'withdrawal', withdrawnAt: ago(500), state: 'retrying', nextAttemptAt: clock, body: '{}' });
    await db.put('outbox', referral('withdrawal-done', { closedAt: ago(500), withdrawnAt: ago(500) }));
    await db.put('outbox', { ...referral('withdrawal-done', {}), key: 'withdrawal-done#withdrawal', kind: 'withdrawal', withdrawnAt: ago(500), state: 'delivered' });
    for (const days of [400, 366, 300, 10]) await db.add('screenings', screening(days));
    await fill(log, 5);

    const report = await createRetention({ db, auditLog: log, configuration: configuration(), now: () => clock }).purge();
    expect(report).toEqual({ referrals: 4, consents: 3, screenings: 2, auditEntries: 0 });
    expect((await db.getAllKeys('outbox')).sort()).toEqual(
      ['closed-recent', 'failed-old', 'open-old', 'queued-old', 'retrying-old', 'withdrawal-pending', 'withdrawal-pending#withdrawal'].sort(),
    );
    expect((await db.getAllKeys('consents')).sort()).toEqual(['closed-recent', 'failed-old', 'open-old', 'queued-old', 'retrying-old', 'withdrawal-pending'].sort());
    expect((await db.getAll('screenings')).map((s) => Math.round((clock - Date.parse(s.at)) / DAY))).toEqual([300, 10]);
    const last = (await db.getAll('auditLog')).at(-1)!;
    expect(last).toMatchObject({ event: 'retention.purged', user: { role: 'system' }, detail: { referrals: 4, consents: 3, screenings: 2, auditEntries: 0, personalDataDays: 365, auditLogYears: 5 } });
    expect(last.detail).not.toHaveProperty('throughSeq');

    // Nothing old left: a second purge removes nothing and logs nothing.
    const count = await db.count('auditLog');
    expect(await createRetention({ db, auditLog: log, configuration: configuration(), now: () => clock }).purge()).toEqual({ referrals: 0, consents: 0, screenings: 0, auditEntries: 0 });
    expect(await db.count('auditLog')).toBe(count);
  });

  it('keeps a screening as long as its rule set’s cooldown needs it, and follows the configured term', async () => {
    const log = auditLogOver(db);
    for (const days of [100, 80, 40, 20]) await db.add('screenings', screening(days));
    await db.put('outbox', referral('closed', { closedAt: ago(45) }));
    const report = await createRetention({ db, auditLog: log, configuration: configuration({ personalDataDays: 30 }), now: () => clock }).purge();
    // The cooldown of 90 days outlasts the 30-day term.
    expect(report).toMatchObject({ screenings: 1, referrals: 0 });
  });

  it('purges the start of the audit log after its term, and the chain still verifies from the recorded anchor', async () => {
    const log = auditLogOver(db);
    const start = clock;
    clock = start - 6 * 365 * DAY;
    await fill(log, 30);
    clock = start - 2 * 365 * DAY;
    await fill(log, 20);
    clock = start;
    const before = await db.getAll('auditLog');

    const purge = createRetention({ db, auditLog: log, configuration: configuration(), now: () => clock });
    expect(await purge.purge()).toMatchObject({ auditEntries: 30 });
    const after = await db.getAll('auditLog');
    expect(after[0]!.seq).toBe(31);
    expect(after.at(-1)).toMatchObject({ seq: 51, event: 'retention.purged', detail: { auditEntries: 30, throughSeq: 30, anchorHash: before[29]!.hash } });
    expect(await log.verify()).toMatchObject({ ok: true, count: 21 });

    // Removing more of the start than the checkpoint says, or the checkpoint itself, shows.
    await db.delete('auditLog', 31);
    expect(await log.verify()).toMatchObject({ ok: false, firstBad: { seq: 31, reason: 'deleted' } });
    await db.put('auditLog', after[0]!);
    const checkpoint = after.at(-1)!;
    await db.put('auditLog', { ...checkpoint, detail: { ...checkpoint.detail, throughSeq: 29 } });
    expect((await log.verify()).ok).toBe(false);
    await db.put('auditLog', checkpoint);

    // Years later the next purge takes the rest but the newest entry (the old checkpoint), and leaves a new anchor.
    clock = start + 4 * 365 * DAY;
    expect(await purge.purge()).toMatchObject({ auditEntries: 20 });
    expect(await log.verify()).toMatchObject({ ok: true });
    expect((await db.getAll('auditLog')).map((entry) => entry.seq)).toEqual([51, 52]);
  });
});

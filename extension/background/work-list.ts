import { buildReferralBundle, type Practitioner, type ReferralRecord } from '../../contract/referral-bundle';
import { findIcpcCodes, type CallMoment } from '../../contract/referral-contract';
import { buildWebhookReferral } from '../../contract/webhook';
import { enabledRuleSets, type PracticeConfiguration } from '../shared/configuration';
import { outcomeJournalText, referralJournalText } from '../shared/journal-text';
import type { DraftRequest, Problem, ReferralRequest, ReferralStatus } from '../shared/messages';
import { parseDutchPhone } from '../shared/phone';
import type { RuleSet } from '../shared/rule-set';
import {
  parseWorkListItemId,
  WORK_LIST_KINDS,
  type ReferralChanges,
  type WorkListDetails,
  type WorkListItem,
  type WorkListKind,
  type WorkListView,
} from '../shared/work-list';
import type { AuditDraft, AuditLog, AuditTransaction } from './audit-log';
import type { DraftRecord, ReferralOutboxEntry, ScreeningEvent, VroegsignaalDatabase } from './database';
import { draftProblems, takeInReferral } from './referral-intake';
import { isOverdue, callbackDueAt } from './status-poll';

// The practice assistant's work list (the side panel): what needs a person, built on request from
// what the background already keeps — the outbox (refused referrals, overdue callbacks, feedback the
// GP has not seen), the screenings (today's dismissals) and the GP's drafts. Nothing is copied into a
// list of its own, so an item can never disagree with the outbox; only which items were opened is
// kept (store `workListOpened`), for the unread count on the toolbar badge.
//
// Names: a referral keeps the patient's name on its outbox entry for as long as the entry exists (the
// retention purge removes both). A dismissal has no outbox entry: the name the sidebar sent is kept in
// `storage.session` — memory only, never on disk — and only for the day it was given.

/** `storage.session`'s key for today's dismissal names. */
export const DISMISSAL_NAMES_KEY = 'workListDismissalNames';

/** The part of `storage.session` the work list uses. */
export interface SessionArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

export interface WorkListDependencies {
  db: VroegsignaalDatabase;
  /** Every opening of a patient's details is logged (`personal-data.viewed`); drafts and resends with their writes. */
  auditLog: Pick<AuditLog, 'ready' | 'appendInTransaction' | 'personalDataViewed'>;
  configuration: () => Promise<Pick<PracticeConfiguration, 'users' | 'endpoints' | 'ruleSets' | 'disabledRuleSets'>>;
  /** Starts delivery of an outbox entry (the delivery service's `deliver`). */
  deliver: (key: string) => Promise<unknown>;
  /** A referral's status as the GP sees it (the delivery service's `status`). */
  status: (referralId: string) => Promise<ReferralStatus | undefined>;
  session: SessionArea;
  now: () => number;
  uuid: () => string;
  /** Told whenever items may have changed (the toolbar badge's count). */
  changed?: () => void;
  log?: (context: string, error: unknown) => void;
}

/** An item as built, with what the list does not show: the patient's pseudonym and the item's version. */
interface BuiltItem {
  item: Omit<WorkListItem, 'unread'>;
  patientHash: string;
  /** Changes when the item becomes something new (a second refusal, new feedback): unread again. */
  version: string;
}

export type WorkListResult<T> = { ok: true; value: T } | { ok: false; code: 'not-found' | 'invalid-referral'; problems: Problem[] };

const KIND_ORDER = new Map(WORK_LIST_KINDS.map((kind, index) => [kind, index]));

/** A local calendar day, `YYYY-MM-DD`, in the browser's time zone. */
function localDay(ms: number): string {
  const date = new Date(ms);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

function startOfLocalDay(ms: number): number {
  const date = new Date(ms);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}

/** Lower case, without accents: "Özil" is found by "ozil", "Jansen" by "jans". */
function searchable(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase('nl');
}

/** A refusal the assistant can act on: the receiver said no (4xx), refused the token, or the endpoint is gone. */
function needsAttention(entry: ReferralOutboxEntry): boolean {
  if (entry.state !== 'failed' || entry.withdrawnAt || !entry.lastError) return false;
  const { kind, httpStatus } = entry.lastError;
  return kind === 'auth' || kind === 'configuration' || (kind === 'http' && httpStatus !== undefined && httpStatus >= 400 && httpStatus < 500);
}

/** Feedback the GP should know of: the team reached the patient, or reported an outcome. */
function reportable(entry: ReferralOutboxEntry): boolean {
  return entry.state === 'delivered' && !entry.withdrawnAt && !!entry.feedback && (entry.feedback.contactedAt !== null || entry.feedback.outcome !== null);
}

function feedbackUnseen(entry: ReferralOutboxEntry): boolean {
  if (!entry.feedbackSeenAt) return true;
  return entry.feedbackChangedAt !== undefined && entry.feedbackSeenAt < entry.feedbackChangedAt;
}

/** A phone number in E.164 as a Dutch reader writes it (`06-12345678`). */
function phoneDisplay(e164: string): string {
  const parsed = parseDutchPhone(e164);
  return parsed.ok ? parsed.display : e164;
}

/**
 * The work list: builds the items, opens one (audited), and the assistant's two actions — fixing and
 * resending a refused referral, completing a GP's draft — plus saving a draft from the GP's sidebar.
 */
export function createWorkList(deps: WorkListDependencies) {
  const { db } = deps;
  const changed = () => deps.changed?.();

  async function dismissalNames(): Promise<Record<string, string>> {
    const stored = (await deps.session.get(DISMISSAL_NAMES_KEY))[DISMISSAL_NAMES_KEY] as { day?: string; names?: Record<string, string> } | undefined;
    // Yesterday's names are no longer anyone's business: they are dropped at the first look after midnight.
    if (!stored || stored.day !== localDay(deps.now()) || typeof stored.names !== 'object' || stored.names === null) return {};
    return stored.names;
  }

  async function build(): Promise<BuiltItem[]> {
    const now = deps.now();
    const [outbox, drafts, screenings, names] = await Promise.all([
      db.getAll('outbox'),
      db.getAll('drafts'),
      db.getAllFromIndex('screenings', 'by-time', IDBKeyRange.lowerBound(new Date(startOfLocalDay(now)).toISOString())),
      dismissalNames(),
    ]);
    const built: BuiltItem[] = [];
    for (const entry of outbox) {
      // Synthetic demo referrals (the report page's) are nobody's work.
      if (entry.kind !== 'referral' || entry.synthetic) continue;
      const base = {
        patientName: entry.patientName ?? entry.record?.patient.name ?? null,
        ruleSetIds: [entry.ruleSetId],
        referralId: entry.referralId,
        recipient: entry.recipient,
      };
      if (needsAttention(entry)) {
        const at = entry.lastAttemptAt ?? entry.createdAt;
        built.push({ item: { id: `attention:${entry.referralId}`, kind: 'needs-attention', at, ...base, problem: entry.lastError! }, patientHash: entry.patientHash, version: at });
      }
      if (isOverdue(entry, now)) {
        const due = callbackDueAt(entry);
        built.push({
          item: { id: `overdue:${entry.referralId}`, kind: 'overdue', at: new Date(due ?? now).toISOString(), ...base },
          patientHash: entry.patientHash,
          version: 'overdue',
        });
      }
      if (reportable(entry) && feedbackUnseen(entry)) {
        const at = entry.feedbackChangedAt ?? entry.feedbackCheckedAt ?? entry.deliveredAt ?? entry.createdAt;
        built.push({ item: { id: `outcome:${entry.referralId}`, kind: 'outcome-unseen', at, ...base, feedback: entry.feedback! }, patientHash: entry.patientHash, version: at });
      }
    }
    for (const draft of drafts) {
      built.push({
        item: { id: `draft:${draft.id}`, kind: 'draft', at: draft.createdAt, patientName: draft.patientName, ruleSetIds: draft.ruleSetIds, draftId: draft.id },
        patientHash: draft.patientHash,
        version: 'draft',
      });
    }
    // One dismissal covers every rule set that fired: the sidebar records them as one moment.
    const dismissals = new Map<string, ScreeningEvent[]>();
    for (const screening of screenings) {
      if (screening.outcome !== 'dismissed' || screening.synthetic) continue;
      const key = `${screening.patientHash}\u0000${screening.at}`;
      dismissals.set(key, [...(dismissals.get(key) ?? []), screening]);
    }
    for (const group of dismissals.values()) {
      const first = group.reduce((a, b) => ((a.id ?? 0) <= (b.id ?? 0) ? a : b));
      built.push({
        item: {
          id: `dismissed:${first.id}`,
          kind: 'dismissed-today',
          at: first.at,
          patientName: names[first.patientHash] ?? null,
          ruleSetIds: group.map((screening) => screening.ruleSetId),
          ...(first.reason ? { dismissalReason: first.reason } : {}),
        },
        patientHash: first.patientHash,
        version: 'dismissed',
      });
    }
    return built.sort((a, b) => KIND_ORDER.get(a.item.kind)! - KIND_ORDER.get(b.item.kind)! || b.item.at.localeCompare(a.item.at));
  }

  /** The items with their unread flags. Reading writes nothing. */
  async function items(): Promise<Array<BuiltItem & { unread: boolean }>> {
    const [built, opened] = await Promise.all([build(), db.getAll('workListOpened')]);
    const versions = new Map(opened.map((record) => [record.itemId, record.version]));
    return built.map((entry) => ({ ...entry, unread: versions.get(entry.item.id) !== entry.version }));
  }

  /** Marks an item opened in its current version, and forgets openings of items that are gone. */
  async function markOpened(itemId: string, version: string, present: ReadonlySet<string>): Promise<void> {
    const tx = db.transaction('workListOpened', 'readwrite');
    const stale = (await tx.store.getAllKeys()).filter((key) => key !== itemId && !present.has(key));
    await Promise.all([tx.store.put({ itemId, version, openedAt: new Date(deps.now()).toISOString() }), ...stale.map((key) => tx.store.delete(key)), tx.done]);
  }

  function withUnread(entry: BuiltItem & { unread: boolean }): WorkListItem {
    return { ...entry.item, unread: entry.unread };
  }

  /** The endpoint a referral goes to now, and the body rebuilt for it from the record. */
  function rebuild(record: ReferralRecord, endpoint: PracticeConfiguration['endpoints'][number]): string {
    const body =
      endpoint.format === 'json-webhook'
        ? buildWebhookReferral(record)
        : buildReferralBundle(record, { patient: deps.uuid(), questionnaireResponse: deps.uuid(), consent: deps.uuid(), serviceRequest: deps.uuid(), task: deps.uuid() });
    return JSON.stringify(body);
  }

  /** Problems with a note the assistant wrote: only where the patient agreed to share one, and without diagnosis codes unless allowed. */
  function noteProblems(note: string, noteShared: boolean, ruleSets: ReadonlyArray<RuleSet | undefined>, path: string): Problem[] {
    if (note === '') return [];
    if (!noteShared) return [{ path, message: "the patient's consent did not include a note: it cannot be added now" }];
    if (ruleSets.some((ruleSet) => !ruleSet?.referral.includeDiagnosisCodes)) {
      const codes = findIcpcCodes(note, true);
      if (codes.length > 0) return [{ path, message: `contains diagnosis codes (${codes.join(', ')}); the practice does not share them` }];
    }
    return [];
  }

  return {
    /** Keeps the name the sidebar gave with a dismissal, in memory, for today's list (see the module comment). */
    async rememberDismissalName(patientHash: string, name: string): Promise<void> {
      const names = await dismissalNames();
      await deps.session.set({ [DISMISSAL_NAMES_KEY]: { day: localDay(deps.now()), names: { ...names, [patientHash]: name } } });
      changed();
    },

    /** The list, of one kind or all, searched by patient name (an item without a name never matches a search). */
    async list(filter?: WorkListKind, search?: string): Promise<WorkListView> {
      const all = await items();
      const wanted = search?.trim() ? searchable(search.trim()) : '';
      const found = wanted ? all.filter(({ item }) => item.patientName !== null && searchable(item.patientName).includes(wanted)) : all;
      const counts = Object.fromEntries(WORK_LIST_KINDS.map((kind) => [kind, found.filter(({ item }) => item.kind === kind).length])) as Record<WorkListKind, number>;
      return {
        items: found.filter(({ item }) => !filter || item.kind === filter).map(withUnread),
        counts,
        unread: all.filter((entry) => entry.unread).length,
        users: (await deps.configuration()).users,
      };
    },

    /** Items not opened yet: the toolbar badge's number. */
    async unreadCount(): Promise<number> {
      return (await items()).filter((entry) => entry.unread).length;
    },

    /**
     * Opens an item: what this browser holds about it, logged as `personal-data.viewed` by the user
     * the side panel names (NEN 7513), and marked opened. Undefined when there is no such item (now).
     */
    async open(itemId: string, actor?: Practitioner): Promise<WorkListDetails | undefined> {
      const all = await items();
      const found = all.find(({ item }) => item.id === itemId);
      if (!found) return undefined;
      const { item } = found;
      let details: WorkListDetails = { item: { ...item, unread: false }, patient: { name: item.patientName, phone: null } };
      if (item.referralId) {
        const [entry, consent] = await Promise.all([db.get('outbox', item.referralId), db.get('consents', item.referralId)]);
        if (entry?.kind === 'referral') {
          const record = entry.record;
          details = {
            ...details,
            patient: { name: item.patientName, phone: record ? phoneDisplay(record.patient.phoneE164) : null },
            state: entry.state,
            createdAt: entry.createdAt,
            ...(entry.deliveredAt ? { deliveredAt: entry.deliveredAt } : {}),
            ...(record
              ? {
                  callMoment: record.callMoment,
                  lifeDomains: record.lifeDomains,
                  note: record.note,
                  noteShared: record.consent.dataShared.includes('note'),
                  answers: Object.fromEntries(record.answers.map((answer) => [answer.questionId, answer.answer])),
                }
              : {}),
            ...(consent ? { consent: { recordedBy: consent.recordedBy, recordedAt: consent.recordedAt } } : {}),
          };
          const journal = journalFor(item.kind, entry);
          if (journal) details.journalText = journal;
        }
      } else if (item.draftId) {
        const draft = await db.get('drafts', item.draftId);
        if (draft) {
          details = {
            ...details,
            patient: { name: draft.patientName, phone: draft.phone ?? null },
            createdAt: draft.createdAt,
            callMoment: draft.callMoment,
            lifeDomains: draft.lifeDomains,
            note: draft.note,
            noteShared: draft.note.trim() !== '',
            answers: draft.answers,
            consent: { recordedBy: draft.consent.recordedBy, recordedAt: draft.consent.recordedAt },
          };
        }
      }
      // Logged before the details leave the background: a view that cannot be logged does not happen.
      await deps.auditLog.personalDataViewed({
        patient: found.patientHash,
        ...(actor ? { actor } : {}),
        ...(item.referralId ? { object: item.referralId } : item.draftId ? { object: item.draftId } : {}),
        view: 'work-list',
      });
      await markOpened(itemId, found.version, new Set(all.map(({ item }) => item.id)));
      changed();
      return details;
    },

    /** The suggested journal line for an item, or for any referral this browser holds (`referral:<id>`). */
    async journalText(itemId: string): Promise<string | undefined> {
      const parsed = parseWorkListItemId(itemId);
      if (!parsed || parsed.prefix === 'draft' || parsed.prefix === 'dismissed') return undefined;
      const entry = await db.get('outbox', parsed.key);
      if (entry?.kind !== 'referral' || entry.synthetic) return undefined;
      return journalFor(parsed.prefix === 'outcome' ? 'outcome-unseen' : 'overdue', entry);
    },

    /**
     * Fixes a referral the receiver refused and sends it again under the same id (the receiver never
     * stored it): the phone, call moment or note as the assistant changed them, the body rebuilt for
     * the endpoint as configured now. Logged as queued again by the assistant, on behalf of the GP
     * whose consent it carries.
     */
    async resend(referralId: string, changes: ReferralChanges, actor?: Practitioner): Promise<WorkListResult<ReferralStatus>> {
      const configuration = await deps.configuration();
      const entry = await db.get('outbox', referralId);
      if (entry?.kind !== 'referral' || entry.synthetic) return { ok: false, code: 'not-found', problems: [{ path: 'referralId', message: 'no such referral' }] };
      if (!needsAttention(entry) || !entry.record) {
        return { ok: false, code: 'invalid-referral', problems: [{ path: 'referralId', message: `the referral is ${entry.state}, not refused: there is nothing to resend` }] };
      }
      const problems: Problem[] = [];
      let phoneE164 = entry.record.patient.phoneE164;
      if (changes.phone !== undefined) {
        const phone = parseDutchPhone(changes.phone);
        if (phone.ok) phoneE164 = phone.e164;
        else problems.push({ path: 'changes.phone', message: `not a Dutch phone number to call back (${phone.reason})` });
      }
      const note = changes.note === undefined ? entry.record.note : changes.note.trim();
      if (changes.note !== undefined) {
        const ruleSet = configuration.ruleSets.find((candidate) => candidate.id === entry.ruleSetId);
        problems.push(...noteProblems(note, entry.record.consent.dataShared.includes('note'), [ruleSet], 'changes.note'));
      }
      const endpoint = configuration.endpoints.find((candidate) => candidate.id === entry.endpointId);
      if (!endpoint) problems.push({ path: 'referralId', message: `endpoint "${entry.endpointId}" is no longer configured; ask the practice administrator` });
      if (problems.length > 0 || !endpoint) return { ok: false, code: 'invalid-referral', problems };

      const record: ReferralRecord = { ...entry.record, patient: { ...entry.record.patient, phoneE164 }, callMoment: changes.callMoment ?? entry.record.callMoment, note };
      const nowMs = deps.now();
      const at = new Date(nowMs).toISOString();
      await deps.auditLog.ready();
      const tx = db.transaction(['outbox', 'consents', 'auditLog'], 'readwrite');
      const current = await tx.objectStore('outbox').get(referralId);
      if (current?.kind !== 'referral' || current.state !== 'failed' || current.withdrawnAt) {
        await tx.done;
        return { ok: false, code: 'invalid-referral', problems: [{ path: 'referralId', message: 'the referral changed meanwhile; look again' }] };
      }
      const { lastError: _lastError, refusedCredentials: _refused, ...rest } = current;
      const queued: ReferralOutboxEntry = { ...rest, state: 'queued', nextAttemptAt: nowMs, format: endpoint.format, endpoint: endpoint.url, record, body: rebuild(record, endpoint) };
      const consent = await tx.objectStore('consents').get(referralId);
      await Promise.all([
        tx.objectStore('outbox').put(queued),
        deps.auditLog.appendInTransaction(tx as unknown as AuditTransaction, [
          {
            event: 'referral.queued',
            at,
            patient: current.patientHash,
            ...(actor ? { actor } : {}),
            ...(consent ? { onBehalfOf: consent.recordedBy } : {}),
            object: referralId,
            detail: { reason: 'resent', ruleSetIds: [current.ruleSetId], endpointId: endpoint.id },
          },
        ]),
        tx.done,
      ]);
      deps.deliver(referralId).catch((error: unknown) => deps.log?.('delivery', error)).finally(changed);
      changed();
      return { ok: true, value: (await deps.status(referralId))! };
    },

    /**
     * Saves a GP's positive screening for the assistant (the sidebar's "for the assistant"): checked
     * like a referral except for the phone. The screen and the consent are logged now, as the GP's.
     */
    async saveDraft(patientHash: string, adapterId: string, ruleSetIds: string[], draft: DraftRequest): Promise<WorkListResult<{ draftId: string }>> {
      const configuration = await deps.configuration();
      const enabled = enabledRuleSets(configuration);
      const ruleSets = ruleSetIds.map((id) => enabled.find((ruleSet) => ruleSet.id === id));
      const missing = ruleSetIds.filter((_, index) => !ruleSets[index]);
      if (missing.length > 0) return { ok: false, code: 'invalid-referral', problems: missing.map((id) => ({ path: 'ruleSetIds', message: `rule set ${id} is not switched on` })) };
      const problems = draftProblems(draft, { ruleSets: ruleSets as RuleSet[], endpoints: configuration.endpoints });
      if (problems.length > 0) return { ok: false, code: 'invalid-referral', problems };
      const at = new Date(deps.now()).toISOString();
      const phone = draft.patient.phone?.trim();
      const record: DraftRecord = {
        id: deps.uuid(),
        createdAt: at,
        adapterId,
        patientHash,
        patientName: draft.patient.name.trim(),
        ...(phone ? { phone } : {}),
        ruleSetIds,
        answers: draft.answers,
        callMoment: draft.callMoment,
        lifeDomains: draft.lifeDomains,
        note: draft.note.trim(),
        locale: draft.locale,
        trigger: draft.trigger,
        consent: {
          recordedBy: draft.practitioner,
          recordedAt: at,
          statements: Object.fromEntries((ruleSets as RuleSet[]).map((ruleSet) => [ruleSet.id, ruleSet.consentStatement[draft.locale]])),
        },
      };
      await deps.auditLog.ready();
      const tx = db.transaction(['drafts', 'auditLog'], 'readwrite');
      const lines: AuditDraft[] = [
        { event: 'screening.positive', at, patient: patientHash, actor: draft.practitioner, detail: { ruleSetIds } },
        { event: 'consent.given', at, patient: patientHash, actor: draft.practitioner, object: record.id, detail: { ruleSetIds, reason: 'draft' } },
      ];
      await Promise.all([tx.objectStore('drafts').add(record), deps.auditLog.appendInTransaction(tx as unknown as AuditTransaction, lines), tx.done]);
      changed();
      return { ok: true, value: { draftId: record.id } };
    },

    /**
     * The assistant completes a GP's draft: the phone confirmed (or entered), the call moment and note
     * perhaps adjusted. Becomes one referral per rule set with the GP's recorded consent (time,
     * recorder, statement read), queued by the assistant on the GP's behalf; the draft is deleted in
     * the same transaction, so it can never be sent twice.
     */
    async completeDraft(
      draftId: string,
      input: { phone: string; callMoment?: CallMoment; note?: string },
      actor?: Practitioner,
    ): Promise<WorkListResult<ReferralStatus[]>> {
      const draft = await db.get('drafts', draftId);
      if (!draft) return { ok: false, code: 'not-found', problems: [{ path: 'draftId', message: 'no such draft (completed already?)' }] };
      const configuration = await deps.configuration();
      const enabled = enabledRuleSets(configuration);
      const ruleSets = draft.ruleSetIds.map((id) => enabled.find((ruleSet) => ruleSet.id === id));
      const missing = draft.ruleSetIds.filter((_, index) => !ruleSets[index]);
      if (missing.length > 0) return { ok: false, code: 'invalid-referral', problems: missing.map((id) => ({ path: 'ruleSetIds', message: `rule set ${id} is not switched on` })) };
      const note = input.note === undefined ? draft.note : input.note.trim();
      const notes = input.note === undefined ? [] : noteProblems(note, draft.note !== '', ruleSets, 'note');
      if (notes.length > 0) return { ok: false, code: 'invalid-referral', problems: notes };
      const request: ReferralRequest = {
        patient: { name: draft.patientName, phone: input.phone },
        answers: draft.answers,
        callMoment: input.callMoment ?? draft.callMoment,
        lifeDomains: draft.lifeDomains,
        note,
        consentGiven: true,
        locale: draft.locale,
        practitioner: draft.consent.recordedBy,
        trigger: draft.trigger,
      };
      const intake = takeInReferral(request, {
        ruleSets: ruleSets as RuleSet[],
        endpoints: configuration.endpoints,
        patientHash: draft.patientHash,
        now: new Date(deps.now()),
        uuid: deps.uuid,
        consent: { recordedAt: draft.consent.recordedAt, statements: draft.consent.statements },
      });
      if (!intake.ok) return { ok: false, code: 'invalid-referral', problems: intake.problems.map((problem) => ({ ...problem, path: problem.path.replace(/^referral\.patient\./, '') })) };
      // The consent was logged when the GP gave it (saveDraft); what happens now is the assistant's queueing, for the GP.
      const lines = intake.referrals.flatMap(({ audit }) =>
        audit
          .filter((line) => line.event === 'referral.queued')
          .map((line): AuditDraft => {
            const { actor: _gp, ...rest } = line;
            return { ...rest, ...(actor ? { actor } : {}), onBehalfOf: draft.consent.recordedBy, detail: { ...line.detail, reason: 'draft-completed' } };
          }),
      );
      await deps.auditLog.ready();
      const tx = db.transaction(['outbox', 'consents', 'screenings', 'drafts', 'auditLog'], 'readwrite');
      if (!(await tx.objectStore('drafts').get(draftId))) {
        await tx.done;
        return { ok: false, code: 'not-found', problems: [{ path: 'draftId', message: 'the draft was completed meanwhile' }] };
      }
      await Promise.all([
        ...intake.referrals.flatMap(({ entry, consent, screening }) => [
          tx.objectStore('outbox').add(entry),
          tx.objectStore('consents').add(consent),
          tx.objectStore('screenings').add(screening),
        ]),
        tx.objectStore('drafts').delete(draftId),
        deps.auditLog.appendInTransaction(tx as unknown as AuditTransaction, lines),
        tx.done,
      ]);
      for (const { entry } of intake.referrals) deps.deliver(entry.key).catch((error: unknown) => deps.log?.('delivery', error)).finally(changed);
      changed();
      const statuses = await Promise.all(intake.referrals.map(({ entry }) => deps.status(entry.referralId)));
      return { ok: true, value: statuses.filter((status): status is ReferralStatus => status !== undefined) };
    },

    /**
     * The patient did not confirm after all (or cannot be reached to confirm the number): the draft
     * is removed unsent, its name and any number with it, and the rule set may prompt again. Logged
     * as a withdrawn consent, by whoever discarded it, for the GP who recorded it.
     */
    async discardDraft(draftId: string, actor?: Practitioner): Promise<WorkListResult<{ discarded: true }>> {
      await deps.auditLog.ready();
      const tx = db.transaction(['drafts', 'auditLog'], 'readwrite');
      const draft = await tx.objectStore('drafts').get(draftId);
      if (!draft) {
        await tx.done;
        return { ok: false, code: 'not-found', problems: [{ path: 'draftId', message: 'no such draft (sent or discarded already?)' }] };
      }
      await Promise.all([
        tx.objectStore('drafts').delete(draftId),
        deps.auditLog.appendInTransaction(tx as unknown as AuditTransaction, [
          {
            event: 'consent.withdrawn',
            patient: draft.patientHash,
            ...(actor ? { actor } : {}),
            onBehalfOf: draft.consent.recordedBy,
            object: draftId,
            detail: { reason: 'draft-discarded', ruleSetIds: draft.ruleSetIds },
          },
        ]),
        tx.done,
      ]);
      changed();
      return { ok: true, value: { discarded: true } };
    },
  };
}

/** The journal line that fits an item: the outcome once it is reported, else the referral itself (once sent). */
function journalFor(kind: WorkListKind, entry: ReferralOutboxEntry): string | undefined {
  if (kind === 'outcome-unseen' && entry.feedback) {
    return outcomeJournalText(entry.feedback, entry.feedbackChangedAt ?? entry.feedbackCheckedAt ?? entry.createdAt) ?? undefined;
  }
  if (entry.state === 'delivered' && entry.feedback && (entry.feedback.outcome || entry.feedback.contactedAt) && kind !== 'overdue') {
    return outcomeJournalText(entry.feedback, entry.feedbackChangedAt ?? entry.createdAt) ?? undefined;
  }
  return entry.withdrawnAt ? undefined : referralJournalText();
}

export type WorkList = ReturnType<typeof createWorkList>;

import type { Practitioner, ScreeningAnswer } from '../../../contract/referral-bundle';
import type { LifeDomain } from '../../../contract/referral-contract';
import type { PracticeUser } from '../../shared/configuration';
import type { ReferralRequest, RequestMessage, Response, SendMessage, TabMessage, TriggerSummary } from '../../shared/messages';
import { evaluateScreen, type RuleSetMatch, type Trigger } from '../../shared/rule-engine';
import type { RuleSet } from '../../shared/rule-set';
import type { PageContext, PatientOnPage } from '../../shared/sidebar-channel';
import type { RefusalReason } from './click-guard';
import { initialSidebarState, sidebarReducer, type ConsentForm, type SidebarAction, type SidebarState } from './sidebar-state';

/** What the sidebar's controls can ask for. */
export interface SidebarActions {
  answer(questionId: string, answer: ScreeningAnswer): void;
  goToConsent(): void;
  backToQuestions(): void;
  editForm(changes: Partial<ConsentForm>): void;
  chooseReferrer(userId: string): void;
  toggle(): void;
  dismiss(reason: 'not-now' | 'not-relevant'): void;
  closeNegative(): void;
  /** Positive, but the patient does not want a referral: recorded as such, nothing is sent. */
  declineReferral(): void;
  submit(): void;
  retryNow(referralId: string): void;
  /** The patient withdrew consent for this referral (after the guard's check); resolves to why it failed, or null. */
  withdraw(referralId: string): Promise<string | null>;
  /** The guard refused a consent tick or a send: say so, change nothing else. */
  refused(act: 'consent' | 'send' | 'draft', reason: RefusalReason): void;
  /** Consent is recorded, the phone number still to be confirmed: save it for the practice assistant. */
  saveDraft(): void;
}

export interface SidebarControllerDependencies {
  page: PageContext;
  send: SendMessage;
  /** Draws the state; called after every change. */
  render: (state: SidebarState, actions: SidebarActions) => void;
  /** Reports failures of fire-and-forget messages (never patient data). */
  reportError: (context: string, error: unknown) => void;
  /** Localised text for a failed submit. */
  describeSubmitError: (response: Extract<Response<unknown>, { ok: false }>) => string;
}

function summarize(trigger: Trigger | undefined): TriggerSummary {
  return trigger?.kind === 'code' ? { kind: 'code', baseCode: trigger.baseCode } : { kind: 'term' };
}

/** The rule sets that fired, as configured for this page. */
export function firedRuleSets(state: SidebarState, page: Pick<PageContext, 'ruleSets'>): RuleSet[] {
  return state.fired.flatMap((match) => page.ruleSets.filter((ruleSet) => ruleSet.id === match.ruleSetId));
}

/** The fired rule sets whose screen is positive with the answers so far. */
export function positiveRuleSets(state: SidebarState, page: Pick<PageContext, 'ruleSets'>): RuleSet[] {
  return firedRuleSets(state, page).filter((ruleSet) => evaluateScreen(ruleSet, state.answers).positive);
}

/** Who records consent when the page does not name the GP: the practice's only GP, else nobody yet. */
function defaultReferrer(fromPage: Practitioner, users: readonly PracticeUser[]): Practitioner {
  if (fromPage.name) return fromPage;
  const gps = users.filter((user) => user.role === 'gp');
  const only = gps.length === 1 ? gps[0] : users.length === 1 ? users[0] : undefined;
  return only ? { name: only.name, ...(only.agb ? { agb: only.agb } : {}) } : fromPage;
}

/**
 * The sidebar's logic, in its own frame: turns what the content script saw on the page and what the
 * GP does into state, and state into messages for the background. Holds one patient's state at a time; the set of patients
 * dismissed during this page's life is the only thing that outlives a patient switch.
 */
export function createSidebarController(deps: SidebarControllerDependencies) {
  const { page } = deps;
  let state: SidebarState = initialSidebarState();
  // The GP the page names, as read when the patient was opened.
  let practitionerOnPage: Practitioner = {};
  const suppressedThisConsult = new Set<string>();
  // Patient and rule set of every prompt the audit log was told of during this page's life.
  const promptsShown = new Set<string>();

  function dispatch(action: SidebarAction): void {
    const next = sidebarReducer(state, action);
    if (next === state) return;
    state = next;
    deps.render(state, actions);
    announcePrompts();
  }

  /** The GP as the page names them, when it does: the audit log's user. */
  function practitionerField(): { practitioner?: Practitioner } {
    return practitionerOnPage.name || practitionerOnPage.agb ? { practitioner: practitionerOnPage } : {};
  }

  /**
   * Tells the background (for the audit log, NEN 7513) that a prompt is now visible: once per patient
   * and rule set in this consult, however often the trigger is seen again or the panel toggled.
   */
  function announcePrompts(): void {
    const { patientKey, phase, fired } = state;
    if (patientKey === null || phase !== 'questions') return;
    const fresh = fired.filter((match) => !promptsShown.has(`${patientKey}\u0000${match.ruleSetId}`));
    if (fresh.length === 0) return;
    for (const match of fresh) promptsShown.add(`${patientKey}\u0000${match.ruleSetId}`);
    fireAndForget(
      {
        type: 'prompt/shown',
        adapterId: page.adapterId,
        patientKey,
        ruleSetIds: fresh.map((match) => match.ruleSetId),
        trigger: summarize(fresh[0]?.trigger),
        ...practitionerField(),
      },
      'prompt shown',
    );
  }

  function fireAndForget(message: RequestMessage, context: string): void {
    deps.send(message).then(
      (response) => {
        if (!response.ok) deps.reportError(context, response.error.message);
      },
      (error: unknown) => deps.reportError(context, error),
    );
  }

  /**
   * Records how the screening ended, with the answers so far (yes/no only, for the practice report).
   * A declined referral is recorded for the positive rule sets only: for the others it was no referral to decline.
   */
  function record(outcome: 'negative' | 'dismissed' | 'consent-declined', reason?: 'not-now' | 'not-relevant'): void {
    const { patientKey, fired } = state;
    if (patientKey === null || fired.length === 0) return;
    const ruleSetIds = outcome === 'consent-declined' ? positiveRuleSets(state, page).map((ruleSet) => ruleSet.id) : fired.map((match) => match.ruleSetId);
    if (ruleSetIds.length === 0) return;
    suppressedThisConsult.add(patientKey);
    fireAndForget(
      {
        type: 'screening/recorded',
        adapterId: page.adapterId,
        patientKey,
        ruleSetIds,
        outcome,
        ...(reason ? { reason } : {}),
        trigger: summarize(fired[0]?.trigger),
        answers: { ...state.answers },
        ...practitionerField(),
        // A prompt put aside may need the assistant's follow-up today: the work list shows it by name (kept for the day only).
        ...(outcome === 'dismissed' && state.form.name.trim() ? { patientName: state.form.name.trim() } : {}),
      },
      outcome === 'negative' ? 'negative screen' : outcome === 'consent-declined' ? 'consent declined' : 'dismiss',
    );
  }

  /**
   * Hands the consented referral to the background — to send (`referral`), or to leave for the
   * practice assistant (`draft`) — once the GP consented on a positive screen; both wait for the
   * background's answer in the `submitting` phase.
   */
  function hand<T>(
    what: 'submit' | 'draft',
    request: (submitted: SidebarState, ruleSetIds: string[], content: Omit<ReferralRequest, 'patient'>) => Promise<Response<T>>,
    done: (data: T) => SidebarAction,
  ): void {
    const submitted = state;
    const ruleSetIds = positiveRuleSets(submitted, page).map((ruleSet) => ruleSet.id);
    if (submitted.patientKey === null || submitted.phase !== 'consent' || !submitted.form.consentGiven || ruleSetIds.length === 0) return;
    dispatch({ type: 'submit-started' });
    const { form } = submitted;
    const content: Omit<ReferralRequest, 'patient'> = {
      answers: submitted.answers,
      callMoment: form.callMoment,
      lifeDomains: form.lifeDomains,
      note: form.note,
      consentGiven: true,
      locale: page.locale,
      practitioner: submitted.referrer,
      trigger: summarize(submitted.fired[0]?.trigger),
    };
    request(submitted, ruleSetIds, content).then(
      (response) => {
        // The GP may have opened another patient while the outbox write was under way.
        if (state.patientKey !== submitted.patientKey) return;
        dispatch(response.ok ? done(response.data) : { type: 'submit-failed', message: deps.describeSubmitError(response) });
      },
      (error: unknown) => {
        if (state.patientKey !== submitted.patientKey) return;
        deps.reportError(what, error);
        dispatch({ type: 'submit-failed', message: deps.describeSubmitError({ ok: false, error: { code: 'internal', message: String(error) } }) });
      },
    );
  }

  const actions: SidebarActions = {
    answer: (questionId, answer) => dispatch({ type: 'answered', questionId, answer }),
    goToConsent() {
      const positive = positiveRuleSets(state, page);
      const defaultLifeDomains = [...new Set(positive.flatMap((ruleSet) => ruleSet.referral.defaultLifeDomains))] as LifeDomain[];
      dispatch({ type: 'went-to-consent', referrer: defaultReferrer(practitionerOnPage, page.users), defaultLifeDomains });
    },
    backToQuestions: () => dispatch({ type: 'went-back-to-questions' }),
    editForm: (changes) => dispatch({ type: 'form-edited', changes }),
    chooseReferrer(userId) {
      const user = page.users.find((candidate) => candidate.id === userId);
      if (user) dispatch({ type: 'referrer-chosen', referrer: { name: user.name, ...(user.agb ? { agb: user.agb } : {}) } });
    },
    toggle: () => dispatch({ type: 'toggled' }),
    dismiss(reason) {
      if (state.phase !== 'questions' && state.phase !== 'consent') return;
      record('dismissed', reason);
      dispatch({ type: 'dismissed' });
    },
    closeNegative() {
      if (state.phase !== 'questions') return;
      record('negative');
      dispatch({ type: 'negative-closed' });
    },
    declineReferral() {
      if (state.phase !== 'consent') return;
      record('consent-declined');
      dispatch({ type: 'consent-declined' });
    },
    submit() {
      hand(
        'submit',
        (submitted, ruleSetIds, content) =>
          deps.send({
            type: 'referral/submit',
            adapterId: page.adapterId,
            patientKey: submitted.patientKey!,
            ruleSetIds,
            referral: { ...content, patient: { name: submitted.form.name, phone: submitted.form.phone } },
          }),
        (referrals) => ({ type: 'referrals-queued', referrals }),
      );
    },
    saveDraft() {
      hand('draft', (submitted, ruleSetIds, content) => {
        const phone = submitted.form.phone.trim();
        return deps.send({
          type: 'draft/save',
          adapterId: page.adapterId,
          patientKey: submitted.patientKey!,
          ruleSetIds,
          draft: { ...content, patient: { name: submitted.form.name, ...(phone ? { phone } : {}) } },
        });
      }, () => ({ type: 'draft-saved' }));
    },
    refused: (act, reason) => dispatch({ type: 'refused', act, reason }),
    async withdraw(referralId) {
      const { patientKey } = state;
      if (patientKey === null) return null;
      const practitioner = state.referrer.name ? state.referrer : defaultReferrer(practitionerOnPage, page.users);
      try {
        const response = await deps.send({ type: 'referral/withdraw', adapterId: page.adapterId, patientKey, referralId, practitioner });
        if (response.ok) {
          dispatch({ type: 'referral-updated', referral: response.data });
          return null;
        }
        deps.reportError('withdraw', response.error.message);
        return deps.describeSubmitError(response);
      } catch (error) {
        deps.reportError('withdraw', error);
        return deps.describeSubmitError({ ok: false, error: { code: 'internal', message: String(error) } });
      }
    },
    retryNow(referralId) {
      deps.send({ type: 'referral/retry-now', referralId }).then(
        (response) => {
          if (response.ok) dispatch({ type: 'referral-updated', referral: response.data });
        },
        (error: unknown) => deps.reportError('retry', error),
      );
    },
  };

  return {
    actions,
    get state(): SidebarState {
      return state;
    },

    /** The page shows another patient (or none): forget everything about the previous one. */
    patientChanged(patient: PatientOnPage | null, practitioner: Practitioner = {}): void {
      practitionerOnPage = practitioner;
      const patientKey = patient?.key ?? null;
      dispatch({
        type: 'patient-changed',
        patientKey,
        name: patient?.name ?? '',
        phone: patient?.phone ?? '',
        suppressed: patientKey !== null && suppressedThisConsult.has(patientKey),
      });
      if (patientKey === null) return;
      deps.send({ type: 'patient/opened', adapterId: page.adapterId, patientKey }).then(
        (response) => {
          const data = response.ok ? response.data : { referrals: [], suppressed: [] };
          if (!response.ok) deps.reportError('patient lookup', response.error.message);
          dispatch({ type: 'patient-history-loaded', patientKey, referrals: data.referrals, suppressedRuleSets: data.suppressed.map((s) => s.ruleSetId) });
        },
        (error: unknown) => {
          deps.reportError('patient lookup', error);
          // Without the background's memory the screening still works; sending will say what is wrong.
          dispatch({ type: 'patient-history-loaded', patientKey, referrals: [], suppressedRuleSets: [] });
        },
      );
    },

    triggersFound(matches: RuleSetMatch[]): void {
      dispatch({ type: 'triggers-found', matches });
    },

    /** The GP stopped typing in the EHR: a waiting prompt may open its panel now. */
    typingPaused(): void {
      dispatch({ type: 'typing-paused' });
    },

    /** A push from the background about a referral's delivery. */
    tabMessage(message: TabMessage): void {
      if (message.type === 'referral/status') dispatch({ type: 'referral-updated', referral: message.status });
    },
  };
}

export type SidebarController = ReturnType<typeof createSidebarController>;

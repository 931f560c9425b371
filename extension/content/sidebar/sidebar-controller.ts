import type { Practitioner, ScreeningAnswer } from '../../../contract/referral-bundle';
import type { Locale } from '../../shared/locale';
import type { RequestMessage, Response, ResponseMap, TabMessage, TriggerSummary } from '../../shared/messages';
import type { Trigger } from '../../shared/rule-engine';
import type { RuleSet } from '../../shared/rule-set';
import type { PatientOnPage } from '../page-reader';
import { initialSidebarState, sidebarReducer, type ConsentForm, type SidebarAction, type SidebarState } from './sidebar-state';

/** Sends one protocol message to the background and returns its typed answer. */
export type SendMessage = <M extends RequestMessage>(message: M) => Promise<Response<ResponseMap[M['type']]>>;

/** What the sidebar's controls can ask for. */
export interface SidebarActions {
  answer(questionId: string, answer: ScreeningAnswer): void;
  goToConsent(): void;
  backToQuestions(): void;
  editForm(changes: Partial<ConsentForm>): void;
  toggle(): void;
  dismiss(reason: 'not-now' | 'not-relevant'): void;
  closeNegative(): void;
  submit(): void;
  retryNow(): void;
}

export interface SidebarControllerDependencies {
  ruleSet: RuleSet;
  locale: Locale;
  send: SendMessage;
  readPractitioner: () => Practitioner;
  /** Draws the state; called after every change. */
  render: (state: SidebarState, actions: SidebarActions) => void;
  /** Reports failures of fire-and-forget messages (never patient data). */
  reportError: (context: string, error: unknown) => void;
  /** Localised text for a failed submit. */
  describeSubmitError: (response: Extract<Response<unknown>, { ok: false }>) => string;
}

function summarize(trigger: Trigger | null): TriggerSummary {
  return trigger?.kind === 'code' ? { kind: 'code', baseCode: trigger.baseCode } : { kind: 'term' };
}

/**
 * Content-script side of the sidebar: turns page signals and GP actions into state, and state
 * into messages for the background. Holds one patient's state at a time; the set of patients
 * dismissed during this page's life is the only thing that outlives a patient switch.
 */
export function createSidebarController(deps: SidebarControllerDependencies) {
  let state: SidebarState = initialSidebarState();
  const suppressedThisConsult = new Set<string>();

  function dispatch(action: SidebarAction): void {
    const next = sidebarReducer(state, action);
    if (next === state) return;
    state = next;
    deps.render(state, actions);
  }

  function fireAndForget(message: RequestMessage, context: string): void {
    deps.send(message).then(
      (response) => {
        if (!response.ok) deps.reportError(context, response.error.message);
      },
      (error: unknown) => deps.reportError(context, error),
    );
  }

  const actions: SidebarActions = {
    answer: (questionId, answer) => dispatch({ type: 'answered', questionId, answer }),
    goToConsent: () => dispatch({ type: 'went-to-consent', referrer: deps.readPractitioner() }),
    backToQuestions: () => dispatch({ type: 'went-back-to-questions' }),
    editForm: (changes) => dispatch({ type: 'form-edited', changes }),
    toggle: () => dispatch({ type: 'toggled' }),
    dismiss(reason) {
      const { patientKey, trigger } = state;
      if (patientKey === null) return;
      suppressedThisConsult.add(patientKey);
      dispatch({ type: 'dismissed' });
      fireAndForget({ type: 'screening/recorded', patientKey, outcome: 'dismissed', reason, trigger: summarize(trigger) }, 'dismiss');
    },
    closeNegative() {
      const { patientKey, trigger } = state;
      if (patientKey === null) return;
      suppressedThisConsult.add(patientKey);
      dispatch({ type: 'negative-closed' });
      fireAndForget({ type: 'screening/recorded', patientKey, outcome: 'negative', trigger: summarize(trigger) }, 'negative screen');
    },
    submit() {
      const submitted = state;
      if (submitted.patientKey === null || submitted.phase !== 'consent' || !submitted.form.consentGiven) return;
      dispatch({ type: 'submit-started' });
      const { form } = submitted;
      deps
        .send({
          type: 'referral/submit',
          patientKey: submitted.patientKey,
          referral: {
            patient: { name: form.name, phone: form.phone },
            answers: submitted.answers,
            callMoment: form.callMoment,
            lifeDomains: form.lifeDomains,
            note: form.note,
            consentGiven: true,
            locale: deps.locale,
            practitioner: submitted.referrer,
            trigger: summarize(submitted.trigger),
          },
        })
        .then(
          (response) => {
            // The GP may have opened another patient while the outbox write was under way.
            if (state.patientKey !== submitted.patientKey) return;
            if (response.ok) dispatch({ type: 'referral-updated', referral: response.data });
            else dispatch({ type: 'submit-failed', message: deps.describeSubmitError(response) });
          },
          (error: unknown) => {
            if (state.patientKey !== submitted.patientKey) return;
            deps.reportError('submit', error);
            dispatch({ type: 'submit-failed', message: deps.describeSubmitError({ ok: false, error: { code: 'internal', message: String(error) } }) });
          },
        );
    },
    retryNow() {
      const referral = state.referral ?? state.earlierReferral;
      if (!referral) return;
      deps.send({ type: 'referral/retry-now', referralId: referral.referralId }).then(
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
    patientChanged(patient: PatientOnPage | null): void {
      const patientKey = patient?.key ?? null;
      dispatch({
        type: 'patient-changed',
        patientKey,
        name: patient?.name ?? '',
        phone: patient?.phone ?? '',
        defaultLifeDomains: deps.ruleSet.referral.defaultLifeDomains,
        suppressed: patientKey !== null && suppressedThisConsult.has(patientKey),
      });
      if (patientKey === null) return;
      deps.send({ type: 'patient/opened', patientKey }).then(
        (response) => {
          if (response.ok && response.data.latestReferral) {
            dispatch({ type: 'earlier-referral-found', patientKey, referral: response.data.latestReferral });
          }
        },
        (error: unknown) => deps.reportError('patient lookup', error),
      );
    },

    triggersFound(triggers: Trigger[]): void {
      dispatch({ type: 'triggers-found', triggers });
    },

    /** A push from the background about a referral's delivery. */
    tabMessage(message: TabMessage): void {
      if (message.type === 'referral/status') dispatch({ type: 'referral-updated', referral: message.status });
    },
  };
}

export type SidebarController = ReturnType<typeof createSidebarController>;

import type { Practitioner, ScreeningAnswer } from '../../../contract/referral-bundle';
import type { CallMoment, LifeDomain } from '../../../contract/referral-contract';
import type { ReferralStatus } from '../../shared/messages';
import type { Trigger } from '../../shared/rule-engine';

export type SidebarPhase =
  /** Nothing to show: no trigger yet, or no patient open. */
  | 'idle'
  /** A trigger was seen: the three questions. */
  | 'questions'
  /** Positive screen: consent, phone, call moment, note, preview. */
  | 'consent'
  /** Waiting for the background to confirm the outbox write. */
  | 'submitting'
  /** Referral stored; follow its delivery. */
  | 'referral'
  /** All answered, not positive: recorded, nothing leaves the practice. */
  | 'negative'
  /** "Not now" / "not relevant": hidden for this patient for the rest of this consult. */
  | 'dismissed';

export interface ConsentForm {
  name: string;
  phone: string;
  callMoment: CallMoment;
  lifeDomains: LifeDomain[];
  note: string;
  consentGiven: boolean;
}

/** Everything the sidebar shows, for exactly one patient. */
export interface SidebarState {
  patientKey: string | null;
  phase: SidebarPhase;
  expanded: boolean;
  trigger: Trigger | null;
  answers: Record<string, ScreeningAnswer>;
  form: ConsentForm;
  /** The GP the page shows as logged in when consent is taken: recorded with the consent. */
  referrer: Practitioner;
  referral: ReferralStatus | null;
  /** A referral sent at an earlier consult, shown quietly when the patient is opened again. */
  earlierReferral: ReferralStatus | null;
  submitError: string | null;
}

export type SidebarAction =
  | {
      type: 'patient-changed';
      patientKey: string | null;
      name: string;
      phone: string;
      defaultLifeDomains: LifeDomain[];
      /** Dismissed or screened negative earlier in this consult: stay away. */
      suppressed: boolean;
    }
  | { type: 'earlier-referral-found'; patientKey: string; referral: ReferralStatus }
  | { type: 'triggers-found'; triggers: Trigger[] }
  | { type: 'answered'; questionId: string; answer: ScreeningAnswer }
  | { type: 'went-to-consent'; referrer: Practitioner }
  | { type: 'went-back-to-questions' }
  | { type: 'form-edited'; changes: Partial<ConsentForm> }
  | { type: 'toggled' }
  | { type: 'dismissed' }
  | { type: 'negative-closed' }
  | { type: 'submit-started' }
  | { type: 'submit-failed'; message: string }
  | { type: 'referral-updated'; referral: ReferralStatus };

/** The state for a freshly opened patient: nothing of any previous patient survives. */
export function initialSidebarState(
  patientKey: string | null = null,
  prefill: { name: string; phone: string; defaultLifeDomains: LifeDomain[] } = { name: '', phone: '', defaultLifeDomains: [] },
): SidebarState {
  return {
    patientKey,
    phase: 'idle',
    expanded: true,
    trigger: null,
    answers: {},
    form: {
      name: prefill.name,
      phone: prefill.phone,
      callMoment: 'no-preference',
      lifeDomains: [...prefill.defaultLifeDomains],
      note: '',
      consentGiven: false,
    },
    referrer: {},
    referral: null,
    earlierReferral: null,
    submitError: null,
  };
}

/**
 * The sidebar's state machine, pure so that every transition is testable without a browser. The
 * one rule that matters most: a patient change replaces the whole state.
 */
export function sidebarReducer(state: SidebarState, action: SidebarAction): SidebarState {
  switch (action.type) {
    case 'patient-changed':
      if (action.patientKey === state.patientKey) return state;
      return action.suppressed
        ? { ...initialSidebarState(action.patientKey, action), phase: 'dismissed' }
        : initialSidebarState(action.patientKey, action);
    case 'earlier-referral-found':
      // The lookup may answer after the GP moved on to another patient.
      if (action.patientKey !== state.patientKey || state.phase !== 'idle') return state;
      return { ...state, earlierReferral: action.referral, expanded: false };
    case 'triggers-found': {
      const trigger = action.triggers[0];
      // A patient already referred is in the social team's hands; the sidebar shows that instead.
      if (!trigger || state.patientKey === null || state.phase !== 'idle' || state.earlierReferral) return state;
      return { ...state, phase: 'questions', trigger, expanded: true };
    }
    case 'answered':
      if (state.phase !== 'questions') return state;
      return { ...state, answers: { ...state.answers, [action.questionId]: action.answer } };
    case 'went-to-consent':
      return state.phase === 'questions' ? { ...state, phase: 'consent', referrer: action.referrer } : state;
    case 'went-back-to-questions':
      return state.phase === 'consent' ? { ...state, phase: 'questions', form: { ...state.form, consentGiven: false } } : state;
    case 'form-edited':
      if (state.phase !== 'consent') return state;
      return { ...state, form: { ...state.form, ...action.changes }, submitError: null };
    case 'toggled':
      return { ...state, expanded: !state.expanded };
    case 'dismissed':
      return state.phase === 'questions' || state.phase === 'consent' ? { ...state, phase: 'dismissed' } : state;
    case 'negative-closed':
      return state.phase === 'questions' ? { ...state, phase: 'negative', expanded: false } : state;
    case 'submit-started':
      return state.phase === 'consent' && state.form.consentGiven ? { ...state, phase: 'submitting', submitError: null } : state;
    case 'submit-failed':
      return state.phase === 'submitting' ? { ...state, phase: 'consent', submitError: action.message } : state;
    case 'referral-updated':
      if (state.phase === 'submitting' || (state.referral && state.referral.referralId === action.referral.referralId)) {
        return { ...state, phase: 'referral', referral: action.referral };
      }
      if (state.earlierReferral?.referralId === action.referral.referralId) return { ...state, earlierReferral: action.referral };
      return state;
  }
}

/** Whether the sidebar is on screen at all. */
export function isSidebarVisible(state: SidebarState): boolean {
  if (state.patientKey === null || state.phase === 'dismissed' || state.phase === 'negative') return false;
  return state.phase !== 'idle' || state.earlierReferral !== null;
}

import type { Practitioner, ScreeningAnswer } from '../../../contract/referral-bundle';
import type { CallMoment, LifeDomain } from '../../../contract/referral-contract';
import type { ReferralStatus } from '../../shared/messages';
import type { RuleSetMatch } from '../../shared/rule-engine';
import type { RefusalReason } from './click-guard';

export type SidebarPhase =
  /** Nothing to show: no trigger yet, or no patient open. */
  | 'idle'
  /** A rule set fired: its questions (and those of any other that fired with it). */
  | 'questions'
  /** Positive screen: consent, phone, call moment, note, preview. */
  | 'consent'
  /** Waiting for the background to confirm the outbox write. */
  | 'submitting'
  /** Referral(s) stored; follow their delivery. */
  | 'referral'
  /** Consent recorded and saved for the practice assistant, who confirms the phone number and sends. */
  | 'drafted'
  /** All answered, not positive: recorded, nothing leaves the practice. */
  | 'negative'
  /** Positive, but the patient did not want a referral: recorded, nothing leaves the practice. */
  | 'declined'
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
  /** The panel is open; otherwise only the tab at the page edge shows. */
  expanded: boolean;
  /**
   * A prompt waits for the GP to pause typing before its panel opens by itself: the tab shows it at
   * once, in the strip already reserved, so the EHR is not laid out again under the GP's keystrokes.
   */
  openWhenPaused: boolean;
  /** The GP has paused typing since the last trigger (it may come before the patient's history is known). */
  typingPaused: boolean;
  /** The rule sets that fired for this patient during this consult, in order, each with its first trigger. */
  fired: RuleSetMatch[];
  /** Until the background said what it knows of this patient (cooldowns, open referrals), triggers wait here. */
  historyLoaded: boolean;
  pending: RuleSetMatch[];
  /** Rule sets that must stay quiet for this patient now. */
  suppressed: string[];
  answers: Record<string, ScreeningAnswer>;
  form: ConsentForm;
  /** The GP the page (or the practice's user list) names when consent is taken: recorded with the consent. */
  referrer: Practitioner;
  /** Referrals sent during this consult. */
  referrals: ReferralStatus[];
  /** Referrals sent at earlier consults, shown quietly when the patient is opened again. */
  earlierReferrals: ReferralStatus[];
  submitError: string | null;
  /** The last consent tick or send the sidebar refused, and why (the GP must see that nothing happened). */
  refusal: { act: 'consent' | 'send' | 'draft'; reason: RefusalReason } | null;
}

export type SidebarAction =
  | {
      type: 'patient-changed';
      patientKey: string | null;
      name: string;
      phone: string;
      /** Dismissed or screened negative earlier in this consult: stay away. */
      suppressed: boolean;
    }
  | { type: 'patient-history-loaded'; patientKey: string; referrals: ReferralStatus[]; suppressedRuleSets: string[] }
  | { type: 'triggers-found'; matches: RuleSetMatch[] }
  | { type: 'answered'; questionId: string; answer: ScreeningAnswer }
  | { type: 'went-to-consent'; referrer: Practitioner; defaultLifeDomains: LifeDomain[] }
  | { type: 'went-back-to-questions' }
  | { type: 'form-edited'; changes: Partial<ConsentForm> }
  | { type: 'referrer-chosen'; referrer: Practitioner }
  | { type: 'toggled' }
  /** The GP has not typed in the EHR for a moment (see the content script's sidebar host). */
  | { type: 'typing-paused' }
  | { type: 'dismissed' }
  | { type: 'negative-closed' }
  | { type: 'consent-declined' }
  | { type: 'submit-started' }
  | { type: 'submit-failed'; message: string }
  | { type: 'referrals-queued'; referrals: ReferralStatus[] }
  | { type: 'referral-updated'; referral: ReferralStatus }
  | { type: 'draft-saved' }
  | { type: 'refused'; act: 'consent' | 'send' | 'draft'; reason: RefusalReason };

/** The state for a freshly opened patient: nothing of any previous patient survives. */
export function initialSidebarState(patientKey: string | null = null, prefill: { name: string; phone: string } = { name: '', phone: '' }): SidebarState {
  return {
    patientKey,
    phase: 'idle',
    expanded: false,
    openWhenPaused: false,
    typingPaused: false,
    fired: [],
    historyLoaded: false,
    pending: [],
    suppressed: [],
    answers: {},
    form: { name: prefill.name, phone: prefill.phone, callMoment: 'no-preference', lifeDomains: [], note: '', consentGiven: false },
    referrer: {},
    referrals: [],
    earlierReferrals: [],
    submitError: null,
    refusal: null,
  };
}

/** Adds the rule sets in `matches` that may prompt and have not fired yet. */
function withFired(state: SidebarState, matches: readonly RuleSetMatch[]): RuleSetMatch[] {
  const fired = [...state.fired];
  for (const match of matches) {
    if (state.suppressed.includes(match.ruleSetId) || fired.some((f) => f.ruleSetId === match.ruleSetId)) continue;
    fired.push(match);
  }
  return fired;
}

function replaceReferral(list: ReferralStatus[], referral: ReferralStatus): ReferralStatus[] | null {
  const index = list.findIndex((existing) => existing.referralId === referral.referralId);
  return index === -1 ? null : list.map((existing, i) => (i === index ? referral : existing));
}

/**
 * The sidebar's state machine, pure so that every transition is testable without a browser. The
 * one rule that matters most: a patient change replaces the whole state.
 */
export function sidebarReducer(state: SidebarState, action: SidebarAction): SidebarState {
  switch (action.type) {
    case 'patient-changed':
      if (action.patientKey === state.patientKey) return state;
      return action.suppressed ? { ...initialSidebarState(action.patientKey, action), phase: 'dismissed' } : initialSidebarState(action.patientKey, action);
    case 'patient-history-loaded': {
      // The lookup may answer after the GP moved on to another patient.
      if (action.patientKey !== state.patientKey || state.historyLoaded) return state;
      const loaded = { ...state, historyLoaded: true, suppressed: action.suppressedRuleSets, earlierReferrals: action.referrals, pending: [] };
      const settled = state.pending.length > 0 ? sidebarReducer(loaded, { type: 'triggers-found', matches: state.pending }) : loaded;
      // A pause that came while the history was loading still counts for the triggers that waited.
      return state.typingPaused ? sidebarReducer(settled, { type: 'typing-paused' }) : settled;
    }
    case 'triggers-found': {
      if (state.patientKey === null) return state;
      if (!state.historyLoaded) return { ...state, pending: [...state.pending, ...action.matches], typingPaused: false };
      if (state.phase !== 'idle' && state.phase !== 'questions') return state;
      const fired = withFired(state, action.matches);
      if (fired.length === state.fired.length) return state;
      return { ...state, phase: 'questions', fired, openWhenPaused: !state.expanded, typingPaused: false };
    }
    case 'answered':
      if (state.phase !== 'questions') return state;
      return { ...state, answers: { ...state.answers, [action.questionId]: action.answer } };
    case 'went-to-consent': {
      if (state.phase !== 'questions') return state;
      const lifeDomains = state.form.lifeDomains.length > 0 ? state.form.lifeDomains : action.defaultLifeDomains;
      return { ...state, phase: 'consent', referrer: action.referrer, form: { ...state.form, lifeDomains } };
    }
    case 'went-back-to-questions':
      return state.phase === 'consent' ? { ...state, phase: 'questions', form: { ...state.form, consentGiven: false }, refusal: null } : state;
    case 'form-edited':
      if (state.phase !== 'consent') return state;
      return { ...state, form: { ...state.form, ...action.changes }, submitError: null, refusal: null };
    case 'referrer-chosen':
      return state.phase === 'consent' ? { ...state, referrer: action.referrer } : state;
    case 'toggled':
      return { ...state, expanded: !state.expanded, openWhenPaused: false };
    case 'typing-paused':
      if (!state.openWhenPaused) return state.typingPaused ? state : { ...state, typingPaused: true };
      return { ...state, expanded: state.phase === 'questions' || state.expanded, openWhenPaused: false, typingPaused: true };
    case 'dismissed':
      return state.phase === 'questions' || state.phase === 'consent' ? { ...state, phase: 'dismissed', expanded: false, openWhenPaused: false } : state;
    case 'negative-closed':
      return state.phase === 'questions' ? { ...state, phase: 'negative', expanded: false, openWhenPaused: false } : state;
    case 'consent-declined':
      return state.phase === 'consent' ? { ...state, phase: 'declined', expanded: false, openWhenPaused: false, form: { ...state.form, consentGiven: false }, refusal: null } : state;
    case 'submit-started':
      return state.phase === 'consent' && state.form.consentGiven ? { ...state, phase: 'submitting', submitError: null, refusal: null } : state;
    case 'submit-failed':
      return state.phase === 'submitting' ? { ...state, phase: 'consent', submitError: action.message } : state;
    case 'referrals-queued':
      return state.phase === 'submitting' ? { ...state, phase: 'referral', referrals: action.referrals } : state;
    case 'draft-saved':
      return state.phase === 'submitting' ? { ...state, phase: 'drafted' } : state;
    case 'refused':
      return state.phase === 'consent' ? { ...state, refusal: { act: action.act, reason: action.reason } } : state;
    case 'referral-updated': {
      const referrals = replaceReferral(state.referrals, action.referral);
      if (referrals) return { ...state, referrals };
      const earlierReferrals = replaceReferral(state.earlierReferrals, action.referral);
      return earlierReferrals ? { ...state, earlierReferrals } : state;
    }
  }
}

/** Whether the sidebar has something to say: a prompt under way, or what happened to an earlier referral. */
export function isSidebarVisible(state: SidebarState): boolean {
  if (state.patientKey === null || state.phase === 'dismissed' || state.phase === 'negative' || state.phase === 'declined') return false;
  return state.phase !== 'idle' || state.earlierReferrals.length > 0;
}

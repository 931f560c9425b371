import type { Practitioner, ScreeningAnswer } from '../../contract/referral-bundle';
import type { ReferralFeedback } from '../../contract/referral-status';
import type { CallMoment, LifeDomain } from '../../contract/referral-contract';
import type {
  AdapterTemplate,
  ConfigurationLayer,
  ConfigurationProblem,
  ConfigurationSection,
  EndpointAuthView,
  PracticeProfile,
  PracticeUser,
  SocialTeamEndpoint,
} from './configuration';
import type { AuditExport, AuditExportFormat, AuditInfo, Workstation } from './audit';
import type { Locale } from './locale';
import type { PageAdapter } from './page-adapter';
import type { ReportView } from './report';
import type { RuleSet } from './rule-set';
import type { ReferralChanges, WorkListDetails, WorkListKind, WorkListView } from './work-list';

// The one message protocol between the content script, the extension pages and the background.
// Types only: every context imports them; the background validates sender and body of every
// message against background/message-schema.ts, which is checked at compile time to describe
// exactly these types. Each request type is tied to its reply type in ResponseMap.

/** What made the prompt appear, without the page text: a code's chapter and number, or "a word". */
export type TriggerSummary = { kind: 'code'; baseCode: string } | { kind: 'term' };

/** The GP's referral as the sidebar sends it; the background checks it again before queueing. */
export interface ReferralRequest {
  patient: { name: string; phone: string };
  answers: Record<string, ScreeningAnswer>;
  callMoment: CallMoment;
  lifeDomains: LifeDomain[];
  note: string;
  consentGiven: true;
  locale: Locale;
  practitioner: Practitioner;
  trigger: TriggerSummary;
}

/**
 * A positive screening the GP saved for the practice assistant to complete ("the phone number must
 * still be confirmed"): everything of a referral, the patient's consent given, the phone optional.
 */
export type DraftRequest = Omit<ReferralRequest, 'patient'> & { patient: { name: string; phone?: string } };

/** Lists a configuration change may touch one item of. */
export type ItemSection = 'users' | 'endpoints' | 'ruleSets' | 'adapters';

/**
 * Sent by the content script of a configured EHR origin: it reads the page, and so may only ask what
 * to watch, say whether the page lets the sidebar show, and hand the builder's proposal over.
 */
export type ContentRequest =
  | { type: 'page/configuration'; url: string }
  /** The page keeps removing or hiding the sidebar (true), or no longer does (false): shown on the toolbar. */
  | { type: 'page/health'; sidebarBlocked: boolean }
  | { type: 'teach/proposal'; proposal: AdapterProposal };

/**
 * Sent by the sidebar frame (the extension's own page, inside a watched EHR tab): the only sender
 * that may record a screening or a consent, because only there does the GP act out of the page's reach.
 */
export type SidebarRequest =
  | { type: 'sidebar/attach' }
  | { type: 'patient/opened'; adapterId: string; patientKey: string }
  | {
      type: 'screening/recorded';
      adapterId: string;
      patientKey: string;
      ruleSetIds: string[];
      /** `consent-declined`: positive, but the patient did not want a referral (only positive rule sets). */
      outcome: 'negative' | 'dismissed' | 'consent-declined';
      reason?: 'not-now' | 'not-relevant';
      trigger: TriggerSummary;
      /** The answers given so far, per question id (yes/no/not-asked only), for the practice report. */
      answers?: Record<string, ScreeningAnswer>;
      /** The GP the page names, for the audit log's user. */
      practitioner?: Practitioner;
      /**
       * The patient's name as the sidebar has it, for the assistant's list of today's dismissals: kept
       * in memory (storage.session) until the end of the day, never written to disk.
       */
      patientName?: string;
    }
  /**
   * A prompt became visible for this patient (once per rule set per consult): for the audit log
   * (NEN 7513), with what triggered it as a summary, never the page's words.
   */
  | { type: 'prompt/shown'; adapterId: string; patientKey: string; ruleSetIds: string[]; trigger: TriggerSummary; practitioner?: Practitioner }
  | { type: 'referral/submit'; adapterId: string; patientKey: string; ruleSetIds: string[]; referral: ReferralRequest }
  /** Saves a positive screening with the patient's consent for the assistant to complete (work list). */
  | { type: 'draft/save'; adapterId: string; patientKey: string; ruleSetIds: string[]; draft: DraftRequest }
  /**
   * The patient withdrew consent for one of their referrals: unsent, it is removed from the outbox;
   * delivered, the receiver is told (Consent inactive, Task cancelled). Needs a trusted click.
   */
  | { type: 'referral/withdraw'; adapterId: string; patientKey: string; referralId: string; practitioner: Practitioner };

/** Sent by the extension's own pages (options). */
export type OptionsRequest =
  | { type: 'options/get' }
  | { type: 'options/save-practice'; practice: unknown }
  | { type: 'options/save-item'; section: ItemSection; item?: unknown; source?: string }
  | { type: 'options/remove-item'; section: ItemSection; id: string }
  | { type: 'options/set-rule-set-enabled'; id: string; enabled: boolean }
  | { type: 'options/validate-item'; section: 'ruleSets' | 'adapters'; source: string }
  | { type: 'options/import'; source: string; dryRun: boolean }
  | { type: 'options/export'; includeTokens: boolean }
  | { type: 'options/test-endpoint'; id: string }
  | { type: 'options/open-tabs'; origin: string }
  | { type: 'options/probe-tab'; tabId: number; source: string }
  | { type: 'options/teach'; tabId: number }
  | { type: 'options/teach-result' }
  /** This workstation as the audit log names it, and how many entries the log holds. */
  | { type: 'options/audit-info' }
  /** The audit log as a file (all of it, or local calendar days `from`–`to`, both included), after checking its chain. */
  | { type: 'options/export-audit'; format: AuditExportFormat; from?: string; to?: string }
  /** Names this workstation in the audit log (empty: no name). */
  | { type: 'options/name-workstation'; name: string }
  /** The practice report for a period (local dates, both included): see shared/report.ts. */
  | { type: 'report/get'; from: string; to: string }
  /** Writes the synthetic demo practice of this seed (replacing any synthetic data); real data stays. */
  | { type: 'report/seed-synthetic'; seed: string }
  /** Removes every record marked synthetic. */
  | { type: 'report/clear-synthetic' }
  /** The assistant's work list (side panel), of one kind or all, searched by patient name. */
  | { type: 'worklist/get'; filter?: WorkListKind; search?: string }
  /** Opens an item's details: audited as `personal-data.viewed` by `actor` (the user the side panel names). */
  | { type: 'worklist/open'; itemId: string; actor?: Practitioner }
  /** Rebuilds a refused referral (same id) with the assistant's changes and sends it again. Needs a trusted click. */
  | { type: 'worklist/resend'; referralId: string; changes: ReferralChanges; actor?: Practitioner }
  /** Turns a GP's draft into a referral with the GP's recorded consent, the phone confirmed. Needs a trusted click. */
  | { type: 'worklist/complete-draft'; draftId: string; phone: string; callMoment?: CallMoment; note?: string; actor?: Practitioner }
  /** The suggested journal line for an item (or `referral:<id>`), to copy into the EHR. */
  | { type: 'worklist/journal-text'; itemId: string }
  /** Removes a GP's draft unsent (the patient did not confirm). Needs a trusted click. */
  | { type: 'worklist/discard-draft'; draftId: string; actor?: Practitioner };

/** Sent by either. */
export type SharedRequest = { type: 'referral/retry-now'; referralId: string };

export type RequestMessage = ContentRequest | SidebarRequest | OptionsRequest | SharedRequest;

/** Sends one protocol message to the background and returns its typed answer. */
export type SendMessage = <M extends RequestMessage>(message: M) => Promise<Response<ResponseMap[M['type']]>>;

/**
 * Where a message to the social team stands. `failed` waits for a person (the receiver refused it, or
 * its token was refused: see {@link DeliveryError.kind} `auth`); `withdrawn` was never sent, because
 * consent was withdrawn while it waited.
 */
export type DeliveryState = 'queued' | 'sending' | 'delivered' | 'retrying' | 'failed' | 'withdrawn';

/**
 * Why the last delivery attempt did not succeed, in terms the sidebar can translate. `auth`: the
 * receiver refused the endpoint's token (401/403) — someone must check it; no retrying until then.
 */
export interface DeliveryError {
  kind: 'network' | 'timeout' | 'http' | 'configuration' | 'auth';
  httpStatus?: number;
  detail: string;
}

/** The GP withdrew the patient's consent for a delivered referral; the receiver must be told. */
export interface WithdrawalStatus {
  withdrawnAt: string;
  /** Delivery of the withdrawal to the receiver (`withdrawn` never occurs here). */
  state: Exclude<DeliveryState, 'withdrawn'>;
  deliveredAt?: string;
  nextAttemptAt?: string;
  lastError?: DeliveryError;
}

/** Where one referral stands, as the GP sees it. */
export interface ReferralStatus {
  referralId: string;
  ruleSetId: string;
  state: DeliveryState;
  createdAt: string;
  attempts: number;
  recipient: string;
  deliveredAt?: string;
  nextAttemptAt?: string;
  lastError?: DeliveryError;
  /** When the GP withdrew consent (state `withdrawn`: before it was sent). */
  withdrawnAt?: string;
  /** For a delivered referral whose consent was withdrawn: how telling the receiver goes. */
  withdrawal?: WithdrawalStatus;
  /** What the social team reported back, from the latest status read (FHIR Task). */
  feedback?: ReferralFeedback;
  /** When the status was last read from the receiver. */
  feedbackCheckedAt?: string;
  /**
   * Why the last status read failed, if it did: `auth` means the receiver refused the endpoint's
   * token (needs attention: check the endpoint's token); others mean it is asked again later.
   */
  feedbackError?: DeliveryError;
  /**
   * Delivered and still without contact after the 2-working-day callback deadline (the receiver's
   * `Task.restriction.period.end` when it gives one, else counted from delivery).
   */
  overdue?: boolean;
}

/** What a watched EHR page gets to work with: checked data, nothing it could not be trusted with. */
export type PageConfiguration =
  | { active: false; reason: 'not-watched' }
  | {
      active: true;
      adapter: PageAdapter;
      /** The rule sets that are switched on. */
      ruleSets: RuleSet[];
      /** Per rule set, the social team its referrals go to; null when that endpoint is not configured. */
      recipients: Record<string, string | null>;
      /** The browser's language, which the sidebar speaks. */
      locale: Locale;
      /** Users of this browser profile, for "recorded by" when the page does not show the GP. */
      users: PracticeUser[];
    };

/** A rule set the background keeps away from this patient for now, and why. */
export interface Suppression {
  ruleSetId: string;
  reason: 'cooldown' | 'open-referral';
  /** End of the cooldown (ISO date-time). */
  until?: string;
}

/** An endpoint as the options page sees it: the token and the signing secret stay in the background. */
export type EndpointView = Omit<SocialTeamEndpoint, 'auth' | 'signingSecret'> & {
  auth: EndpointAuthView;
  /** A webhook's signing secret, recognisable but not usable (its last characters), when one is saved. */
  signingSecretHint?: string;
};

/** Everything the options page shows, with where each value comes from. */
export interface OptionsView {
  practice: { value: PracticeProfile; source: ConfigurationLayer };
  users: Array<{ value: PracticeUser; source: ConfigurationLayer }>;
  endpoints: Array<{ value: EndpointView; source: ConfigurationLayer }>;
  ruleSets: Array<{ value: RuleSet; source: ConfigurationLayer; enabled: boolean }>;
  adapters: Array<{ value: PageAdapter; source: ConfigurationLayer }>;
  lockedSections: ConfigurationSection[];
  problems: ConfigurationProblem[];
  templates: AdapterTemplate[];
  /** Per origin of the adapters and endpoints: whether the browser granted Vroegsignaal access. */
  hostAccess: Record<string, boolean>;
  /** Origins the EHR content script is registered for right now. */
  watchedOrigins: string[];
  /** The match pattern to request access for an origin, as this browser wants it. */
  accessPatterns: Record<string, string>;
}

/** What an adapter finds on an open tab right now ("Test on the open tab"). */
export interface ProbeFindings {
  url: string;
  /** The adapter's pages include this URL's path. */
  pageMatches: boolean;
  patient: { key: string; name: string; phone: string; birthDate: string } | null;
  practitioner: Practitioner;
  codes: string[];
  terms: string[];
  /** Diagnosis names that counted as codes. */
  names: string[];
  /** Per rule set that would fire: what made it fire. */
  firing: Array<{ ruleSetId: string; because: Array<{ kind: 'code' | 'name' | 'term'; text: string; code?: string }> }>;
  /** Selectors that found nothing or more than one element, a missing patient, an unmet recurrence. */
  warnings: ProbeWarning[];
}

export type ProbeWarning =
  | { kind: 'finds-nothing' | 'finds-many'; path: string; selector: string; count: number }
  | { kind: 'no-patient'; path: string }
  | { kind: 'recurrence-not-met'; path: string; ruleSetId: string; minEpisodes: number; withinMonths: number };

/** What the adapter builder learned from the administrator's clicks on an EHR tab. */
export interface AdapterProposal {
  url: string;
  patient: { name?: string; key?: string; keyFromUrl?: string; phone?: string; birthDate?: string; banner?: string };
  diagnoses?: string;
  freeText?: string;
  /** Proposed selectors that match more than the clicked element. */
  warnings: string[];
}

/** What "test connection" found: the receiver's own description of itself, or why there was none. */
export interface EndpointTestResult {
  outcome: 'ok' | 'network' | 'timeout' | 'http' | 'not-fhir';
  /** HTTP status, when the endpoint answered. */
  status?: number;
  /** From the FHIR CapabilityStatement at `<url>/metadata`. */
  software?: string;
  fhirVersion?: string;
  /** Technical detail for the administrator (the error or the status text). */
  detail: string;
}

export interface ImportPreview {
  sections: ConfigurationSection[];
  ruleSets: string[];
  adapters: string[];
  endpoints: string[];
  origins: string[];
}

/** What each request message answers with when it succeeds. */
export interface ResponseMap {
  'page/configuration': PageConfiguration;
  'page/health': { recorded: true };
  'sidebar/attach': { tabId: number };
  'patient/opened': { referrals: ReferralStatus[]; suppressed: Suppression[] };
  'screening/recorded': { recorded: true };
  'referral/submit': ReferralStatus[];
  'referral/withdraw': ReferralStatus;
  'referral/retry-now': ReferralStatus;
  'teach/proposal': { received: true };
  'options/get': OptionsView;
  'options/save-practice': OptionsView;
  'options/save-item': OptionsView;
  'options/remove-item': OptionsView;
  'options/set-rule-set-enabled': OptionsView;
  'options/validate-item': { id: string; name: string };
  'options/import': { preview: ImportPreview; view?: OptionsView };
  'options/export': { fileName: string; text: string };
  'options/test-endpoint': EndpointTestResult;
  'options/open-tabs': Array<{ tabId: number; title: string; url: string }>;
  'options/probe-tab': ProbeFindings;
  'options/teach': { started: true };
  'options/teach-result': { proposal: AdapterProposal | null };
  'prompt/shown': { recorded: true };
  'options/audit-info': AuditInfo;
  'options/export-audit': AuditExport;
  'options/name-workstation': Workstation;
  'report/get': ReportView;
  'report/seed-synthetic': { records: number };
  'report/clear-synthetic': { removed: number };
  'draft/save': { draftId: string };
  'worklist/get': WorkListView;
  'worklist/open': WorkListDetails;
  'worklist/resend': ReferralStatus;
  'worklist/complete-draft': ReferralStatus[];
  'worklist/journal-text': { text: string };
  'worklist/discard-draft': { discarded: true };
}

export type ErrorCode = 'invalid-sender' | 'invalid-message' | 'invalid-referral' | 'invalid-configuration' | 'not-found' | 'unavailable' | 'internal';

/** One problem with a message or a document, with the path where it sits. */
export interface Problem {
  path: string;
  message: string;
}

export type Response<T> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string; problems?: Problem[] } };

/** Messages the background sends to a watched EHR tab's content script. */
export type TabMessage =
  | { type: 'referral/status'; status: ReferralStatus }
  | { type: 'configuration/changed' }
  | { type: 'adapter/probe'; adapter: PageAdapter; ruleSets: RuleSet[] };

/** What each tab message answers with. */
export interface TabResponseMap {
  'referral/status': void;
  'configuration/changed': void;
  'adapter/probe': ProbeFindings;
}

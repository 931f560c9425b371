import type { LocalizedText } from './locale';
import type { PageAdapter } from './page-adapter';
import type { RuleSet } from './rule-set';

// What a practice configures. The background owns it: it layers the bundled defaults, what the
// administrator saved and browser policy, validates every layer, and hands each other context only
// what it needs. These are the types; the schemas live in background/configuration.

export interface PracticeProfile {
  name: string;
  /** The practice's AGB code (eight digits). */
  agb?: string;
  /** How long personal data and the audit log are kept; absent or partly absent: {@link DEFAULT_RETENTION}. */
  retention?: Partial<RetentionSettings>;
}

/**
 * How long this browser keeps what it holds (see docs/audit-log.md). `personalDataDays`: a closed
 * referral (its outbox entry with the social team's feedback, and its consent) and screenings are
 * purged that many days after closing — a screening is kept at least as long as its rule set's
 * cooldown needs it. Unsent referrals are never purged. `auditLogYears`: audit entries are purged
 * after that many years.
 */
export interface RetentionSettings {
  personalDataDays: number;
  auditLogYears: number;
}

/**
 * One year of personal data: the EHR, not this extension, is the patient's record (the GP pastes
 * the journal line there), so the extension keeps only what the work list, the cooldowns and a
 * yearly report need. Five years of audit log: the term Dutch practice applies to NEN 7513 access logs,
 * and the least this extension allows ({@link RETENTION_LIMITS}).
 */
export const DEFAULT_RETENTION: RetentionSettings = { personalDataDays: 365, auditLogYears: 5 };

/** The terms an administrator may choose. An audit log kept shorter than five years would not serve its purpose. */
export const RETENTION_LIMITS = {
  personalDataDays: { min: 30, max: 3650 },
  auditLogYears: { min: 5, max: 20 },
} as const;

/** The practice's retention terms, defaults filled in. */
export function retentionSettings(practice: Pick<PracticeProfile, 'retention'>): RetentionSettings {
  return { ...DEFAULT_RETENTION, ...practice.retention };
}

export type UserRole = 'gp' | 'assistant';

/** Someone who works in this browser profile; recorded as who took consent when the EHR page does not say. */
export interface PracticeUser {
  id: string;
  name: string;
  role: UserRole;
  agb?: string;
}

export type EndpointAuth = { scheme: 'none' } | { scheme: 'bearer'; token: string };

/**
 * In a configuration file, a bearer endpoint may leave its token out (`keepToken`): importing it keeps
 * the token this browser already has for that endpoint, so an export need not carry secrets.
 */
export type FileEndpointAuth = EndpointAuth | { scheme: 'bearer'; keepToken: true };

/**
 * How an endpoint takes referrals: `fhir-r4`, a FHIR R4 server (its base URL: transaction POST, Task
 * search for the way back); `json-webhook`, a plain JSON document POSTed to the URL as configured
 * (the full webhook URL), signed with HMAC-SHA256 (contract/webhook.ts). A webhook system has no way
 * back in this version: its referrals are not polled for feedback.
 */
export const ENDPOINT_FORMATS = ['fhir-r4', 'json-webhook'] as const;
export type EndpointFormat = (typeof ENDPOINT_FORMATS)[number];

/** Where referrals go: a social team's FHIR R4 endpoint (its base URL) or JSON webhook (its URL). */
export interface SocialTeamEndpoint {
  id: string;
  name: string;
  url: string;
  format: EndpointFormat;
  auth: EndpointAuth;
  /**
   * `json-webhook` only, and required there (with bearer auth): the HMAC key every request is signed
   * with. A secret like the token: never shown to the options page, exported only with the tokens.
   */
  signingSecret?: string;
}

/**
 * In a configuration file, a webhook endpoint may leave its signing secret out
 * (`keepSigningSecret: true`) to keep the one this browser has, as {@link FileEndpointAuth} does for tokens.
 */
export type FileSocialTeamEndpoint = Omit<SocialTeamEndpoint, 'auth' | 'signingSecret'> & {
  auth: FileEndpointAuth;
  signingSecret?: string;
  keepSigningSecret?: true;
};

/** A whole configuration, as a configuration file holds it and as the three layers combine into. */
export interface PracticeConfiguration {
  practice: PracticeProfile;
  users: PracticeUser[];
  endpoints: SocialTeamEndpoint[];
  ruleSets: RuleSet[];
  /** Ids of rule sets that are switched off (bundled example sets start off). */
  disabledRuleSets: string[];
  adapters: PageAdapter[];
}

/** The rule sets that are switched on, in configuration order. */
export function enabledRuleSets(configuration: Pick<PracticeConfiguration, 'ruleSets' | 'disabledRuleSets'>): RuleSet[] {
  return configuration.ruleSets.filter((ruleSet) => !configuration.disabledRuleSets.includes(ruleSet.id));
}

/** The parts of a configuration, each validated, saved, locked by policy and reported on its own. */
export const CONFIGURATION_SECTIONS = ['practice', 'users', 'endpoints', 'ruleSets', 'disabledRuleSets', 'adapters'] as const;
export type ConfigurationSection = (typeof CONFIGURATION_SECTIONS)[number];

/** Where a value comes from, lowest first: bundled with the extension, saved by the administrator, browser policy. */
export type ConfigurationLayer = 'default' | 'saved' | 'policy';

/** What the options page shows of an endpoint's authentication: never the token itself. */
export type EndpointAuthView = { scheme: 'none' } | { scheme: 'bearer'; tokenHint: string };

/** An item of a list section and the layer it comes from. */
export interface Sourced<T> {
  value: T;
  source: ConfigurationLayer;
}

/** A problem with one layer's section, which was therefore ignored as a whole. */
export interface ConfigurationProblem {
  layer: ConfigurationLayer;
  section: ConfigurationSection | 'file';
  path: string;
  message: string;
}

/** The version of the configuration file format (`vroegsignaal-configuration` files). */
export const CONFIGURATION_FILE_FORMAT = 'vroegsignaal-configuration';
export const CONFIGURATION_FILE_VERSION = 1;

/** A built-in adapter to start from: everything but the adapter's own id, name and pages. */
export interface AdapterTemplate {
  id: string;
  name: LocalizedText;
  description: LocalizedText;
  adapter: Omit<PageAdapter, 'id' | 'name' | 'pages'>;
}

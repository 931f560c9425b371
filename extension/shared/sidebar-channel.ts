import type { Practitioner } from '../../contract/referral-bundle';
import type { PracticeUser } from './configuration';
import type { Locale } from './locale';
import type { ReferralStatus } from './messages';
import type { RuleSetMatch } from './rule-engine';
import type { RuleSet } from './rule-set';

// The private channel between the content script (which reads the EHR page) and the sidebar, an
// extension page in a frame the page cannot read or script. It is a `runtime.Port` the frame opens
// to its own tab's content script: the page sees none of it. What the GP types into the sidebar
// never travels on it; only what the page already showed (patient, triggers) goes in, and only
// layout and placement questions come out.

/** The sidebar frame's page, as built (`extension/entrypoints/sidebar/`). */
export const SIDEBAR_PAGE_PATH = '/sidebar.html';
/** A port's name is this prefix and the one-time key of the frame the content script created. */
export const SIDEBAR_PORT_PREFIX = 'vroegsignaal-sidebar:';

/** What this page is configured with, as the background handed it to the content script. */
export interface PageContext {
  adapterId: string;
  ruleSets: RuleSet[];
  /** Per rule set, the social team its referrals go to (null: no endpoint configured). */
  recipients: Record<string, string | null>;
  users: PracticeUser[];
  locale: Locale;
}

/** What the page says about the patient who is open. */
export interface PatientOnPage {
  key: string;
  name: string;
  phone: string;
  birthDate: string;
}

/** How much of the page edge the sidebar takes. */
export type SidebarLayout = 'hidden' | 'tab' | 'panel';

/**
 * Why the content script cannot vouch that the GP saw the sidebar where they clicked: something of
 * the page's lies on top, the sidebar (or the page around it) is see-through or hidden, it is not
 * wholly inside the window, or the tab is in the background.
 */
export type PlacementProblem = 'covered' | 'hidden' | 'off-screen' | 'page-hidden';

/** Content script → sidebar frame. */
export type ToSidebarFrame =
  | { type: 'session'; page: PageContext }
  | { type: 'patient'; patient: PatientOnPage | null; practitioner: Practitioner }
  | { type: 'triggers'; matches: RuleSetMatch[] }
  | { type: 'status'; status: ReferralStatus }
  /** The GP has not typed in the EHR for a moment since the last trigger: a waiting prompt may open. */
  | { type: 'typing-paused' }
  | { type: 'placement'; id: number; problem: PlacementProblem | null };

/** Sidebar frame → content script. `x`/`y` are in the frame's own viewport. */
export type FromSidebarFrame = { type: 'layout'; layout: SidebarLayout } | { type: 'placement?'; id: number; x: number; y: number };

/** Whether a URL is the sidebar frame's page (any extension scheme, also a per-session dynamic origin). */
export function isSidebarPageUrl(url: string | undefined): boolean {
  if (!url || !URL.canParse(url)) return false;
  const parsed = new URL(url);
  return (parsed.protocol === 'chrome-extension:' || parsed.protocol === 'moz-extension:') && parsed.pathname === SIDEBAR_PAGE_PATH;
}

/**
 * Firefox gives an extension page framed in a web page no `tabs` API, so the sidebar frame cannot
 * open a port to its tab's content script there. Instead the content script hands the frame one end
 * of a MessageChannel, posted straight to the frame's window (the page cannot intercept a message
 * to a frame it cannot reach) with the frame's one-time key, which only the content script and the
 * frame know: the frame takes the first port that comes with its key, from its parent, and no other.
 */
export const SIDEBAR_HANDOVER_TYPE = 'vroegsignaal-sidebar-port';

/** The handover message that comes with the port (see SIDEBAR_HANDOVER_TYPE). */
export interface SidebarHandover {
  type: typeof SIDEBAR_HANDOVER_TYPE;
  key: string;
}

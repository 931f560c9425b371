import type { Practitioner, ScreeningAnswer } from '../../contract/referral-bundle';
import type { CallMoment, LifeDomain } from '../../contract/referral-contract';
import type { ReferralFeedback } from '../../contract/referral-status';
import type { PracticeUser } from './configuration';
import type { DeliveryError, DeliveryState } from './messages';

// The practice assistant's work list (the browser's side panel) as the page and the background share
// it: types and pure helpers only. The list itself is built in background/work-list.ts.

/** The kinds of item, in the order the list shows them. */
export const WORK_LIST_KINDS = ['needs-attention', 'draft', 'overdue', 'outcome-unseen', 'dismissed-today'] as const;
export type WorkListKind = (typeof WORK_LIST_KINDS)[number];

/**
 * One thing for the assistant to look at. `id` is `<prefix>:<key>` (see {@link parseWorkListItemId}):
 * stable while the item stays what it is, so "opened" can be remembered per item.
 */
export interface WorkListItem {
  id: string;
  kind: WorkListKind;
  /** When it became an item (the refusal, the draft, the callback deadline, the feedback, the dismissal). */
  at: string;
  /** The name this browser holds for the patient, when it holds one. */
  patientName: string | null;
  /** Not opened since it became (or last changed into) what it is now. */
  unread: boolean;
  ruleSetIds: string[];
  referralId?: string;
  draftId?: string;
  /** The social team the referral goes to. */
  recipient?: string;
  /** needs-attention: why the receiver refused it (`http` with the receiver's reason, `auth`: the endpoint's token). */
  problem?: DeliveryError;
  /** dismissed-today: the GP's reason. */
  dismissalReason?: 'not-now' | 'not-relevant';
  /** outcome-unseen: what the social team reported. */
  feedback?: ReferralFeedback;
}

/** The list as the side panel shows it, after its filter and search. */
export interface WorkListView {
  items: WorkListItem[];
  /** Items per kind, with the search applied but not the kind filter (for the filter buttons). */
  counts: Record<WorkListKind, number>;
  /** Items not opened yet, over the whole list (the toolbar badge's number). */
  unread: number;
  /** The practice's users, so the assistant can say who is working (the audit log's user). */
  users: PracticeUser[];
}

/** What opening an item shows: only what this browser still holds (a delivered referral no longer has its phone). */
export interface WorkListDetails {
  item: WorkListItem;
  patient: { name: string | null; phone: string | null };
  state?: DeliveryState;
  createdAt?: string;
  deliveredAt?: string;
  callMoment?: CallMoment;
  lifeDomains?: LifeDomain[];
  note?: string;
  /** Whether the patient agreed to share a note (only then may one be written or changed). */
  noteShared?: boolean;
  answers?: Record<string, ScreeningAnswer>;
  /** Who recorded the patient's consent, and when. */
  consent?: { recordedBy: Practitioner; recordedAt: string };
  /** The journal line for the EHR, when there is one for this item. */
  journalText?: string;
}

/** What the assistant may change before a refused referral goes out again. */
export interface ReferralChanges {
  phone?: string;
  callMoment?: CallMoment;
  note?: string;
}

/** Splits an item id into its prefix and key; null when it is not one. */
export function parseWorkListItemId(id: string): { prefix: 'attention' | 'overdue' | 'outcome' | 'dismissed' | 'draft' | 'referral'; key: string } | null {
  const match = /^(attention|overdue|outcome|dismissed|draft|referral):(.+)$/.exec(id);
  return match ? { prefix: match[1] as 'attention', key: match[2]! } : null;
}

/** The text on the toolbar badge for a number of unread items: nothing for none, `99+` beyond. */
export function unreadBadgeText(unread: number): string {
  if (unread <= 0) return '';
  return unread > 99 ? '99+' : String(unread);
}

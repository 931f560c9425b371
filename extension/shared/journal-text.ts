import { OUTCOME_DISPLAY_NL, PARTNER_DISPLAY_NL, type ReferralFeedback } from '../../contract/referral-status';

// Suggested journal lines for the GP to paste into the EHR. Always Dutch: the journal is the
// practice's Dutch record, whatever language the assistant's browser speaks. The extension never
// writes them into the EHR itself: the side panel copies them to the clipboard on a click.

/** The journal line after a referral: ICPC Z01 (poverty/financial problems) with a one-line note. */
export function referralJournalText(): string {
  return 'Z01 Verwezen naar sociaal wijkteam (Vroegsignaal), met toestemming van patiënt; terugbellen binnen 2 werkdagen.';
}

/** A date as Dutch journals write it: `12-03-2026`, in the given time zone (the browser's by default). */
export function journalDate(iso: string, timeZone?: string): string {
  const parts = new Intl.DateTimeFormat('nl-NL', { day: '2-digit', month: '2-digit', year: 'numeric', ...(timeZone ? { timeZone } : {}) }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((candidate) => candidate.type === type)?.value ?? '';
  return `${part('day')}-${part('month')}-${part('year')}`;
}

/**
 * The journal line when the social team reported back: the date, the outcome (or that contact was
 * made), and the partners involved. Null when there is nothing to report yet.
 */
export function outcomeJournalText(feedback: ReferralFeedback, fallbackDate: string, timeZone?: string): string | null {
  if (!feedback.outcome && !feedback.contactedAt) return null;
  const date = journalDate(feedback.outcome ? (feedback.lastModified ?? fallbackDate) : feedback.contactedAt!, timeZone);
  const what = feedback.outcome ? OUTCOME_DISPLAY_NL[feedback.outcome] : 'contact met patiënt gelegd';
  const partners = feedback.partners.map((partner) => PARTNER_DISPLAY_NL[partner]);
  return `Z01 Terugkoppeling sociaal wijkteam ${date}: ${what}${partners.length > 0 ? `, partners: ${partners.join(', ')}` : ''}.`;
}

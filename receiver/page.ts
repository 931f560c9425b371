/**
 * The social team's overview page: server-rendered HTML, no scripts. Stored data came from outside
 * (a browser extension, or anyone who can reach the endpoint), so every interpolated value goes
 * through {@link escapeHtml} — no exceptions, including values that "cannot" contain markup.
 */
import type { StoredReferral } from './store.js';
import { ANSWER_CODES, LIFE_DOMAIN_DISPLAY_NL } from '../contract/referral-contract.js';

/** Escapes text for use in HTML element content and in double- or single-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Dutch labels of the LOINC answer codes of the screening questions. */
const ANSWER_LABELS: Record<string, string> = Object.fromEntries(Object.values(ANSWER_CODES).map((answer) => [answer.code, answer.labelNl]));

const TASK_STATUS_LABELS: Record<string, string> = {
  requested: 'Nieuw',
  received: 'Ontvangen',
  accepted: 'Geaccepteerd',
  'in-progress': 'In behandeling',
  completed: 'Afgerond',
  rejected: 'Afgewezen',
  cancelled: 'Geannuleerd',
};

const dateTime = new Intl.DateTimeFormat('nl-NL', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Amsterdam' });

/**
 * Renders the list of received referrals, newest first (the caller passes them in that order).
 * @param refreshSeconds how often the page reloads itself; 0 disables the refresh.
 */
export function renderReferralsPage(referrals: readonly StoredReferral[], refreshSeconds = 5): string {
  const title = 'Sociaal wijkteam — ontvangen verwijzingen (referentie-ontvanger)';
  const body =
    referrals.length === 0
      ? '<p class="empty">Nog geen verwijzingen ontvangen.</p>'
      : `<ol class="referrals">${referrals.map(renderReferral).join('')}</ol>`;
  const refresh = refreshSeconds > 0 ? `<meta http-equiv="refresh" content="${escapeHtml(refreshSeconds)}">` : '';
  return `<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refresh}
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${escapeHtml(referrals.length)} ${referrals.length === 1 ? 'verwijzing' : 'verwijzingen'} · nieuwste eerst · ververst elke ${escapeHtml(refreshSeconds)} s · alleen synthetische testpatiënten</p>
</header>
<main>
${body}
</main>
</body>
</html>
`;
}

function renderReferral(referral: StoredReferral): string {
  const domains = referral.lifeDomains.map((code) => (LIFE_DOMAIN_DISPLAY_NL as Record<string, string>)[code] ?? code);
  const answers = referral.answers
    .map((a) => {
      const answer = (a.code ? ANSWER_LABELS[a.code] : undefined) ?? a.answer ?? 'geen antwoord';
      return `<li><span class="q">${escapeHtml(a.question ?? a.linkId)}</span> <strong class="a">${escapeHtml(answer)}</strong></li>`;
    })
    .join('');
  const status = TASK_STATUS_LABELS[referral.taskStatus] ?? referral.taskStatus;
  return `<li class="referral">
<article>
<h2>${escapeHtml(referral.patientName)} <span class="phone">${escapeHtml(referral.patientPhone)}</span></h2>
<dl>
<dt>Ontvangen</dt><dd><time datetime="${escapeHtml(referral.receivedAt)}">${escapeHtml(formatDate(referral.receivedAt))}</time></dd>
<dt>Belmoment</dt><dd>${escapeHtml(referral.callMoment ?? '—')}</dd>
<dt>Levensdomein(en)</dt><dd>${escapeHtml(domains.length ? domains.join(', ') : '—')}</dd>
<dt>Notitie</dt><dd class="note">${escapeHtml(referral.note ?? '—')}</dd>
<dt>Toestemming vastgelegd door</dt><dd>${escapeHtml(referral.consentRecordedBy ?? '—')}</dd>
<dt>Antwoorden</dt><dd><ul class="answers">${answers || '<li>—</li>'}</ul></dd>
<dt>Keren ontvangen</dt><dd>${escapeHtml(referral.timesReceived)}</dd>
<dt>Status</dt><dd>${escapeHtml(status)}</dd>
<dt>Verwijzings-id</dt><dd class="id">${escapeHtml(referral.id)}</dd>
</dl>
</article>
</li>`;
}

function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

const STYLE = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #5b6470; --bg: #f6f7f9; --card: #fff; --line: #d9dde3; --accent: #0b6e4f; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8eaed; --muted: #a3abb5; --bg: #16181c; --card: #1f2227; --line: #343841; --accent: #4cc29a; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header, main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.25rem; }
h1 { font-size: 1.35rem; margin: 0.5rem 0 0.25rem; }
.meta, .empty { color: var(--muted); margin: 0; }
.referrals { list-style: none; margin: 0; padding: 0; display: grid; gap: 1rem; }
article { background: var(--card); border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 6px; padding: 0.75rem 1rem; }
h2 { font-size: 1.15rem; margin: 0 0 0.5rem; }
.phone { font-weight: 400; color: var(--muted); margin-left: 0.5rem; font-variant-numeric: tabular-nums; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
.note { white-space: pre-line; }
.answers { margin: 0; padding-left: 1.1rem; }
.id { font-family: ui-monospace, monospace; font-size: 0.85rem; color: var(--muted); }
`;

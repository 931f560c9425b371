/**
 * The social team's overview page: server-rendered HTML, no scripts. Stored data came from outside
 * (a browser extension, or anyone who can reach the endpoint), so every interpolated value goes
 * through {@link escapeHtml} — no exceptions, including values that "cannot" contain markup.
 *
 * Text must also stay text for the bidirectional algorithm: a name ending in U+202E (RIGHT-TO-LEFT
 * OVERRIDE) would otherwise reverse the phone number printed after it, and the social team would call
 * the wrong number. So every stored value is rendered with {@link isolateText}: its own `<bdi>`
 * isolate, with its bidi controls balanced so none can close that isolate early or outlive it.
 */
import { createHash } from 'node:crypto';
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

const EMBEDDING_OPENERS = new Set(['\u202A', '\u202B', '\u202D', '\u202E']); // LRE RLE LRO RLO
const ISOLATE_OPENERS = new Set(['\u2066', '\u2067', '\u2068']); // LRI RLI FSI
const PDF = '\u202C';
const PDI = '\u2069';
/** Characters that end a bidi paragraph, and with it every embedding and isolate (UAX #9, type B). */
const PARAGRAPH_SEPARATORS = new Set(['\n', '\r', '\u001C', '\u001D', '\u001E', '\u0085', '\u2029']);

/**
 * Makes a piece of text self-contained for the Unicode bidirectional algorithm: drops a PDF or PDI
 * that would close something opened outside the text, and closes whatever the text leaves open, at
 * each paragraph end and at its end. The bidi algorithm sees a `<bdi>` as if its text were wrapped in
 * FSI…PDI (browsers insert those very controls), so a stray PDI in a name could end the name's isolate
 * early and let an RLO after it act on the text that follows. Balanced text (e.g. a correctly marked
 * Arabic or Hebrew name) comes out unchanged.
 */
export function balanceBidiControls(text: string): string {
  const open: Array<typeof PDF | typeof PDI> = [];
  const closeAll = () => open.splice(0).reverse().join('');
  let out = '';
  for (const char of text) {
    if (EMBEDDING_OPENERS.has(char)) {
      open.push(PDF);
    } else if (ISOLATE_OPENERS.has(char)) {
      open.push(PDI);
    } else if (char === PDF) {
      // A PDF cannot close across an isolate (UAX #9 X7), so only an embedding on top counts.
      if (open.at(-1) !== PDF) continue;
      open.pop();
    } else if (char === PDI) {
      // A PDI also ends the embeddings opened inside its isolate (X6a).
      const isolate = open.lastIndexOf(PDI);
      if (isolate < 0) continue;
      open.length = isolate;
    } else if (PARAGRAPH_SEPARATORS.has(char)) {
      out += closeAll();
    }
    out += char;
  }
  return out + closeAll();
}

/** Stored text as HTML: escaped, bidi-balanced and in its own isolate, so it cannot move its neighbours. */
export function isolateText(value: unknown, attributes = ''): string {
  return `<bdi${attributes}>${escapeHtml(balanceBidiControls(String(value ?? '')))}</bdi>`;
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
      return `<li><span class="q">${isolateText(a.question ?? a.linkId)}</span> <strong class="a">${isolateText(answer)}</strong></li>`;
    })
    .join('');
  const status = TASK_STATUS_LABELS[referral.taskStatus] ?? referral.taskStatus;
  return `<li class="referral">
<article>
<h2>${isolateText(referral.patientName, ' class="name"')} <span class="phone">${isolateText(referral.patientPhone, ' dir="ltr"')}</span></h2>
<dl>
<dt>Ontvangen</dt><dd><time datetime="${escapeHtml(referral.receivedAt)}">${escapeHtml(formatDate(referral.receivedAt))}</time></dd>
<dt>Belmoment</dt><dd>${orDash(referral.callMoment)}</dd>
<dt>Levensdomein(en)</dt><dd>${domains.length ? domains.map((domain) => isolateText(domain)).join(', ') : '—'}</dd>
<dt>Notitie</dt><dd class="note">${orDash(referral.note)}</dd>
<dt>Toestemming vastgelegd door</dt><dd>${orDash(referral.consentRecordedBy)}</dd>
<dt>Antwoorden</dt><dd><ul class="answers">${answers || '<li>—</li>'}</ul></dd>
<dt>Keren ontvangen</dt><dd>${escapeHtml(referral.timesReceived)}</dd>
<dt>Status</dt><dd>${isolateText(status)}</dd>
<dt>Verwijzings-id</dt><dd class="id">${isolateText(referral.id)}</dd>
</dl>
</article>
</li>`;
}

function orDash(value: string | null | undefined): string {
  return value ? isolateText(value) : '—';
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

/**
 * The page's Content-Security-Policy: nothing may load or run; the one inline stylesheet is allowed by
 * its hash rather than by 'unsafe-inline', so even markup that slipped past escaping could not style
 * the page (e.g. hide a field). The refresh is a meta element, which CSP does not govern.
 */
export const PAGE_CONTENT_SECURITY_POLICY = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

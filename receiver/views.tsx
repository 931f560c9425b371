/**
 * The social team's inbox pages, rendered on the server as Preact components (no client script at
 * all: the CSP forbids it). Preact escapes every interpolated value; on top of that every stored text
 * goes through {@link Text}: its own `<bdi>` isolate with its bidi controls balanced, so a name ending
 * in U+202E cannot reverse the phone number printed after it (see page.ts).
 */
import type { ComponentChildren, JSX } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { ANSWER_CODES, LIFE_DOMAIN_DISPLAY_NL } from '../contract/referral-contract.js';
import {
  BUSINESS_STATUS_DISPLAY_NL,
  businessStatusFor,
  GP_NOTE_MAX_LENGTH,
  OUTCOME_DISPLAY_NL,
  PARTNER_DISPLAY_NL,
  REFERRAL_OUTCOMES,
  REFERRAL_PARTNERS,
} from '../contract/referral-status.js';
import { balanceBidiControls } from './bidi.js';
import type { AccessLogEntry, HistoryEntry, QueueFilter, StoredReferral } from './store.js';

/** Stored text: escaped by Preact, bidi-balanced, in its own isolate. */
export function Text({ value, dir, class: className }: { value: unknown; dir?: 'ltr' | 'rtl' | 'auto'; class?: string }) {
  return (
    <bdi class={className} dir={dir}>
      {balanceBidiControls(String(value ?? ''))}
    </bdi>
  );
}

/** A page as a complete HTML document. */
export function renderPage(page: JSX.Element): string {
  return `<!doctype html>\n${renderToString(page)}\n`;
}

const DATE_TIME = new Intl.DateTimeFormat('nl-NL', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Amsterdam' });
const DUE_DATE = new Intl.DateTimeFormat('nl-NL', { weekday: 'short', day: 'numeric', month: 'long', timeZone: 'UTC' });

/** "do 26 nov 2026 14:05" on the practice's clock. */
export function formatDateTime(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : DATE_TIME.format(date).replace(',', '');
}

/** "di 1 december" for a local date `YYYY-MM-DD`. */
export function formatDueDate(localDate: string): string {
  const [year, month, day] = localDate.split('-').map(Number);
  return DUE_DATE.format(new Date(Date.UTC(year!, month! - 1, day!)));
}

/** The logged-in team member, as the layout shows them. */
export interface PageUser {
  username: string;
  displayName: string;
}

function Layout({ title, user, csrfToken, active, children }: { title: string; user: PageUser | null; csrfToken: string; active?: 'queue' | 'audit'; children: ComponentChildren }) {
  return (
    <html lang="nl">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} — Sociaal wijkteam, verwijzingen`}</title>
        <link rel="stylesheet" href="/static/inbox.css" />
      </head>
      <body>
        <a class="skip-link" href="#inhoud">
          Naar de inhoud
        </a>
        <header class="top">
          <p class="brand">Sociaal wijkteam · verwijzingen van de huisarts</p>
          {user && (
            <nav aria-label="Hoofdmenu">
              <ul>
                <li>
                  <a href="/" aria-current={active === 'queue' ? 'page' : undefined}>
                    Werkvoorraad
                  </a>
                </li>
                <li>
                  <a href="/audit" aria-current={active === 'audit' ? 'page' : undefined}>
                    Inzagelog
                  </a>
                </li>
              </ul>
            </nav>
          )}
          {user && (
            <form method="post" action="/uitloggen" class="logout">
              <span class="who">
                Ingelogd als <Text value={user.displayName} />
              </span>
              <input type="hidden" name="_csrf" value={csrfToken} />
              <button type="submit">Uitloggen</button>
            </form>
          )}
        </header>
        <main id="inhoud" tabIndex={-1}>
          {children}
        </main>
      </body>
    </html>
  );
}

// ---------------------------------------------------------------------------------------------
// Login

export function LoginPage({ csrfToken, username, error, notice }: { csrfToken: string; username?: string; error?: string; notice?: string }) {
  return (
    <Layout title="Inloggen" user={null} csrfToken={csrfToken}>
      <section class="login" aria-labelledby="login-title">
        <h1 id="login-title">Inloggen</h1>
        {notice && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        {error && (
          <p class="error" role="alert" id="login-error">
            {error}
          </p>
        )}
        <form method="post" action="/inloggen">
          <input type="hidden" name="_csrf" value={csrfToken} />
          <p class="field">
            <label for="username">Gebruikersnaam</label>
            <input id="username" name="username" type="text" autocomplete="username" required value={username ?? ''} autofocus aria-describedby={error ? 'login-error' : undefined} />
          </p>
          <p class="field">
            <label for="password">Wachtwoord</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required />
          </p>
          <p>
            <button type="submit" class="primary">
              Inloggen
            </button>
          </p>
        </form>
      </section>
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// Work queue

/** What the queue and the detail page need to know about a referral's deadline. */
export interface DeadlineView {
  dueDate: string;
  overdue: boolean;
}

const FILTER_LABELS: Record<QueueFilter, string> = { open: 'Open', closed: 'Afgerond', withdrawn: 'Ingetrokken', all: 'Alle' };

function statusText(referral: StoredReferral): string {
  return BUSINESS_STATUS_DISPLAY_NL[businessStatusFor(referral.progress)];
}

function Deadline({ deadline, referral }: { deadline: DeadlineView; referral: StoredReferral }) {
  if (referral.withdrawn || referral.progress.outcome) return <span class="muted">—</span>;
  return (
    <span class={deadline.overdue ? 'deadline overdue' : 'deadline'}>
      uiterlijk <time datetime={deadline.dueDate}>{formatDueDate(deadline.dueDate)}</time>
      {deadline.overdue && <strong class="late"> te laat</strong>}
    </span>
  );
}

function Practice({ referral }: { referral: StoredReferral }) {
  if (!referral.practiceId) return <span class="muted">onbekende praktijk</span>;
  return (
    <>
      <Text value={referral.practiceName ?? referral.practiceId} />
      {referral.contactPoint && (
        <span class="contact-point">
          {'Contactpunt: '}
          <Text value={referral.contactPoint} />
        </span>
      )}
    </>
  );
}

export function QueuePage({
  user,
  csrfToken,
  filter,
  counts,
  referrals,
  deadlines,
}: {
  user: PageUser;
  csrfToken: string;
  filter: QueueFilter;
  counts: Record<QueueFilter, number>;
  referrals: readonly StoredReferral[];
  deadlines: ReadonlyMap<string, DeadlineView>;
}) {
  const overdue = referrals.filter((referral) => deadlines.get(referral.id)?.overdue && !referral.withdrawn && !referral.progress.outcome).length;
  return (
    <Layout title="Werkvoorraad" user={user} csrfToken={csrfToken} active="queue">
      <h1>Werkvoorraad</h1>
      <nav aria-label="Filter" class="filters">
        <ul>
          {(Object.keys(FILTER_LABELS) as QueueFilter[]).map((key) => (
            <li>
              <a href={key === 'open' ? '/' : `/?filter=${key}`} aria-current={key === filter ? 'page' : undefined}>
                {FILTER_LABELS[key]} <span class="count">({counts[key]})</span>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <p class="summary" role="status">
        {filter === 'open'
          ? `${referrals.length} open ${referrals.length === 1 ? 'verwijzing' : 'verwijzingen'}, oudste eerst${overdue ? `; ${overdue} te laat` : ''}. Terugbellen binnen 2 werkdagen na ontvangst (weekend en feestdagen tellen niet).`
          : `${referrals.length} ${referrals.length === 1 ? 'verwijzing' : 'verwijzingen'}, meest recente eerst.`}
      </p>
      {referrals.length === 0 ? (
        <p class="empty">Geen verwijzingen in deze lijst.</p>
      ) : (
        <table class="queue">
          <caption class="visually-hidden">{`Verwijzingen: ${FILTER_LABELS[filter].toLowerCase()}`}</caption>
          <thead>
            <tr>
              <th scope="col">Ontvangen</th>
              <th scope="col">Patiënt</th>
              <th scope="col">Praktijk</th>
              <th scope="col">Terugbellen</th>
              <th scope="col">Pogingen</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {referrals.map((referral) => {
              const deadline = deadlines.get(referral.id)!;
              const late = deadline.overdue && !referral.withdrawn && !referral.progress.outcome;
              return (
                <tr class={['referral-row', late ? 'overdue' : '', referral.withdrawn ? 'withdrawn' : ''].filter(Boolean).join(' ')} data-referral={referral.uuid}>
                  <td>
                    <time datetime={referral.receivedAt}>{formatDateTime(referral.receivedAt)}</time>
                  </td>
                  <th scope="row">
                    <a href={`/verwijzingen/${referral.uuid}`}>{referral.withdrawn ? 'Toestemming ingetrokken' : <Text value={referral.patientName} class="name" />}</a>
                  </th>
                  <td>
                    <Practice referral={referral} />
                  </td>
                  <td>
                    <Deadline deadline={deadline} referral={referral} />
                  </td>
                  <td class="num">{referral.progress.failedAttempts + (referral.progress.contactedAt ? 1 : 0)}</td>
                  <td>{statusText(referral)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// Referral detail

const ANSWER_LABELS: Record<string, string> = Object.fromEntries(Object.values(ANSWER_CODES).map((answer) => [answer.code, answer.labelNl]));

/** What the forms show: the last values typed and the problems with them. */
export interface FormState {
  form?: 'called' | 'outcome';
  values?: Record<string, string | string[]>;
  errors?: Record<string, string>;
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <span class="field-error" id={id}>
      {message}
    </span>
  ) : null;
}

function historyText(entry: HistoryEntry): string {
  const what = entry.what;
  switch (what.type) {
    case 'received':
      return what.source === 'webhook' ? 'Verwijzing ontvangen (JSON-webhook)' : 'Verwijzing ontvangen (FHIR)';
    case 'called':
      return `Gebeld en gesproken op ${formatDateTime(what.contactedAt)}`;
    case 'not-reached':
      return `Gebeld, niet bereikt (poging ${what.attempt})`;
    case 'outcome': {
      const partners = what.partners.map((partner) => PARTNER_DISPLAY_NL[partner] ?? partner).join(', ');
      return `Uitkomst: ${OUTCOME_DISPLAY_NL[what.outcome] ?? what.outcome}${partners ? `; partners: ${partners}` : ''}${what.noteForGp ? `; notitie voor de huisarts: ${what.noteForGp}` : ''}`;
    }
    case 'withdrawn':
      return `Toestemming ingetrokken door de huisarts/patiënt${what.recordedBy ? ` (vastgelegd door ${what.recordedBy})` : ''}`;
    default:
      return JSON.stringify(what);
  }
}

function actorText(actor: string, names: ReadonlyMap<string, string>): string {
  if (actor.startsWith('practice:')) return `praktijk ${actor.slice('practice:'.length)}`;
  return names.get(actor) ?? actor;
}

export function DetailPage({
  user,
  csrfToken,
  referral,
  deadline,
  history,
  userNames,
  defaults,
  form,
  flash,
}: {
  user: PageUser;
  csrfToken: string;
  referral: StoredReferral;
  deadline: DeadlineView;
  history: readonly HistoryEntry[];
  userNames: ReadonlyMap<string, string>;
  defaults: { date: string; time: string };
  form: FormState;
  flash?: string | undefined;
}) {
  const progress = referral.progress;
  const values = form.values ?? {};
  const errors = form.errors ?? {};
  const value = (name: string, fallback: string) => (typeof values[name] === 'string' ? (values[name] as string) : fallback);
  const outcomeValue = form.form === 'outcome' ? value('uitkomst', '') : (progress.outcome ?? '');
  const partnerValues = form.form === 'outcome' ? ([] as string[]).concat(values.partner ?? []) : progress.partners;
  const noteValue = form.form === 'outcome' ? value('notitie', '') : (progress.noteForGp ?? '');
  const domains = referral.lifeDomains.map((code) => (LIFE_DOMAIN_DISPLAY_NL as Record<string, string>)[code] ?? code);

  return (
    <Layout title="Verwijzing" user={user} csrfToken={csrfToken} active="queue">
      <p class="back">
        <a href="/">← Terug naar de werkvoorraad</a>
      </p>
      {flash && (
        <p class="notice" role="status">
          {flash}
        </p>
      )}
      <article class="referral" aria-labelledby="patient">
        {referral.withdrawn ? (
          <>
            <h1 id="patient">Toestemming ingetrokken</h1>
            <p class="withdrawn-note">
              De patiënt heeft de toestemming ingetrokken{referral.withdrawnAt ? ` (${formatDateTime(referral.withdrawnAt)})` : ''}. Naam, telefoonnummer, notitie en antwoorden zijn
              gewist. Neem geen contact op.
            </p>
          </>
        ) : (
          <h1 id="patient">
            <Text value={referral.patientName} class="name" />{' '}
            <span class="phone">
              <a href={`tel:${referral.patientPhone ?? ''}`}>
                <Text value={referral.patientPhone} dir="ltr" />
              </a>
            </span>
          </h1>
        )}
        <dl class="facts">
          <dt>Status</dt>
          <dd>{statusText(referral)}</dd>
          <dt>Ontvangen</dt>
          <dd>
            <time datetime={referral.receivedAt}>{formatDateTime(referral.receivedAt)}</time>
          </dd>
          <dt>Terugbellen</dt>
          <dd>
            <Deadline deadline={deadline} referral={referral} />
          </dd>
          <dt>Praktijk</dt>
          <dd>
            <Practice referral={referral} />
          </dd>
          {!referral.withdrawn && (
            <>
              <dt>Belmoment</dt>
              <dd>{referral.callMoment ? <Text value={referral.callMoment} /> : '—'}</dd>
              <dt>Levensdomein(en)</dt>
              <dd>{domains.length ? domains.map((domain, i) => (i ? [', ', <Text value={domain} />] : <Text value={domain} />)) : '—'}</dd>
              <dt>Notitie van de huisarts</dt>
              <dd class="note">{referral.note ? <Text value={referral.note} /> : '—'}</dd>
            </>
          )}
          <dt>Toestemming vastgelegd door</dt>
          <dd>{referral.consentRecordedBy ? <Text value={referral.consentRecordedBy} /> : '—'}</dd>
          <dt>Verwijzings-id</dt>
          <dd class="id">
            <Text value={referral.id} />
          </dd>
        </dl>
        {!referral.withdrawn && (
          <section aria-labelledby="answers-title">
            <h2 id="answers-title">Antwoorden op de vragen</h2>
            <ul class="answers">
              {referral.answers.length === 0 && <li>—</li>}
              {referral.answers.map((answer) => (
                <li>
                  <span class="q">
                    <Text value={answer.question ?? answer.linkId} />
                  </span>{' '}
                  <strong class="a">
                    <Text value={(answer.code ? ANSWER_LABELS[answer.code] : undefined) ?? answer.answer ?? 'geen antwoord'} />
                  </strong>
                </li>
              ))}
            </ul>
          </section>
        )}
      </article>

      {!referral.withdrawn && (
        <section class="record" aria-labelledby="record-title">
          <h2 id="record-title">Vastleggen</h2>
          <p class="progress-line">
            {progress.contactedAt ? `Gesproken op ${formatDateTime(progress.contactedAt)}. ` : 'Nog niet gesproken. '}
            {`Niet bereikt: ${progress.failedAttempts} ${progress.failedAttempts === 1 ? 'keer' : 'keer'}${referral.lastAttemptAt ? ` (laatst ${formatDateTime(referral.lastAttemptAt)})` : ''}.`}
          </p>
          <div class="record-forms">
            <form method="post" action={`/verwijzingen/${referral.uuid}/gebeld`} class="card" aria-labelledby="called-title" novalidate>
              <h3 id="called-title">Gebeld en gesproken</h3>
              <input type="hidden" name="_csrf" value={csrfToken} />
              <p class="field">
                <label for="datum">Datum</label>
                <input
                  id="datum"
                  name="datum"
                  type="date"
                  required
                  value={form.form === 'called' ? value('datum', defaults.date) : defaults.date}
                  aria-invalid={errors.datum ? 'true' : undefined}
                  aria-describedby={errors.datum ? 'datum-fout' : undefined}
                />
                <FieldError id="datum-fout" message={errors.datum} />
              </p>
              <p class="field">
                <label for="tijd">Tijd</label>
                <input
                  id="tijd"
                  name="tijd"
                  type="time"
                  required
                  value={form.form === 'called' ? value('tijd', defaults.time) : defaults.time}
                  aria-invalid={errors.tijd ? 'true' : undefined}
                  aria-describedby={errors.tijd ? 'tijd-fout' : undefined}
                />
                <FieldError id="tijd-fout" message={errors.tijd} />
              </p>
              <p>
                <button type="submit" class="primary">
                  Gebeld vastleggen
                </button>
              </p>
            </form>
            <form method="post" action={`/verwijzingen/${referral.uuid}/niet-bereikt`} class="card" aria-labelledby="unreached-title">
              <h3 id="unreached-title">Niet bereikt</h3>
              <input type="hidden" name="_csrf" value={csrfToken} />
              <p>Elke keer vastleggen telt als één poging, met het tijdstip van nu.</p>
              <p>
                <button type="submit">Niet bereikt vastleggen</button>
              </p>
            </form>
          </div>

          <form method="post" action={`/verwijzingen/${referral.uuid}/uitkomst`} class="card outcome" aria-labelledby="outcome-title" novalidate>
            <h3 id="outcome-title">Uitkomst</h3>
            <input type="hidden" name="_csrf" value={csrfToken} />
            <fieldset aria-describedby={errors.uitkomst ? 'uitkomst-fout' : undefined}>
              <legend>Wat is er gebeurd?</legend>
              <FieldError id="uitkomst-fout" message={errors.uitkomst} />
              {REFERRAL_OUTCOMES.map((outcome) => (
                <p class="choice">
                  <input type="radio" id={`uitkomst-${outcome}`} name="uitkomst" value={outcome} checked={outcomeValue === outcome} />
                  <label for={`uitkomst-${outcome}`}>{OUTCOME_DISPLAY_NL[outcome]}</label>
                </p>
              ))}
            </fieldset>
            <fieldset aria-describedby={errors.partner ? 'partner-fout' : undefined}>
              <legend>Betrokken partners</legend>
              <FieldError id="partner-fout" message={errors.partner} />
              {REFERRAL_PARTNERS.map((partner) => (
                <p class="choice">
                  <input type="checkbox" id={`partner-${partner}`} name="partner" value={partner} checked={partnerValues.includes(partner)} />
                  <label for={`partner-${partner}`}>{PARTNER_DISPLAY_NL[partner]}</label>
                </p>
              ))}
            </fieldset>
            <p class="field">
              <label for="notitie">Notitie voor de huisarts (optioneel, hoogstens {GP_NOTE_MAX_LENGTH} tekens)</label>
              <textarea
                id="notitie"
                name="notitie"
                rows={3}
                maxLength={GP_NOTE_MAX_LENGTH}
                aria-invalid={errors.notitie ? 'true' : undefined}
                aria-describedby={errors.notitie ? 'notitie-fout' : 'notitie-hint'}
              >
                {noteValue}
              </textarea>
              <span class="hint" id="notitie-hint">
                De huisarts ziet deze notitie bij de patiënt. Geen gegevens die de huisarts niet hoeft te weten.
              </span>
              <FieldError id="notitie-fout" message={errors.notitie} />
            </p>
            <p>
              <button type="submit" class="primary">
                Uitkomst vastleggen
              </button>
            </p>
          </form>
        </section>
      )}

      <section aria-labelledby="history-title">
        <h2 id="history-title">Geschiedenis</h2>
        <ol class="history">
          {history.map((entry) => (
            <li>
              <time datetime={entry.at}>{formatDateTime(entry.at)}</time> · <Text value={actorText(entry.actor, userNames)} /> · <Text value={historyText(entry)} />
            </li>
          ))}
        </ol>
      </section>
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// Audit

const ACCESS_LABELS: Record<string, string> = { 'view-queue': 'werkvoorraad bekeken', 'view-detail': 'verwijzing geopend', 'view-api-list': 'lijst opgevraagd (API)' };

export function AuditPage({ user, csrfToken, entries }: { user: PageUser; csrfToken: string; entries: readonly AccessLogEntry[] }) {
  return (
    <Layout title="Inzagelog" user={user} csrfToken={csrfToken} active="audit">
      <h1>Inzagelog</h1>
      <p class="summary">Wie heeft wanneer persoonsgegevens van welke verwijzing gezien. De nieuwste {entries.length} regels, nieuwste eerst.</p>
      {entries.length === 0 ? (
        <p class="empty">Nog niets gelogd.</p>
      ) : (
        <table class="audit">
          <thead>
            <tr>
              <th scope="col">Tijdstip</th>
              <th scope="col">Medewerker</th>
              <th scope="col">Wat</th>
              <th scope="col">Verwijzing</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr>
                <td>
                  <time datetime={entry.at}>{formatDateTime(entry.at)}</time>
                </td>
                <td>
                  <Text value={entry.displayName ?? entry.username} /> <span class="muted">(<Text value={entry.username} />)</span>
                </td>
                <td>{ACCESS_LABELS[entry.what] ?? entry.what}</td>
                <td class="id">{entry.referralId ? <a href={`/verwijzingen/${entry.referralId.replace(/^urn:uuid:/, '')}`}><Text value={entry.referralId} /></a> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// Errors

export function MessagePage({ title, message, user, csrfToken }: { title: string; message: string; user: PageUser | null; csrfToken: string }) {
  return (
    <Layout title={title} user={user} csrfToken={csrfToken}>
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <a href="/">Naar de werkvoorraad</a>
      </p>
    </Layout>
  );
}

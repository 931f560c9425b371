/**
 * The social team's inbox: log in, the work queue, a referral's detail page with the forms to record
 * a call and the outcome, the access log. Server-rendered (views.tsx), no client script; every POST
 * carries a CSRF token; every page with personal data needs a logged-in team member and is logged in
 * `data_access_log`.
 *
 * Access log granularity: a detail view logs one row ('view-detail') for that referral; a queue view
 * logs one row per referral on the page ('view-queue'; the queue shows patients' names), or one row
 * without referral id when the page is empty; /api/referrals logs one row per referral
 * ('view-api-list').
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GP_NOTE_MAX_LENGTH, REFERRAL_OUTCOMES, REFERRAL_PARTNERS, type ReferralOutcome, type ReferralPartner } from '../contract/referral-status.js';
import { callbackDeadline, localDateOf, PRACTICE_TIME_ZONE, startOfLocalDay } from '../contract/working-days.js';
import { burnPasswordCheck, LOCKOUT_MS, MAX_FAILED_LOGINS, verifyPassword } from './auth.js';
import type { AppContext } from './server.js';
import {
  getReferral,
  getUser,
  listAccessLog,
  listReferrals,
  listUsers,
  logAccess,
  queueCounts,
  recordProgress,
  referralHistory,
  registerLoginFailure,
  registerLoginSuccess,
  QUEUE_FILTERS,
  sessionDestroy,
  type ProgressChange,
  type QueueFilter,
  type StoredReferral,
} from './store.js';
import { AuditPage, DetailPage, LoginPage, MessagePage, QueuePage, renderPage, type DeadlineView, type FormState, type PageUser } from './views.js';

declare module 'fastify' {
  interface Session {
    username?: string;
    flash?: string;
  }
  interface FastifyRequest {
    teamUser: PageUser | null;
  }
}

/**
 * The inbox pages' Content-Security-Policy: nothing may load or run except the one stylesheet from
 * this origin; forms post only here. No script-src: it falls back to default-src 'none'.
 */
export const PAGE_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOGIN_FAILED = 'Gebruikersnaam of wachtwoord onjuist.';
const LOCKED = `Dit account is tijdelijk geblokkeerd na ${MAX_FAILED_LOGINS} mislukte inlogpogingen. Probeer het over ${LOCKOUT_MS / 60_000} minuten opnieuw, of vraag een beheerder het account te deblokkeren.`;

export function registerInbox(app: FastifyInstance, context: AppContext): void {
  const { db } = context;
  app.decorateRequest('teamUser', null);

  const html = (reply: FastifyReply, body: string, status = 200) =>
    reply.code(status).header('Content-Security-Policy', PAGE_CONTENT_SECURITY_POLICY).type('text/html; charset=utf-8').send(body);
  const csrf = (reply: FastifyReply) => reply.generateCsrf();

  /** preHandler: a logged-in, enabled team member; else to the login page (or 401 for the JSON API). */
  const requireUser = async (request: FastifyRequest, reply: FastifyReply) => {
    const username = request.session.username;
    const user = username ? await getUser(db, username) : null;
    if (user && !user.disabled) {
      request.teamUser = { username: user.username, displayName: user.displayName };
      return;
    }
    if (username) await request.session.destroy();
    if (request.url.startsWith('/api/')) return reply.code(401).type('application/json; charset=utf-8').send({ error: 'log in as a team member first' });
    if (request.method !== 'GET') return reply.code(401).type('text/plain; charset=utf-8').send('Niet ingelogd.\n');
    const next = request.url === '/' ? '' : `?terug=${encodeURIComponent(request.url)}`;
    return reply.code(303).header('Location', `/inloggen${next}`).send();
  };

  // CSRF failures: a Dutch page, and nothing was changed.
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
      return html(
        reply,
        renderPage(
          <MessagePage
            title="Formulier verlopen"
            message="Dit formulier is verlopen of kwam niet van deze pagina. Er is niets vastgelegd. Ga terug, laad de pagina opnieuw en probeer het nog eens."
            user={request.teamUser}
            csrfToken={csrf(reply)}
          />,
        ),
        403,
      );
    }
    if (error.statusCode === 429) {
      return html(reply, renderPage(<MessagePage title="Te veel pogingen" message={`${error.message}.`} user={null} csrfToken={csrf(reply)} />), 429);
    }
    throw error;
  });

  // ------------------------------------------------------------------------------- log in / out

  app.get('/inloggen', async (request, reply) => {
    const query = request.query as { uitgelogd?: string };
    if (request.session.username) return reply.code(303).header('Location', '/').send();
    return html(reply, renderPage(<LoginPage csrfToken={csrf(reply)} notice={query.uitgelogd !== undefined ? 'U bent uitgelogd.' : undefined} />));
  });

  app.post(
    '/inloggen',
    {
      preHandler: app.csrfProtection,
      config: {
        rateLimit: {
          max: 10,
          timeWindow: LOCKOUT_MS,
          hook: 'preHandler',
          keyGenerator: (request: FastifyRequest) => `${request.ip}|${String((request.body as { username?: unknown } | undefined)?.username ?? '').trim().toLowerCase()}`,
        },
      },
    },
    async (request, reply) => {
      const body = (request.body ?? {}) as { username?: unknown; password?: unknown };
      const username = typeof body.username === 'string' ? body.username.trim().toLowerCase().slice(0, 64) : '';
      const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
      const refuse = (error: string) => html(reply, renderPage(<LoginPage csrfToken={csrf(reply)} username={username} error={error} />), 401);
      const now = context.now();

      const user = username ? await getUser(db, username) : null;
      if (!user || user.disabled) {
        await burnPasswordCheck(password);
        return refuse(LOGIN_FAILED);
      }
      if (user.lockedUntil && user.lockedUntil.getTime() > now.getTime()) {
        await burnPasswordCheck(password);
        return refuse(LOCKED);
      }
      if (!(await verifyPassword(user.passwordHash, password))) {
        const locked = await registerLoginFailure(db, user.username, MAX_FAILED_LOGINS, new Date(now.getTime() + LOCKOUT_MS));
        return refuse(locked ? LOCKED : LOGIN_FAILED);
      }
      await registerLoginSuccess(db, user.username, now);
      // A new session id at login: an id planted before (session fixation) is worth nothing afterwards.
      const previous = request.session.sessionId;
      await request.session.regenerate();
      await sessionDestroy(db, previous);
      request.session.username = user.username;
      const next = typeof (request.query as { terug?: unknown }).terug === 'string' ? (request.query as { terug: string }).terug : '/';
      return reply.code(303).header('Location', safeLocalPath(next)).send();
    },
  );

  app.post('/uitloggen', { preHandler: app.csrfProtection }, async (request, reply) => {
    await request.session.destroy();
    return reply.code(303).header('Location', '/inloggen?uitgelogd').send();
  });

  // ------------------------------------------------------------------------------- work queue

  const deadlineOf = (referral: StoredReferral, now: Date): DeadlineView => {
    const deadline = callbackDeadline(new Date(referral.receivedAt), context.calendar);
    // Overdue: open and nobody has called yet (neither reached nor tried) by the end of the due day.
    const called = referral.progress.contactedAt !== null || referral.progress.failedAttempts > 0;
    const open = !referral.withdrawn && !referral.progress.outcome;
    return { dueDate: deadline.dueDate, overdue: open && !called && now.getTime() >= deadline.overdueFrom.getTime() };
  };

  app.get('/', { preHandler: requireUser }, async (request, reply) => {
    const requested = (request.query as { filter?: string }).filter;
    const filter: QueueFilter = QUEUE_FILTERS.includes(requested as QueueFilter) ? (requested as QueueFilter) : 'open';
    const now = context.now();
    const [referrals, counts] = await Promise.all([listReferrals(db, filter), queueCounts(db)]);
    await logAccess(db, request.teamUser!.username, referrals.map((referral) => referral.id), 'view-queue', now);
    const deadlines = new Map(referrals.map((referral) => [referral.id, deadlineOf(referral, now)]));
    return html(reply, renderPage(<QueuePage user={request.teamUser!} csrfToken={csrf(reply)} filter={filter} counts={counts} referrals={referrals} deadlines={deadlines} />));
  });

  app.get('/api/referrals', { preHandler: requireUser }, async (request, reply) => {
    const referrals = await listReferrals(db, 'all');
    await logAccess(db, request.teamUser!.username, referrals.map((referral) => referral.id), 'view-api-list', context.now());
    return reply.type('application/json; charset=utf-8').send(referrals.map(({ bundle: _bundle, ...rest }) => rest));
  });

  // ------------------------------------------------------------------------------- detail

  const renderDetail = async (request: FastifyRequest, reply: FastifyReply, referral: StoredReferral, form: FormState, status = 200) => {
    const now = context.now();
    await logAccess(db, request.teamUser!.username, [referral.id], 'view-detail', now);
    const [history, users] = await Promise.all([referralHistory(db, referral.id), listUsers(db)]);
    const flash = request.session.flash;
    if (flash) request.session.flash = undefined;
    return html(
      reply,
      renderPage(
        <DetailPage
          user={request.teamUser!}
          csrfToken={csrf(reply)}
          referral={referral}
          deadline={deadlineOf(referral, now)}
          history={history}
          userNames={new Map(users.map((user) => [user.username, user.displayName]))}
          defaults={{ date: localDateOf(now), time: localTimeOf(now) }}
          form={form}
          flash={flash}
        />,
      ),
      status,
    );
  };

  const findReferral = async (request: FastifyRequest, reply: FastifyReply): Promise<StoredReferral | null> => {
    const { id } = request.params as { id: string };
    const referral = UUID.test(id) ? await getReferral(db, `urn:uuid:${id.toLowerCase()}`) : null;
    if (!referral) {
      await html(reply, renderPage(<MessagePage title="Niet gevonden" message="Deze verwijzing bestaat niet." user={request.teamUser} csrfToken={csrf(reply)} />), 404);
      return null;
    }
    return referral;
  };

  app.get('/verwijzingen/:id', { preHandler: requireUser }, async (request, reply) => {
    const referral = await findReferral(request, reply);
    if (!referral) return reply;
    return renderDetail(request, reply, referral, {});
  });

  /** Records a change, or re-renders the form with the problems; then back to the detail page. */
  const record = async (request: FastifyRequest, reply: FastifyReply, build: (referral: StoredReferral) => ProgressChange | FormState, flash: string) => {
    const referral = await findReferral(request, reply);
    if (!referral) return reply;
    if (referral.withdrawn) {
      return html(
        reply,
        renderPage(<MessagePage title="Toestemming ingetrokken" message="De toestemming voor deze verwijzing is ingetrokken; er kan niets meer worden vastgelegd." user={request.teamUser} csrfToken={csrf(reply)} />),
        409,
      );
    }
    const change = build(referral);
    if (!('type' in change)) return renderDetail(request, reply, referral, change, 400);
    const result = await recordProgress(db, referral.id, change, request.teamUser!.username, context.now());
    if (result === 'withdrawn') return reply.code(409).type('text/plain; charset=utf-8').send('Toestemming ingetrokken: niets vastgelegd.\n');
    request.session.flash = flash;
    return reply.code(303).header('Location', `/verwijzingen/${referral.uuid}`).send();
  };

  app.post('/verwijzingen/:id/gebeld', { preHandler: [requireUser, app.csrfProtection] }, (request, reply) =>
    record(
      request,
      reply,
      (referral) => {
        const body = (request.body ?? {}) as Record<string, unknown>;
        const values = { datum: String(body.datum ?? '').trim(), tijd: String(body.tijd ?? '').trim() };
        const errors: Record<string, string> = {};
        if (!/^\d{4}-\d{2}-\d{2}$/.test(values.datum) || Number.isNaN(Date.parse(values.datum))) errors.datum = 'Vul een geldige datum in.';
        if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(values.tijd)) errors.tijd = 'Vul een geldige tijd in (uu:mm).';
        if (Object.keys(errors).length === 0) {
          const at = localDateTime(values.datum, values.tijd);
          if (at.getTime() > context.now().getTime() + 5 * 60_000) errors.tijd = 'Dit tijdstip ligt in de toekomst.';
          else if (at.getTime() < new Date(referral.receivedAt).getTime() - 60_000) errors.datum = 'Dit tijdstip ligt vóór de ontvangst van de verwijzing.';
          else return { type: 'called', contactedAt: at };
        }
        return { form: 'called', values, errors };
      },
      'Vastgelegd: gebeld en gesproken.',
    ),
  );

  app.post('/verwijzingen/:id/niet-bereikt', { preHandler: [requireUser, app.csrfProtection] }, (request, reply) =>
    record(request, reply, () => ({ type: 'not-reached' }), 'Vastgelegd: niet bereikt.'),
  );

  app.post('/verwijzingen/:id/uitkomst', { preHandler: [requireUser, app.csrfProtection] }, (request, reply) =>
    record(
      request,
      reply,
      () => {
        const body = (request.body ?? {}) as Record<string, unknown>;
        const outcome = typeof body.uitkomst === 'string' ? body.uitkomst : '';
        const partners = ([] as unknown[]).concat(body.partner ?? []).map(String);
        const note = typeof body.notitie === 'string' ? body.notitie.replace(/\r\n/g, '\n').trim() : '';
        const values = { uitkomst: outcome, partner: partners, notitie: note };
        const errors: Record<string, string> = {};
        if (!(REFERRAL_OUTCOMES as readonly string[]).includes(outcome)) errors.uitkomst = 'Kies wat er is gebeurd.';
        if (partners.some((partner) => !(REFERRAL_PARTNERS as readonly string[]).includes(partner))) errors.partner = 'Kies alleen partners uit de lijst.';
        else if (outcome === 'handled-with-partners' && partners.length === 0) errors.partner = 'Kies bij “met partners” minstens één partner.';
        const length = [...note].length;
        if (length > GP_NOTE_MAX_LENGTH) errors.notitie = `De notitie is te lang: ${length} tekens, hoogstens ${GP_NOTE_MAX_LENGTH}.`;
        else if (!note.isWellFormed() || note.includes('\0')) errors.notitie = 'De notitie bevat ongeldige tekens.';
        if (Object.keys(errors).length > 0) return { form: 'outcome', values, errors };
        return {
          type: 'outcome',
          outcome: outcome as ReferralOutcome,
          partners: [...new Set(partners)] as ReferralPartner[],
          noteForGp: note || null,
        };
      },
      'Vastgelegd: de uitkomst. De huisarts ziet die bij de volgende keer dat de patiënt wordt geopend.',
    ),
  );

  // ------------------------------------------------------------------------------- audit

  app.get('/audit', { preHandler: requireUser }, async (request, reply) => {
    const entries = await listAccessLog(db, { limit: 500 });
    return html(reply, renderPage(<AuditPage user={request.teamUser!} csrfToken={csrf(reply)} entries={entries} />));
  });
}

/** Only a path on this site: never `//other.example` or a scheme, so the login cannot redirect away. */
function safeLocalPath(path: string): string {
  return /^\/(?![/\\])[^\s]*$/.test(path) ? path : '/';
}

/** "14:05" on the practice's clock. */
function localTimeOf(instant: Date): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: PRACTICE_TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
}

/** The instant of a local date and time on the practice's clock (daylight saving included). */
export function localDateTime(date: string, time: string): Date {
  const [hours, minutes] = time.split(':').map(Number);
  const midnight = startOfLocalDay(date);
  // Add the wall-clock time, then correct once if a daylight-saving change lies in between.
  const guess = new Date(midnight.getTime() + (hours! * 60 + minutes!) * 60_000);
  const shown = localTimeOf(guess).split(':').map(Number);
  const drift = (shown[0]! * 60 + shown[1]! - (hours! * 60 + minutes!)) * 60_000;
  return localDateOf(guess) === date ? new Date(guess.getTime() - drift) : guess;
}

/**
 * The social team's receiver: a small web application on Fastify.
 *
 * Endpoints
 *   POST    /fhir, /fhir/          transaction Bundle (a referral, or a consent withdrawal) → transaction-response
 *   GET     /fhir/Task?identifier=urn:ietf:rfc:3986|urn:uuid:<id>   searchset with the referral's Task
 *   GET     /fhir/Task/<uuid>      the referral's Task, with what the social team recorded
 *   GET     /fhir/metadata         CapabilityStatement (public, no data)
 *   POST    /webhook               JSON webhook (referral.created / referral.withdrawn), HMAC-signed
 *   GET     /api/stats             counters only (public, no patient data)
 *   GET     /healthz               liveness
 *   GET     /, /verwijzingen/<id>, /audit, /inloggen …   the inbox (receiver/inbox.tsx), team members only
 *   GET     /api/referrals         the referrals as JSON, team members only
 *
 * The FHIR and webhook endpoints need `Authorization: Bearer <token>` of a practice's API token
 * (receiver/cli.ts creates them). Without one: 401 before the body is even read, nothing stored.
 *
 * No CORS: the extension posts from its background service worker under a granted host permission,
 * which is not subject to CORS, so no web page needs to read our responses.
 *
 * Host check (DNS rebinding): a site can point its own name at 127.0.0.1 and then talk to the
 * receiver as "same origin"; the only trace of that is its name in the Host header. So every request
 * whose Host is not one we serve gets 421 before anything is read, stored or looked up — the first
 * hook of all. Served by default: the bound host, `localhost`, `127.0.0.1` and `[::1]`, each with the
 * listening port (and without a port when that is 80). Behind a reverse proxy under a public name,
 * add that name with {@link ReceiverOptions.allowedHosts} (CLI `--allowed-hosts`, env
 * `RECEIVER_ALLOWED_HOSTS`).
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySession from '@fastify/session';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { withdrawalIdempotencyKey } from '../contract/referral-bundle.js';
import { CONSENT_RECORDED_BY_URL, formatPath as formatContractPath, REFERRAL_ID_SYSTEM } from '../contract/referral-contract.js';
import { taskFeedbackFields } from '../contract/referral-status.js';
import { dutchHolidayCalendar } from './dutch-public-holidays.js';
import { callbackDeadline, type HolidayCalendar } from '../contract/working-days.js';
import { SIGNATURE_HEADER, verifyWebhookSignature, type WebhookReferral } from '../contract/webhook.js';
import { webhookDocumentSchema } from './webhook-schema.js';
import {
  bearerToken,
  databaseSessionStore,
  hashPassword,
  passwordProblem,
  SESSION_IDLE_MS,
  tokenHash,
  tokenId,
  verifyPassword,
} from './auth.js';
import { MEMORY, openDatabase, type Db } from './db.js';
import { fhirBundleEntryIssues, loadFhirDefinitions } from './fhir-validation.js';
import { registerInbox } from './inbox.js';
import {
  findActiveToken,
  getReferral,
  getUser,
  insertToken,
  insertUser,
  listAllReferrals,
  logRequest,
  migrate,
  PRACTICE_ID_PATTERN,
  pruneSessions,
  readStats,
  recordProgress,
  recordReferral,
  sharedSecret,
  updateUser,
  upsertPractice,
  USERNAME_PATTERN,
  withdrawReferral,
  type ProgressChange,
  type Stats,
  type StoredReferral,
} from './store.js';
import { formatPath, validateReferralBundle, type ReferralAnswer, type ReferralSummary } from './validate.js';

export type { Stats, StoredReferral } from './store.js';

/** Practices, tokens and team members to create (or update) at start: for tests, the demo and the benchmark. */
export interface ReceiverProvision {
  practices?: Array<{ id: string; name: string; contactPoint: string; token: string; webhookSecret?: string }>;
  users?: Array<{ username: string; name: string; password: string }>;
}

/** Options for {@link startReceiver}. */
export interface ReceiverOptions {
  /** TCP port; 0 picks a free one. Default 4320. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** PGlite data directory, or `memory://` for a throw-away database. Default `receiver/data`. Ignored with a database URL. */
  dataDir?: string;
  /** PostgreSQL server, e.g. `postgres://user:pw@host/db`. Default: `DATABASE_URL` when `dataDir` is not given, else PGlite. */
  databaseUrl?: string;
  /** Receives one line per request (never patient data). Default console.log. */
  log?: (line: string) => void;
  /** Accept diagnosis data in referrals. Default false; see {@link validateReferralBundle}. */
  allowDiagnosisCodes?: boolean;
  /**
   * Extra `Host` header values to serve, as `host` or `host:port` (e.g. `verwijzingen.wijkteam.example`
   * behind a reverse proxy; an entry without a port matches only a Host without a port). Compared
   * case-insensitively and exactly, no wildcards. Added to the defaults, which are always served.
   */
  allowedHosts?: readonly string[];
  /** Created or updated at start (idempotent). */
  provision?: ReceiverProvision;
  /** The clock for receipt times, deadlines, lock-outs and signatures. Default: the system clock. */
  now?: () => Date;
  /** Mark the session cookie Secure (set this when the inbox is served over https, e.g. behind a TLS proxy). Default false. */
  secureCookies?: boolean;
}

/** A running receiver. */
export interface Receiver {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:4320`; the FHIR base is `${url}/fhir`. */
  url: string;
  port: number;
  /** `pglite` or `postgresql`. */
  storage: 'pglite' | 'postgresql';
  /** Every stored referral, newest first, read directly from the database (tests, benchmark). */
  referrals(): Promise<StoredReferral[]>;
  /** The counters behind /api/stats, read directly from the database. */
  stats(): Promise<Stats>;
  /**
   * Records a call or an outcome as a team member does in the inbox, without its pages: for tests of
   * the way back to the GP that are not about the inbox (the inbox's own tests log in and use it).
   */
  recordProgress(referralId: string, change: ProgressChange, actor: string): Promise<StoredReferral | null | 'withdrawn'>;
  /** Stops accepting requests, lets running ones finish, then closes the database. Idempotent. */
  close(): Promise<void>;
}

/** Largest accepted request body: a referral is a few KiB; anything near this is not a referral. */
export const MAX_BODY_BYTES = 256 * 1024;
/** The port the extension's default build sends referrals to. */
export const DEFAULT_RECEIVER_PORT = 4320;
const DEFAULT_HOST = '127.0.0.1';
const MODULE_DIR = dirname(fileURLToPath(import.meta.url));
/** Default data directory, resolved against this file so it does not depend on the working directory. */
export const DEFAULT_DATA_DIR = resolve(MODULE_DIR, 'data');
const FHIR_JSON = 'application/fhir+json';
const STARTED_AT = new Date().toISOString();
const ACCEPTED_MEDIA_TYPES = new Set([FHIR_JSON, 'application/json']);
/** Requests per minute one API token may make (a practice sends a few referrals a day; retries and polling stay far below). */
const API_REQUESTS_PER_MINUTE = 1200;
/**
 * On every response. Almost every answer carries patient data or echoes what was sent, so none may be
 * cached; none is meant to be framed, sniffed into another type, or to leak its URL onwards. The CSP
 * keeps a JSON answer opened as a document inert; the inbox pages replace it with their own.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};
/**
 * Deepest JSON nesting accepted. A referral Bundle built by contract/referral-bundle.ts is 10 levels
 * deep (Bundle › entry › [i] › resource › provision › actor › [i] › role › coding › [i]); 64 leaves
 * room for extensions a real FHIR client might add and is far below what would strain the validators.
 */
export const MAX_JSON_DEPTH = 64;

declare module 'fastify' {
  interface FastifyRequest {
    /** The practice's token that authenticated this API request. */
    apiToken: { id: string; practiceId: string; webhookSecret: string | null } | null;
    /** Referral id for the request log line. */
    logReferralId: string | null;
    /** Refused by the Host check: already logged. */
    hostRefused: boolean;
  }
}

/** Everything the routes share. */
export interface AppContext {
  db: Db;
  now: () => Date;
  calendar: HolidayCalendar;
  allowDiagnosisCodes: boolean;
  log: (line: string) => void;
}

/**
 * Starts the receiver: loads the FHIR definitions, opens and migrates the database, provisions, then
 * listens.
 */
export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const log = options.log ?? ((line: string) => console.log(line));
  const now = options.now ?? (() => new Date());
  const extraHosts = (options.allowedHosts ?? []).map(normalizeAllowedHost);
  loadFhirDefinitions();

  const databaseUrl = options.databaseUrl ?? (options.dataDir === undefined ? process.env.DATABASE_URL || undefined : undefined);
  const db = await openDatabase({ dataDir: resolveDataDir(options.dataDir), databaseUrl });
  let sessionSecret: string;
  try {
    await migrate(db);
    await provision(db, options.provision ?? {});
    await pruneSessions(db);
    sessionSecret = await sharedSecret(db, 'session-cookie-key', () => randomBytes(48).toString('base64url'));
  } catch (error) {
    await db.close();
    throw error;
  }

  const context: AppContext = { db, now, calendar: dutchHolidayCalendar(), allowDiagnosisCodes: options.allowDiagnosisCodes ?? false, log };
  // Empty until listening: a request cannot arrive before then, and port 0 is only resolved by listen.
  const allowedHosts = new Set<string>();

  const app = Fastify({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    // The body of an unknown route or a refused Host is never read.
    return503OnClosing: true,
    routerOptions: { maxParamLength: 200 },
  });
  app.decorateRequest('apiToken', null);
  app.decorateRequest('logReferralId', null);
  app.decorateRequest('hostRefused', false);

  // First of all hooks: nothing is read, stored, counted or looked up for a request meant for another name.
  app.addHook('onRequest', async (request, reply) => {
    const hostHeader = request.headers.host;
    if (hostHeader === undefined || !allowedHosts.has(hostHeader.toLowerCase())) {
      request.hostRefused = true;
      // The Host is logged (bounded, quoted): a refused proxy name is what an operator needs to fix allowedHosts.
      log(`${request.method} ${pathOf(request)} 421 refused Host ${JSON.stringify((hostHeader ?? '(none)').slice(0, 100))}`);
      return reply
        .code(421)
        .header('Connection', 'close')
        .type('text/plain; charset=utf-8')
        .send('Misdirected Request: this receiver does not serve this Host.\n');
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(name)) reply.header(name, value);
    // Fastify appends "; charset=utf-8" to every JSON media type; FHIR answers keep the plain media
    // type they always had (JSON is UTF-8 by definition).
    if (reply.getHeader('content-type') === `${FHIR_JSON}; charset=utf-8`) reply.header('content-type', FHIR_JSON);
    const path = pathOf(request);
    if (!request.hostRefused && (path === '/fhir' || path.startsWith('/fhir/') || path === '/webhook')) {
      // Logged before replying, so a client that reads /api/stats right after its response sees it.
      try {
        await logRequest(db, { method: request.method, path, status: reply.statusCode, referralId: request.logReferralId });
      } catch (error) {
        log(`receiver could not write the request log: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    if (request.hostRefused) return;
    log(`${request.method} ${pathOf(request)} ${reply.statusCode} ${request.logReferralId ?? '-'} ${Math.round(reply.elapsedTime)}ms`);
  });

  // Bodies are read as bytes and checked by the routes themselves (media type, UTF-8, depth), so a
  // sender gets a FHIR OperationOutcome for each problem, not a framework error. The inbox's forms
  // get @fastify/formbody's parser (registered below), which takes precedence for its media type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) log(`receiver error on ${request.method} ${pathOf(request)}: ${error.message}`);
    const path = pathOf(request);
    if (path === '/fhir' || path.startsWith('/fhir/')) {
      const code = status === 413 ? 'too-costly' : status === 415 ? 'not-supported' : status === 429 ? 'throttled' : status >= 500 ? 'exception' : 'invalid';
      const message = status === 413 ? `request body exceeds ${MAX_BODY_BYTES} bytes` : status >= 500 ? 'internal error while handling the request' : error.message;
      if (status === 413) reply.header('Connection', 'close');
      return reply.code(status).type(FHIR_JSON).send(operationOutcome([{ code, diagnostics: message }]));
    }
    if (path === '/webhook' || path.startsWith('/api/')) {
      return reply.code(status).type('application/json; charset=utf-8').send({ error: status >= 500 ? 'internal error' : error.message });
    }
    return reply.code(status).type('text/plain; charset=utf-8').send(status >= 500 ? 'Er ging iets mis in de ontvanger.\n' : `${error.message}\n`);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = pathOf(request);
    if (path.startsWith('/fhir/')) {
      return reply
        .code(404)
        .type(FHIR_JSON)
        .send(operationOutcome([{ code: 'not-found', diagnostics: `no FHIR interaction at ${path}; POST a transaction Bundle to /fhir, read Task/<id> or search Task?identifier=` }]));
    }
    return reply.code(404).type('text/plain; charset=utf-8').send('Niet gevonden\n');
  });

  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      message: `te veel verzoeken; probeer het over ${Math.ceil(context.ttl / 1000)} s opnieuw`,
    }),
  });
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: sessionSecret,
    cookieName: 'wijkteam_sessie',
    store: databaseSessionStore(db),
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'strict', secure: options.secureCookies === true, path: '/', maxAge: SESSION_IDLE_MS },
  });
  await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session' });
  await app.register(fastifyStatic, { root: resolve(MODULE_DIR, 'public'), prefix: '/static/', index: false, list: false, dotfiles: 'deny', cacheControl: false });

  registerApi(app, context);
  await app.register(async (inbox) => {
    await inbox.register(fastifyFormbody, { bodyLimit: 64 * 1024 });
    registerInbox(inbox, context);
  });

  try {
    await app.listen({ port: options.port ?? DEFAULT_RECEIVER_PORT, host: options.host ?? DEFAULT_HOST });
  } catch (error) {
    await app.close().catch(() => {});
    await db.close();
    throw error;
  }

  const address = app.server.address() as AddressInfo;
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  for (const served of defaultHosts(options.host ?? DEFAULT_HOST, address.port)) allowedHosts.add(served);
  for (const served of extraHosts) allowedHosts.add(served);
  const pruning = setInterval(() => void pruneSessions(db).catch(() => {}), 60 * 60 * 1000);
  pruning.unref();

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    storage: db.kind,
    referrals: () => listAllReferrals(db),
    stats: () => readStats(db),
    recordProgress: (referralId, change, actor) => recordProgress(db, referralId, change, actor, new Date()),
    close() {
      closing ??= (async () => {
        clearInterval(pruning);
        // Fastify stops listening and waits for requests being handled; they still need the database.
        // A browser keeps sockets open that carry no request yet (preconnects), which "idle" closing
        // does not count: after a second they are cut, or close() would wait for the browser's whim.
        const force = setTimeout(() => app.server.closeAllConnections(), 1_000);
        await app.close();
        clearTimeout(force);
        await db.close();
      })();
      return closing;
    },
  };
}

/** Creates or updates the given practices, tokens and users. */
async function provision(db: Db, provision: ReceiverProvision): Promise<void> {
  for (const practice of provision.practices ?? []) {
    if (!PRACTICE_ID_PATTERN.test(practice.id)) throw new TypeError(`provision: practice id ${JSON.stringify(practice.id)} must be lower-case letters, digits and dashes`);
    await upsertPractice(db, practice);
    const sha256 = tokenHash(practice.token);
    await insertToken(db, { id: tokenId(sha256), practiceId: practice.id, sha256, label: 'provisioned', webhookSecret: practice.webhookSecret ?? null });
  }
  for (const user of provision.users ?? []) {
    if (!USERNAME_PATTERN.test(user.username)) throw new TypeError(`provision: username ${JSON.stringify(user.username)} must be 2-64 of a-z 0-9 . _ -`);
    const problem = passwordProblem(user.password);
    if (problem) throw new TypeError(`provision: user ${user.username}: ${problem}`);
    const existing = await getUser(db, user.username);
    if (!existing) {
      await insertUser(db, { username: user.username, displayName: user.name, passwordHash: await hashPassword(user.password) });
    } else {
      const samePassword = await verifyPassword(existing.passwordHash, user.password);
      await updateUser(db, user.username, { displayName: user.name, ...(samePassword ? {} : { passwordHash: await hashPassword(user.password) }) });
    }
  }
}

/** The request path without query string. */
export function pathOf(request: FastifyRequest): string {
  const url = request.raw.url ?? '/';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/** The Host values a browser sends when it was pointed at this receiver by address or loopback name. */
function defaultHosts(boundHost: string, port: number): string[] {
  const bound = boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost;
  const names = [...new Set([bound, 'localhost', '127.0.0.1', '[::1]'].map((name) => name.toLowerCase()))];
  // Browsers leave the port out of Host when it is the scheme's default.
  return names.flatMap((name) => (port === 80 ? [`${name}:${port}`, name] : [`${name}:${port}`]));
}

/** Checks one configured Host value early, so a typo fails at start-up rather than refusing every request. */
function normalizeAllowedHost(value: string): string {
  const host = value.trim().toLowerCase();
  if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/.test(host)) {
    throw new TypeError(`allowedHosts: ${JSON.stringify(value)} is not a host or host:port (no scheme, path or wildcard)`);
  }
  return host;
}

function resolveDataDir(dataDir: string | undefined): string {
  if (dataDir === undefined) return DEFAULT_DATA_DIR;
  if (dataDir === MEMORY) return MEMORY;
  // An explicit relative path (e.g. from the CLI) means relative to where the user is.
  return resolve(dataDir);
}

// ---------------------------------------------------------------------------------------------
// The API: FHIR, webhook, counters

function registerApi(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  /** onRequest hook: a practice's non-revoked token, else 401 before the body is read. */
  const authenticate = (format: 'fhir' | 'json') => async (request: FastifyRequest, reply: FastifyReply) => {
    const token = bearerToken(request.headers.authorization);
    const found = token ? await findActiveToken(db, tokenHash(token), context.now()) : null;
    if (found) {
      request.apiToken = found;
      return;
    }
    const message = token ? 'the API token is unknown or revoked' : 'an API token is required: Authorization: Bearer <token>';
    reply.code(401).header('WWW-Authenticate', token ? 'Bearer realm="vroegsignaal", error="invalid_token"' : 'Bearer realm="vroegsignaal"');
    if (format === 'fhir') return reply.type(FHIR_JSON).send(operationOutcome([{ code: 'login', diagnostics: message }]));
    return reply.type('application/json; charset=utf-8').send({ error: message });
  };
  const apiRateLimit = {
    rateLimit: {
      max: API_REQUESTS_PER_MINUTE,
      timeWindow: 60_000,
      keyGenerator: (request: FastifyRequest) => (request.apiToken ? `token:${request.apiToken.id}` : `ip:${request.ip}`),
    },
  };

  for (const url of ['/fhir', '/fhir/']) {
    app.post(url, { onRequest: authenticate('fhir'), config: apiRateLimit }, (request, reply) => postTransaction(context, request, reply));
    app.route({ method: ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'], url, handler: (_request, reply) => methodNotAllowed(reply, 'POST') });
  }
  app.get('/fhir/metadata', (request, reply) => reply.type(FHIR_JSON).send(capabilityStatement(request)));
  app.route({ method: ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'], url: '/fhir/metadata', handler: (_request, reply) => methodNotAllowed(reply, 'GET') });

  app.get('/fhir/Task', { onRequest: authenticate('fhir'), config: apiRateLimit }, async (request, reply) => {
    const query = request.query as Record<string, string | string[] | undefined>;
    const unsupported = Object.keys(query).filter((name) => name !== 'identifier' && !name.startsWith('_'));
    const identifier = query.identifier;
    if (unsupported.length > 0 || typeof identifier !== 'string') {
      return reply
        .code(400)
        .type(FHIR_JSON)
        .send(operationOutcome([{ code: 'not-supported', diagnostics: `search Task by one identifier only: Task?identifier=${REFERRAL_ID_SYSTEM}|urn:uuid:<referral id>` }]));
    }
    const value = identifier.startsWith(`${REFERRAL_ID_SYSTEM}|`) ? identifier.slice(REFERRAL_ID_SYSTEM.length + 1) : identifier.includes('|') ? null : identifier;
    const referral = value && URN_UUID.test(value) ? await getReferral(db, value.toLowerCase()) : null;
    const visible = referral && referral.practiceId === request.apiToken?.practiceId ? referral : null;
    request.logReferralId = visible?.id ?? null;
    const base = baseUrl(request);
    return reply.type(FHIR_JSON).send({
      resourceType: 'Bundle',
      type: 'searchset',
      timestamp: context.now().toISOString(),
      total: visible ? 1 : 0,
      link: [{ relation: 'self', url: `${base}/fhir/Task?identifier=${encodeURIComponent(identifier)}` }],
      entry: visible ? [{ fullUrl: `${base}/fhir/Task/${visible.uuid}`, resource: servedTask(visible, context.calendar), search: { mode: 'match' } }] : [],
    });
  });

  app.get('/fhir/Task/:id', { onRequest: authenticate('fhir'), config: apiRateLimit }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const referral = UUID.test(id) ? await getReferral(db, `urn:uuid:${id.toLowerCase()}`) : null;
    if (!referral || referral.practiceId !== request.apiToken?.practiceId) {
      // Another practice's referral is answered exactly like an unknown one.
      return reply.code(404).type(FHIR_JSON).send(operationOutcome([{ code: 'not-found', diagnostics: `Task/${id} is not known` }]));
    }
    request.logReferralId = referral.id;
    return reply.type(FHIR_JSON).header('Last-Modified', new Date(referral.updatedAt).toUTCString()).send(servedTask(referral, context.calendar));
  });

  for (const url of ['/webhook', '/webhook/']) {
    app.post(url, { onRequest: authenticate('json'), config: apiRateLimit }, (request, reply) => postWebhook(context, request, reply));
  }

  app.get('/api/stats', async (_request, reply) => reply.type('application/json; charset=utf-8').send(await readStats(db)));
  app.get('/healthz', (_request, reply) => reply.type('text/plain; charset=utf-8').send('ok\n'));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const URN_UUID = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? 'localhost'}`;
}

function methodNotAllowed(reply: FastifyReply, allow: string) {
  return reply
    .code(405)
    .header('Allow', allow)
    .type(FHIR_JSON)
    .send(operationOutcome([{ code: 'not-supported', diagnostics: `method not allowed; allowed: ${allow}` }]));
}

/** The body as JSON after the checks every endpoint makes, or the reply to send. */
type ParsedBody = { ok: true; text: string; value: unknown } | { ok: false; status: number; code: string; message: string; expression?: string };

function bodyText(body: unknown): { ok: true; text: string } | { ok: false; status: number; code: string; message: string; expression?: string } {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '') };
  } catch {
    return { ok: false, status: 400, code: 'structure', message: 'body is not valid UTF-8' };
  }
}

function parseJsonText(text: string): ParsedBody {
  // Checked on the text, before parsing: the parser may cope with any depth, but everything after it
  // (validation, JSON.stringify into the database) recurses and would overflow the stack.
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
    return { ok: false, status: 400, code: 'structure', message: `JSON nesting is too deep: more than ${MAX_JSON_DEPTH} levels of arrays/objects (a referral Bundle needs about 10)` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, status: 400, code: 'structure', message: `body is not valid JSON: ${error instanceof Error ? error.message : 'unreadable'}` };
  }
  const unstorable = findUnstorableText(value);
  if (unstorable !== null) {
    return {
      ok: false,
      status: 400,
      code: 'structure',
      message: `${unstorable}: text contains U+0000 or an unpaired surrogate (\\u0000, \\ud800…), which cannot be stored`,
      expression: unstorable,
    };
  }
  return { ok: true, text, value };
}

function mediaTypeProblem(header: string | undefined, accepted: ReadonlySet<string>): boolean {
  const contentType = parseContentType(header);
  return !contentType || !accepted.has(contentType.mediaType) || (contentType.charset !== null && contentType.charset !== 'utf-8');
}

/** POST /fhir: a referral, or a withdrawal of one. */
async function postTransaction(context: AppContext, request: FastifyRequest, reply: FastifyReply) {
  const fail = (status: number, issues: OutcomeIssue[]) => reply.code(status).type(FHIR_JSON).send(operationOutcome(issues));
  if (mediaTypeProblem(request.headers['content-type'], ACCEPTED_MEDIA_TYPES)) {
    return fail(415, [{ code: 'not-supported', diagnostics: `Content-Type must be ${FHIR_JSON} or application/json (UTF-8)` }]);
  }
  const decoded = bodyText(request.body);
  const parsed = decoded.ok ? parseJsonText(decoded.text) : decoded;
  if (!parsed.ok) return fail(parsed.status, [{ code: parsed.code, diagnostics: parsed.message, expression: [parsed.expression ?? 'Bundle'] }]);
  const input = parsed.value;

  if (isWithdrawalShape(input)) return postWithdrawal(context, request, reply, input);

  const result = validateReferralBundle(input, { allowDiagnosisCodes: context.allowDiagnosisCodes });
  const fhirIssues = fhirBundleEntryIssues(input);
  if (!result.ok || fhirIssues.length > 0) {
    request.logReferralId = result.ok ? result.referral.referralId : result.referralId;
    const issues: OutcomeIssue[] = [
      ...(result.ok ? [] : result.issues.map((issue) => ({ code: issue.code, diagnostics: `${issue.path}: ${issue.message}`, expression: [issue.path] }))),
      ...fhirIssues.map((issue) => ({ code: issue.code, diagnostics: `${issue.path}: ${issue.message}`, expression: [issue.path] })),
    ];
    return fail(400, issues);
  }

  const referralId = result.referral.referralId;
  request.logReferralId = referralId;
  const idempotencyKey = request.headers['idempotency-key'];
  if (idempotencyKey !== undefined && !sameReferral(String(idempotencyKey), referralId)) {
    return fail(400, [
      {
        code: 'invalid',
        diagnostics: `Idempotency-Key must equal the referral id ${referralId} (the ServiceRequest identifier)`,
        // R4 convention for problems in HTTP headers: location "http.<header>".
        location: ['http.Idempotency-Key'],
      },
    ]);
  }

  const stored = await recordReferral(context.db, {
    referral: result.referral,
    document: input,
    practiceId: request.apiToken!.practiceId,
    source: 'fhir',
    at: context.now(),
  });
  if (stored.kind === 'conflict') {
    return fail(409, [{ code: 'duplicate', diagnostics: `referral id ${referralId} is already in use by another sender; generate a new referral id` }]);
  }
  return reply.type(FHIR_JSON).send(transactionResponse(result.referral, result.entryTypes, stored.kind === 'inserted', stored.receivedAt));
}

/** A transaction whose entries are all PUTs: what buildWithdrawalBundle sends (referrals only POST). */
function isWithdrawalShape(input: unknown): input is { entry: unknown[] } {
  if (!isObject(input) || input.resourceType !== 'Bundle' || !Array.isArray(input.entry) || input.entry.length === 0) return false;
  return input.entry.every((entry) => isObject(entry) && isObject(entry.request) && entry.request.method === 'PUT');
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** POST /fhir with a withdrawal: Consent → inactive and Task → cancelled, by conditional update on the referral id. */
async function postWithdrawal(context: AppContext, request: FastifyRequest, reply: FastifyReply, bundle: { entry: unknown[] } & Record<string, unknown>) {
  const fail = (status: number, issues: OutcomeIssue[]) => reply.code(status).type(FHIR_JSON).send(operationOutcome(issues));
  const issues: OutcomeIssue[] = [];
  const problem = (path: string, diagnostics: string, code = 'invalid') => issues.push({ code, diagnostics: `${path}: ${diagnostics}`, expression: [path] });
  if (bundle.type !== 'transaction') problem('type', 'must be "transaction"');
  const ids = new Set<string>();
  const seen = new Map<string, number>();
  bundle.entry.forEach((entry, index) => {
    const path = `entry[${index}]`;
    const e = entry as { resource?: unknown; request: { url?: unknown } };
    const resource = isObject(e.resource) ? e.resource : null;
    const url = typeof e.request.url === 'string' ? e.request.url : '';
    const match = /^(Consent|Task)\?identifier=urn:ietf:rfc:3986\|(urn:uuid:[0-9a-f-]{36})$/i.exec(url);
    if (!match) {
      problem(`${path}.request.url`, `must be Consent?identifier=${REFERRAL_ID_SYSTEM}|urn:uuid:<referral id> or Task?identifier=…`);
      return;
    }
    const [, type, id] = match as unknown as [string, 'Consent' | 'Task', string];
    ids.add(id.toLowerCase());
    seen.set(type, (seen.get(type) ?? 0) + 1);
    if (!resource || resource.resourceType !== type) {
      problem(`${path}.resource`, `must be a ${type}`, 'required');
      return;
    }
    const identifiers = Array.isArray(resource.identifier) ? resource.identifier : [];
    if (!identifiers.some((identifier) => isObject(identifier) && identifier.system === REFERRAL_ID_SYSTEM && String(identifier.value).toLowerCase() === id.toLowerCase())) {
      problem(`${path}.resource.identifier`, `must carry the referral id ${id} (system ${REFERRAL_ID_SYSTEM})`);
    }
    if (type === 'Consent' && resource.status !== 'inactive') problem(`${path}.resource.status`, 'a withdrawn Consent must be "inactive"');
    if (type === 'Task' && resource.status !== 'cancelled') problem(`${path}.resource.status`, 'a withdrawn referral\'s Task must be "cancelled"');
  });
  if (seen.get('Consent') !== 1 || seen.get('Task') !== 1) problem('entry', 'a withdrawal updates exactly one Consent and one Task');
  if (ids.size > 1) problem('entry', 'all entries must name the same referral id');
  for (const issue of fhirBundleEntryIssues(bundle)) issues.push({ code: issue.code, diagnostics: `${issue.path}: ${issue.message}`, expression: [issue.path] });
  const referralId = [...ids][0] ?? null;
  request.logReferralId = referralId;
  if (issues.length > 0 || !referralId) return fail(400, issues);

  const idempotencyKey = request.headers['idempotency-key'];
  if (idempotencyKey !== undefined && String(idempotencyKey).trim().toLowerCase() !== withdrawalIdempotencyKey(referralId.slice('urn:uuid:'.length))) {
    return fail(400, [
      { code: 'invalid', diagnostics: `Idempotency-Key of a withdrawal must be ${withdrawalIdempotencyKey(referralId.slice('urn:uuid:'.length))}`, location: ['http.Idempotency-Key'] },
    ]);
  }
  const consent = bundle.entry.map((entry) => (entry as { resource: Record<string, unknown> }).resource).find((resource) => resource.resourceType === 'Consent')!;
  const withdrawnAt = typeof consent.dateTime === 'string' && !Number.isNaN(Date.parse(consent.dateTime)) ? new Date(consent.dateTime) : context.now();
  const recordedBy = recordedByName(consent);
  const result = await withdrawReferral(context.db, {
    referralId,
    practiceId: request.apiToken!.practiceId,
    withdrawnAt,
    recordedBy,
    via: 'fhir',
    at: context.now(),
  });
  if (result === 'not-found') return fail(404, [{ code: 'not-found', diagnostics: `no referral ${referralId} from this practice` }]);
  const referral = await getReferral(context.db, referralId);
  const uuid = referralId.slice('urn:uuid:'.length);
  const lastModified = referral?.updatedAt ?? context.now().toISOString();
  return reply.type(FHIR_JSON).send({
    resourceType: 'Bundle',
    type: 'transaction-response',
    entry: bundle.entry.map((entry) => {
      const type = (entry as { resource: { resourceType: string } }).resource.resourceType;
      return { response: { status: '200 OK', location: `${type}/${uuid}`, lastModified } };
    }),
  });
}

function recordedByName(consent: Record<string, unknown>): string | null {
  const extensions = Array.isArray(consent.extension) ? consent.extension : [];
  for (const extension of extensions) {
    if (isObject(extension) && extension.url === CONSENT_RECORDED_BY_URL && isObject(extension.valueReference)) {
      const display = extension.valueReference.display;
      if (typeof display === 'string') return display.slice(0, 200);
    }
  }
  return null;
}

/** POST /webhook: the JSON format, HMAC-signed with the token's secret. */
async function postWebhook(context: AppContext, request: FastifyRequest, reply: FastifyReply) {
  const fail = (status: number, error: string, extra: Record<string, unknown> = {}) => reply.code(status).type('application/json; charset=utf-8').send({ error, ...extra });
  const secret = request.apiToken?.webhookSecret;
  if (!secret) return fail(401, 'this API token has no webhook signing secret; create one with `token create <practice> --webhook`');
  if (mediaTypeProblem(request.headers['content-type'], new Set(['application/json']))) return fail(415, 'Content-Type must be application/json (UTF-8)');
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string' || key.trim() === '') return fail(400, 'the Idempotency-Key header is required (the referral id)');
  const decoded = bodyText(request.body);
  if (!decoded.ok) return fail(400, decoded.message);
  // The signature covers the exact bytes received, so it is checked on them before anything is parsed.
  const signature = await verifyWebhookSignature(decoded.text, headerValue(request.headers[SIGNATURE_HEADER.toLowerCase()]), secret, context.now().getTime());
  if (!signature.ok) {
    reply.header('WWW-Authenticate', 'Bearer realm="vroegsignaal"');
    return fail(401, `signature ${signature.reason}: send ${SIGNATURE_HEADER}: t=<unix seconds>,v1=<HMAC-SHA256 hex of "<t>.<body>">, at most 5 minutes old`);
  }
  const parsed = parseJsonText(decoded.text);
  if (!parsed.ok) return fail(parsed.status, parsed.message);
  const document = webhookDocumentSchema.safeParse(parsed.value);
  if (!document.success) {
    return fail(400, 'the document does not match the webhook schema', {
      issues: document.error.issues.map((issue) => ({ path: formatContractPath(issue.path as PropertyKey[], '(root)'), message: issue.message })),
    });
  }
  const doc = document.data;
  const referralId = `urn:uuid:${doc.referralId.toLowerCase()}`;
  request.logReferralId = referralId;
  const normalizedKey = key.trim().toLowerCase();
  const keyMatches =
    sameReferral(normalizedKey, referralId) || (doc.type === 'referral.withdrawn' && normalizedKey === withdrawalIdempotencyKey(doc.referralId.toLowerCase()));
  if (!keyMatches) return fail(400, `Idempotency-Key must equal the referral id ${doc.referralId}`);

  if (doc.type === 'referral.withdrawn') {
    const result = await withdrawReferral(context.db, {
      referralId,
      practiceId: request.apiToken!.practiceId,
      withdrawnAt: new Date(doc.withdrawnAt),
      recordedBy: null,
      via: 'webhook',
      at: context.now(),
    });
    if (result === 'not-found') return fail(404, `no referral ${doc.referralId} from this practice`);
    return reply.type('application/json; charset=utf-8').send({ status: 'withdrawn' });
  }
  const stored = await recordReferral(context.db, {
    referral: webhookSummary(doc),
    document: doc,
    practiceId: request.apiToken!.practiceId,
    source: 'webhook',
    at: context.now(),
  });
  if (stored.kind === 'conflict') return fail(409, `referral id ${doc.referralId} is already in use by another sender`);
  return reply.type('application/json; charset=utf-8').send({ status: stored.kind === 'inserted' ? 'stored' : 'duplicate' });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

const ANSWER_FROM_WEBHOOK: Record<'yes' | 'no', { answer: string; code: string }> = {
  yes: { answer: 'Yes', code: 'LA33-6' },
  no: { answer: 'No', code: 'LA32-8' },
};

/** What the inbox shows of a webhook referral, in the same shape as a FHIR one. */
function webhookSummary(doc: WebhookReferral): ReferralSummary {
  return {
    referralId: `urn:uuid:${doc.referralId.toLowerCase()}`,
    patientName: doc.patient.name,
    patientPhone: doc.patient.phone,
    callMoment: doc.callMoment.text || null,
    lifeDomains: doc.lifeDomains.map((domain) => domain.code),
    note: doc.note || null,
    consentRecordedBy: doc.consent.recordedBy.name,
    answers: doc.answers.map(
      (answer): ReferralAnswer => ({
        linkId: answer.questionId,
        question: answer.question,
        answer: answer.answer === 'not-asked' ? null : ANSWER_FROM_WEBHOOK[answer.answer].answer,
        code: answer.answer === 'not-asked' ? null : ANSWER_FROM_WEBHOOK[answer.answer].code,
      }),
    ),
  };
}

/**
 * The Task the practice reads back: the Task it sent (or, for a webhook referral, one built from the
 * document), with references pointing at this server's resources, and what the team recorded merged
 * in (status, businessStatus, output, lastModified, the callback deadline as restriction.period.end).
 */
export function servedTask(referral: StoredReferral, calendar: HolidayCalendar): Record<string, unknown> {
  const sent = taskInDocument(referral.bundle);
  const identifier = [{ system: REFERRAL_ID_SYSTEM, value: referral.id }];
  const base: Record<string, unknown> = sent
    ? { ...sent }
    : {
        resourceType: 'Task',
        identifier,
        status: 'requested',
        intent: 'order',
        code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
        ...(typeof (referral.bundle as { createdAt?: unknown })?.createdAt === 'string' ? { authoredOn: (referral.bundle as { createdAt: string }).createdAt } : {}),
        ...(referral.consentRecordedBy ? { requester: { display: referral.consentRecordedBy } } : {}),
        ...(typeof (referral.bundle as { recipient?: unknown })?.recipient === 'string' ? { owner: { display: (referral.bundle as { recipient: string }).recipient } } : {}),
      };
  for (const field of ['id', 'meta', 'output', 'businessStatus', 'statusReason', 'lastModified', 'restriction', 'text', 'contained']) delete base[field];
  // Inside the transaction the Task pointed at the other entries by their fullUrl; here they live at <Type>/<referral uuid>.
  if (isObject(base.focus) && typeof base.focus.reference === 'string' && base.focus.reference.startsWith('urn:uuid:')) base.focus = { reference: `ServiceRequest/${referral.uuid}` };
  if (isObject(base.for) && typeof base.for.reference === 'string' && base.for.reference.startsWith('urn:uuid:')) base.for = { reference: `Patient/${referral.uuid}` };
  const deadline = callbackDeadline(new Date(referral.receivedAt), calendar);
  return {
    resourceType: 'Task',
    id: referral.uuid,
    meta: { lastUpdated: referral.updatedAt },
    ...base,
    ...taskFeedbackFields(referral.progress, referral.updatedAt, deadline.overdueFrom.toISOString()),
  };
}

function taskInDocument(document: unknown): Record<string, unknown> | null {
  if (!isObject(document) || document.resourceType !== 'Bundle' || !Array.isArray(document.entry)) return null;
  for (const entry of document.entry) if (isObject(entry) && isObject(entry.resource) && entry.resource.resourceType === 'Task') return structuredClone(entry.resource);
  return null;
}

/** The key may be the full `urn:uuid:…` id or just the UUID. */
function sameReferral(key: string, referralId: string): boolean {
  const normalized = key.trim().toLowerCase();
  return normalized === referralId || `urn:uuid:${normalized}` === referralId;
}

/**
 * One response entry per request entry. Server ids are derived from the referral id, so a repeat
 * gets the same locations; the only difference is `200 OK` (found by ifNoneExist) vs `201 Created`.
 */
function transactionResponse(referral: ReferralSummary, entryTypes: readonly string[], created: boolean, receivedAt: Date) {
  const uuid = referral.referralId.slice('urn:uuid:'.length);
  const seen = new Map<string, number>();
  return {
    resourceType: 'Bundle',
    type: 'transaction-response',
    entry: entryTypes.map((type) => {
      const occurrence = (seen.get(type) ?? 0) + 1;
      seen.set(type, occurrence);
      // Ids are per resource type in FHIR, so the bare UUID is unique; a second resource of the same type
      // (only possible for Condition when diagnoses are allowed) gets a suffix.
      const id = occurrence === 1 ? uuid : `${uuid}-${occurrence}`;
      return {
        response: {
          status: created ? '201 Created' : '200 OK',
          location: `${type}/${id}/_history/1`,
          etag: 'W/"1"',
          lastModified: receivedAt.toISOString(),
        },
      };
    }),
  };
}

function capabilityStatement(request: FastifyRequest) {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: STARTED_AT,
    kind: 'instance',
    software: { name: 'Vroegsignaal referentie-ontvanger (sociaal wijkteam)' },
    implementation: { description: 'Reference receiver for Vroegsignaal referrals', url: `${baseUrl(request)}/fhir` },
    fhirVersion: '4.0.1',
    format: [FHIR_JSON, 'json'],
    rest: [
      {
        mode: 'server',
        security: { description: 'Every interaction except metadata needs Authorization: Bearer <practice API token>.' },
        interaction: [{ code: 'transaction' }],
        resource: [
          { type: 'Patient', interaction: [{ code: 'create' }], conditionalCreate: true },
          { type: 'QuestionnaireResponse', interaction: [{ code: 'create' }], conditionalCreate: true },
          { type: 'Consent', interaction: [{ code: 'create' }, { code: 'update' }], conditionalCreate: true, conditionalUpdate: true },
          { type: 'ServiceRequest', interaction: [{ code: 'create' }], conditionalCreate: true },
          {
            type: 'Task',
            interaction: [{ code: 'create' }, { code: 'update' }, { code: 'read' }, { code: 'search-type' }],
            conditionalCreate: true,
            conditionalUpdate: true,
            searchParam: [{ name: 'identifier', type: 'token' }],
          },
        ],
      },
    ],
  };
}

interface OutcomeIssue {
  code: string;
  diagnostics: string;
  expression?: string[];
  location?: string[];
}

function operationOutcome(issues: readonly OutcomeIssue[]) {
  return { resourceType: 'OperationOutcome', issue: issues.map((issue) => ({ severity: 'error', ...issue })) };
}

/**
 * Path of a string or key PostgreSQL would refuse (text cannot hold U+0000; jsonb rejects
 * unpaired surrogates), or null. JSON.parse accepts both as escapes, and finding out at INSERT time
 * would be a 500 instead of telling the sender what is wrong.
 */
function findUnstorableText(value: unknown): string | null {
  const unstorable = (text: string) => !text.isWellFormed() || text.includes('\0');
  // Iterative, although the depth is already bounded: nothing here should depend on the stack.
  const pending: Array<{ node: unknown; path: PropertyKey[] }> = [{ node: value, path: [] }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const { node, path } = item;
    if (typeof node === 'string') {
      if (unstorable(node)) return formatPath(path);
    } else if (Array.isArray(node)) {
      node.forEach((child, i) => pending.push({ node: child, path: [...path, i] }));
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        if (unstorable(key)) return formatPath(path);
        pending.push({ node: child, path: [...path, key] });
      }
    }
  }
  return null;
}

/**
 * Whether any array/object in `text` is nested deeper than `limit`, counting brackets outside strings
 * in one pass. Does not validate the JSON (JSON.parse does that next); it only has to be right for
 * text that is otherwise valid, and never recurse itself.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped, even a quote
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) { // [ {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) { // ] }
      depth--;
    }
  }
  return false;
}

function parseContentType(header: string | undefined): { mediaType: string; charset: string | null } | null {
  if (!header) return null;
  const [mediaType = '', ...params] = header.split(';').map((part) => part.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '') ?? null;
  return { mediaType, charset: charset === 'utf8' ? 'utf-8' : charset };
}

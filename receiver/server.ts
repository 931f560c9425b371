/**
 * Reference social-team receiver: a small FHIR R4 endpoint that accepts Vroegsignaal referral
 * transaction Bundles, stores each referral exactly once in PGlite, and shows them on a plain page.
 *
 * Endpoints
 *   POST    /fhir, /fhir/     transaction Bundle → transaction-response Bundle (or OperationOutcome)
 *   GET     /fhir/metadata    CapabilityStatement
 *   GET     /api/referrals    stored referrals (JSON), newest first
 *   GET     /api/stats        { requests, posts, referrals } for end-to-end tests
 *   GET     /healthz          liveness
 *   GET     /                 HTML overview for the social team
 *
 * No CORS: the extension posts from its background service worker under a granted host permission,
 * which is not subject to CORS, so no web page needs to read our responses. Answering with
 * `Access-Control-Allow-Origin: *` would only let any site the GP visits script the endpoint.
 *
 * Host check (DNS rebinding): the receiver has no authentication and usually listens on loopback. A
 * site can point its own name at 127.0.0.1 and then read the referral list as "same origin"; the only
 * trace of that is its name in the Host header. So every request whose Host is not one we serve gets
 * 421 before anything is read or stored. Served by default: the bound host, `localhost`, `127.0.0.1`
 * and `[::1]`, each with the listening port (and without a port when that is 80). Behind a reverse
 * proxy under a public name, add that name with {@link ReceiverOptions.allowedHosts}
 * (CLI: `--allowed-hosts`, env `RECEIVER_ALLOWED_HOSTS`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { PAGE_CONTENT_SECURITY_POLICY, renderReferralsPage } from './page.js';
import { listReferrals, logRequest, migrate, readStats, recordReferral, type Db } from './store.js';
import { REFERRAL_RESOURCE_TYPES } from '../contract/referral-contract.js';
import { formatPath, validateReferralBundle, type ReferralSummary } from './validate.js';

/** Options for {@link startReceiver}. */
export interface ReceiverOptions {
  /** TCP port; 0 picks a free one. Default 4320. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1: the receiver has no authentication. */
  host?: string;
  /** PGlite data directory, or `memory://` for a throw-away database. Default `receiver/data`. */
  dataDir?: string;
  /** Receives one line per request (never patient data). Default console.log. */
  log?: (line: string) => void;
  /** Accept diagnosis data in referrals. Default false; see {@link validateReferralBundle}. */
  allowDiagnosisCodes?: boolean;
  /**
   * Extra `Host` header values to serve, as `host` or `host:port` (e.g. `verwijzingen.wijkteam.example`
   * behind a reverse proxy; an entry without a port matches only a Host without a port). Compared
   * case-insensitively and exactly, no wildcards. Added to the defaults, which are always served (a
   * loopback name in Host means the browser really was pointed at this machine, not at a rebound name).
   */
  allowedHosts?: readonly string[];
}

/** A running receiver. */
export interface Receiver {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:4320`; the FHIR base is `${url}/fhir`. */
  url: string;
  port: number;
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
const MEMORY = 'memory://';
const FHIR_JSON = 'application/fhir+json';
const ACCEPTED_MEDIA_TYPES = new Set([FHIR_JSON, 'application/json']);
/**
 * On every response. Almost every answer carries patient data or echoes what was sent, so none may be
 * cached; none is meant to be framed, sniffed into another type, or to leak its URL onwards. The CSP
 * keeps a JSON answer opened as a document inert; the HTML page replaces it with its own.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};
/**
 * Deepest JSON nesting accepted. A referral Bundle built by contract/referral-bundle.ts is 10 levels
 * deep (Bundle › entry › [i] › resource › provision › actor › [i] › role › coding › [i]); 64 leaves
 * room for extensions a real FHIR client might add and is far below what would strain the validator.
 */
export const MAX_JSON_DEPTH = 64;

/** What a route hands back; written to the socket in one place. */
interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** For the request log and the log line. */
  referralId?: string | null;
  /** Close the connection after replying (e.g. an oversized body we stopped reading). */
  close?: boolean;
}

interface Context {
  db: Db;
  allowDiagnosisCodes: boolean;
  startedAt: string;
  /** Lower-case Host values served; filled in once the port is known. */
  allowedHosts: Set<string>;
}

/**
 * Starts the receiver: opens (and migrates) the database, then listens.
 * @returns the base URL, the bound port and a `close()` that also closes the database.
 */
export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const log = options.log ?? ((line: string) => console.log(line));
  const extraHosts = (options.allowedHosts ?? []).map(normalizeAllowedHost);
  const dataDir = resolveDataDir(options.dataDir);
  if (dataDir !== MEMORY) await mkdir(dataDir, { recursive: true });

  const db = await PGlite.create(dataDir);
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }

  const context: Context = {
    db,
    allowDiagnosisCodes: options.allowDiagnosisCodes ?? false,
    startedAt: new Date().toISOString(),
    // Empty until listening: a request cannot arrive before then, and port 0 is only resolved by listen.
    allowedHosts: new Set(),
  };
  const inflight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const task = handle(context, req, res, log);
    inflight.add(task);
    void task.finally(() => inflight.delete(task));
  });

  try {
    await new Promise<void>((resolveListen, rejectListen) => {
      server.once('error', rejectListen);
      server.listen(options.port ?? DEFAULT_RECEIVER_PORT, options.host ?? DEFAULT_HOST, () => {
        server.off('error', rejectListen);
        resolveListen();
      });
    });
  } catch (error) {
    await db.close();
    throw error;
  }

  const address = server.address() as AddressInfo;
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  for (const served of defaultHosts(options.host ?? DEFAULT_HOST, address.port)) context.allowedHosts.add(served);
  for (const served of extraHosts) context.allowedHosts.add(served);
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((done) => server.close(() => done()));
        server.closeIdleConnections();
        // Requests already being handled still need the database; wait for them before closing it.
        await Promise.allSettled([...inflight]);
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), 1000);
        await closed;
        clearTimeout(force);
        await db.close();
      })();
      return closing;
    },
  };
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

async function handle(context: Context, req: IncomingMessage, res: ServerResponse, log: (line: string) => void): Promise<void> {
  const started = performance.now();
  const method = req.method ?? 'GET';
  const path = new URL(req.url ?? '/', 'http://receiver.invalid').pathname;
  const isFhir = path === '/fhir' || path.startsWith('/fhir/');

  const hostHeader = req.headers.host;
  if (hostHeader === undefined || !context.allowedHosts.has(hostHeader.toLowerCase())) {
    // Nothing is read, stored or counted for a request meant for another name; the body is left unread,
    // so the connection is closed rather than reused. The Host is logged (bounded, quoted) because a
    // refused proxy name is the one thing an operator needs to see to fix allowedHosts.
    writeReply(res, { ...text(421, 'Misdirected Request: this receiver does not serve this Host.\n'), close: true });
    log(`${method} ${path} 421 refused Host ${JSON.stringify((hostHeader ?? '(none)').slice(0, 100))}`);
    return;
  }

  let reply: Reply;
  try {
    reply = await route(context, method, path, req);
  } catch (error) {
    log(`receiver error on ${method} ${path}: ${error instanceof Error ? error.message : String(error)}`);
    reply = fhirError(500, 'exception', 'internal error while handling the request');
  }
  if (isFhir) {
    // Logged before replying, so a client that reads /api/stats right after its response sees it.
    try {
      await logRequest(context.db, { method, path, status: reply.status, referralId: reply.referralId ?? null });
    } catch (error) {
      log(`receiver could not write the request log: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  writeReply(res, reply);
  log(`${method} ${path} ${reply.status} ${reply.referralId ?? '-'} ${Math.round(performance.now() - started)}ms`);
}

function writeReply(res: ServerResponse, reply: Reply): void {
  const headers = { ...SECURITY_HEADERS, ...reply.headers, 'Content-Length': String(Buffer.byteLength(reply.body)) };
  res.writeHead(reply.status, reply.close ? { ...headers, Connection: 'close' } : headers);
  res.end(reply.body);
}

async function route(context: Context, method: string, path: string, req: IncomingMessage): Promise<Reply> {
  if (path === '/fhir' || path === '/fhir/') {
    if (method === 'POST') return postTransaction(context, req);
    return methodNotAllowed('POST');
  }
  if (path === '/fhir/metadata') {
    if (method === 'GET') return fhirJson(200, capabilityStatement(context));
    return methodNotAllowed('GET');
  }
  if (path.startsWith('/fhir/')) {
    return fhirError(404, 'not-found', `no FHIR interaction at ${path}; POST a transaction Bundle to /fhir`);
  }

  if (method !== 'GET') return text(405, 'Methode niet toegestaan\n', { Allow: 'GET' });
  switch (path) {
    case '/':
      return {
        status: 200,
        headers: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': PAGE_CONTENT_SECURITY_POLICY },
        body: renderReferralsPage(await listReferrals(context.db)),
      };
    case '/api/referrals':
      return json(200, await listReferrals(context.db));
    case '/api/stats':
      return json(200, await readStats(context.db));
    case '/healthz':
      return text(200, 'ok\n');
    default:
      return text(404, 'Niet gevonden\n');
  }
}

/** POST /fhir: content checks, validation, idempotent store, transaction-response. */
async function postTransaction(context: Context, req: IncomingMessage): Promise<Reply> {
  const contentType = parseContentType(req.headers['content-type']);
  if (!contentType || !ACCEPTED_MEDIA_TYPES.has(contentType.mediaType) || (contentType.charset && contentType.charset !== 'utf-8')) {
    return fhirError(415, 'not-supported', `Content-Type must be ${FHIR_JSON} or application/json (UTF-8)`);
  }
  const declaredLength = Number(req.headers['content-length']);
  if (Number.isFinite(declaredLength) && declaredLength > MAX_BODY_BYTES) {
    return { ...fhirError(413, 'too-costly', `request body exceeds ${MAX_BODY_BYTES} bytes`), close: true };
  }
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body === 'too-large') return { ...fhirError(413, 'too-costly', `request body exceeds ${MAX_BODY_BYTES} bytes`), close: true };

  let bodyText: string;
  try {
    bodyText = new TextDecoder('utf-8', { fatal: true }).decode(body).replace(/^\uFEFF/, '');
  } catch {
    return fhirError(400, 'structure', 'body is not valid UTF-8', 'Bundle');
  }
  // Checked on the text, before parsing: the parser may cope with any depth, but everything after it
  // (validation, JSON.stringify into the database) recurses and would overflow the stack.
  if (jsonDepthExceeds(bodyText, MAX_JSON_DEPTH)) {
    return fhirError(400, 'structure', `JSON nesting is too deep: more than ${MAX_JSON_DEPTH} levels of arrays/objects (a referral Bundle needs about 10)`, 'Bundle');
  }
  let input: unknown;
  try {
    input = JSON.parse(bodyText);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'unreadable';
    return fhirError(400, 'structure', `body is not valid JSON: ${reason}`, 'Bundle');
  }
  const unstorable = findUnstorableText(input);
  if (unstorable !== null) {
    return fhirError(400, 'structure', `${unstorable}: text contains U+0000 or an unpaired surrogate (\\u0000, \\ud800…), which cannot be stored`, unstorable);
  }

  const result = validateReferralBundle(input, { allowDiagnosisCodes: context.allowDiagnosisCodes });
  if (!result.ok) {
    return {
      ...fhirJson(
        400,
        operationOutcome(result.issues.map((issue) => ({ code: issue.code, diagnostics: `${issue.path}: ${issue.message}`, expression: [issue.path] }))),
      ),
      referralId: result.referralId,
    };
  }

  const referralId = result.referral.referralId;
  const idempotencyKey = req.headers['idempotency-key'];
  if (idempotencyKey !== undefined && !sameReferral(String(idempotencyKey), referralId)) {
    return {
      ...fhirJson(
        400,
        operationOutcome([
          {
            code: 'invalid',
            diagnostics: `Idempotency-Key must equal the referral id ${referralId} (the ServiceRequest identifier)`,
            // R4 convention for problems in HTTP headers: location "http.<header>".
            location: ['http.Idempotency-Key'],
          },
        ]),
      ),
      referralId,
    };
  }

  const stored = await recordReferral(context.db, result.referral, input);
  return { ...fhirJson(200, transactionResponse(result.referral, result.entryTypes, stored.inserted, stored.receivedAt)), referralId };
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

function capabilityStatement(context: Context) {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: context.startedAt,
    kind: 'instance',
    software: { name: 'Vroegsignaal referentie-ontvanger (sociaal wijkteam)' },
    implementation: { description: 'Reference receiver for Vroegsignaal referrals' },
    fhirVersion: '4.0.1',
    format: [FHIR_JSON, 'json'],
    rest: [
      {
        mode: 'server',
        interaction: [{ code: 'transaction' }],
        resource: REFERRAL_RESOURCE_TYPES.map((type) => ({ type, interaction: [{ code: 'create' }], conditionalCreate: true })),
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

function fhirError(status: number, code: string, diagnostics: string, expression?: string): Reply {
  return fhirJson(status, operationOutcome([{ code, diagnostics, ...(expression ? { expression: [expression] } : {}) }]));
}

function fhirJson(status: number, resource: unknown): Reply {
  return { status, headers: { 'Content-Type': FHIR_JSON }, body: JSON.stringify(resource) };
}

function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(value) };
}

function text(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers }, body };
}

function methodNotAllowed(allow: string): Reply {
  const reply = fhirError(405, 'not-supported', `method not allowed; allowed: ${allow}`);
  reply.headers.Allow = allow;
  return reply;
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

/**
 * Reads the body up to `limit` bytes. Past the limit it stops buffering and reports `too-large`;
 * the caller answers 413 and closes the connection rather than reading an unbounded upload.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        settled = true;
        chunks.length = 0;
        resolveBody('too-large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      settled = true;
      resolveBody(Buffer.concat(chunks));
    });
    req.on('error', (error) => {
      if (settled) return;
      settled = true;
      rejectBody(error);
    });
    // An aborted upload emits neither 'end' nor always 'error'; without this the request would hang.
    req.on('close', () => {
      if (settled) return;
      settled = true;
      rejectBody(new Error('request aborted by the client'));
    });
  });
}

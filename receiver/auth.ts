/**
 * Secrets of the receiver: team members' passwords, practices' API tokens and webhook secrets, and
 * the session store @fastify/session keeps in the database.
 *
 * Passwords are hashed with argon2id (@node-rs/argon2, its defaults: 19 MiB, 2 passes, the OWASP
 * minimum): a password is low-entropy and must be slow to guess from a stolen database.
 *
 * API tokens are 32 random bytes. They are stored as their SHA-256, not with argon2: a token with
 * 256 bits of entropy cannot be guessed from its hash however fast the hash is, and every API request
 * looks its token up by hash, which has to be a fast indexed equality match (a salted slow hash
 * could not be looked up at all, only compared one row at a time).
 *
 * Webhook signing secrets are stored as they are: checking an HMAC needs the secret itself, so a
 * hash would be useless. Protect the database (and its backups) accordingly; revoking the token
 * retires its secret with it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { SessionStore } from '@fastify/session';
import { sessionDestroy, sessionGet, sessionSet, type Queryable } from './store.js';

/** Shortest password a team member may have. */
export const MIN_PASSWORD_LENGTH = 12;
/** Failed logins in a row before an account locks. */
export const MAX_FAILED_LOGINS = 5;
/** How long a locked account stays locked. */
export const LOCKOUT_MS = 15 * 60 * 1000;
/** A session ends after this long without a request. */
export const SESSION_IDLE_MS = 8 * 60 * 60 * 1000;

/** @node-rs/argon2's `Algorithm.Argon2id` (a const enum, which isolated modules cannot import). */
const ARGON2ID = 2;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID });
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/**
 * Spends the time of one password check on nothing, for a username that does not exist, so the
 * response time does not tell whether it does.
 */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('vroegsignaal-dummy-password');
  await verifyPassword(await dummyHash, password);
}

/** Problem with a new password, in Dutch, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `Het wachtwoord moet minstens ${MIN_PASSWORD_LENGTH} tekens hebben.`;
  if ([...password].length > 1024) return 'Het wachtwoord is te lang (meer dan 1024 tekens).';
  return null;
}

const base64url = (bytes: Buffer) => bytes.toString('base64url');

/** SHA-256 (hex) of an API token: how it is stored and looked up. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new API token: 32 random bytes, prefixed so it is recognisable in a configuration file. */
export function newApiToken(): string {
  return `vst_${base64url(randomBytes(32))}`;
}

/** A new webhook signing secret: 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${base64url(randomBytes(32))}`;
}

/** The public id of a token (for `token list` and `token revoke`), derived from its hash. */
export function tokenId(sha256: string): string {
  return `tok_${sha256.slice(0, 12)}`;
}

/** The bearer token in an Authorization header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer +([A-Za-z0-9._~+/=-]{16,512})\s*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

/** @fastify/session's store, in the `session` table: survives restarts, shared by every instance. */
export function databaseSessionStore(db: Queryable): SessionStore {
  return {
    get(sid, callback) {
      sessionGet(db, sid).then(
        (data) => callback(null, data as never),
        (error: Error) => callback(error),
      );
    },
    set(sid, session, callback) {
      const expires = session.cookie.expires ? new Date(session.cookie.expires) : new Date(Date.now() + SESSION_IDLE_MS);
      sessionSet(db, sid, session, expires).then(
        () => callback(),
        (error: Error) => callback(error),
      );
    },
    destroy(sid, callback) {
      sessionDestroy(db, sid).then(
        () => callback(),
        (error: Error) => callback(error),
      );
    },
  };
}

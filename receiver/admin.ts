/**
 * What the command-line tool (cli.ts) does, as functions on an open database, so tests and scripts
 * can use them without spawning a process. Errors are thrown as {@link AdminError} with a Dutch
 * message naming what is wrong.
 */
import { hashPassword, newApiToken, newWebhookSecret, passwordProblem, tokenHash, tokenId } from './auth.js';
import {
  destroyUserSessions,
  getUser,
  insertToken,
  insertUser,
  listPractices,
  listTokens,
  listUsers,
  PRACTICE_ID_PATTERN,
  revokeToken,
  updateUser,
  upsertPractice,
  USERNAME_PATTERN,
  type ApiTokenInfo,
  type Db,
  type Practice,
  type TeamUser,
} from './store.js';

export class AdminError extends Error {}

function checkUsername(username: string): void {
  if (!USERNAME_PATTERN.test(username)) throw new AdminError(`ongeldige gebruikersnaam ${JSON.stringify(username)}: 2 tot 64 tekens, alleen a-z, 0-9, punt, streepje, laag streepje`);
}

export async function addUser(db: Db, username: string, displayName: string, password: string): Promise<void> {
  checkUsername(username);
  if (!displayName.trim()) throw new AdminError('--name ontbreekt: de naam zoals collega’s die zien');
  const problem = passwordProblem(password);
  if (problem) throw new AdminError(problem);
  if (!(await insertUser(db, { username, displayName: displayName.trim(), passwordHash: await hashPassword(password) }))) {
    throw new AdminError(`gebruiker ${username} bestaat al`);
  }
}

export function users(db: Db): Promise<TeamUser[]> {
  return listUsers(db);
}

async function requireUser(db: Db, username: string): Promise<void> {
  checkUsername(username);
  if (!(await getUser(db, username))) throw new AdminError(`gebruiker ${username} bestaat niet`);
}

/** Disables an account and ends its sessions. */
export async function disableUser(db: Db, username: string): Promise<void> {
  await requireUser(db, username);
  await updateUser(db, username, { disabled: true });
  await destroyUserSessions(db, username);
}

/** Ends a lock-out (and re-enables a disabled account). */
export async function unlockUser(db: Db, username: string): Promise<void> {
  await requireUser(db, username);
  await updateUser(db, username, { unlock: true, disabled: false });
}

/** Sets a new password and ends the account's sessions. */
export async function setPassword(db: Db, username: string, password: string): Promise<void> {
  await requireUser(db, username);
  const problem = passwordProblem(password);
  if (problem) throw new AdminError(problem);
  await updateUser(db, username, { passwordHash: await hashPassword(password), unlock: true });
  await destroyUserSessions(db, username);
}

export async function addPractice(db: Db, practice: Practice): Promise<void> {
  if (!PRACTICE_ID_PATTERN.test(practice.id)) throw new AdminError(`ongeldige praktijk-id ${JSON.stringify(practice.id)}: kleine letters, cijfers en streepjes, bijv. centrum-maastricht`);
  if (!practice.name.trim()) throw new AdminError('--name ontbreekt: de naam van de praktijk');
  if (!practice.contactPoint.trim()) throw new AdminError('--contact-point ontbreekt: het gedeelde contactpunt van het team voor deze praktijk (teamadres, geen persoonlijk adres)');
  await upsertPractice(db, { id: practice.id, name: practice.name.trim(), contactPoint: practice.contactPoint.trim() });
}

export function practices(db: Db): Promise<Practice[]> {
  return listPractices(db);
}

/** A new token for a practice; the token (and secret) exist only in the return value. */
export async function createToken(db: Db, practiceId: string, options: { label?: string; webhook?: boolean } = {}): Promise<{ id: string; token: string; webhookSecret: string | null }> {
  if (!(await listPractices(db)).some((practice) => practice.id === practiceId)) {
    throw new AdminError(`praktijk ${practiceId} bestaat niet; maak die eerst aan met: practice add ${practiceId} --name "…" --contact-point "…"`);
  }
  const token = newApiToken();
  const sha256 = tokenHash(token);
  const webhookSecret = options.webhook ? newWebhookSecret() : null;
  const id = tokenId(sha256);
  if (!(await insertToken(db, { id, practiceId, sha256, label: options.label ?? null, webhookSecret }))) throw new AdminError('tokenbotsing; probeer het opnieuw');
  return { id, token, webhookSecret };
}

export function tokens(db: Db): Promise<ApiTokenInfo[]> {
  return listTokens(db);
}

export async function revoke(db: Db, id: string, at = new Date()): Promise<void> {
  if (!(await revokeToken(db, id, at))) throw new AdminError(`token ${id} bestaat niet (zie: token list)`);
}

import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { IDBPObjectStore, IDBPTransaction, StoreNames } from 'idb';
import type { Practitioner } from '../../contract/referral-bundle';
import type { AuditBreak, AuditVerification, Workstation } from '../shared/audit';
import type { PracticeUser, UserRole } from '../shared/configuration';
import type { AuditEvent, VroegsignaalDatabase, VroegsignaalSchema } from './database';
import type { KeyValueStorage } from './pseudonym';

// The access and processing log in the sense of NEN 7513, and the only code that writes it: every
// other module hands it drafts. Entries form a hash chain: each holds the hash of the entry before it
// and its own hash over a canonical serialisation of itself, so an edited, deleted, reordered or
// inserted entry shows when the chain is walked (`verify`). What it cannot show on its own is a cut-off
// end: that is what the head hash in every export is for, kept by the practice's central log.
//
// The hash is SHA-256 from @noble/hashes, which is synchronous. crypto.subtle is asynchronous, and an
// IndexedDB transaction commits as soon as it has nothing to do, so with it an entry could not be
// written in the same transaction as the outbox change it describes. With a synchronous hash it is:
// the delivery, the consent and its audit entry commit together or not at all.

/** Every kind of entry. Names are stable: a central log and the practice report match on them. */
export const AUDIT_EVENTS = [
  // In the consult (sidebar).
  'prompt.shown',
  'prompt.dismissed',
  'screening.negative',
  'screening.positive',
  'screening.consent-declined',
  'consent.given',
  'consent.withdrawn',
  // The outbox and its delivery (background).
  'referral.queued',
  'referral.sent',
  'referral.attempt-failed',
  'referral.rejected',
  'referral.delivered',
  'withdrawal.sent',
  'withdrawal.attempt-failed',
  'withdrawal.rejected',
  'withdrawal.delivered',
  'referral.status-received',
  // Looking at personal data outside the consult (the assistant's work list).
  'personal-data.viewed',
  // The log and the data themselves.
  'retention.purged',
  'audit.exported',
  'workstation.named',
] as const;
export type AuditEventName = (typeof AUDIT_EVENTS)[number];

/** Who acted: a configured user with their role, the background itself (`system`), or a person not configured (`unknown`). */
export type AuditRole = UserRole | 'system' | 'unknown';

/** The user of an entry. A configured user is named by id, name and AGB; an unmatched person by what they gave. */
export interface AuditUser {
  role: AuditRole;
  id?: string;
  name?: string;
  agb?: string;
}

/** On whose behalf something happened, e.g. the GP whose recorded consent a delivery carries. */
export interface AuditParty {
  name?: string;
  agb?: string;
}

/**
 * What more an entry says: codes and counts only — never free text from a page, a patient or a
 * receiver (a receiver's error text may quote what it was sent). Values are strings, numbers,
 * booleans or lists of strings, so the canonical form is plain.
 */
export interface AuditDetail {
  /** Why: `not-now`, `not-relevant`, `network`, `timeout`, `http`, `auth`, `configuration`, `delivered-before-withdrawal`, … */
  reason?: string;
  ruleSetIds?: string[];
  /** What made the prompt appear: `code:N01` or `term` (never the page's words). */
  trigger?: string;
  httpStatus?: number;
  /** The configured endpoint a message went to (its id, not its address). */
  endpointId?: string;
  attempt?: number;
  /** The social team's Task status and business-status code. */
  taskStatus?: string;
  businessStatus?: string;
  outcome?: string;
  /** The delivery state something happened in (e.g. a withdrawal of a referral that was `queued`). */
  state?: string;
  /** Where personal data was viewed (`work-list`, …). */
  view?: string;
  /** Export: format, period (ISO instants) and entries written. */
  format?: string;
  from?: string;
  to?: string;
  count?: number;
  /** Retention: what was purged, under which terms. */
  referrals?: number;
  consents?: number;
  screenings?: number;
  auditEntries?: number;
  personalDataDays?: number;
  auditLogYears?: number;
  /** Retention of the log itself: the last purged entry's sequence number and hash, the chain's new anchor. */
  throughSeq?: number;
  anchorHash?: string;
  /** A line moved from the unchained log of versions 1–2: its detail as it was. */
  legacyDetail?: string;
  legacy?: boolean;
}

/** One entry of the chain, as stored and as exported. */
export interface AuditEntry {
  /** 1, 2, 3, … without gaps (the store's key). */
  seq: number;
  event: AuditEventName;
  /** UTC, ISO 8601. */
  at: string;
  /** The patient's pseudonym (pseudonym.ts), never a name, phone number or EHR key; null when no patient is concerned. */
  patient: string | null;
  user: AuditUser;
  onBehalfOf: AuditParty | null;
  workstation: Workstation;
  /** The referral concerned, by id. */
  object: string | null;
  detail: AuditDetail | null;
  prevHash: string;
  hash: string;
}

/** What a caller says happened; the log adds sequence, time, user, workstation and hashes. */
export interface AuditDraft {
  event: AuditEventName;
  /** Defaults to now. */
  at?: string;
  patient?: string | null;
  /** The person who acted as the sidebar reports them, `system` for the background on its own; absent: a person not known. */
  actor?: Practitioner | 'system';
  onBehalfOf?: Practitioner | null;
  object?: string | null;
  detail?: AuditDetail;
}

/** The hash before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** A readwrite transaction that includes the `auditLog` store (and any others). */
export type AuditTransaction = IDBPTransaction<VroegsignaalSchema, ArrayLike<StoreNames<VroegsignaalSchema>>, 'readwrite'>;
type AuditStore = IDBPObjectStore<VroegsignaalSchema, ArrayLike<StoreNames<VroegsignaalSchema>>, 'auditLog', 'readwrite'>;

function canonicalDetail(detail: AuditDetail | null): unknown {
  if (!detail) return null;
  return Object.keys(detail)
    .sort()
    .filter((key) => detail[key as keyof AuditDetail] !== undefined)
    .map((key) => [key, detail[key as keyof AuditDetail]]);
}

/** An entry's detail as JSON with its keys sorted: how exports show it. */
export function canonicalDetailText(detail: AuditDetail): string {
  return JSON.stringify(Object.fromEntries(canonicalDetail(detail) as Array<[string, unknown]>));
}

/**
 * The exact text an entry's hash is taken over: a JSON array in a fixed field order (a format tag,
 * then seq, event, at, patient, user, on behalf of, workstation, object, detail with its keys
 * sorted, previous hash). An array, so no JSON engine's key order can change it; `null` for
 * every absent value, so an added field cannot hide as "undefined".
 */
export function canonicalEntry(entry: Omit<AuditEntry, 'hash'>): string {
  const { user, onBehalfOf, workstation } = entry;
  return JSON.stringify([
    'vroegsignaal-audit/1',
    entry.seq,
    entry.event,
    entry.at,
    entry.patient,
    [user.role, user.id ?? null, user.name ?? null, user.agb ?? null],
    onBehalfOf ? [onBehalfOf.name ?? null, onBehalfOf.agb ?? null] : null,
    [workstation.id, workstation.name ?? null],
    entry.object,
    canonicalDetail(entry.detail),
    entry.prevHash,
  ]);
}

/** SHA-256 (hex) of an entry's canonical form. */
export function hashEntry(entry: Omit<AuditEntry, 'hash'>): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalEntry(entry))));
}

/** The configured user a practitioner is, by AGB code first, else by name; `unknown` with what was given otherwise. */
export function resolveUser(actor: Practitioner | 'system' | undefined, users: readonly PracticeUser[]): AuditUser {
  if (actor === 'system') return { role: 'system' };
  if (!actor || (!actor.agb && !actor.name)) return { role: 'unknown' };
  const name = actor.name?.trim().toLocaleLowerCase('nl');
  const user =
    (actor.agb ? users.find((candidate) => candidate.agb === actor.agb) : undefined) ??
    (name ? users.find((candidate) => candidate.name.trim().toLocaleLowerCase('nl') === name) : undefined);
  if (user) return { role: user.role, id: user.id, name: user.name, ...(user.agb ? { agb: user.agb } : {}) };
  return { role: 'unknown', ...(actor.name ? { name: actor.name } : {}), ...(actor.agb ? { agb: actor.agb } : {}) };
}

function party(practitioner: Practitioner | null | undefined): AuditParty | null {
  if (!practitioner || (!practitioner.name && !practitioner.agb)) return null;
  return { ...(practitioner.name ? { name: practitioner.name } : {}), ...(practitioner.agb ? { agb: practitioner.agb } : {}) };
}

/**
 * Walks a chain (entries in key order) and reports the first entry that is wrong. `anchor` is the
 * hash the first entry must link to: the genesis for a chain starting at 1, else the anchor the last
 * `retention.purged` checkpoint recorded for the entries it removed.
 */
export function verifyChain(entries: readonly AuditEntry[]): AuditVerification {
  if (entries.length === 0) return { ok: true, count: 0, head: null };
  const bad = (seq: number, reason: AuditBreak): AuditVerification => ({ ok: false, count: entries.length, firstBad: { seq, reason } });
  const byHash = new Map(entries.map((entry) => [entry.hash, entry]));

  // Where the chain starts: 1, or just after what the latest retention checkpoint says it purged.
  let expectedSeq = 1;
  let expectedPrev = GENESIS_HASH;
  const first = entries[0]!;
  if (first.seq !== 1) {
    const checkpoint = entries.findLast((entry) => entry.event === 'retention.purged' && entry.detail?.throughSeq !== undefined);
    if (!checkpoint || checkpoint.detail!.throughSeq! + 1 > first.seq) return bad(1, 'deleted');
    expectedSeq = checkpoint.detail!.throughSeq! + 1;
    expectedPrev = checkpoint.detail!.anchorHash ?? '';
  }
  const minSeq = first.seq;
  const maxSeq = entries[entries.length - 1]!.seq;

  let previous: AuditEntry | undefined;
  for (const entry of entries) {
    // Sequence numbers are whole; a fraction is an entry slipped in between two others.
    if (!Number.isInteger(entry.seq)) return bad(entry.seq, 'inserted');
    let writtenAs = entry.seq;
    if (hashEntry(entry) !== entry.hash) {
      // Not as written. Intact content under another number is a move; anything else an edit.
      const moved = findWrittenSeq(entry, minSeq, maxSeq + 1);
      if (moved === undefined) return bad(entry.seq, 'edited');
      writtenAs = moved;
    }
    if (writtenAs === entry.seq && entry.prevHash === expectedPrev && entry.seq === expectedSeq) {
      previous = entry;
      expectedPrev = entry.hash;
      expectedSeq = entry.seq + 1;
      continue;
    }
    // Two entries claiming the same predecessor: the earlier of them was slipped in.
    if (previous && entry.prevHash === previous.prevHash) return bad(previous.seq, 'inserted');
    if (writtenAs !== entry.seq) return bad(entry.seq, 'reordered');
    // A gap with intact entries on both sides: entries were removed.
    if (entry.seq > expectedSeq && !byHash.has(entry.prevHash)) return bad(expectedSeq, 'deleted');
    // Links to an entry that is present, but not to the one before it.
    if (byHash.has(entry.prevHash)) return bad(entry.seq, 'reordered');
    return bad(previous && entry.seq === expectedSeq ? previous.seq : entry.seq, 'edited');
  }
  return { ok: true, count: entries.length, head: expectedPrev };
}

/** The sequence number an entry was hashed with, if its content is otherwise as written. */
function findWrittenSeq(entry: AuditEntry, from: number, to: number): number | undefined {
  for (let seq = from; seq <= to; seq++) {
    if (seq !== entry.seq && hashEntry({ ...entry, seq }) === entry.hash) return seq;
  }
  return undefined;
}

const WORKSTATION_KEY = 'workstation';
const WORKSTATION_NAME_MAX = 100;

/**
 * This browser profile's identity in the log: a random id made on first use and kept in
 * `storage.local`, and an optional name the administrator gives it on the options page. Not part of
 * the practice configuration, which is shared between computers (a file, browser policy): a name
 * there would name every computer alike.
 */
export function createWorkstationStore(storage: KeyValueStorage, randomId: () => string = () => crypto.randomUUID()) {
  let cached: Promise<Workstation> | null = null;

  async function read(): Promise<Workstation> {
    const stored = (await storage.get(WORKSTATION_KEY))[WORKSTATION_KEY] as Partial<Workstation> | undefined;
    if (stored && typeof stored.id === 'string' && stored.id.length >= 8) {
      return { id: stored.id, ...(typeof stored.name === 'string' && stored.name ? { name: stored.name } : {}) };
    }
    const fresh: Workstation = { id: randomId() };
    await storage.set({ [WORKSTATION_KEY]: fresh });
    return fresh;
  }

  return {
    load(): Promise<Workstation> {
      cached ??= read().catch((error: unknown) => {
        cached = null;
        throw error;
      });
      return cached;
    },
    async rename(name: string): Promise<Workstation> {
      const { id } = await this.load();
      const trimmed = name.trim().slice(0, WORKSTATION_NAME_MAX);
      const next: Workstation = { id, ...(trimmed ? { name: trimmed } : {}) };
      await storage.set({ [WORKSTATION_KEY]: next });
      cached = Promise.resolve(next);
      return next;
    },
  };
}

export type WorkstationStore = ReturnType<typeof createWorkstationStore>;

export interface AuditLogDependencies {
  db: VroegsignaalDatabase;
  now: () => number;
  workstation: Pick<WorkstationStore, 'load' | 'rename'>;
  /** The configured users, to give each entry's user a role (configuration.current().users). */
  users: () => Promise<readonly PracticeUser[]>;
}

/** Which entries to read: `from` included, `to` excluded (ISO instants), optionally one event. */
export interface AuditRange {
  from?: string;
  to?: string;
  event?: AuditEventName;
}

/** Old (version 1–2) lines without a person were the background's; screening lines were a person's, unnamed. */
function legacyDraft(line: AuditEvent): AuditDraft {
  const byPerson = line.action === 'screening.negative' || line.action === 'prompt.dismissed' || line.action === 'screening.consent-declined';
  return {
    event: line.action,
    at: line.at,
    patient: line.patientHash,
    ...(line.actor ? { actor: line.actor } : byPerson ? {} : { actor: 'system' as const }),
    ...(line.referralId ? { object: line.referralId } : {}),
    detail: { legacy: true, ...(line.detail ? { legacyDetail: line.detail } : {}) },
  };
}

/**
 * The audit log: the one writer of entries, its reader and its checker.
 *
 * Callers that write in their own transaction call `ready()` first (it loads this workstation and
 * the configured users, which cannot be awaited inside a transaction), open a readwrite transaction
 * that includes `auditLog`, and call `appendInTransaction`.
 */
export function createAuditLog(deps: AuditLogDependencies) {
  const { db } = deps;
  let context: { workstation: Workstation; users: readonly PracticeUser[] } | null = null;
  let migrated: Promise<void> | null = null;
  // Per transaction, where the chain stands after the appends made in it so far: two appends in one
  // transaction (say, two Promise.all branches) follow each other instead of both reading the same head.
  const heads = new WeakMap<object, Promise<{ seq: number; hash: string }>>();

  async function readHead(store: AuditStore): Promise<{ seq: number; hash: string }> {
    const last = await store.openCursor(null, 'prev');
    return last ? { seq: last.value.seq, hash: last.value.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  /**
   * Appends entries in the caller's readwrite transaction, which must include `auditLog`. Awaits
   * only requests of that transaction. Readwrite transactions on one store run one after another,
   * so the head read here cannot change before the entries are added: the chain cannot fork.
   */
  function appendInTransaction(tx: AuditTransaction, drafts: readonly AuditDraft[]): Promise<AuditEntry[]> {
    if (!context) throw new Error('the audit log was used before ready()');
    const { workstation, users } = context;
    const store = tx.objectStore('auditLog') as AuditStore;
    const run = (heads.get(tx) ?? readHead(store)).then(async (head) => {
      const fallbackAt = new Date(deps.now()).toISOString();
      const entries: AuditEntry[] = [];
      let { seq, hash } = head;
      for (const draft of drafts) {
        const unhashed: Omit<AuditEntry, 'hash'> = {
          seq: ++seq,
          event: draft.event,
          at: draft.at ?? fallbackAt,
          patient: draft.patient ?? null,
          user: resolveUser(draft.actor, users),
          onBehalfOf: party(draft.onBehalfOf),
          workstation,
          object: draft.object ?? null,
          detail: draft.detail && Object.keys(draft.detail).length > 0 ? draft.detail : null,
          prevHash: hash,
        };
        hash = hashEntry(unhashed);
        entries.push({ ...unhashed, hash });
      }
      // `add`, not `put`: an existing sequence number is an error that aborts the transaction.
      await Promise.all(entries.map((entry) => store.add(entry)));
      return { entries, head: { seq, hash } };
    });
    heads.set(
      tx,
      run.then((result) => result.head),
    );
    return run.then((result) => result.entries);
  }

  /** Moves the lines of versions 1–2 into the chain, oldest first, and empties the old store: once, atomically. */
  async function migrateLegacy(): Promise<void> {
    const tx = db.transaction(['audit', 'auditLog'], 'readwrite');
    const legacy = await tx.objectStore('audit').getAll();
    if (legacy.length > 0) {
      await appendInTransaction(tx as unknown as AuditTransaction, legacy.map(legacyDraft));
      await tx.objectStore('audit').clear();
    }
    await tx.done;
  }

  /** Loads what entries need (this workstation, the users as configured now); moves old lines in, the first time. */
  async function ready(): Promise<void> {
    const [workstation, users] = await Promise.all([deps.workstation.load(), deps.users()]);
    context = { workstation, users };
    migrated ??= migrateLegacy().catch((error: unknown) => {
      migrated = null;
      throw error;
    });
    await migrated;
  }

  async function append(drafts: readonly AuditDraft[]): Promise<AuditEntry[]> {
    await ready();
    const tx = db.transaction('auditLog', 'readwrite');
    const [entries] = await Promise.all([appendInTransaction(tx as unknown as AuditTransaction, drafts), tx.done]);
    return entries;
  }

  async function entries(range: AuditRange = {}): Promise<AuditEntry[]> {
    if (range.event) {
      const bounds = IDBKeyRange.bound([range.event, range.from ?? ''], [range.event, range.to ?? '\uffff'], false, range.to !== undefined);
      return (await db.getAllFromIndex('auditLog', 'by-event', bounds)).sort((a, b) => a.seq - b.seq);
    }
    if (range.from === undefined && range.to === undefined) return db.getAll('auditLog');
    const bounds =
      range.from !== undefined && range.to !== undefined
        ? IDBKeyRange.bound(range.from, range.to, false, true)
        : range.from !== undefined
          ? IDBKeyRange.lowerBound(range.from)
          : IDBKeyRange.upperBound(range.to!, true);
    return (await db.getAllFromIndex('auditLog', 'by-time', bounds)).sort((a, b) => a.seq - b.seq);
  }

  return {
    ready,
    appendInTransaction,
    /** Appends entries in a transaction of their own. */
    append,
    /** Entries in sequence order, optionally of one period and one event (e.g. `prompt.shown` for the report). */
    entries,
    /** Walks the whole chain (see {@link verifyChain}). */
    async verify(): Promise<AuditVerification> {
      await ready();
      return verifyChain(await db.getAll('auditLog'));
    },
    /** How many entries the log holds. */
    count: () => db.count('auditLog'),
    /** This browser profile as entries name it. */
    workstation: () => deps.workstation.load(),
    /** Names this workstation (empty: no name); the naming is itself logged, under the new name. */
    async nameWorkstation(name: string): Promise<Workstation> {
      const workstation = await deps.workstation.rename(name);
      await append([{ event: 'workstation.named', actor: 'system' }]);
      return workstation;
    },
    /**
     * A person looked at a patient's personal data outside the consult, e.g. opened their details
     * in the assistant's work list (`view: 'work-list'`). For the work list to call on every opening.
     */
    personalDataViewed(viewed: { patient: string; actor?: Practitioner; object?: string; view: string }): Promise<AuditEntry[]> {
      return append([
        {
          event: 'personal-data.viewed',
          patient: viewed.patient,
          ...(viewed.actor ? { actor: viewed.actor } : {}),
          ...(viewed.object ? { object: viewed.object } : {}),
          detail: { view: viewed.view },
        },
      ]);
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;

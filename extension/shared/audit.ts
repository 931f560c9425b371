// The audit log (NEN 7513) as the extension's pages see it: types only. The log itself, its hash
// chain and its export live in background/audit-log.ts and background/audit-export.ts.

/** How an entry in the chain was found to be wrong, at the first entry that is. */
export type AuditBreak = 'edited' | 'deleted' | 'reordered' | 'inserted';

/**
 * The result of walking the hash chain. `ok`: every entry matches its own hash and links to the one
 * before it; `head` is the last entry's hash (the value a central log can keep to notice a cut-off end).
 * Not ok: the sequence number of the first entry that is wrong (for `deleted`, the first one missing).
 */
export type AuditVerification = { ok: true; count: number; head: string | null } | { ok: false; count: number; firstBad: { seq: number; reason: AuditBreak } };

/** This browser profile as the log names it: a random id made once, and the name the practice gave it. */
export interface Workstation {
  id: string;
  name?: string;
}

/** The formats the options page exports the log in. */
export type AuditExportFormat = 'jsonl' | 'csv';

/** What the options page gets for a download: the file, and what the chain check found. */
export interface AuditExport {
  fileName: string;
  text: string;
  /** The media type to save the file with. */
  mediaType: string;
  verification: AuditVerification;
  /** Entries in the file (the chosen period). */
  exported: number;
}

/** What the options page shows about the log before anything is exported. */
export interface AuditInfo {
  workstation: Workstation;
  entries: number;
}

import type { AuditExport, AuditExportFormat, AuditVerification, Workstation } from '../shared/audit';
import { canonicalDetailText, type AuditEntry, type AuditLog } from './audit-log';

// The audit log as files for the practice's central log: JSON Lines (one header line with the chain
// check, then one entry per line, exactly as stored, so the receiving side can re-check the hashes)
// and CSV (for a spreadsheet: one row per entry, the chain check in a column of its own on every row,
// because a comment line would be a data row to a spreadsheet).

/** The first line of a JSON Lines export. */
export interface AuditExportHeader {
  format: 'vroegsignaal-audit-log';
  version: 1;
  exportedAt: string;
  workstation: Workstation;
  /** The period asked for (ISO instants, `to` excluded); absent: everything. */
  period: { from: string | null; to: string | null };
  /** The check of the whole chain, made just before the export. */
  verification: AuditVerification;
  entries: number;
}

export interface AuditExportOptions {
  format: AuditExportFormat;
  exportedAt: string;
  workstation: Workstation;
  from?: string;
  to?: string;
}

/** Serialises entries (in sequence order) with the chain's verification. */
export function formatAuditExport(entries: readonly AuditEntry[], verification: AuditVerification, options: AuditExportOptions): string {
  return options.format === 'csv' ? toCsv(entries, verification) : toJsonLines(entries, verification, options);
}

export function toJsonLines(entries: readonly AuditEntry[], verification: AuditVerification, options: Omit<AuditExportOptions, 'format'>): string {
  const header: AuditExportHeader = {
    format: 'vroegsignaal-audit-log',
    version: 1,
    exportedAt: options.exportedAt,
    workstation: options.workstation,
    period: { from: options.from ?? null, to: options.to ?? null },
    verification,
    entries: entries.length,
  };
  // JSON.stringify never leaves a raw line break in its output: one value per line holds.
  return [header, ...entries].map((line) => JSON.stringify(line)).join('\n') + '\n';
}

export const CSV_COLUMNS = [
  'seq',
  'time_utc',
  'event',
  'patient_pseudonym',
  'user_role',
  'user_id',
  'user_name',
  'user_agb',
  'on_behalf_of_name',
  'on_behalf_of_agb',
  'workstation_id',
  'workstation_name',
  'object_referral_id',
  'detail',
  'prev_hash',
  'hash',
  'chain',
] as const;

/**
 * One CSV cell: quoted when it holds a quote, comma, semicolon or line break (quotes doubled), and
 * — so a spreadsheet never runs it as a formula — prefixed with `'` when it starts with `=`, `+`,
 * `-`, `@`, a tab or a carriage return.
 */
export function csvCell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",;\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Per row, what the chain check says of it: `ok`, the break at the first bad entry, or `after-break`. */
function chainColumn(entry: AuditEntry, verification: AuditVerification): string {
  if (verification.ok) return 'ok';
  const { seq, reason } = verification.firstBad;
  if (entry.seq < seq) return 'ok';
  return entry.seq === seq ? `broken:${reason}` : 'after-break';
}

/**
 * CSV per RFC 4180 (comma, CRLF, a header row), with a byte-order mark so that spreadsheet programs
 * read it as UTF-8. Every row says what the chain check found: a file opened on its own still
 * shows whether the log it came from was intact.
 */
export function toCsv(entries: readonly AuditEntry[], verification: AuditVerification): string {
  const rows = entries.map((entry) =>
    [
      entry.seq,
      entry.at,
      entry.event,
      entry.patient,
      entry.user.role,
      entry.user.id,
      entry.user.name,
      entry.user.agb,
      entry.onBehalfOf?.name,
      entry.onBehalfOf?.agb,
      entry.workstation.id,
      entry.workstation.name,
      entry.object,
      entry.detail ? canonicalDetailText(entry.detail) : '',
      entry.prevHash,
      entry.hash,
      chainColumn(entry, verification),
    ]
      .map(csvCell)
      .join(','),
  );
  return `\uFEFF${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}

/** The file name of an export: the practice's log, this workstation, the day. */
export function auditExportFileName(format: AuditExportFormat, exportedAt: string, workstation: Workstation): string {
  const place = (workstation.name ?? workstation.id.slice(0, 8))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `vroegsignaal-auditlog-${place || 'werkplek'}-${exportedAt.slice(0, 10)}.${format === 'csv' ? 'csv' : 'jsonl'}`;
}

/** The options page's request: a format and optionally a period of local calendar days, both included. */
export interface AuditExportRequest {
  format: AuditExportFormat;
  from?: string;
  to?: string;
}

/** Local midnight at the start of a `YYYY-MM-DD` day, as an ISO instant (the background runs in the practice's time zone). */
function startOfLocalDay(day: string, plusDays = 0): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(year, month - 1, date + plusDays).toISOString();
}

/**
 * Checks the whole chain, then writes the entries of the period with the check's result in the
 * file. A broken chain is exported all the same: the practice's central log must receive what there
 * is, marked. The export itself is logged afterwards.
 */
export async function exportAuditLog(
  log: Pick<AuditLog, 'verify' | 'entries' | 'workstation' | 'append'>,
  request: AuditExportRequest,
  now: () => number,
): Promise<AuditExport> {
  const verification = await log.verify();
  const from = request.from ? startOfLocalDay(request.from) : undefined;
  const to = request.to ? startOfLocalDay(request.to, 1) : undefined;
  const entries = await log.entries({ ...(from ? { from } : {}), ...(to ? { to } : {}) });
  const exportedAt = new Date(now()).toISOString();
  const workstation = await log.workstation();
  const text = formatAuditExport(entries, verification, { format: request.format, exportedAt, workstation, ...(from ? { from } : {}), ...(to ? { to } : {}) });
  await log.append([
    {
      event: 'audit.exported',
      detail: { format: request.format, count: entries.length, ...(from ? { from } : {}), ...(to ? { to } : {}), reason: verification.ok ? 'chain-ok' : `chain-${verification.firstBad.reason}` },
    },
  ]);
  return {
    fileName: auditExportFileName(request.format, exportedAt, workstation),
    text,
    mediaType: request.format === 'csv' ? 'text/csv;charset=utf-8' : 'application/jsonl;charset=utf-8',
    verification,
    exported: entries.length,
  };
}

import { retentionSettings, type PracticeConfiguration } from '../shared/configuration';
import type { AuditLog, AuditTransaction } from './audit-log';
import type { OutboxEntry, ReferralOutboxEntry, VroegsignaalDatabase } from './database';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionDependencies {
  db: VroegsignaalDatabase;
  auditLog: Pick<AuditLog, 'ready' | 'appendInTransaction'>;
  configuration: () => Promise<Pick<PracticeConfiguration, 'practice' | 'ruleSets'>>;
  now: () => number;
}

/** What one purge removed. */
export interface PurgeReport {
  referrals: number;
  consents: number;
  screenings: number;
  auditEntries: number;
}

/**
 * When a referral stopped needing its personal data, or null while it still does. Closed: the
 * social team closed it (Task final) or consent was withdrawn (`closedAt`), or — a webhook system
 * sends nothing back — it was delivered. Never: anything not delivered yet (queued, being sent,
 * retrying, or failed and waiting for a person), and a delivered FHIR referral still open.
 */
export function closedSince(entry: ReferralOutboxEntry): number | null {
  if (entry.state === 'withdrawn') return Date.parse(entry.closedAt ?? entry.withdrawnAt ?? entry.createdAt);
  if (entry.state !== 'delivered') return null;
  if (entry.closedAt) return Date.parse(entry.closedAt);
  if (entry.format === 'json-webhook' && entry.deliveredAt) return Date.parse(entry.deliveredAt);
  return null;
}

/** `at` minus whole calendar years, in UTC (29 February falls back to 28 February / 1 March as Date does). */
function yearsBefore(atMs: number, years: number): number {
  const date = new Date(atMs);
  date.setUTCFullYear(date.getUTCFullYear() - years);
  return date.getTime();
}

/**
 * Purges what the practice's retention terms say is old (see `RetentionSettings`): closed
 * referrals with their withdrawal message, feedback and consent; screenings no cooldown needs any
 * more; audit entries older than the audit term. Everything in one transaction with the audit
 * entry that records the purge, so a purge is never half done nor unlogged.
 *
 * Purging the start of the audit log keeps it verifiable: the `retention.purged` entry records the
 * last purged entry's sequence number and hash, which the first remaining entry links to.
 */
export function createRetention(deps: RetentionDependencies) {
  const { db } = deps;

  return {
    async purge(): Promise<PurgeReport> {
      const configuration = await deps.configuration();
      const terms = retentionSettings(configuration.practice);
      const now = deps.now();
      const cooldownDays = new Map(configuration.ruleSets.map((ruleSet) => [ruleSet.id, ruleSet.cooldownDays]));
      // A rule set's cooldown counts from its last screening or closed referral: those stay while it runs.
      const keepMs = (ruleSetId: string) => Math.max(terms.personalDataDays, cooldownDays.get(ruleSetId) ?? 0) * DAY_MS;
      const auditCutoff = new Date(yearsBefore(now, terms.auditLogYears)).toISOString();
      const report: PurgeReport = { referrals: 0, consents: 0, screenings: 0, auditEntries: 0 };

      await deps.auditLog.ready();
      const tx = db.transaction(['outbox', 'consents', 'screenings', 'auditLog'], 'readwrite');
      const outbox = tx.objectStore('outbox');
      const entries = await outbox.getAll();
      const withdrawals = new Map(entries.filter((entry) => entry.kind === 'withdrawal').map((entry) => [entry.referralId, entry as OutboxEntry]));
      const deletions: Array<Promise<unknown>> = [];
      for (const entry of entries) {
        // Synthetic demo data (synthetic-practice.ts) is no personal data: it goes when the demo is removed.
        if (entry.kind !== 'referral' || entry.synthetic) continue;
        const closed = closedSince(entry);
        if (closed === null || Number.isNaN(closed) || closed > now - keepMs(entry.ruleSetId)) continue;
        // The receiver is still being told of a withdrawal: that message needs the referral.
        const withdrawal = withdrawals.get(entry.referralId);
        if (withdrawal && withdrawal.state !== 'delivered') continue;
        deletions.push(outbox.delete(entry.key));
        if (withdrawal) deletions.push(outbox.delete(withdrawal.key));
        report.referrals++;
        if (await tx.objectStore('consents').getKey(entry.referralId)) {
          deletions.push(tx.objectStore('consents').delete(entry.referralId));
          report.consents++;
        }
      }

      const oldestKept = new Date(now - terms.personalDataDays * DAY_MS).toISOString();
      let screening = await tx.objectStore('screenings').index('by-time').openCursor(IDBKeyRange.upperBound(oldestKept, true));
      while (screening) {
        if (!screening.value.synthetic && Date.parse(screening.value.at) <= now - keepMs(screening.value.ruleSetId)) {
          deletions.push(screening.delete());
          report.screenings++;
        }
        screening = await screening.continue();
      }

      // The log's start, in chain order, up to the first entry young enough to keep. The newest entry
      // always stays, so the next one (this purge's own) continues the numbering.
      const auditLog = tx.objectStore('auditLog');
      const head = await auditLog.openCursor(null, 'prev');
      const headSeq = head?.value.seq ?? 0;
      let last: { seq: number; hash: string } | null = null;
      let cursor = await auditLog.openCursor();
      while (cursor && cursor.value.seq < headSeq && cursor.value.at < auditCutoff) {
        last = { seq: cursor.value.seq, hash: cursor.value.hash };
        deletions.push(cursor.delete());
        report.auditEntries++;
        cursor = await cursor.continue();
      }

      if (report.referrals + report.consents + report.screenings + report.auditEntries > 0) {
        deletions.push(
          deps.auditLog.appendInTransaction(tx as unknown as AuditTransaction, [
            {
              event: 'retention.purged',
              actor: 'system',
              detail: {
                ...report,
                personalDataDays: terms.personalDataDays,
                auditLogYears: terms.auditLogYears,
                ...(last ? { throughSeq: last.seq, anchorHash: last.hash } : {}),
              },
            },
          ]),
        );
      }
      await Promise.all([...deletions, tx.done]);
      return report;
    },
  };
}

export type Retention = ReturnType<typeof createRetention>;

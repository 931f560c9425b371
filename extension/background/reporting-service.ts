import type { HolidayCalendar } from '../../contract/working-days';
import { enabledRuleSets, type PracticeConfiguration } from '../shared/configuration';
import type { ReportPeriod, ReportView } from '../shared/report';
import type { AuditLog } from './audit-log';
import type { VroegsignaalDatabase } from './database';
import type { KeyValueStorage } from './pseudonym';
import { aggregateReport, periodBounds } from './reporting';
import { clearSyntheticPractice, countSyntheticRecords, generateSyntheticPractice, writeSyntheticPractice, type SyntheticPromptLog } from './synthetic-practice';

/** Where the report reads the prompts shown (the audit log's `prompt.shown` entries), and puts synthetic ones. */
export interface PromptSource extends SyntheticPromptLog {
  /** The prompts shown from `startMs` up to (not including) `endMs`, synthetic ones included. */
  promptsShown(startMs: number, endMs: number): Promise<Array<{ at: string }>>;
}

const SYNTHETIC_PROMPTS_KEY = 'syntheticPrompts';

/**
 * Prompts shown: the real ones are the audit log's `prompt.shown` entries. The synthetic practice's
 * are kept apart, in `storage.local`: the audit log is the practice's legal record of what happened
 * to real patients (NEN 7513), exported to its central log and append-only, so demo data has no
 * place in it — and could not be taken out again without breaking the chain.
 */
export function auditPromptSource(auditLog: Pick<AuditLog, 'entries'>, storage: KeyValueStorage): PromptSource {
  async function synthetic(): Promise<Array<{ at: string }>> {
    const stored = (await storage.get(SYNTHETIC_PROMPTS_KEY))[SYNTHETIC_PROMPTS_KEY];
    return Array.isArray(stored) ? stored.filter((item): item is { at: string } => typeof (item as { at?: unknown })?.at === 'string') : [];
  }
  return {
    async promptsShown(startMs, endMs) {
      const [entries, demo] = await Promise.all([
        auditLog.entries({ event: 'prompt.shown', from: new Date(startMs).toISOString(), to: new Date(endMs).toISOString() }),
        synthetic(),
      ]);
      const inPeriod = (at: string) => {
        const ms = Date.parse(at);
        return ms >= startMs && ms < endMs;
      };
      return [...entries, ...demo.filter((prompt) => inPeriod(prompt.at))];
    },
    async addSyntheticPrompts(prompts) {
      // Time and rule set only: the pseudonyms are the synthetic practice's own and say nothing more here.
      await storage.set({ [SYNTHETIC_PROMPTS_KEY]: prompts.map((prompt) => ({ at: prompt.at, ruleSetId: prompt.ruleSetId })) });
    },
    async removeSyntheticPrompts() {
      const count = (await synthetic()).length;
      await storage.set({ [SYNTHETIC_PROMPTS_KEY]: null });
      return count;
    },
    async countSyntheticPrompts() {
      return (await synthetic()).length;
    },
  };
}

export interface ReportingServiceDependencies {
  db: VroegsignaalDatabase;
  configuration: () => Promise<PracticeConfiguration>;
  now: () => Date;
  calendar: HolidayCalendar;
  prompts: PromptSource;
}

/** The rule set the synthetic practice screens with: the money-worries one when it is there. */
const PREFERRED_SYNTHETIC_RULE_SET = 'vroegsignaal-geldzorgen';

/**
 * The practice report (`report/get`) and its synthetic demo data (`report/seed-synthetic`,
 * `report/clear-synthetic`): reads the stores for a period and hands plain arrays to
 * {@link aggregateReport}. Only for the extension's own pages (the message handler checks).
 */
export function createReportingService(deps: ReportingServiceDependencies) {
  const { db } = deps;

  return {
    /** The report for a period, and whether synthetic data is present. */
    async report(period: ReportPeriod): Promise<ReportView> {
      const { startMs, endMs } = periodBounds(period);
      const range = IDBKeyRange.bound(new Date(startMs).toISOString(), new Date(endMs).toISOString(), false, true);
      const [configuration, prompts, screenings, outbox, syntheticRecords] = await Promise.all([
        deps.configuration(),
        deps.prompts.promptsShown(startMs, endMs),
        db.getAllFromIndex('screenings', 'by-time', range),
        // Referrals are few (tens a year) and their period is when they were made: no index needed.
        db.getAll('outbox'),
        countSyntheticRecords(db, deps.prompts),
      ]);
      const now = deps.now();
      const report = aggregateReport(
        {
          prompts,
          screenings,
          referrals: outbox.filter((entry) => entry.kind === 'referral'),
          ruleSets: configuration.ruleSets,
          calendar: deps.calendar,
          now,
        },
        period,
      );
      return { report, syntheticRecords, generatedAt: now.toISOString() };
    },

    /** Replaces any synthetic data with the practice of this seed; answers how many records it wrote. */
    async seedSynthetic(seed: string): Promise<{ records: number }> {
      const configuration = await deps.configuration();
      const candidates = enabledRuleSets(configuration).length > 0 ? enabledRuleSets(configuration) : configuration.ruleSets;
      const ruleSet = candidates.find((candidate) => candidate.id === PREFERRED_SYNTHETIC_RULE_SET) ?? candidates[0];
      if (!ruleSet) throw new Error('no rule set is configured to screen the synthetic practice with');
      const practice = generateSyntheticPractice(seed, { now: deps.now(), ruleSet, calendar: deps.calendar });
      return { records: await writeSyntheticPractice(db, practice, deps.prompts) };
    },

    /** Removes every synthetic record. */
    async clearSynthetic(): Promise<{ removed: number }> {
      return { removed: await clearSyntheticPractice(db, deps.prompts) };
    },
  };
}

export type ReportingService = ReturnType<typeof createReportingService>;

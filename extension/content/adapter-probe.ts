import type { ProbeFindings } from '../shared/messages';
import { findAdapter, type PageAdapter } from '../shared/page-adapter';
import { compileTriggers, recurrenceMet, type RuleSetMatch } from '../shared/rule-engine';
import type { RuleSet } from '../shared/rule-set';
import { pageLanguages, queryAllSafely, readHistory, readPatient, readPractitioner } from './page-reader';
import { startSignalScanner } from './signal-scanner';

type Reason = ProbeFindings['firing'][number]['because'][number];

function describe(match: RuleSetMatch): Reason {
  const { trigger } = match;
  if (trigger.kind === 'term') return { kind: 'term', text: trigger.term };
  return trigger.name ? { kind: 'name', text: trigger.name, code: trigger.baseCode } : { kind: 'code', text: trigger.code };
}

/**
 * What `adapter` finds on this page right now, for "Test on the open tab" in the options page:
 * the patient, the GP, the codes, names and terms, which rule sets would fire and why, and every
 * selector that finds nothing. Reads only; changes nothing on the page.
 */
export function probeAdapter(doc: Document, adapter: PageAdapter, ruleSets: readonly RuleSet[], now: Date, ignore: (node: Node) => boolean): ProbeFindings {
  const warnings: ProbeFindings['warnings'] = [];
  const check = (path: string, selector: string | undefined, expectOne: boolean) => {
    if (!selector) return;
    const count = queryAllSafely(doc, selector).length;
    if (count === 0) warnings.push({ kind: 'finds-nothing', path, selector, count });
    else if (expectOne && count > 1) warnings.push({ kind: 'finds-many', path, selector, count });
  };
  check('patient.banner', adapter.patient?.banner, true);
  if (!adapter.patient?.banner) {
    check('patient.key', adapter.patient?.key, true);
    check('patient.name', adapter.patient?.name, true);
    check('patient.phone', adapter.patient?.phone, true);
    check('patient.birthDate', adapter.patient?.birthDate, true);
  }
  check('practitioner.root', adapter.practitioner?.root, true);
  adapter.scan.include.forEach((selector, index) => check(`scan.include[${index}]`, selector, false));
  (adapter.scan.diagnoses ?? []).forEach((selector, index) => check(`scan.diagnoses[${index}]`, selector, false));
  (adapter.history?.regions ?? []).forEach((selector, index) => check(`history.regions[${index}]`, selector, false));

  const patient = readPatient(doc, adapter);
  if (adapter.patient && !patient) warnings.push({ kind: 'no-patient', path: 'patient' });

  const languages = pageLanguages(adapter);
  const matcher = compileTriggers(ruleSets, languages);
  const historyRuleSets = ruleSets.filter((ruleSet) => ruleSet.lookIn === 'consult-and-history');
  const historyMatcher = historyRuleSets.length > 0 ? compileTriggers(historyRuleSets, languages) : null;
  const matches: RuleSetMatch[] = [];
  // One full scan, exactly as the sidebar's scanner would do it, then stop at once.
  const scanner = startSignalScanner({
    document: doc,
    adapter,
    matcher,
    historyMatcher,
    ignore,
    onPatientChanged: () => {},
    onTriggers: (found) => matches.push(...found),
  });
  scanner.stop();

  const codes = new Set<string>();
  const terms = new Set<string>();
  const names = new Set<string>();
  const because = new Map<string, Map<string, Reason>>();
  for (const match of matches) {
    if (match.trigger.kind === 'term') terms.add(match.trigger.term);
    else if (match.trigger.name) names.add(`${match.trigger.name} → ${match.trigger.baseCode}`);
    else codes.add(match.trigger.code);
    const reasons = because.get(match.ruleSetId) ?? new Map<string, Reason>();
    const reason = describe(match);
    reasons.set(`${reason.kind}:${reason.text}`, reason);
    because.set(match.ruleSetId, reasons);
  }
  const history = readHistory(doc, adapter);
  const firing: ProbeFindings['firing'] = [];
  for (const ruleSet of ruleSets) {
    const reasons = because.get(ruleSet.id);
    if (!reasons) continue;
    if (ruleSet.recurrence && !recurrenceMet(ruleSet, historyMatcher ?? matcher, history, now)) {
      warnings.push({ kind: 'recurrence-not-met', path: `ruleSets: ${ruleSet.id}`, ruleSetId: ruleSet.id, ...ruleSet.recurrence });
      continue;
    }
    firing.push({ ruleSetId: ruleSet.id, because: [...reasons.values()] });
  }
  return {
    url: doc.location.href,
    pageMatches: findAdapter([adapter], doc.location.href) !== undefined,
    patient,
    practitioner: readPractitioner(doc, adapter),
    codes: [...codes],
    terms: [...terms],
    names: [...names],
    firing,
    warnings,
  };
}

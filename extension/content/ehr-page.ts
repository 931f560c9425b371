import type { PageConfiguration, Response, SendMessage, TabMessage } from '../shared/messages';
import { compileTriggers, recurrenceMet, type HistoryItem, type RuleSetMatch } from '../shared/rule-engine';
import type { PageContext } from '../shared/sidebar-channel';
import { pageLanguages, readHistory, readPractitioner } from './page-reader';
import type { SidebarLink } from './sidebar-frame-host';
import { startSignalScanner, type SignalScanner } from './signal-scanner';

export interface EhrPageDependencies {
  document: Document;
  send: SendMessage;
  /** Puts the sidebar in the page for a watched view; it is removed when the view is no longer watched. */
  mountSidebar(page: PageContext): SidebarLink;
  reportError: (context: string, error: unknown) => void;
  now: () => Date;
}

interface Session {
  /** The configuration this session runs with, to notice when it changed. */
  fingerprint: string;
  scanner: SignalScanner;
  ui: SidebarLink;
}

/**
 * The content script's life on a configured origin: asks the background whether this page is an
 * EHR page it should watch and with what, and stays idle where it should not. It asks again on every
 * URL change (a single-page EHR moves in and out of watched paths without loading a page) and when
 * the configuration changes, and then starts, keeps or stops the scanner and sidebar accordingly.
 */
export function startEhrPage(deps: EhrPageDependencies) {
  let session: Session | null = null;
  let generation = 0;
  let stopped = false;

  function end(): void {
    session?.scanner.stop();
    session?.ui.remove();
    session = null;
  }

  function begin(configuration: Extract<PageConfiguration, { active: true }>, fingerprint: string): void {
    const { adapter } = configuration;
    const page: PageContext = {
      adapterId: adapter.id,
      ruleSets: configuration.ruleSets,
      recipients: configuration.recipients,
      users: configuration.users,
      locale: configuration.locale,
    };
    const ui = deps.mountSidebar(page);
    const languages = pageLanguages(adapter);
    const matcher = compileTriggers(configuration.ruleSets, languages);
    const historyRuleSets = configuration.ruleSets.filter((ruleSet) => ruleSet.lookIn === 'consult-and-history');
    const historyMatcher = historyRuleSets.length > 0 ? compileTriggers(historyRuleSets, languages) : null;
    const withRecurrence = new Map(configuration.ruleSets.filter((ruleSet) => ruleSet.recurrence).map((ruleSet) => [ruleSet.id, ruleSet]));

    // Whether each rule set's recurrence holds for the open patient: worked out once per patient, so a
    // trigger repeated on every keystroke does not read the (possibly long) history again.
    let recurrenceMetFor = new Map<string, boolean>();
    let history: HistoryItem[] | null = null;
    /** Rule sets with a recurrence condition fire only when the history shows enough earlier episodes. */
    const recurring = (matches: RuleSetMatch[]): RuleSetMatch[] => {
      if (withRecurrence.size === 0 || !matches.some((match) => withRecurrence.has(match.ruleSetId))) return matches;
      return matches.filter((match) => {
        const ruleSet = withRecurrence.get(match.ruleSetId);
        if (!ruleSet) return true;
        if (!recurrenceMetFor.has(ruleSet.id)) {
          history ??= readHistory(deps.document, adapter);
          recurrenceMetFor.set(ruleSet.id, recurrenceMet(ruleSet, historyMatcher ?? matcher, history, deps.now()));
        }
        return recurrenceMetFor.get(ruleSet.id)!;
      });
    };

    const scanner = startSignalScanner({
      document: deps.document,
      adapter,
      matcher,
      historyMatcher,
      ignore: (node) => ui.contains(node),
      onPatientChanged: (patient) => {
        recurrenceMetFor = new Map();
        history = null;
        ui.patientChanged(patient, readPractitioner(deps.document, adapter));
      },
      onTriggers: (matches) => {
        const allowed = recurring(matches);
        if (allowed.length > 0) ui.triggersFound(allowed);
      },
    });
    session = { fingerprint, scanner, ui };
  }

  /** Asks the background what this page is now, and follows. */
  async function refresh(url: string, reason: 'start' | 'location' | 'configuration'): Promise<void> {
    const mine = ++generation;
    let response: Response<PageConfiguration>;
    try {
      response = await deps.send({ type: 'page/configuration', url });
    } catch (error) {
      // The extension was reloaded or its background cannot answer: stay as we are, say why.
      deps.reportError('page configuration', error);
      return;
    }
    if (stopped || mine !== generation) return;
    if (!response.ok) {
      deps.reportError('page configuration', response.error.message);
      return;
    }
    const configuration = response.data;
    if (!configuration.active) {
      end();
      return;
    }
    const fingerprint = JSON.stringify(configuration);
    if (session && session.fingerprint === fingerprint) {
      // Same EHR view, another path: only who is open may have changed.
      if (reason === 'location') session.scanner.recheckPatient();
      return;
    }
    end();
    begin(configuration, fingerprint);
  }

  return {
    start: (url: string) => refresh(url, 'start'),
    locationChanged: (url: string) => refresh(url, 'location'),
    configurationChanged: (url: string) => refresh(url, 'configuration'),
    /** A message from the background about this page's referrals. */
    tabMessage(message: TabMessage): void {
      if (message.type === 'referral/status') session?.ui.referralStatus(message.status);
    },
    stop(): void {
      stopped = true;
      end();
    },
  };
}

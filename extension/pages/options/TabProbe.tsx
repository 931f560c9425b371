import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { MessageKey } from '../../shared/i18n';
import type { OptionsView, ProbeFindings, ProbeWarning } from '../../shared/messages';
import type { OptionsDependencies, PageActions } from './dependencies';
import { probeReason, reasonText } from './dry-run';
import { IsolatedList, msg } from './ui';

/** An open browser tab on an EHR origin, as the background lists it. */
export interface OpenTab {
  tabId: number;
  title: string;
  url: string;
}

/**
 * The open tabs on each origin, each rendered by `renderTab`, with "Vernieuwen" for tabs opened
 * since. The background only sees tabs on sites Vroegsignaal has access to.
 */
export function OpenTabList({ origins, deps, renderTab }: { origins: readonly string[]; deps: OptionsDependencies; renderTab(tab: OpenTab): ComponentChildren }) {
  const { t } = deps;
  const [tabs, setTabs] = useState<Record<string, OpenTab[] | { failed: string }> | null>(null);
  const [loading, setLoading] = useState(false);
  const originsKey = origins.join(' ');

  const load = async () => {
    setLoading(true);
    const entries = await Promise.all(
      origins.map(async (origin) => {
        const reply = await deps.client.send({ type: 'options/open-tabs', origin });
        return [origin, reply.ok ? reply.data : { failed: reply.error.message }] as const;
      }),
    );
    setTabs(Object.fromEntries(entries));
    setLoading(false);
  };

  useEffect(() => {
    void load();
  }, [originsKey]);

  return (
    <div class="vs-open-tabs">
      {origins.map((origin) => {
        const found = tabs?.[origin];
        return (
          <div key={origin}>
            <h4>{msg(t, 'options_tabs_title', origin)}</h4>
            {found === undefined ? (
              <p class="vs-hint">{t('options_tabs_loading')}</p>
            ) : 'failed' in found ? (
              <p class="vs-error">{msg(t, 'options_tabs_failed', found.failed)}</p>
            ) : found.length === 0 ? (
              <p class="vs-hint">{t('options_tabs_none')}</p>
            ) : (
              <ul class="vs-tab-list">
                {found.map((tab) => (
                  <li key={tab.tabId}>{renderTab(tab)}</li>
                ))}
              </ul>
            )}
          </div>
        );
      })}
      <button type="button" class="vs-secondary vs-small" disabled={loading} onClick={() => void load()}>
        {t('options_tabs_refresh')}
      </button>
    </div>
  );
}

/**
 * "Test op open tabblad": what an adapter (its JSON text, saved or not) finds on an open EHR tab
 * right now. With `tab`, that one tab is tested (the tab the builder was used on).
 */
export function TabProbe({
  origins,
  source,
  tab,
  view,
  deps,
  actions,
}: {
  origins: readonly string[];
  source: string;
  tab?: OpenTab;
  view: OptionsView;
  deps: OptionsDependencies;
  actions: PageActions;
}) {
  const { t } = deps;
  const [result, setResult] = useState<{ tab: OpenTab; findings: ProbeFindings } | null>(null);
  const [busy, setBusy] = useState(false);

  const probe = async (chosen: OpenTab) => {
    setBusy(true);
    const reply = await deps.client.send({ type: 'options/probe-tab', tabId: chosen.tabId, source });
    setBusy(false);
    if (reply.ok) {
      setResult({ tab: chosen, findings: reply.data });
      return;
    }
    setResult(null);
    actions.refuse({
      summary: msg(t, 'options_probe_failed', chosen.title),
      problems: reply.error.problems?.length ? reply.error.problems : [{ path: '', message: reply.error.message }],
      unchanged: t('options_probe_unchanged'),
    });
  };

  return (
    <div class="vs-probe">
      {tab ? (
        <button type="button" class="vs-secondary" disabled={busy} onClick={() => void probe(tab)}>
          {t('options_adapters_test')}
        </button>
      ) : (
        <OpenTabList
          origins={origins}
          deps={deps}
          renderTab={(open) => (
            <button type="button" class="vs-tab-button" disabled={busy} onClick={() => void probe(open)}>
              <bdi>{open.title}</bdi>
            </button>
          )}
        />
      )}
      <div aria-live="polite">{result && <ProbeReport tab={result.tab} findings={result.findings} view={view} deps={deps} />}</div>
    </div>
  );
}

function warningText(warning: ProbeWarning, view: OptionsView, deps: OptionsDependencies): ComponentChildren {
  const { t, locale } = deps;
  switch (warning.kind) {
    case 'finds-nothing':
      return msg(t, 'options_probe_findsNothing', warning.path, warning.selector);
    case 'finds-many':
      return msg(t, 'options_probe_findsMany', warning.path, warning.selector, warning.count);
    case 'no-patient':
      return t('options_probe_noPatientKey');
    case 'recurrence-not-met': {
      const name = view.ruleSets.find((entry) => entry.value.id === warning.ruleSetId)?.value.name[locale] ?? warning.ruleSetId;
      return msg(t, 'options_probe_recurrenceNotMet', name, warning.minEpisodes, warning.withinMonths);
    }
  }
}

/** What an adapter found on a tab, as the administrator checks it against the page. */
export function ProbeReport({ tab, findings, view, deps }: { tab: OpenTab; findings: ProbeFindings; view: OptionsView; deps: OptionsDependencies }) {
  const { t, locale } = deps;
  const { patient, practitioner } = findings;
  const notFound = t('options_probe_notFound');
  const none = t('options_probe_none');
  const line = (key: MessageKey, value: string) => <li>{msg(t, key, value || notFound)}</li>;
  return (
    <div class="vs-probe-report">
      <h4>{msg(t, 'options_probe_title', tab.title)}</h4>
      <ul class="vs-findings">
        <li>{t('options_probe_pageMatches', [findings.pageMatches ? t('options_yes') : t('options_no')])}</li>
        {patient ? (
          <>
            <li>{msg(t, 'options_probe_patient', patient.name || notFound, patient.key)}</li>
            {line('options_probe_phone', patient.phone)}
            {line('options_probe_birthDate', patient.birthDate)}
          </>
        ) : (
          <li>{t('options_probe_noPatient')}</li>
        )}
        <li>
          {practitioner.name
            ? msg(t, practitioner.agb ? 'options_probe_practitionerAgb' : 'options_probe_practitioner', practitioner.name, practitioner.agb ?? '')
            : msg(t, 'options_probe_practitioner', notFound)}
        </li>
        <li>{msg(t, 'options_probe_codes', <IsolatedList items={findings.codes} empty={none} />)}</li>
        <li>{msg(t, 'options_probe_names', <IsolatedList items={findings.names} empty={none} />)}</li>
        <li>{msg(t, 'options_probe_terms', <IsolatedList items={findings.terms} empty={none} />)}</li>
        {findings.firing.length === 0 ? (
          <li>{t('options_dryRun_none')}</li>
        ) : (
          findings.firing.map((firing) => {
            const ruleSet = view.ruleSets.find((entry) => entry.value.id === firing.ruleSetId)?.value;
            const reasons = firing.because.map((reason) => reasonText(probeReason(ruleSet, reason), t, locale));
            return <li key={firing.ruleSetId}>{msg(t, 'options_probe_firing', ruleSet?.name[locale] ?? firing.ruleSetId, <IsolatedList items={reasons} empty="" />)}</li>;
          })
        )}
      </ul>
      {findings.warnings.length > 0 && (
        <>
          <h5>{t('options_probe_warnings')}</h5>
          <ul class="vs-warnings">
            {findings.warnings.map((warning, index) => (
              <li key={index}>{warningText(warning, view, deps)}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

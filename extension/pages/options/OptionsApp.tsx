import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ConfigurationLayer } from '../../shared/configuration';
import type { MessageKey } from '../../shared/i18n';
import type { OptionsView } from '../../shared/messages';
import { AdaptersSection } from './AdaptersSection';
import { AuditSection } from './AuditSection';
import type { OptionsDependencies, PageActions, Refusal } from './dependencies';
import { EndpointsSection } from './EndpointsSection';
import { ImportExportSection } from './ImportExportSection';
import { PracticeSection } from './PracticeSection';
import { RuleSetsSection } from './RuleSetsSection';
import { StatusArea, type Status } from './StatusArea';
import { UsersSection } from './UsersSection';
import { msg, ProblemPath } from './ui';

/** The sections in page order: their anchors and titles, for the navigation list. */
const SECTIONS: ReadonlyArray<{ id: string; title: MessageKey }> = [
  { id: 'practice', title: 'options_practice_title' },
  { id: 'users', title: 'options_users_title' },
  { id: 'endpoints', title: 'options_endpoints_title' },
  { id: 'rule-sets', title: 'options_ruleSets_title' },
  { id: 'adapters', title: 'options_adapters_title' },
  { id: 'transfer', title: 'options_transfer_title' },
  { id: 'audit', title: 'options_audit_title' },
];

const LAYER_KEYS: Record<ConfigurationLayer, MessageKey> = {
  policy: 'options_layer_policy',
  saved: 'options_layer_saved',
  default: 'options_layer_default',
};

/** After the browser grants or removes a site, the background re-registers the EHR script; look again once it has. */
const RESYNC_AFTER_MS = 1_000;

/** Everything the page needs from outside: the browser's APIs in the extension, fakes in tests. */
export interface OptionsAppProps {
  deps: OptionsDependencies;
}

/**
 * The options page: the practice administrator's view of the whole configuration, rendered from
 * the background's OptionsView and re-rendered from the view every change answers with.
 */
export function OptionsApp({ deps }: OptionsAppProps) {
  const { t, client } = deps;
  const [view, setView] = useState<OptionsView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [status, setStatus] = useState<Status>(null);
  const serial = useRef(0);
  // Views are applied in the order their requests were sent: a slow read must not undo a later change.
  const sent = useRef(0);
  const applied = useRef(0);
  // The section an action started in, while its focused control may vanish with the change (a removed item).
  const focusHome = useRef<{ control: Element; section: HTMLElement | null; view: OptionsView } | null>(null);

  const actions = useMemo<PageActions>(() => {
    const apply = (next: OptionsView, order: number) => {
      if (order < applied.current) return;
      applied.current = order;
      setView(next);
    };
    const report = (message: ComponentChildren) => setStatus({ kind: 'done', message, serial: ++serial.current });
    const refuse = (refusal: Refusal) => setStatus({ kind: 'refused', refusal, serial: ++serial.current });
    return {
      async change(message, texts) {
        const order = ++sent.current;
        const focused = document.activeElement;
        const reply = await client.send(message);
        if (!reply.ok) {
          refuse({
            summary: t('options_refused'),
            problems: reply.error.problems?.length ? reply.error.problems : [{ path: '', message: reply.error.message }],
            unchanged: texts.unchanged,
          });
          return null;
        }
        if (focused && focused !== document.body) focusHome.current = { control: focused, section: focused.closest('section'), view: reply.data };
        apply(reply.data, order);
        report(typeof texts.done === 'function' ? texts.done(reply.data) : texts.done);
        return reply.data;
      },
      show: (next) => apply(next, ++sent.current),
      async refresh() {
        const order = ++sent.current;
        const reply = await client.send({ type: 'options/get' });
        if (!reply.ok) {
          // Before the first view there is nothing to keep showing; after it, the page stays usable.
          if (applied.current === 0) setLoadError(reply.error.message);
          else refuse({ summary: msg(t, 'options_loadFailed', reply.error.message), problems: [] });
          return null;
        }
        setLoadError(null);
        apply(reply.data, order);
        return reply.data;
      },
      report,
      refuse,
    };
  }, [client, t]);

  useEffect(() => {
    // When the change removed the control that had focus, the browser drops focus to the page's
    // start; put it on the section the administrator was working in instead. Focus that is still
    // somewhere is left alone.
    const home = focusHome.current;
    // Effects run after paint: this may still be an earlier view's, which must leave the home alone.
    if (!home || home.view !== view) return;
    focusHome.current = null;
    if (home.control.isConnected) return;
    const active = document.activeElement;
    if (active && active !== document.body) return;
    home.section?.focus();
  }, [view]);

  useEffect(() => {
    void actions.refresh();
    let handle: unknown;
    const off = deps.hostAccess.onChange(() => {
      void actions.refresh();
      deps.timers.clearTimeout(handle);
      handle = deps.timers.setTimeout(() => void actions.refresh(), RESYNC_AFTER_MS);
    });
    return () => {
      off();
      deps.timers.clearTimeout(handle);
    };
  }, [actions]);

  return (
    <div class="vs-page">
      <header class="vs-page-header">
        <h1>{t('options_title')}</h1>
        <p class="vs-intro">{t('options_intro')}</p>
        {/* An extension page of its own (report.html), next to this one: a plain link opens it in this tab. */}
        <p class="vs-intro">
          <a href="report.html" data-link="report">
            {t('options_report_link')}
          </a>{' '}
          — {t('options_report_hint')}
        </p>
      </header>
      {view === null ? (
        loadError === null ? (
          <p role="status">{t('options_loading')}</p>
        ) : (
          <div role="alert" class="vs-status-refused">
            <p>{msg(t, 'options_loadFailed', loadError)}</p>
            <button type="button" class="vs-secondary" onClick={() => void actions.refresh()}>
              {t('options_retry')}
            </button>
          </div>
        )
      ) : (
        <div class="vs-layout">
          <nav class="vs-nav" aria-label={t('options_nav')}>
            <ul>
              {SECTIONS.map((section) => (
                <li key={section.id}>
                  <a href={`#${section.id}`}>{t(section.title)}</a>
                </li>
              ))}
            </ul>
          </nav>
          <main class="vs-main">
            {view.problems.length > 0 && (
              <div class="vs-notices" role="alert" aria-labelledby="notices-title">
                <p id="notices-title" class="vs-notices-title">
                  {t('options_notices')}
                </p>
                <ul>
                  {view.problems.map((problem, index) => (
                    <li key={`${index}:${problem.layer}:${problem.path}`}>
                      {t(LAYER_KEYS[problem.layer])} · <ProblemPath path={problem.path} />: <bdi>{problem.message}</bdi>
                    </li>
                  ))}
                </ul>
              </div>
            )}
            <StatusArea status={status} t={t} onDismiss={() => setStatus(null)} />
            <PracticeSection view={view} deps={deps} actions={actions} />
            <UsersSection view={view} deps={deps} actions={actions} />
            <EndpointsSection view={view} deps={deps} actions={actions} />
            <RuleSetsSection view={view} deps={deps} actions={actions} />
            <AdaptersSection view={view} deps={deps} actions={actions} />
            <ImportExportSection view={view} deps={deps} actions={actions} />
            <AuditSection view={view} deps={deps} actions={actions} />
          </main>
        </div>
      )}
    </div>
  );
}

import { useState } from 'preact/hooks';
import type { ConfigurationLayer } from '../../shared/configuration';
import type { PageAdapter } from '../../shared/page-adapter';
import { AccessStatus, releaseUnusedAccess } from './access';
import { AddAdapter } from './AddAdapter';
import type { SectionProps } from './dependencies';
import { JsonEditor } from './JsonEditor';
import { TabProbe } from './TabProbe';
import { CardHeading, LockedNote, msg } from './ui';

const toJson = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const originsOf = (adapter: PageAdapter) => [...new Set(adapter.pages.map((page) => page.origin))];

/** Section 5: which EHR pages Vroegsignaal reads, how, and whether the browser lets it. */
export function AdaptersSection({ view, deps, actions }: SectionProps) {
  const { t } = deps;
  const locked = view.lockedSections.includes('adapters');
  return (
    <section id="adapters" class="vs-section" tabIndex={-1} aria-labelledby="adapters-title">
      <h2 id="adapters-title">{t('options_adapters_title')}</h2>
      <p class="vs-section-intro">{t('options_adapters_intro')}</p>
      {locked && <LockedNote t={t} />}
      {view.adapters.length === 0 && <p class="vs-empty">{t('options_adapters_none')}</p>}
      {view.adapters.map(({ value, source }) => (
        <AdapterCard key={value.id} adapter={value} source={source} locked={locked || source === 'policy'} view={view} deps={deps} actions={actions} />
      ))}
      <AddAdapter view={view} deps={deps} actions={actions} locked={locked} />
      <p class="vs-hint vs-help">{t('options_adapters_help')}</p>
    </section>
  );
}

function AdapterCard({ adapter, source, locked, view, deps, actions }: { adapter: PageAdapter; source: ConfigurationLayer; locked: boolean } & SectionProps) {
  const { t } = deps;
  const [editing, setEditing] = useState(false);
  const [testing, setTesting] = useState(false);
  const [busy, setBusy] = useState(false);
  const base = `adapter-${adapter.id}`;
  const origins = originsOf(adapter);

  const remove = async () => {
    setBusy(true);
    const removed = msg(t, 'options_adapters_removed', adapter.name);
    const after = await actions.change({ type: 'options/remove-item', section: 'adapters', id: adapter.id }, { done: removed, unchanged: t('options_nothingRemoved') });
    if (after) await releaseUnusedAccess({ origins, before: view, after, removed }, deps, actions);
    setBusy(false);
  };

  const saveSource = async (text: string) =>
    (await actions.change(
      { type: 'options/save-item', section: 'adapters', source: text },
      { done: msg(t, 'options_adapters_saved', adapter.name), unchanged: t('options_adapters_unchanged') },
    )) !== null;

  return (
    <article class="vs-card" aria-labelledby={`${base}-title`}>
      <CardHeading id={`${base}-title`} name={adapter.name} source={source} t={t} />
      <dl class="vs-facts">
        <dt>{t('options_adapters_pages')}</dt>
        <dd>
          <ul class="vs-plain-list">
            {adapter.pages.map((page) => (
              <li key={`${page.origin}${page.pathPrefix}`}>
                <bdi>{page.origin}</bdi>
                <bdi>{page.pathPrefix}</bdi>
              </li>
            ))}
          </ul>
        </dd>
        <dt>{t('options_access')}</dt>
        <dd>
          <ul class="vs-plain-list">
            {origins.map((origin, index) => (
              <li key={origin}>
                <bdi id={`${base}-origin-${index}`}>{origin}</bdi>:{' '}
                <AccessStatus origin={origin} granted={view.hostAccess[origin] === true} deps={deps} actions={actions} describedBy={`${base}-origin-${index}`} />
                {' · '}
                <span class={view.watchedOrigins.includes(origin) ? 'vs-ok' : 'vs-muted'}>
                  {t(view.watchedOrigins.includes(origin) ? 'options_adapters_watching' : 'options_adapters_notWatching')}
                </span>
              </li>
            ))}
          </ul>
        </dd>
      </dl>
      <div class="vs-actions">
        <button type="button" class="vs-secondary" disabled={locked} onClick={() => setEditing(true)}>
          {t('options_edit')}
        </button>
        <button type="button" class="vs-secondary" aria-expanded={testing} onClick={() => setTesting(!testing)}>
          {t('options_adapters_test')}
        </button>
        {source === 'saved' && (
          <button type="button" class="vs-secondary vs-danger" disabled={locked || busy} onClick={() => void remove()}>
            {t('options_remove')}
          </button>
        )}
      </div>
      {testing && !editing && <TabProbe origins={origins} source={toJson(adapter)} view={view} deps={deps} actions={actions} />}
      {editing && (
        <JsonEditor
          id={`${base}-editor`}
          label={t('options_adapters_editorLabel')}
          heading={msg(t, 'options_adapters_editTitle', adapter.name)}
          section="adapters"
          initial={toJson(adapter)}
          deps={deps}
          onSave={async (text) => {
            const saved = await saveSource(text);
            if (saved) setEditing(false);
            return saved;
          }}
          onCancel={() => setEditing(false)}
          autoFocus
          extra={(text) => <TabProbe origins={origins} source={text} view={view} deps={deps} actions={actions} />}
        />
      )}
    </article>
  );
}

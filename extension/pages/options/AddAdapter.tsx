import { useEffect, useState } from 'preact/hooks';
import type { MessageKey } from '../../shared/i18n';
import type { AdapterProposal, Problem } from '../../shared/messages';
import type { PageAdapter } from '../../shared/page-adapter';
import { addressProblemKey } from './access';
import { adapterFromProposal, type NewAdapterPlace } from './adapter-from-proposal';
import type { SectionProps } from './dependencies';
import { slugify, uniqueId } from './ids';
import { JsonEditor } from './JsonEditor';
import { checkEhrOrigin } from '../../shared/addresses';
import { OpenTabList, TabProbe, type OpenTab } from './TabProbe';
import { msg } from './ui';

/** How often the page asks whether the administrator has sent the builder's proposal. */
const POLL_MS = 500;
const BUILDER = 'builder';

const toJson = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** "Koppeling toevoegen": an EHR origin and path, started from a template or pointed out with the builder. */
export function AddAdapter({ view, deps, actions, locked }: SectionProps & { locked: boolean }) {
  const { t, locale } = deps;
  const [name, setName] = useState('');
  const [origin, setOrigin] = useState('');
  const [pathPrefix, setPathPrefix] = useState('/');
  const [kind, setKind] = useState('');
  const [invalid, setInvalid] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [building, setBuilding] = useState<Required<NewAdapterPlace> | null>(null);

  const reset = () => {
    setName('');
    setOrigin('');
    setPathPrefix('/');
    setKind('');
    setBuilding(null);
  };

  const submit = (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const problems: Array<Problem & { field: string }> = [];
    const checked = checkEhrOrigin(origin);
    if (!name.trim()) problems.push({ field: 'name', path: t('options_addAdapter_name'), message: t('options_required') });
    if (!checked.ok) problems.push({ field: 'origin', path: t('options_addAdapter_origin'), message: t(addressProblemKey(checked.problem)) });
    if (!pathPrefix.startsWith('/')) problems.push({ field: 'path', path: t('options_addAdapter_path'), message: t('options_addAdapter_pathInvalid') });
    if (!kind) problems.push({ field: 'kind', path: t('options_addAdapter_kind'), message: t('options_addAdapter_kindMissing') });
    setInvalid(new Set(problems.map((problem) => problem.field)));
    if (problems.length > 0 || !checked.ok) {
      actions.refuse({ summary: t('options_refused'), problems, unchanged: t('options_adapters_notAdded') });
      return;
    }
    // Before any await: the browser only asks the user while the click is being handled.
    const access = deps.hostAccess.request([checked.origin]);
    void proceed(access, checked.origin);
  };

  const proceed = async (access: Promise<boolean>, ehrOrigin: string) => {
    setBusy(true);
    const granted = await access;
    if (!granted) {
      setBusy(false);
      actions.refuse({ summary: msg(t, 'options_access_refused', ehrOrigin), problems: [], unchanged: t('options_adapters_notAddedNoAccess') });
      return;
    }
    const place = {
      id: uniqueId(slugify(name, 'koppeling'), view.adapters.map(({ value }) => value.id)),
      name: name.trim(),
      origin: ehrOrigin,
      pathPrefix,
    };
    if (kind === BUILDER) {
      setBusy(false);
      setBuilding(place);
      actions.report(msg(t, 'options_access_granted', ehrOrigin));
      return;
    }
    const template = view.templates.find((candidate) => candidate.id === kind);
    if (!template) {
      setBusy(false);
      return;
    }
    const adapter: PageAdapter = { id: place.id, name: place.name, pages: [{ origin: ehrOrigin, pathPrefix }], ...template.adapter };
    const saved = await actions.change(
      { type: 'options/save-item', section: 'adapters', item: adapter },
      { done: msg(t, 'options_adapters_added', place.name, ehrOrigin), unchanged: t('options_adapters_notAdded') },
    );
    setBusy(false);
    if (saved) reset();
  };

  const invalidProps = (field: string) => ({ 'aria-invalid': invalid.has(field) });

  return (
    <div class="vs-subform">
      <form class="vs-form" onSubmit={submit} noValidate aria-labelledby="add-adapter-title">
        <h3 id="add-adapter-title">{t('options_addAdapter_title')}</h3>
        <fieldset class="vs-plain" disabled={locked || building !== null}>
          <div class="vs-row">
            <div class="vs-field">
              <label for="add-adapter-name">{t('options_addAdapter_name')}</label>
              <input id="add-adapter-name" type="text" autocomplete="off" value={name} {...invalidProps('name')} onInput={(event) => setName(event.currentTarget.value)} />
            </div>
            <div class="vs-field">
              <label for="add-adapter-origin">{t('options_addAdapter_origin')}</label>
              <input
                id="add-adapter-origin"
                type="url"
                autocomplete="off"
                spellcheck={false}
                placeholder="https://his.voorbeeld.nl"
                value={origin}
                aria-describedby="add-adapter-origin-hint"
                {...invalidProps('origin')}
                onInput={(event) => setOrigin(event.currentTarget.value)}
              />
              <p id="add-adapter-origin-hint" class="vs-hint">
                {t('options_addAdapter_originHint')}
              </p>
            </div>
            <div class="vs-field vs-field-short">
              <label for="add-adapter-path">{t('options_addAdapter_path')}</label>
              <input
                id="add-adapter-path"
                type="text"
                autocomplete="off"
                spellcheck={false}
                value={pathPrefix}
                aria-describedby="add-adapter-path-hint"
                {...invalidProps('path')}
                onInput={(event) => setPathPrefix(event.currentTarget.value)}
              />
              <p id="add-adapter-path-hint" class="vs-hint">
                {t('options_addAdapter_pathHint')}
              </p>
            </div>
          </div>
          <fieldset class="vs-choices">
            <legend>{t('options_addAdapter_kind')}</legend>
            {view.templates.map((template) => (
              <div class="vs-choice" key={template.id}>
                <input
                  type="radio"
                  id={`add-adapter-kind-${template.id}`}
                  name="add-adapter-kind"
                  value={template.id}
                  checked={kind === template.id}
                  aria-describedby={`add-adapter-kind-${template.id}-description`}
                  onChange={() => setKind(template.id)}
                />
                <div>
                  <label for={`add-adapter-kind-${template.id}`}>
                    <bdi>{template.name[locale]}</bdi>
                  </label>
                  <p id={`add-adapter-kind-${template.id}-description`} class="vs-hint">
                    <bdi>{template.description[locale]}</bdi>
                  </p>
                </div>
              </div>
            ))}
            <div class="vs-choice">
              <input
                type="radio"
                id="add-adapter-kind-builder"
                name="add-adapter-kind"
                value={BUILDER}
                checked={kind === BUILDER}
                aria-describedby="add-adapter-kind-builder-description"
                onChange={() => setKind(BUILDER)}
              />
              <div>
                <label for="add-adapter-kind-builder">{t('options_addAdapter_builder')}</label>
                <p id="add-adapter-kind-builder-description" class="vs-hint">
                  {t('options_addAdapter_builderHint')}
                </p>
              </div>
            </div>
          </fieldset>
          <div class="vs-actions">
            <button type="submit" class="vs-primary" disabled={busy}>
              {t('options_addAdapter_submit')}
            </button>
          </div>
        </fieldset>
      </form>
      {building && (
        <AdapterBuilder
          place={building}
          view={view}
          deps={deps}
          actions={actions}
          onDone={reset}
          onCancel={() => setBuilding(null)}
        />
      )}
    </div>
  );
}

type BuilderPhase = { kind: 'tabs' } | { kind: 'teaching'; tab: OpenTab } | { kind: 'proposal'; tab: OpenTab; adapter: PageAdapter; warnings: string[] };

/** A builder warning ("key: #nr (3)") in words: which thing, which selector, how many it finds. */
function BuilderWarning({ warning, deps }: { warning: string; deps: SectionProps['deps'] }) {
  const match = /^(name|key|phone|diagnoses|freeText): (.*) \((\d+)\)$/.exec(warning);
  if (!match) return <bdi>{warning}</bdi>;
  const [, step = '', selector = '', count = ''] = match;
  return msg(deps.t, 'options_builder_warning', deps.t(`teach_label_${step}` as MessageKey), selector, count);
}

/**
 * The adapter builder, seen from the options page: pick an open tab on the EHR, point things out
 * there (the teach overlay does that), then review the proposed adapter, test it on that tab and save.
 */
function AdapterBuilder({
  place,
  view,
  deps,
  actions,
  onDone,
  onCancel,
}: { place: Required<NewAdapterPlace>; onDone(): void; onCancel(): void } & SectionProps) {
  const { t } = deps;
  const [phase, setPhase] = useState<BuilderPhase>({ kind: 'tabs' });

  const teach = async (tab: OpenTab) => {
    const reply = await deps.client.send({ type: 'options/teach', tabId: tab.tabId });
    if (reply.ok) setPhase({ kind: 'teaching', tab });
    else actions.refuse({ summary: msg(t, 'options_builder_teachFailed', tab.title), problems: [{ path: '', message: reply.error.message }] });
  };

  // Polls for the proposal while the administrator works in the EHR tab; stops when it arrives,
  // when the builder is stopped or closed, or when the background cannot answer.
  useEffect(() => {
    if (phase.kind !== 'teaching') return;
    const { tab } = phase;
    let stopped = false;
    let handle: unknown;
    const poll = async () => {
      const reply = await deps.client.send({ type: 'options/teach-result' });
      if (stopped) return;
      if (!reply.ok) {
        setPhase({ kind: 'tabs' });
        actions.refuse({ summary: t('options_builder_pollFailed'), problems: [{ path: '', message: reply.error.message }] });
        return;
      }
      const proposal: AdapterProposal | null = reply.data.proposal;
      if (proposal) {
        setPhase({ kind: 'proposal', tab, adapter: adapterFromProposal(proposal, place), warnings: proposal.warnings });
        actions.report(t('options_builder_received'));
        return;
      }
      handle = deps.timers.setTimeout(() => void poll(), POLL_MS);
    };
    handle = deps.timers.setTimeout(() => void poll(), POLL_MS);
    return () => {
      stopped = true;
      deps.timers.clearTimeout(handle);
    };
  }, [phase]);

  const save = async (source: string) => {
    const saved = await actions.change(
      { type: 'options/save-item', section: 'adapters', source },
      { done: msg(t, 'options_adapters_added', place.name, place.origin), unchanged: t('options_adapters_notAdded') },
    );
    if (saved) onDone();
    return saved !== null;
  };

  return (
    <div class="vs-builder" role="group" aria-labelledby="builder-title">
      <h3 id="builder-title">{msg(t, 'options_builder_title', place.name)}</h3>
      {phase.kind === 'tabs' && (
        <>
          <p class="vs-hint">{t('options_builder_chooseTab')}</p>
          <OpenTabList
            origins={[place.origin]}
            deps={deps}
            renderTab={(tab) => (
              <span class="vs-tab-row">
                <bdi id={`builder-tab-${tab.tabId}`}>{tab.title}</bdi>
                <button type="button" class="vs-secondary vs-small" aria-describedby={`builder-tab-${tab.tabId}`} onClick={() => void teach(tab)}>
                  {t('options_builder_teachHere')}
                </button>
              </span>
            )}
          />
          <div class="vs-actions">
            <button type="button" class="vs-secondary" onClick={onCancel}>
              {t('options_cancel')}
            </button>
          </div>
        </>
      )}
      {phase.kind === 'teaching' && (
        <>
          <p class="vs-waiting" role="status">
            {t('options_builder_waiting')}
          </p>
          <p class="vs-hint">{msg(t, 'options_builder_waitingTab', phase.tab.title)}</p>
          <div class="vs-actions">
            <button type="button" class="vs-secondary" onClick={() => setPhase({ kind: 'tabs' })}>
              {t('options_builder_stop')}
            </button>
          </div>
        </>
      )}
      {phase.kind === 'proposal' && (
        <JsonEditor
          id="builder-editor"
          label={t('options_adapters_editorLabel')}
          heading={t('options_builder_proposalTitle')}
          section="adapters"
          initial={toJson(phase.adapter)}
          deps={deps}
          onSave={save}
          onCancel={onCancel}
          notes={
            phase.warnings.length > 0 && (
              <div class="vs-notes">
                <p>{t('options_builder_warnings')}</p>
                <ul class="vs-warnings">
                  {phase.warnings.map((warning) => (
                    <li key={warning}>
                      <BuilderWarning warning={warning} deps={deps} />
                    </li>
                  ))}
                </ul>
              </div>
            )
          }
          extra={(source) => <TabProbe origins={[place.origin]} source={source} tab={phase.tab} view={view} deps={deps} actions={actions} />}
        />
      )}
    </div>
  );
}

import { useMemo, useState } from 'preact/hooks';
import type { ConfigurationLayer } from '../../shared/configuration';
import type { OptionsView } from '../../shared/messages';
import type { RuleSet } from '../../shared/rule-set';
import type { SectionProps } from './dependencies';
import { DryRun } from './DryRun';
import { uniqueId } from './ids';
import { JsonEditor } from './JsonEditor';
import { LockedNote, msg, SourceBadge } from './ui';

type EditorState = { kind: 'edit'; ruleSet: RuleSet } | { kind: 'new'; text: string };

const toJson = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The id in a rule set's JSON text, when it has one (to name it after saving). */
function idIn(source: string): string | null {
  try {
    const parsed: unknown = JSON.parse(source);
    return typeof parsed === 'object' && parsed !== null && typeof (parsed as { id?: unknown }).id === 'string' ? (parsed as { id: string }).id : null;
  } catch {
    return null;
  }
}

/** Section 4: which codes and words prompt which questions, each rule set on or off, and a dry run. */
export function RuleSetsSection({ view, deps, actions }: SectionProps) {
  const { t, locale } = deps;
  const locked = view.lockedSections.includes('ruleSets');
  const [editor, setEditor] = useState<EditorState | null>(null);
  const enabled = useMemo(() => view.ruleSets.filter((entry) => entry.enabled).map((entry) => entry.value), [view]);

  const nameOf = (after: OptionsView, source: string) => {
    const id = idIn(source);
    return after.ruleSets.find((entry) => entry.value.id === id)?.value.name[locale] ?? id ?? '';
  };

  /** Saves JSON text as a rule set (from the editor or a file); the background keeps the old one when it is refused. */
  const saveSource = async (source: string) =>
    (await actions.change(
      { type: 'options/save-item', section: 'ruleSets', source },
      { done: (after) => msg(t, 'options_ruleSets_saved', nameOf(after, source)), unchanged: t('options_ruleSets_unchanged') },
    )) !== null;

  const importFile = async (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    let source: string;
    try {
      source = await deps.readFile(file);
    } catch (error) {
      actions.refuse({ summary: t('options_refused'), problems: [{ path: file.name, message: error instanceof Error ? error.message : String(error) }], unchanged: t('options_ruleSets_unchanged') });
      return;
    } finally {
      // The same file can be chosen again after it was corrected.
      input.value = '';
    }
    await saveSource(source);
  };

  const startNew = () => {
    const first = view.ruleSets[0]?.value;
    if (!first) return;
    const id = uniqueId('nieuwe-regelset', view.ruleSets.map((entry) => entry.value.id));
    setEditor({ kind: 'new', text: toJson({ ...first, id, version: '1.0.0' }) });
  };

  return (
    <section id="rule-sets" class="vs-section" tabIndex={-1} aria-labelledby="rule-sets-title">
      <h2 id="rule-sets-title">{t('options_ruleSets_title')}</h2>
      <p class="vs-section-intro">{t('options_ruleSets_intro')}</p>
      {locked && <LockedNote t={t} />}
      {view.ruleSets.map((entry) => (
        <RuleSetCard
          key={entry.value.id}
          ruleSet={entry.value}
          source={entry.source}
          enabled={entry.enabled}
          view={view}
          deps={deps}
          actions={actions}
          onEdit={() => setEditor({ kind: 'edit', ruleSet: entry.value })}
        />
      ))}
      <div class="vs-toolbar">
        <div class="vs-field">
          <label for="rule-set-import">{t('options_ruleSets_import')}</label>
          <input id="rule-set-import" type="file" accept=".json,application/json" disabled={locked} onChange={(event) => void importFile(event)} />
        </div>
        <button type="button" class="vs-secondary" disabled={locked || view.ruleSets.length === 0} onClick={startNew}>
          {t('options_ruleSets_new')}
        </button>
      </div>
      {editor && (
        <JsonEditor
          key={editor.kind === 'edit' ? `edit:${editor.ruleSet.id}` : 'new'}
          id="rule-set-editor"
          label={t('options_ruleSets_editorLabel')}
          heading={editor.kind === 'edit' ? msg(t, 'options_ruleSets_editTitle', editor.ruleSet.name[locale]) : t('options_ruleSets_newTitle')}
          section="ruleSets"
          initial={editor.kind === 'edit' ? toJson(editor.ruleSet) : editor.text}
          deps={deps}
          onSave={async (source) => {
            const saved = await saveSource(source);
            if (saved) setEditor(null);
            return saved;
          }}
          onCancel={() => setEditor(null)}
          autoFocus
        />
      )}
      <DryRun ruleSets={enabled} deps={deps} />
      <p class="vs-hint">{t('options_ruleSets_formatHint')}</p>
    </section>
  );
}

function RuleSetCard({
  ruleSet,
  source,
  enabled,
  view,
  deps,
  actions,
  onEdit,
}: { ruleSet: RuleSet; source: ConfigurationLayer; enabled: boolean; onEdit(): void } & SectionProps) {
  const { t, locale } = deps;
  const [busy, setBusy] = useState(false);
  const name = ruleSet.name[locale];
  const base = `rule-set-${ruleSet.id}`;
  const policy = source === 'policy';
  const sectionLocked = view.lockedSections.includes('ruleSets');
  const switchLocked = policy || view.lockedSections.includes('disabledRuleSets');
  const endpoint = view.endpoints.find((entry) => entry.value.id === ruleSet.referral.endpoint)?.value;
  const { codes, codeRanges, codePrefixes, terms } = ruleSet.triggers;

  const toggle = async (on: boolean) => {
    setBusy(true);
    await actions.change(
      { type: 'options/set-rule-set-enabled', id: ruleSet.id, enabled: on },
      { done: msg(t, on ? 'options_ruleSets_switchedOn' : 'options_ruleSets_switchedOff', name), unchanged: t('options_ruleSets_switchUnchanged') },
    );
    setBusy(false);
  };

  const remove = async () => {
    setBusy(true);
    await actions.change(
      { type: 'options/remove-item', section: 'ruleSets', id: ruleSet.id },
      {
        // Removing a saved copy of a built-in rule set brings the built-in one back.
        done: (after) => msg(t, after.ruleSets.some((entry) => entry.value.id === ruleSet.id) ? 'options_ruleSets_removedBackToDefault' : 'options_ruleSets_removed', name),
        unchanged: t('options_nothingRemoved'),
      },
    );
    setBusy(false);
  };

  const exportFile = () => {
    const fileName = `${ruleSet.id}.rules.json`;
    deps.download(fileName, toJson(ruleSet));
    actions.report(msg(t, 'options_ruleSets_exported', name, fileName));
  };

  return (
    <article class={`vs-card${enabled ? '' : ' vs-card-off'}`} aria-labelledby={`${base}-title`}>
      <header class="vs-card-header">
        <h3 id={`${base}-title`}>
          <bdi>{name}</bdi>
        </h3>
        <SourceBadge source={source} t={t} />
        <label class="vs-switch">
          <input
            type="checkbox"
            checked={enabled}
            disabled={switchLocked || busy}
            aria-label={t('options_ruleSets_enabledLabel', [name])}
            onChange={(event) => void toggle(event.currentTarget.checked)}
          />
          <span>{t('options_ruleSets_on')}</span>
        </label>
      </header>
      <p class="vs-meta">
        <code>{ruleSet.id}</code> · {t('options_ruleSets_version', [ruleSet.version])}
      </p>
      {ruleSet.description && (
        <p class="vs-description">
          <bdi>{ruleSet.description[locale]}</bdi>
        </p>
      )}
      {policy && <LockedNote t={t} />}
      <dl class="vs-facts">
        <dt>{t('options_ruleSets_triggers')}</dt>
        <dd>{t('options_ruleSets_triggerCounts', [codes.length, codeRanges.length, codePrefixes.length, terms.length])}</dd>
        <dt>{t('options_ruleSets_questions')}</dt>
        <dd>{t('options_ruleSets_questionCounts', [ruleSet.questions.length, ruleSet.positiveWhen.minYes])}</dd>
        {ruleSet.recurrence && (
          <>
            <dt>{t('options_ruleSets_recurrence')}</dt>
            <dd>{t('options_ruleSets_recurrenceText', [ruleSet.recurrence.minEpisodes, ruleSet.recurrence.withinMonths])}</dd>
          </>
        )}
        <dt>{t('options_ruleSets_sendsTo')}</dt>
        <dd>
          {endpoint ? (
            <>
              <bdi>{endpoint.name}</bdi> (<code>{endpoint.id}</code>)
            </>
          ) : (
            <span class="vs-warning">{msg(t, 'options_ruleSets_endpointMissing', ruleSet.referral.endpoint)}</span>
          )}
        </dd>
      </dl>
      <div class="vs-actions">
        <button type="button" class="vs-secondary" disabled={policy || sectionLocked} onClick={onEdit}>
          {t('options_edit')}
        </button>
        <button type="button" class="vs-secondary" onClick={exportFile}>
          {t('options_export')}
        </button>
        {source === 'saved' && (
          <button type="button" class="vs-secondary vs-danger" disabled={sectionLocked || busy} onClick={() => void remove()}>
            {t('options_remove')}
          </button>
        )}
      </div>
    </article>
  );
}

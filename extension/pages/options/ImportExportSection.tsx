import { useState } from 'preact/hooks';
import type { ConfigurationSection } from '../../shared/configuration';
import type { MessageKey } from '../../shared/i18n';
import type { ImportPreview } from '../../shared/messages';
import type { SectionProps } from './dependencies';
import { IsolatedList, msg } from './ui';

const SECTION_KEYS: Record<ConfigurationSection, MessageKey> = {
  practice: 'options_practice_title',
  users: 'options_users_title',
  endpoints: 'options_endpoints_title',
  ruleSets: 'options_ruleSets_title',
  disabledRuleSets: 'options_transfer_disabledRuleSets',
  adapters: 'options_adapters_title',
};

/** Section 6: a whole configuration to or from a file, e.g. to set up a second computer. */
export function ImportExportSection({ view, deps, actions }: SectionProps) {
  const { t } = deps;
  const [pending, setPending] = useState<{ fileName: string; source: string; preview: ImportPreview } | null>(null);
  const [busy, setBusy] = useState(false);
  const [includeTokens, setIncludeTokens] = useState(false);
  const sectionNames = (sections: readonly ConfigurationSection[]) => sections.map((section) => t(SECTION_KEYS[section])).join(', ');
  const notImported = { summary: t('options_transfer_refused'), unchanged: t('options_transfer_unchanged') };

  const choose = async (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setPending(null);
    let source: string;
    try {
      source = await deps.readFile(file);
    } catch (error) {
      actions.refuse({ ...notImported, problems: [{ path: file.name, message: error instanceof Error ? error.message : String(error) }] });
      return;
    } finally {
      input.value = '';
    }
    const reply = await deps.client.send({ type: 'options/import', source, dryRun: true });
    if (!reply.ok) {
      actions.refuse({ ...notImported, problems: reply.error.problems?.length ? reply.error.problems : [{ path: '', message: reply.error.message }] });
      return;
    }
    setPending({ fileName: file.name, source, preview: reply.data.preview });
  };

  const confirm = () => {
    if (!pending || busy) return;
    const { source, preview } = pending;
    // One request for every site in the file, made before any await so the browser still sees the
    // click: one prompt, and the import goes ahead whatever the answer.
    const access = preview.origins.length > 0 ? deps.hostAccess.request(preview.origins) : Promise.resolve(true);
    void apply(access, source, preview);
  };

  const apply = async (access: Promise<boolean>, source: string, preview: ImportPreview) => {
    setBusy(true);
    const granted = await access;
    const reply = await deps.client.send({ type: 'options/import', source, dryRun: false });
    setBusy(false);
    if (!reply.ok) {
      actions.refuse({ ...notImported, problems: reply.error.problems?.length ? reply.error.problems : [{ path: '', message: reply.error.message }] });
      return;
    }
    setPending(null);
    const after = reply.data.view ?? (await actions.refresh());
    if (reply.data.view) actions.show(reply.data.view);
    const withoutAccess = granted ? [] : preview.origins.filter((origin) => after?.hostAccess[origin] !== true);
    const imported = msg(t, 'options_transfer_imported', sectionNames(reply.data.preview.sections));
    actions.report(
      withoutAccess.length === 0 ? (
        imported
      ) : (
        <>
          {imported} {msg(t, 'options_transfer_noAccess', <IsolatedList items={withoutAccess} empty="" />)}
        </>
      ),
    );
  };

  const exportFile = async () => {
    setBusy(true);
    const reply = await deps.client.send({ type: 'options/export', includeTokens });
    setBusy(false);
    if (!reply.ok) {
      actions.refuse({ summary: t('options_transfer_exportFailed'), problems: [{ path: '', message: reply.error.message }] });
      return;
    }
    deps.download(reply.data.fileName, reply.data.text);
    actions.report(msg(t, includeTokens ? 'options_transfer_exportedWithTokens' : 'options_transfer_exported', reply.data.fileName));
  };

  const { preview } = pending ?? {};
  return (
    <section id="transfer" class="vs-section" tabIndex={-1} aria-labelledby="transfer-title">
      <h2 id="transfer-title">{t('options_transfer_title')}</h2>
      <p class="vs-section-intro">{t('options_transfer_intro')}</p>
      <div class="vs-subform">
        <h3>{t('options_transfer_importTitle')}</h3>
        <div class="vs-field">
          <label for="configuration-import">{t('options_transfer_choose')}</label>
          <input id="configuration-import" type="file" accept=".json,application/json" onChange={(event) => void choose(event)} />
        </div>
        {pending && preview && (
          <div class="vs-preview" role="group" aria-labelledby="import-preview-title">
            <h4 id="import-preview-title">{msg(t, 'options_transfer_previewTitle', pending.fileName)}</h4>
            <ul class="vs-findings">
              <li>{msg(t, 'options_transfer_sections', sectionNames(preview.sections) || t('options_probe_none'))}</li>
              {preview.ruleSets.length > 0 && <li>{msg(t, 'options_transfer_ruleSets', <IsolatedList items={preview.ruleSets} empty="" />)}</li>}
              {preview.adapters.length > 0 && <li>{msg(t, 'options_transfer_adapters', <IsolatedList items={preview.adapters} empty="" />)}</li>}
              {preview.endpoints.length > 0 && <li>{msg(t, 'options_transfer_endpoints', <IsolatedList items={preview.endpoints} empty="" />)}</li>}
              {preview.origins.length > 0 && <li>{msg(t, 'options_transfer_origins', <IsolatedList items={preview.origins} empty="" />)}</li>}
            </ul>
            <p class="vs-hint">{t('options_transfer_replaces')}</p>
            <div class="vs-actions">
              <button type="button" class="vs-primary" disabled={busy} onClick={confirm}>
                {t('options_transfer_import')}
              </button>
              <button type="button" class="vs-secondary" onClick={() => setPending(null)}>
                {t('options_cancel')}
              </button>
            </div>
          </div>
        )}
      </div>
      <div class="vs-subform">
        <h3>{t('options_transfer_exportTitle')}</h3>
        <label class="vs-check">
          <input type="checkbox" checked={includeTokens} onChange={(event) => setIncludeTokens(event.currentTarget.checked)} />
          <span>{t('options_transfer_includeTokens')}</span>
        </label>
        <div class="vs-actions">
          <button type="button" class="vs-primary" disabled={busy} onClick={() => void exportFile()}>
            {t('options_transfer_export')}
          </button>
        </div>
      </div>
      {view.lockedSections.length > 0 && <p class="vs-hint">{msg(t, 'options_transfer_lockedSections', sectionNames(view.lockedSections))}</p>}
    </section>
  );
}

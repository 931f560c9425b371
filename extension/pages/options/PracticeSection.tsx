import { useState } from 'preact/hooks';
import { AGB_PATTERN } from '../../../contract/referral-contract';
import type { PracticeProfile } from '../../shared/configuration';
import type { SectionProps } from './dependencies';
import { LockedNote } from './ui';

/** Section 1: the practice's name and AGB code. */
export function PracticeSection({ view, deps, actions }: SectionProps) {
  const { t } = deps;
  const locked = view.lockedSections.includes('practice');
  return (
    <section id="practice" class="vs-section" tabIndex={-1} aria-labelledby="practice-title">
      <h2 id="practice-title">{t('options_practice_title')}</h2>
      {locked && <LockedNote t={t} />}
      {/* Keyed by the saved value: after a save the form shows what the background kept. */}
      <PracticeForm key={JSON.stringify(view.practice.value)} practice={view.practice.value} locked={locked} deps={deps} actions={actions} />
    </section>
  );
}

function PracticeForm({ practice, locked, deps, actions }: { practice: PracticeProfile; locked: boolean } & Omit<SectionProps, 'view'>) {
  const { t } = deps;
  const [name, setName] = useState(practice.name);
  const [agb, setAgb] = useState(practice.agb ?? '');
  const [busy, setBusy] = useState(false);
  const agbWrong = agb.trim() !== '' && !AGB_PATTERN.test(agb.trim());

  const save = async (event: Event) => {
    event.preventDefault();
    if (agbWrong) {
      actions.refuse({ summary: t('options_refused'), problems: [{ path: t('options_practice_agb'), message: t('options_agb_invalid') }], unchanged: t('options_practice_unchanged') });
      return;
    }
    setBusy(true);
    await actions.change(
      // The retention terms are saved with the practice, from the audit log's section: kept as they are.
      { type: 'options/save-practice', practice: { name: name.trim(), ...(agb.trim() ? { agb: agb.trim() } : {}), ...(practice.retention ? { retention: practice.retention } : {}) } },
      { done: t('options_practice_saved'), unchanged: t('options_practice_unchanged') },
    );
    setBusy(false);
  };

  return (
    <form class="vs-form" onSubmit={save} noValidate>
      <fieldset class="vs-plain" disabled={locked}>
        <div class="vs-row">
          <div class="vs-field">
            <label for="practice-name">{t('options_practice_name')}</label>
            <input id="practice-name" type="text" autocomplete="organization" value={name} onInput={(event) => setName(event.currentTarget.value)} />
          </div>
          <div class="vs-field vs-field-short">
            <label for="practice-agb">{t('options_practice_agb')}</label>
            <input
              id="practice-agb"
              type="text"
              inputMode="numeric"
              autocomplete="off"
              value={agb}
              aria-invalid={agbWrong}
              aria-describedby="practice-agb-hint"
              onInput={(event) => setAgb(event.currentTarget.value)}
            />
            <p id="practice-agb-hint" class={agbWrong ? 'vs-error' : 'vs-hint'}>
              {agbWrong ? t('options_agb_invalid') : t('options_practice_agbHint')}
            </p>
          </div>
        </div>
        <div class="vs-actions">
          <button type="submit" class="vs-primary" disabled={busy}>
            {t('options_practice_save')}
          </button>
        </div>
      </fieldset>
    </form>
  );
}

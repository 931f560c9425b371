import type { MessageKey, Translate } from '../../shared/i18n';
import { OPTIONAL_STEPS, TEACH_STEPS, type Taught, type TeachStep } from './teach-session';

export interface TeachOverlayProps {
  taught: Taught;
  skipped: ReadonlySet<TeachStep>;
  current: TeachStep | null;
  sent: boolean;
  t: Translate;
  onSkip(step: TeachStep): void;
  onRedo(step: TeachStep): void;
  onWider(step: TeachStep): void;
  onSend(): void;
  onStop(): void;
}

const label = (step: TeachStep) => `teach_label_${step}` as MessageKey;
const ask = (step: TeachStep) => `teach_ask_${step}` as MessageKey;

/**
 * The adapter builder's small panel in the EHR tab: which thing to click next, and for each thing
 * already pointed out the selector found and what it finds now. Shown only in this tab; the options
 * page gets the selectors, never what they found.
 */
export function TeachOverlay({ taught, skipped, current, sent, t, onSkip, onRedo, onWider, onSend, onStop }: TeachOverlayProps) {
  return (
    <section class="vs-teach" aria-labelledby="vs-teach-title">
      <h2 id="vs-teach-title">{t('teach_title')}</h2>
      {sent ? (
        <p role="status" class="vs-teach-ask">
          {t('teach_sent')}
        </p>
      ) : (
        <>
          <p class="vs-teach-hint">{t('teach_hint')}</p>
          <p role="status" class="vs-teach-ask">
            {current ? t(ask(current)) : t('teach_all_done')}
          </p>
          <ol class="vs-teach-steps">
            {TEACH_STEPS.map((step) => {
              const element = taught[step];
              return (
                <li key={step} class={step === current ? 'vs-teach-current' : undefined} data-step={step}>
                  <strong>{t(label(step))}</strong>
                  {element ? (
                    <>
                      <code>{element.keyFromUrl ?? element.selector}</code>
                      <span class="vs-teach-found">
                        {element.keyFromUrl
                          ? t('teach_key_from_url', [element.keyFromUrl])
                          : element.found
                            ? t('teach_found', [element.found])
                            : t('teach_found_nothing')}
                      </span>
                      {!element.unique && !element.keyFromUrl && <span class="vs-teach-warning">{t('teach_not_unique', [element.matches])}</span>}
                      <span class="vs-teach-buttons">
                        <button type="button" onClick={() => onRedo(step)}>
                          {t('teach_redo')}
                        </button>
                        {(step === 'diagnoses' || step === 'freeText') && (
                          <button type="button" onClick={() => onWider(step)}>
                            {t('teach_wider')}
                          </button>
                        )}
                      </span>
                    </>
                  ) : skipped.has(step) ? (
                    <span class="vs-teach-found">{t('teach_skipped')}</span>
                  ) : step === current && OPTIONAL_STEPS.includes(step) ? (
                    <span class="vs-teach-buttons">
                      <button type="button" onClick={() => onSkip(step)}>
                        {t('teach_skip')}
                      </button>
                    </span>
                  ) : null}
                </li>
              );
            })}
          </ol>
          <div class="vs-teach-actions">
            <button type="button" class="vs-primary" disabled={!taught.name || !taught.key || !taught.diagnoses} onClick={onSend}>
              {t('teach_send')}
            </button>
            <button type="button" class="vs-secondary" onClick={onStop}>
              {t('teach_stop')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}

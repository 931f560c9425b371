import { useMemo, useState } from 'preact/hooks';
import type { RuleSet } from '../../shared/rule-set';
import type { OptionsDependencies } from './dependencies';
import { dryRun, reasonText } from './dry-run';
import { IsolatedList, msg } from './ui';

/**
 * "Proefrit": type a consult and codes, and see at once which switched-on rule sets would fire and
 * why, computed here with the EHR page's own matcher, so nothing is sent anywhere.
 */
export function DryRun({ ruleSets, deps }: { ruleSets: readonly RuleSet[]; deps: OptionsDependencies }) {
  const { t, locale } = deps;
  const [text, setText] = useState('');
  const [codes, setCodes] = useState('');
  const firing = useMemo(() => dryRun(ruleSets, text, codes), [ruleSets, text, codes]);
  const empty = text.trim() === '' && codes.trim() === '';

  return (
    <div class="vs-subform vs-dry-run" role="group" aria-labelledby="dry-run-title">
      <h3 id="dry-run-title">{t('options_dryRun_title')}</h3>
      <p class="vs-hint">{t('options_dryRun_intro')}</p>
      <div class="vs-row">
        <div class="vs-field vs-grow">
          <label for="dry-run-text">{t('options_dryRun_text')}</label>
          <textarea id="dry-run-text" rows={4} value={text} onInput={(event) => setText(event.currentTarget.value)} />
        </div>
        <div class="vs-field">
          <label for="dry-run-codes">{t('options_dryRun_codes')}</label>
          <input id="dry-run-codes" type="text" autocomplete="off" spellcheck={false} value={codes} onInput={(event) => setCodes(event.currentTarget.value)} />
        </div>
      </div>
      <div class="vs-dry-run-result" aria-live="polite">
        {empty ? (
          <p class="vs-hint">{t('options_dryRun_empty')}</p>
        ) : firing.length === 0 ? (
          <p>{t('options_dryRun_none')}</p>
        ) : (
          <>
            <p>{t('options_dryRun_firing')}</p>
            <ul>
              {firing.map(({ ruleSet, reasons }) => (
                <li key={ruleSet.id}>
                  <strong>
                    <bdi>{ruleSet.name[locale]}</bdi>
                  </strong>
                  {' — '}
                  <IsolatedList items={reasons.map((reason) => reasonText(reason, t, locale))} empty="" />
                  {ruleSet.recurrence && (
                    <span class="vs-hint"> {msg(t, 'options_dryRun_recurrence', ruleSet.recurrence.minEpisodes, ruleSet.recurrence.withinMonths)}</span>
                  )}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </div>
  );
}

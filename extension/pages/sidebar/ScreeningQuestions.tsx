import type { ScreeningAnswer } from '../../../contract/referral-bundle';
import type { Translate } from '../../shared/i18n';
import type { Locale } from '../../shared/locale';
import { combinedQuestions, evaluateScreen, type Trigger } from '../../shared/rule-engine';
import type { SidebarProps } from './Sidebar';
import { firedRuleSets } from './sidebar-controller';

const ANSWERS: Array<{ value: ScreeningAnswer; label: 'answerYes' | 'answerNo' | 'answerNotAsked' }> = [
  { value: 'yes', label: 'answerYes' },
  { value: 'no', label: 'answerNo' },
  { value: 'not-asked', label: 'answerNotAsked' },
];

function describeTrigger(trigger: Trigger, locale: Locale, t: Translate): string {
  if (trigger.kind === 'term') return t('triggerByTerm', [trigger.term]);
  if (trigger.name) return t('triggerByName', [trigger.name, trigger.baseCode, trigger.title[locale]]);
  return t('triggerByCode', [trigger.code, trigger.title[locale]]);
}

/**
 * What made the prompt appear and the questions of every rule set that fired, each question asked
 * once, answered yes / no / not asked. Several rule sets firing together make one prompt.
 */
export function ScreeningQuestions({ state, actions, page, guard, t }: SidebarProps) {
  const { locale } = page;
  const ruleSets = firedRuleSets(state, page);
  const questions = combinedQuestions(ruleSets);
  const screens = ruleSets.map((ruleSet) => ({ ruleSet, screen: evaluateScreen(ruleSet, state.answers) }));
  const positive = screens.filter(({ screen }) => screen.positive);
  const complete = questions.every((question) => state.answers[question.id] !== undefined);
  const several = ruleSets.length > 1;

  return (
    <section aria-labelledby="vs-trigger">
      <div id="vs-trigger">
        {state.fired.map((match) => {
          const ruleSet = ruleSets.find((candidate) => candidate.id === match.ruleSetId);
          return (
            <p key={match.ruleSetId} class="vs-trigger">
              {several && ruleSet ? <strong>{ruleSet.name[locale]}: </strong> : null}
              {describeTrigger(match.trigger, locale, t)}
            </p>
          );
        })}
      </div>
      {state.earlierReferrals.length > 0 && (
        <p class="vs-hint">{t('earlierReferralShort', [state.earlierReferrals.map((referral) => referral.recipient).join(', ')])}</p>
      )}
      <p class="vs-intro">{several ? t('questionsIntroMany') : t('questionsIntro', [ruleSets[0]?.name[locale] ?? ''])}</p>
      {questions.map((question, index) => (
        <fieldset key={question.id} class="vs-question">
          <legend>
            <span class="vs-visually-hidden">{t('questionNumber', [index + 1, questions.length])}: </span>
            {question.text[locale]}
          </legend>
          <div class="vs-choices">
            {ANSWERS.map((answer) => (
              <label key={answer.value} class="vs-choice">
                <input
                  type="radio"
                  name={`vs-${question.id}`}
                  value={answer.value}
                  checked={state.answers[question.id] === answer.value}
                  onChange={(event) => guard.trusted(event) && actions.answer(question.id, answer.value)}
                />
                <span>{t(answer.label)}</span>
              </label>
            ))}
          </div>
        </fieldset>
      ))}
      <p class="vs-screen-result" role="status">
        {positive.length > 0
          ? several
            ? t('screenPositiveMany', [positive.map(({ ruleSet }) => ruleSet.name[locale]).join(', ')])
            : t('screenPositive', [positive[0]!.ruleSet.positiveWhen.minYes])
          : complete
            ? t('screenNegative')
            : ''}
      </p>
      <div class="vs-actions">
        {positive.length > 0 ? (
          <button type="button" class="vs-primary" onClick={(event) => guard.trusted(event) && actions.goToConsent()}>
            {t('toConsent')}
          </button>
        ) : complete ? (
          <button type="button" class="vs-primary" onClick={(event) => guard.trusted(event) && actions.closeNegative()}>
            {t('closeNegative')}
          </button>
        ) : null}
        <button type="button" class="vs-secondary" onClick={(event) => guard.trusted(event) && actions.dismiss('not-now')}>
          {t('notNow')}
        </button>
        <button type="button" class="vs-secondary" onClick={(event) => guard.trusted(event) && actions.dismiss('not-relevant')}>
          {t('notRelevant')}
        </button>
      </div>
      <p class="vs-hint">{t('dismissHint')}</p>
    </section>
  );
}

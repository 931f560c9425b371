import type { ScreeningAnswer } from '../../../contract/referral-bundle';
import { evaluateScreen } from '../../shared/rule-engine';
import type { SidebarProps } from './Sidebar';

const ANSWERS: Array<{ value: ScreeningAnswer; label: 'answerYes' | 'answerNo' | 'answerNotAsked' }> = [
  { value: 'yes', label: 'answerYes' },
  { value: 'no', label: 'answerNo' },
  { value: 'not-asked', label: 'answerNotAsked' },
];

/** The trigger and the rule set's questions, each answered yes / no / not asked. */
export function ScreeningQuestions({ state, actions, ruleSet, locale, t }: SidebarProps) {
  const screen = evaluateScreen(ruleSet, state.answers);
  const trigger = state.trigger;
  return (
    <section aria-labelledby="vs-trigger">
      <p id="vs-trigger" class="vs-trigger">
        {trigger?.kind === 'code'
          ? t('triggerByCode', [trigger.code, trigger.title[locale]])
          : trigger?.kind === 'term'
            ? t('triggerByTerm', [trigger.term])
            : null}
      </p>
      <p class="vs-intro">{t('questionsIntro')}</p>
      {ruleSet.questions.map((question, index) => (
        <fieldset key={question.id} class="vs-question">
          <legend>
            <span class="vs-visually-hidden">{t('questionNumber', [index + 1, ruleSet.questions.length])}: </span>
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
                  onChange={() => actions.answer(question.id, answer.value)}
                />
                <span>{t(answer.label)}</span>
              </label>
            ))}
          </div>
        </fieldset>
      ))}
      <p class="vs-screen-result" role="status">
        {screen.positive ? t('screenPositive', [ruleSet.positiveWhen.minYes]) : screen.complete ? t('screenNegative') : ''}
      </p>
      <div class="vs-actions">
        {screen.positive ? (
          <button type="button" class="vs-primary" onClick={actions.goToConsent}>
            {t('toConsent')}
          </button>
        ) : screen.complete ? (
          <button type="button" class="vs-primary" onClick={actions.closeNegative}>
            {t('closeNegative')}
          </button>
        ) : null}
        <button type="button" class="vs-secondary" onClick={() => actions.dismiss('not-now')}>
          {t('notNow')}
        </button>
        <button type="button" class="vs-secondary" onClick={() => actions.dismiss('not-relevant')}>
          {t('notRelevant')}
        </button>
      </div>
      <p class="vs-hint">{t('dismissHint')}</p>
    </section>
  );
}

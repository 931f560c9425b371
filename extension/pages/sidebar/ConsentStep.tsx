import { useEffect, useRef } from 'preact/hooks';
import { CALL_MOMENTS, findIcpcCodes, LIFE_DOMAINS, NOTE_MAX_LENGTH, type CallMoment, type LifeDomain } from '../../../contract/referral-contract';
import { lifeDomainMessageKey, type MessageKey } from '../../shared/i18n';
import { parseDutchPhone } from '../../shared/phone';
import type { SidebarProps } from './Sidebar';
import { positiveRuleSets } from './sidebar-controller';

function callMomentKey(moment: CallMoment): MessageKey {
  return `callMoment_${moment.replaceAll('-', '_')}` as MessageKey;
}

/**
 * The consent step: the sentence to read aloud, the call-back details, and a preview of exactly
 * what leaves the practice. Sending stays impossible until consent is ticked and the details hold.
 */
export function ConsentStep({ state, actions, page, guard, t }: SidebarProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  // Whether the page had a phone number when the patient was opened: if not, the GP must ask for one.
  const phoneFromPage = useRef(state.form.phone.trim() !== '');

  const { locale } = page;
  const { form } = state;
  const ruleSets = positiveRuleSets(state, page);
  const phone = parseDutchPhone(form.phone);
  const noteCodes = ruleSets.every((ruleSet) => ruleSet.referral.includeDiagnosisCodes) ? [] : findIcpcCodes(form.note, true);
  const nameMissing = form.name.trim() === '';
  const domainsMissing = form.lifeDomains.length === 0;
  const withoutRecipient = ruleSets.filter((ruleSet) => !page.recipients[ruleSet.id]);
  const recipient = [...new Set(ruleSets.map((ruleSet) => page.recipients[ruleSet.id]).filter((name): name is string => Boolean(name)))].join(` ${t('and')} `);
  const statements = [...new Set(ruleSets.map((ruleSet) => ruleSet.consentStatement[locale]))];
  const readyButPhone =
    form.consentGiven && !nameMissing && !domainsMissing && noteCodes.length === 0 && withoutRecipient.length === 0 && Boolean(state.referrer.name || page.users.length === 0);
  const canSend = readyButPhone && phone.ok;
  // With consent but a number the patient still has to confirm, the practice assistant can finish it.
  const canDraft = readyButPhone;
  // Asked once the page did not name the GP; the choice stays visible and changeable.
  const askReferrer = useRef(!state.referrer.name && page.users.length > 0);
  const chosenUser = page.users.find((user) => user.name === state.referrer.name)?.id ?? '';

  // Ticking consent and sending are the two acts a page must never do for the GP or make the GP do
  // blindly: both wait for the guard (a real gesture on a sidebar wholly in view, on top, for a moment).
  const tickConsent = (event: Event) => {
    const box = event.currentTarget as HTMLInputElement;
    if (!box.checked) {
      if (guard.trusted(event)) actions.editForm({ consentGiven: false });
      else box.checked = true;
      return;
    }
    box.checked = false;
    void guard.confirm(event).then((reason) => (reason ? actions.refused('consent', reason) : actions.editForm({ consentGiven: true })));
  };
  const send = (event: Event) => {
    void guard.confirm(event).then((reason) => (reason ? actions.refused('send', reason) : actions.submit()));
  };
  const saveDraft = (event: Event) => {
    void guard.confirm(event).then((reason) => (reason ? actions.refused('draft', reason) : actions.saveDraft()));
  };

  const toggleDomain = (domain: LifeDomain, on: boolean) =>
    actions.editForm({
      lifeDomains: on ? LIFE_DOMAINS.filter((d) => d === domain || form.lifeDomains.includes(d)) : form.lifeDomains.filter((d) => d !== domain),
    });

  return (
    <section aria-labelledby="vs-consent-heading">
      <h3 id="vs-consent-heading" class="vs-step-heading" tabIndex={-1} ref={headingRef}>
        {t('consentHeading')}
      </h3>
      <p class="vs-read-aloud-label">{t('consentReadAloud')}</p>
      {statements.map((statement) => (
        <blockquote key={statement} class="vs-read-aloud">
          {statement}
        </blockquote>
      ))}
      {withoutRecipient.map((ruleSet) => (
        <p key={ruleSet.id} class="vs-error" role="alert">
          {t('noRecipient', [ruleSet.name[locale]])}
        </p>
      ))}

      <div class="vs-field">
        <label for="vs-name">{t('nameLabel')}</label>
        <input
          id="vs-name"
          type="text"
          dir="auto"
          autocomplete="off"
          value={form.name}
          aria-invalid={nameMissing}
          aria-describedby={nameMissing ? 'vs-name-error' : undefined}
          onInput={(event) => guard.trusted(event) && actions.editForm({ name: event.currentTarget.value })}
        />
        {nameMissing && (
          <p id="vs-name-error" class="vs-error">
            {t('nameError_empty')}
          </p>
        )}
      </div>

      <div class="vs-field">
        <label for="vs-phone">{t('phoneLabel')}</label>
        <input
          id="vs-phone"
          type="tel"
          dir="ltr"
          inputMode="tel"
          autocomplete="off"
          value={form.phone}
          aria-invalid={!phone.ok}
          aria-describedby={phone.ok ? 'vs-phone-hint' : 'vs-phone-hint vs-phone-error'}
          onInput={(event) => guard.trusted(event) && actions.editForm({ phone: event.currentTarget.value })}
        />
        <p id="vs-phone-hint" class="vs-hint">
          {phoneFromPage.current ? t('phoneHint') : t('phoneNotOnPage')}
        </p>
        {!phone.ok && (
          <p id="vs-phone-error" class="vs-error">
            {t(`phoneError_${phone.reason.replaceAll('-', '_')}` as MessageKey)}
          </p>
        )}
      </div>

      <div class="vs-field">
        <label for="vs-call-moment">{t('callMomentLabel')}</label>
        <select
          id="vs-call-moment"
          value={form.callMoment}
          onChange={(event) => guard.trusted(event) && actions.editForm({ callMoment: event.currentTarget.value as CallMoment })}
        >
          {CALL_MOMENTS.map((moment) => (
            <option key={moment} value={moment}>
              {t(callMomentKey(moment))}
            </option>
          ))}
        </select>
      </div>

      <fieldset class="vs-field vs-domains" aria-describedby={domainsMissing ? 'vs-domains-error' : undefined}>
        <legend>{t('lifeDomainsLabel')}</legend>
        {LIFE_DOMAINS.map((domain) => (
          <label key={domain} class="vs-check">
            <input type="checkbox" checked={form.lifeDomains.includes(domain)} onChange={(event) => guard.trusted(event) && toggleDomain(domain, event.currentTarget.checked)} />
            <span>{t(lifeDomainMessageKey(domain) as MessageKey)}</span>
          </label>
        ))}
        {domainsMissing && (
          <p id="vs-domains-error" class="vs-error">
            {t('lifeDomainsError')}
          </p>
        )}
      </fieldset>

      <div class="vs-field">
        <label for="vs-note">{t('noteLabel')}</label>
        <textarea
          id="vs-note"
          dir="auto"
          rows={3}
          maxLength={NOTE_MAX_LENGTH}
          value={form.note}
          aria-invalid={noteCodes.length > 0}
          aria-describedby={noteCodes.length > 0 ? 'vs-note-counter vs-note-error' : 'vs-note-counter'}
          onInput={(event) => guard.trusted(event) && actions.editForm({ note: event.currentTarget.value })}
        />
        <p id="vs-note-counter" class="vs-hint">
          {t('noteCounter', [form.note.length, NOTE_MAX_LENGTH])}
        </p>
        {noteCodes.length > 0 && (
          <p id="vs-note-error" class="vs-error">
            {t('noteHasCodes', [noteCodes.join(', ')])}
          </p>
        )}
      </div>

      <section class="vs-preview" aria-labelledby="vs-preview-heading">
        <h4 id="vs-preview-heading">{t('previewHeading', [recipient])}</h4>
        <dl>
          <dt>{t('nameLabel')}</dt>
          <dd data-preview="name">{form.name ? <bdi>{form.name}</bdi> : t('previewNone')}</dd>
          <dt>{t('phoneLabel')}</dt>
          <dd data-preview="phone">
            <bdi dir="ltr">{phone.ok ? phone.display : form.phone || t('previewNone')}</bdi>
          </dd>
          <dt>{t('callMomentLabel')}</dt>
          <dd data-preview="call-moment">{t(callMomentKey(form.callMoment))}</dd>
          <dt>{t('lifeDomainsLabel')}</dt>
          <dd data-preview="life-domains">
            {form.lifeDomains.map((domain) => t(lifeDomainMessageKey(domain) as MessageKey)).join(', ') || t('previewNone')}
          </dd>
          <dt>{t('noteLabel')}</dt>
          <dd data-preview="note">{form.note.trim() ? <bdi>{form.note.trim()}</bdi> : t('previewNone')}</dd>
          <dt>{t('previewReferrer')}</dt>
          <dd data-preview="referrer">
            {state.referrer.name ? <bdi>{state.referrer.name}</bdi> : t('previewReferrerUnknown')}
            {state.referrer.agb ? ` (AGB ${state.referrer.agb})` : ''}
          </dd>
          <dt>{t('previewAnswers')}</dt>
          <dd data-preview="answers">
            <ul>
              {ruleSets.flatMap((ruleSet) => ruleSet.questions).filter((question, index, all) => all.findIndex((q) => q.id === question.id) === index).map((question) => (
                <li key={question.id}>
                  {question.text[locale]}{' '}
                  <strong>
                    {t(state.answers[question.id] === 'yes' ? 'answerYes' : state.answers[question.id] === 'no' ? 'answerNo' : 'answerNotAsked')}
                  </strong>
                </li>
              ))}
            </ul>
          </dd>
        </dl>
        <p class="vs-hint">{t('previewNotSent')}</p>
      </section>

      {askReferrer.current && (
        <div class="vs-field">
          <label for="vs-referrer">{t('referrerLabel')}</label>
          <select id="vs-referrer" value={chosenUser} onChange={(event) => guard.trusted(event) && actions.chooseReferrer(event.currentTarget.value)}>
            <option value="" disabled>
              {t('referrerChoose')}
            </option>
            {page.users.map((user) => (
              <option key={user.id} value={user.id}>
                {user.name}
              </option>
            ))}
          </select>
        </div>
      )}

      <label class="vs-check vs-consent">
        <input type="checkbox" checked={form.consentGiven} onChange={tickConsent} />
        <span>{t('consentCheckbox')}</span>
      </label>

      {state.refusal && (
        <p class="vs-error" role="alert" data-refusal={state.refusal.reason}>
          {t(state.refusal.act === 'consent' ? 'refusedConsent' : state.refusal.act === 'draft' ? 'refusedDraft' : 'refusedSend', [t(`refusal_${state.refusal.reason.replaceAll('-', '_')}` as MessageKey)])}
        </p>
      )}
      {state.submitError && (
        <p class="vs-error" role="alert">
          {state.submitError}
        </p>
      )}
      <div class="vs-actions">
        <button type="button" class="vs-primary" disabled={!canSend} aria-describedby={form.consentGiven ? undefined : 'vs-send-hint'} onClick={send}>
          {t('send')}
        </button>
        <button type="button" class="vs-secondary" onClick={(event) => guard.trusted(event) && actions.backToQuestions()}>
          {t('back')}
        </button>
      </div>
      {!form.consentGiven && (
        <p id="vs-send-hint" class="vs-hint">
          {t('sendNeedsConsent')}
        </p>
      )}
      {canDraft && (
        <div class="vs-actions">
          <button type="button" class="vs-secondary" aria-describedby="vs-draft-hint" onClick={saveDraft}>
            {t('saveDraft')}
          </button>
          <p id="vs-draft-hint" class="vs-hint">
            {t('saveDraftHint')}
          </p>
        </div>
      )}
      <div class="vs-actions vs-actions-quiet">
        <button type="button" class="vs-link" onClick={(event) => guard.trusted(event) && actions.declineReferral()}>
          {t('declineReferral')}
        </button>
        <button type="button" class="vs-link" onClick={(event) => guard.trusted(event) && actions.dismiss('not-now')}>
          {t('notNow')}
        </button>
        <button type="button" class="vs-link" onClick={(event) => guard.trusted(event) && actions.dismiss('not-relevant')}>
          {t('notRelevant')}
        </button>
      </div>
    </section>
  );
}

import { useState } from 'preact/hooks';
import type { ReferralFeedback, ReferralPartner } from '../../../contract/referral-status';
import type { MessageKey, Translate } from '../../shared/i18n';
import type { Locale } from '../../shared/locale';
import type { DeliveryError, ReferralStatus, WithdrawalStatus } from '../../shared/messages';
import type { PageContext } from '../../shared/sidebar-channel';
import type { RefusalReason, SidebarGuard } from './click-guard';
import type { SidebarActions } from './sidebar-controller';

/** Human words for why delivery has not worked (yet). */
function describeDeliveryError(error: DeliveryError | undefined, t: Translate): string {
  if (!error) return '';
  if (error.kind === 'http' || error.kind === 'auth') return t('deliveryError_http', [error.httpStatus ?? '', error.detail]);
  return t(`deliveryError_${error.kind}` as MessageKey, [error.detail]);
}

const localeTag = (locale: Locale) => (locale === 'en' ? 'en-GB' : 'nl-NL');

function formatTime(iso: string | undefined, locale: Locale): string {
  return iso ? new Date(iso).toLocaleTimeString(localeTag(locale), { hour: '2-digit', minute: '2-digit' }) : '';
}

function formatDate(iso: string, locale: Locale): string {
  return new Date(iso).toLocaleDateString(localeTag(locale), { day: 'numeric', month: 'long', year: 'numeric' });
}

/** "27 nov": a date within the consult's horizon, as the GP would say it. */
function formatShortDate(iso: string, locale: Locale): string {
  return new Date(iso).toLocaleDateString(localeTag(locale), { day: 'numeric', month: 'short' }).replace(/\.$/, '');
}

const messageKey = (prefix: string, code: string) => `${prefix}_${code.replaceAll('-', '_')}` as MessageKey;

/** Where the referral stands on our side: queued, delivered, waiting to retry, needing attention. */
function deliveryLine(referral: ReferralStatus, locale: Locale, t: Translate): string {
  const reason = describeDeliveryError(referral.lastError, t);
  switch (referral.state) {
    case 'delivered':
      return t('status_delivered', [referral.recipient, formatTime(referral.deliveredAt, locale)]);
    case 'retrying':
      return t('status_retrying', [reason, formatTime(referral.nextAttemptAt, locale)]);
    case 'failed':
      return referral.lastError?.kind === 'auth' ? t('status_needs_attention', [referral.recipient]) : t('status_failed', [reason]);
    case 'sending':
      return t('status_sending', [referral.recipient]);
    case 'withdrawn':
      return t('status_withdrawn_unsent', [formatDate(referral.withdrawnAt ?? referral.createdAt, locale)]);
    default:
      return t('status_queued');
  }
}

/**
 * What the social team reported, in one sentence: "Gebeld op 27 nov, opgepakt door het sociaal team
 * met partners". Built from codes through i18n, so it reads the same from any receiver that speaks
 * the contract; a server without our codes is quoted in its own words.
 */
export function feedbackSentence(feedback: ReferralFeedback, locale: Locale, t: Translate): string {
  const parts: string[] = [];
  if (feedback.contactedAt) parts.push(t('feedback_called', [formatShortDate(feedback.contactedAt, locale)]));
  else if (feedback.failedAttempts > 0 && feedback.outcome !== 'not-reachable') parts.push(t('feedback_not_reached', [feedback.failedAttempts]));
  if (feedback.outcome) parts.push(t(messageKey('outcome', feedback.outcome)));
  if (parts.length === 0) {
    if (feedback.businessStatus === null && feedback.businessStatusText) parts.push(feedback.businessStatusText);
    else if (feedback.taskStatus === 'completed' || feedback.taskStatus === 'failed' || feedback.taskStatus === 'rejected') parts.push(t('feedback_closed'));
    else parts.push(t('feedback_received'));
  }
  const sentence = parts.join(', ');
  return `${sentence.charAt(0).toLocaleUpperCase(localeTag(locale))}${sentence.slice(1)}.`;
}

function partnerList(partners: readonly ReferralPartner[], t: Translate): string {
  return partners.map((partner) => t(messageKey('partner', partner))).join(', ');
}

function withdrawalLine(withdrawal: WithdrawalStatus, locale: Locale, t: Translate): string {
  const date = formatDate(withdrawal.withdrawnAt, locale);
  switch (withdrawal.state) {
    case 'delivered':
      return t('withdrawal_delivered', [date]);
    case 'retrying':
      return t('withdrawal_retrying', [date, describeDeliveryError(withdrawal.lastError, t), formatTime(withdrawal.nextAttemptAt, locale)]);
    case 'failed':
      return t('withdrawal_failed', [date, describeDeliveryError(withdrawal.lastError, t)]);
    default:
      return t('withdrawal_pending', [date]);
  }
}

/**
 * One referral: where delivery stands, what the social team reported back (quietly, when the patient
 * is opened again), whether the callback is overdue, and withdrawing the patient's consent.
 */
export function ReferralStatusView({
  referral,
  earlier = false,
  actions,
  page,
  guard,
  t,
}: {
  referral: ReferralStatus;
  earlier?: boolean;
  actions: SidebarActions;
  page: PageContext;
  guard: SidebarGuard;
  t: Translate;
}) {
  const { locale } = page;
  const [confirming, setConfirming] = useState(false);
  const [refusal, setRefusal] = useState<RefusalReason | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const ruleSet = page.ruleSets.find((candidate) => candidate.id === referral.ruleSetId);
  const withdrawn = referral.state === 'withdrawn' || referral.withdrawal !== undefined;
  const { feedback } = referral;
  const showFeedback = referral.state === 'delivered' && feedback !== undefined && !withdrawn;

  const askToWithdraw = (event: Event) => {
    if (!guard.trusted(event)) return;
    setRefusal(null);
    setConfirming(true);
  };
  // Like consent itself: only a real, visible click withdraws it.
  const confirmWithdrawal = (event: Event) => {
    void guard.confirm(event).then((reason) => {
      if (reason) {
        setRefusal(reason);
        return;
      }
      setConfirming(false);
      void actions.withdraw(referral.referralId).then(setFailure);
    });
  };

  return (
    <section class="vs-referral" data-state={referral.state} data-referral-id={referral.referralId}>
      {page.ruleSets.length > 1 && ruleSet && <p class="vs-hint">{ruleSet.name[locale]}</p>}
      {earlier && <p class="vs-earlier">{t('earlierReferral', [referral.recipient, formatDate(referral.createdAt, locale)])}</p>}
      {!(earlier && showFeedback) && (
        <p class={`vs-status vs-status-${referral.state}`} role="status" aria-live="polite">
          {deliveryLine(referral, locale, t)}
        </p>
      )}
      {showFeedback && (
        <div class="vs-feedback" data-task-status={feedback.taskStatus} role="status" aria-live="polite">
          <p class="vs-feedback-line">{feedbackSentence(feedback, locale, t)}</p>
          {feedback.partners.length > 0 && <p class="vs-hint">{t('feedback_partners', [partnerList(feedback.partners, t)])}</p>}
          {feedback.noteForGp && (
            <p class="vs-feedback-note">
              {t('feedback_note')} <bdi>{feedback.noteForGp}</bdi>
            </p>
          )}
        </div>
      )}
      {referral.overdue && !withdrawn && (
        <p class="vs-status vs-overdue" data-overdue="true">
          {t('feedback_overdue')}
        </p>
      )}
      {referral.withdrawal && referral.state !== 'withdrawn' && (
        <p class={`vs-status vs-status-${referral.withdrawal.state === 'failed' ? 'failed' : 'withdrawn'}`} role="status" aria-live="polite" data-withdrawal={referral.withdrawal.state}>
          {withdrawalLine(referral.withdrawal, locale, t)}
        </p>
      )}
      {showFeedback && referral.feedbackCheckedAt && <p class="vs-hint">{t('feedback_checked', [formatTime(referral.feedbackCheckedAt, locale)])}</p>}
      {referral.state === 'delivered' && !earlier && !feedback && !withdrawn && <p class="vs-hint">{t('statusNextStep')}</p>}
      {(referral.state === 'retrying' || (referral.state === 'failed' && referral.lastError?.kind !== 'auth')) && (
        <div class="vs-actions">
          <button type="button" class="vs-secondary" onClick={(event) => guard.trusted(event) && actions.retryNow(referral.referralId)}>
            {t('retryNow')}
          </button>
        </div>
      )}
      {failure && !withdrawn && (
        <p class="vs-error" role="alert">
          {t('withdrawFailed', [failure])}
        </p>
      )}
      {!withdrawn && !confirming && (
        <div class="vs-actions">
          <button type="button" class="vs-link-button" data-action="withdraw" onClick={askToWithdraw}>
            {t('withdraw')}
          </button>
        </div>
      )}
      {!withdrawn && confirming && (
        <div class="vs-confirm" role="group" aria-label={t('withdraw')}>
          <p>{t('withdrawQuestion')}</p>
          <div class="vs-actions">
            <button type="button" class="vs-danger" data-action="confirm-withdraw" onClick={confirmWithdrawal}>
              {t('withdrawConfirm')}
            </button>
            <button type="button" class="vs-secondary" onClick={(event) => guard.trusted(event) && setConfirming(false)}>
              {t('withdrawCancel')}
            </button>
          </div>
          {refusal && (
            <p class="vs-error" role="alert" data-refusal={refusal}>
              {t('refusedWithdraw', [t(messageKey('refusal', refusal))])}
            </p>
          )}
        </div>
      )}
    </section>
  );
}

import type { MessageKey, Translate } from '../../shared/i18n';
import type { Locale } from '../../shared/locale';
import type { DeliveryError, ReferralStatus } from '../../shared/messages';
import type { PageContext } from '../../shared/sidebar-channel';
import type { SidebarGuard } from './click-guard';
import type { SidebarActions } from './sidebar-controller';

/** Human words for why delivery has not worked (yet). */
function describeDeliveryError(error: DeliveryError | undefined, t: Translate): string {
  if (!error) return '';
  if (error.kind === 'http') return t('deliveryError_http', [error.httpStatus ?? '', error.detail]);
  return t(`deliveryError_${error.kind}` as MessageKey, [error.detail]);
}

function formatTime(iso: string | undefined, locale: Locale): string {
  return iso ? new Date(iso).toLocaleTimeString(locale === 'en' ? 'en-GB' : 'nl-NL', { hour: '2-digit', minute: '2-digit' }) : '';
}

function formatDate(iso: string, locale: Locale): string {
  return new Date(iso).toLocaleDateString(locale === 'en' ? 'en-GB' : 'nl-NL', { day: 'numeric', month: 'long', year: 'numeric' });
}

/** Where a referral stands: queued, delivered, or waiting to retry (and why). */
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
  const ruleSet = page.ruleSets.find((candidate) => candidate.id === referral.ruleSetId);
  const reason = describeDeliveryError(referral.lastError, t);
  const line =
    referral.state === 'delivered'
      ? t('status_delivered', [referral.recipient, formatTime(referral.deliveredAt, locale)])
      : referral.state === 'retrying'
        ? t('status_retrying', [reason, formatTime(referral.nextAttemptAt, locale)])
        : referral.state === 'failed'
          ? t('status_failed', [reason])
          : referral.state === 'sending'
            ? t('status_sending', [referral.recipient])
            : t('status_queued');
  return (
    <section class="vs-referral" data-state={referral.state}>
      {page.ruleSets.length > 1 && ruleSet && <p class="vs-hint">{ruleSet.name[locale]}</p>}
      {earlier && <p class="vs-earlier">{t('earlierReferral', [referral.recipient, formatDate(referral.createdAt, locale)])}</p>}
      <p class={`vs-status vs-status-${referral.state}`} role="status" aria-live="polite">
        {line}
      </p>
      {referral.state === 'delivered' && !earlier && <p class="vs-hint">{t('statusNextStep')}</p>}
      {(referral.state === 'retrying' || referral.state === 'failed') && (
        <div class="vs-actions">
          <button type="button" class="vs-secondary" onClick={(event) => guard.trusted(event) && actions.retryNow(referral.referralId)}>
            {t('retryNow')}
          </button>
        </div>
      )}
    </section>
  );
}

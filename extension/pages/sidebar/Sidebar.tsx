import { useEffect, useRef } from 'preact/hooks';
import type { Translate } from '../../shared/i18n';
import type { PageContext } from '../../shared/sidebar-channel';
import type { SidebarGuard } from './click-guard';
import type { SidebarActions } from './sidebar-controller';
import { isSidebarVisible, type SidebarState } from './sidebar-state';
import { ConsentStep } from './ConsentStep';
import { ReferralStatusView } from './ReferralStatusView';
import { ScreeningQuestions } from './ScreeningQuestions';

export interface SidebarProps {
  state: SidebarState;
  actions: SidebarActions;
  page: PageContext;
  /** Every control asks it first: a script's events and clicks through a cover do nothing. */
  guard: SidebarGuard;
  t: Translate;
}

/**
 * The quiet sidebar docked at the page edge: never a modal and never grabbing focus on its own.
 * Focus only moves when the GP acts inside it (collapse, expand, next step).
 */
export function Sidebar({ state, actions, page, guard, t }: SidebarProps) {
  const toggleRef = useRef<HTMLButtonElement>(null);
  const lastExpanded = useRef(state.expanded);
  const toggledByUser = useRef(false);

  useEffect(() => {
    if (lastExpanded.current !== state.expanded && toggledByUser.current) toggleRef.current?.focus();
    lastExpanded.current = state.expanded;
    toggledByUser.current = false;
  }, [state.expanded]);

  const toggle = (event: Event) => {
    if (!guard.trusted(event)) return;
    toggledByUser.current = true;
    actions.toggle();
  };

  if (!state.expanded) {
    // The tab always holds its strip at the page edge, so a prompt shows in it without moving the EHR.
    const prompting = isSidebarVisible(state);
    // An earlier referral with news is not a prompt: the tab says so, and the panel waits for a click.
    const news = prompting && state.phase === 'idle';
    return (
      <button
        ref={toggleRef}
        type="button"
        class={prompting ? 'vs-tab vs-tab-attention' : 'vs-tab vs-tab-quiet'}
        aria-expanded="false"
        aria-label={news ? t('expandNews') : prompting ? t('expandPrompt') : t('expand')}
        onClick={toggle}
      >
        {prompting && <span class="vs-tab-dot" aria-hidden="true" />}
        <span class="vs-tab-text">{news ? t('tabLabelNews') : prompting ? t('tabLabelPrompt') : t('tabLabel')}</span>
      </button>
    );
  }

  return (
    <aside class="vs-panel" id="vs-panel" aria-label={t('sidebarRegion')}>
      <header class="vs-header">
        <h2 class="vs-title">{t('sidebarTitle')}</h2>
        <button ref={toggleRef} type="button" class="vs-icon-button" aria-expanded="true" aria-controls="vs-panel" aria-label={t('collapse')} onClick={toggle}>
          <span aria-hidden="true">»</span>
        </button>
      </header>
      <div class="vs-body">
        {state.phase === 'questions' && <ScreeningQuestions state={state} actions={actions} page={page} guard={guard} t={t} />}
        {state.phase === 'consent' && <ConsentStep state={state} actions={actions} page={page} guard={guard} t={t} />}
        {state.phase === 'submitting' && (
          <p class="vs-status" role="status">
            {t('submitting')}
          </p>
        )}
        {state.phase === 'drafted' && (
          <p class="vs-status" role="status" data-drafted="true">
            {t('draftSaved')}
          </p>
        )}
        {state.phase === 'referral' &&
          state.referrals.map((referral) => <ReferralStatusView key={referral.referralId} referral={referral} actions={actions} page={page} guard={guard} t={t} />)}
        {state.phase === 'idle' &&
          state.earlierReferrals.map((referral) => <ReferralStatusView key={referral.referralId} referral={referral} earlier actions={actions} page={page} guard={guard} t={t} />)}
        {!isSidebarVisible(state) && <p class="vs-hint">{t('nothingToShow')}</p>}
      </div>
    </aside>
  );
}

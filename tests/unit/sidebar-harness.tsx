import { render } from '@testing-library/preact';
import { expect, vi } from 'vitest';
import type { SidebarGuard } from '../../extension/pages/sidebar/click-guard';
import { Sidebar } from '../../extension/pages/sidebar/Sidebar';
import { createSidebarController, type SidebarController } from '../../extension/pages/sidebar/sidebar-controller';
import type { SidebarState } from '../../extension/pages/sidebar/sidebar-state';
import en from '../../extension/public/_locales/en/messages.json';
import nl from '../../extension/public/_locales/nl/messages.json';
import { translatorFromBundle } from '../../extension/shared/i18n';
import type { RequestMessage, Response } from '../../extension/shared/messages';
import type { PageContext, PatientOnPage } from '../../extension/shared/sidebar-channel';
import { defaultRuleSet } from './helpers';

/** A guard that lets everything through: happy-dom's events are never trusted, unlike a real click. */
export const lenientGuard: SidebarGuard = { trusted: () => true, confirm: async () => null };

const ruleSet = defaultRuleSet();

/**
 * The sidebar with its real controller on the demo HIS page, rendered, with `patient` (default Mila
 * Voorbeeld) opened and their history loaded. `answer` plays the background; every message sent is
 * kept in `sent`.
 */
export async function mountSidebar(options: {
  answer: (message: RequestMessage) => unknown;
  locale?: 'nl' | 'en';
  guard?: SidebarGuard;
  patient?: Partial<PatientOnPage>;
}): Promise<{ controller: SidebarController; sent: RequestMessage[] }> {
  const locale = options.locale ?? 'nl';
  const guard = options.guard ?? lenientGuard;
  const t = translatorFromBundle(locale === 'nl' ? nl : en);
  const sent: RequestMessage[] = [];
  let rerender: (state: SidebarState) => void = () => {};
  const page: PageContext = { adapterId: 'demo-his', ruleSets: [ruleSet], recipients: { [ruleSet.id]: 'Sociaal wijkteam Heuvelland' }, users: [], locale };
  const controller = createSidebarController({
    page,
    send: (async (message: RequestMessage) => {
      sent.push(message);
      return options.answer(message);
    }) as never,
    render: (state) => rerender(state),
    reportError: () => {},
    describeSubmitError: (response: Extract<Response<unknown>, { ok: false }>) => response.error.message,
  });
  const view = render(<Sidebar state={controller.state} actions={controller.actions} page={page} guard={guard} t={t} />);
  rerender = (state) => view.rerender(<Sidebar state={state} actions={controller.actions} page={page} guard={guard} t={t} />);
  controller.patientChanged({ key: 'P-1001', name: 'Mila Voorbeeld', phone: '06-99990001', birthDate: '', ...options.patient }, { name: 'dr. E. Denkbeeld', agb: '01999001' });
  await vi.waitFor(() => expect(controller.state.historyLoaded).toBe(true));
  return { controller, sent };
}

/** The page shows N01 (headache) and the GP has paused typing: the prompt opens. */
export function triggerN01(controller: SidebarController): void {
  controller.triggersFound([{ ruleSetId: ruleSet.id, trigger: { kind: 'code', code: 'N01', baseCode: 'N01', title: { nl: 'Hoofdpijn', en: 'Headache' } } }]);
  controller.typingPaused();
}

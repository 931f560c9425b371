// @vitest-environment happy-dom
/**
 * "Klaarzetten voor de assistent": the GP recorded consent but the phone number must still be
 * confirmed with the patient; the sidebar saves it for the practice assistant's work list.
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SidebarGuard } from '../../extension/pages/sidebar/click-guard';
import { Sidebar } from '../../extension/pages/sidebar/Sidebar';
import { createSidebarController } from '../../extension/pages/sidebar/sidebar-controller';
import type { SidebarState } from '../../extension/pages/sidebar/sidebar-state';
import nl from '../../extension/public/_locales/nl/messages.json';
import { translatorFromBundle } from '../../extension/shared/i18n';
import type { RequestMessage } from '../../extension/shared/messages';
import type { PageContext } from '../../extension/shared/sidebar-channel';
import { defaultRuleSet } from './helpers';

const ruleSet = defaultRuleSet();
const lenientGuard: SidebarGuard = { trusted: () => true, confirm: async () => null };
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

async function mountAtConsent(options: { phone: string; guard?: SidebarGuard }) {
  const guard = options.guard ?? lenientGuard;
  const t = translatorFromBundle(nl);
  const sent: RequestMessage[] = [];
  let rerender: (state: SidebarState) => void = () => {};
  const page: PageContext = { adapterId: 'demo-his', ruleSets: [ruleSet], recipients: { [ruleSet.id]: 'Sociaal wijkteam Heuvelland' }, users: [], locale: 'nl' };
  const controller = createSidebarController({
    page,
    send: (async (message: RequestMessage) => {
      sent.push(message);
      if (message.type === 'patient/opened') return { ok: true, data: { referrals: [], suppressed: [] } };
      if (message.type === 'draft/save') return { ok: true, data: { draftId: 'draft-1' } };
      return { ok: true, data: { recorded: true } };
    }) as never,
    render: (state) => rerender(state),
    reportError: () => {},
    describeSubmitError: () => '',
  });
  const view = render(<Sidebar state={controller.state} actions={controller.actions} page={page} guard={guard} t={t} />);
  rerender = (state) => view.rerender(<Sidebar state={state} actions={controller.actions} page={page} guard={guard} t={t} />);
  controller.patientChanged({ key: 'P-1002', name: 'Henk Proefhuis', phone: options.phone, birthDate: '' }, { name: 'dr. E. Denkbeeld', agb: '01999001' });
  await vi.waitFor(() => expect(controller.state.historyLoaded).toBe(true));
  controller.triggersFound([{ ruleSetId: ruleSet.id, trigger: { kind: 'code', code: 'N01', baseCode: 'N01', title: { nl: 'Hoofdpijn', en: 'Headache' } } }]);
  controller.typingPaused();
  fireEvent.click(screen.getAllByRole('radio', { name: 'Ja' })[0]!);
  fireEvent.click(screen.getByRole('button', { name: 'Verder naar toestemming' }));
  return { controller, sent };
}

afterEach(cleanup);

describe('leaving a referral for the practice assistant', () => {
  it('is offered only once consent is given, and saves everything but a confirmed phone number', async () => {
    const { controller, sent } = await mountAtConsent({ phone: '' });
    expect(screen.queryByRole('button', { name: 'Klaarzetten voor de assistent' })).toBeNull();
    expect((screen.getByRole('button', { name: 'Verstuur naar sociaal wijkteam' }) as HTMLButtonElement).disabled).toBe(true);

    fireEvent.click(screen.getByRole('checkbox', { name: /De patiënt heeft toestemming gegeven/ }));
    await settled();
    // No number yet: Send stays disabled, leaving it for the assistant is possible.
    expect((screen.getByRole('button', { name: 'Verstuur naar sociaal wijkteam' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Klaarzetten voor de assistent' }));
    await settled();
    await settled();

    const drafts = sent.filter((message) => message.type === 'draft/save');
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({
      adapterId: 'demo-his',
      patientKey: 'P-1002',
      ruleSetIds: [ruleSet.id],
      draft: { patient: { name: 'Henk Proefhuis' }, consentGiven: true, answers: { 'make-ends-meet': 'yes' }, practitioner: { name: 'dr. E. Denkbeeld', agb: '01999001' } },
    });
    expect((drafts[0] as { draft: { patient: object } }).draft.patient).not.toHaveProperty('phone');
    expect(sent.some((message) => message.type === 'referral/submit')).toBe(false);
    expect(controller.state.phase).toBe('drafted');
    expect(screen.getByRole('status').textContent).toMatch(/Klaargezet voor de assistent/);
  });

  it('saves nothing when the guard refuses the click, and says why', async () => {
    let refuse = false;
    const guard: SidebarGuard = { trusted: () => true, confirm: async () => (refuse ? 'covered' : null) };
    const { sent } = await mountAtConsent({ phone: '06-9999', guard });
    fireEvent.click(screen.getByRole('checkbox', { name: /De patiënt heeft toestemming gegeven/ }));
    await settled();
    refuse = true;
    fireEvent.click(screen.getByRole('button', { name: 'Klaarzetten voor de assistent' }));
    await settled();
    expect(sent.some((message) => message.type === 'draft/save')).toBe(false);
    expect(screen.getByRole('alert').textContent).toMatch(/^Niet klaargezet: /);
  });
});

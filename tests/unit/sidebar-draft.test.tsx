// @vitest-environment happy-dom
/**
 * "Klaarzetten voor de assistent": the GP recorded consent but the phone number must still be
 * confirmed with the patient; the sidebar saves it for the practice assistant's work list.
 */
import { cleanup, fireEvent, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { SidebarGuard } from '../../extension/pages/sidebar/click-guard';
import { defaultRuleSet } from './helpers';
import { mountSidebar, triggerN01 } from './sidebar-harness';

const ruleSet = defaultRuleSet();
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

async function mountAtConsent(options: { phone: string; guard?: SidebarGuard }) {
  const mounted = await mountSidebar({
    ...(options.guard ? { guard: options.guard } : {}),
    patient: { key: 'P-1002', name: 'Henk Proefhuis', phone: options.phone },
    answer: (message) => {
      if (message.type === 'patient/opened') return { ok: true, data: { referrals: [], suppressed: [] } };
      if (message.type === 'draft/save') return { ok: true, data: { draftId: 'draft-1' } };
      return { ok: true, data: { recorded: true } };
    },
  });
  triggerN01(mounted.controller);
  fireEvent.click(screen.getAllByRole('radio', { name: 'Ja' })[0]!);
  fireEvent.click(screen.getByRole('button', { name: 'Verder naar toestemming' }));
  return mounted;
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

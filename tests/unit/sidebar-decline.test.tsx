// @vitest-environment happy-dom
import { cleanup, fireEvent, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SidebarGuard } from '../../extension/pages/sidebar/click-guard';
import { isSidebarVisible } from '../../extension/pages/sidebar/sidebar-state';
import en from '../../extension/public/_locales/en/messages.json';
import nl from '../../extension/public/_locales/nl/messages.json';
import { defaultRuleSet } from './helpers';
import { lenientGuard, mountSidebar, triggerN01 } from './sidebar-harness';

const ruleSet = defaultRuleSet();

async function mount(locale: 'nl' | 'en', guard: SidebarGuard = lenientGuard) {
  const mounted = await mountSidebar({
    locale,
    guard,
    answer: (message) => (message.type === 'patient/opened' ? { ok: true, data: { referrals: [], suppressed: [] } } : { ok: true, data: { recorded: true } }),
  });
  triggerN01(mounted.controller);
  return mounted;
}

afterEach(cleanup);

describe('a positive screen the patient declines a referral for', () => {
  it('is recorded as consent declined with the answers, sends nothing, and closes the prompt', async () => {
    const { controller, sent } = await mount('nl');
    fireEvent.click(screen.getAllByRole('radio', { name: 'Ja' })[0]!);
    fireEvent.click(screen.getAllByRole('radio', { name: 'Nee' })[1]!);
    fireEvent.click(screen.getByRole('button', { name: 'Verder naar toestemming' }));
    fireEvent.click(screen.getByRole('button', { name: 'Patiënt wil geen verwijzing' }));

    expect(controller.state.phase).toBe('declined');
    expect(isSidebarVisible(controller.state)).toBe(false);
    const recorded = sent.filter((message) => message.type === 'screening/recorded');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      adapterId: 'demo-his',
      patientKey: 'P-1001',
      ruleSetIds: [ruleSet.id],
      outcome: 'consent-declined',
      answers: { 'make-ends-meet': 'yes', 'sleep-money-worries': 'no' },
    });
    expect(recorded[0]).not.toHaveProperty('reason');
    expect(sent.some((message) => message.type === 'referral/submit')).toBe(false);

    // The same patient is not asked again during this consult.
    controller.triggersFound([{ ruleSetId: ruleSet.id, trigger: { kind: 'term', term: 'geldzorgen' } as never }]);
    expect(isSidebarVisible(controller.state)).toBe(false);
  });

  it('speaks English when the browser does', async () => {
    await mount('en');
    fireEvent.click(screen.getAllByRole('radio', { name: 'Yes' })[0]!);
    fireEvent.click(screen.getByRole('button', { name: /consent/i }));
    expect(screen.getByRole('button', { name: 'Patient declines the referral' })).toBeTruthy();
  });

  it('does nothing for a click a script made', async () => {
    const strict: SidebarGuard = { trusted: () => false, confirm: async () => 'untrusted' };
    const { controller, sent } = await mount('nl', strict);
    controller.actions.answer('make-ends-meet', 'yes');
    controller.actions.goToConsent();
    await vi.waitFor(() => expect(screen.getByRole('button', { name: 'Patiënt wil geen verwijzing' })).toBeTruthy());
    fireEvent.click(screen.getByRole('button', { name: 'Patiënt wil geen verwijzing' }));
    expect(controller.state.phase).toBe('consent');
    expect(sent.some((message) => message.type === 'screening/recorded')).toBe(false);
  });
});

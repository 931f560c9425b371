// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Sidebar } from '../../extension/pages/sidebar/Sidebar';
import { translatorFromBundle } from '../../extension/shared/i18n';
import { createSidebarController } from '../../extension/pages/sidebar/sidebar-controller';
import type { SidebarState } from '../../extension/pages/sidebar/sidebar-state';
import nl from '../../extension/public/_locales/nl/messages.json';
import en from '../../extension/public/_locales/en/messages.json';
import type { PageContext } from '../../extension/shared/sidebar-channel';
import type { SidebarGuard } from '../../extension/pages/sidebar/click-guard';
import { defaultRuleSet } from './helpers';

const ruleSet = defaultRuleSet();

/** A guard that lets everything through: happy-dom's events are never trusted, unlike a real click. */
const lenientGuard: SidebarGuard = { trusted: () => true, confirm: async () => null };

async function mount(locale: 'nl' | 'en' = 'nl', options: { phone?: string; recipient?: string | null; guard?: SidebarGuard; typingPaused?: boolean } = {}) {
  const guard = options.guard ?? lenientGuard;
  const t = translatorFromBundle(locale === 'nl' ? nl : en);
  const submitted: unknown[] = [];
  let rerender: (state: SidebarState) => void = () => {};
  const page: PageContext = {
    adapterId: 'demo-his',
    ruleSets: [ruleSet],
    recipients: { [ruleSet.id]: options.recipient === undefined ? 'Sociaal wijkteam Heuvelland' : options.recipient },
    users: [],
    locale,
  };
  const controller = createSidebarController({
    page,
    send: (async (message: { type: string }) => {
      if (message.type === 'referral/submit') {
        submitted.push(message);
        return { ok: true, data: [] };
      }
      return { ok: true, data: { referrals: [], suppressed: [] } };
    }) as never,
    render: (state) => rerender(state),
    reportError: () => {},
    describeSubmitError: () => '',
  });
  const view = render(<Sidebar state={controller.state} actions={controller.actions} page={page} guard={guard} t={t} />);
  rerender = (state) => view.rerender(<Sidebar state={state} actions={controller.actions} page={page} guard={guard} t={t} />);
  controller.patientChanged({ key: 'P-1001', name: 'Mila Voorbeeld', phone: options.phone ?? '06-99990001', birthDate: '' }, { name: 'dr. E. Denkbeeld', agb: '01999001' });
  await vi.waitFor(() => expect(controller.state.historyLoaded).toBe(true));
  controller.triggersFound([{ ruleSetId: ruleSet.id, trigger: { kind: 'code', code: 'N01', baseCode: 'N01', title: { nl: 'Hoofdpijn', en: 'Headache' } } }]);
  if (options.typingPaused ?? true) controller.typingPaused();
  return { controller, submitted };
}

afterEach(cleanup);

/** Consent and send wait for the guard's answer (a promise): let it arrive. */
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('sidebar', () => {
  it('shows a prompt in its tab at once, and opens the panel only once the GP pauses typing', async () => {
    const { controller } = await mount('nl', { typingPaused: false });
    expect(screen.queryByRole('group', { name: /Vindt u het moeilijk om elke maand rond te komen\?/ })).toBeNull();
    expect(screen.getByRole('button', { name: 'Vroegsignaal: vragen voor deze patiënt — openen' }).className).toContain('vs-tab-attention');
    controller.typingPaused();
    await screen.findByRole('group', { name: /Vindt u het moeilijk om elke maand rond te komen\?/ });
  });

  it('keeps a quiet tab when there is nothing to ask, and says so when opened', async () => {
    const { controller } = await mount('nl', { typingPaused: false });
    fireEvent.click(screen.getByRole('button', { name: /openen/ }));
    fireEvent.click(screen.getAllByRole('radio', { name: 'Nee' })[0]!);
    fireEvent.click(screen.getAllByRole('radio', { name: 'Nee' })[1]!);
    fireEvent.click(screen.getAllByRole('radio', { name: 'Nee' })[2]!);
    fireEvent.click(screen.getByRole('button', { name: 'Afronden zonder verwijzing' }));
    expect(controller.state.phase).toBe('negative');
    const quiet = screen.getByRole('button', { name: 'Vroegsignaal openen' });
    expect(quiet.className).toContain('vs-tab-quiet');
    fireEvent.click(quiet);
    expect(screen.getByText(/Bij deze patiënt is er nu niets te vragen/)).toBeTruthy();
  });

  it('names the trigger and offers the three questions in Dutch', async () => {
    await mount();
    expect(screen.getByText('Aanleiding: N01 Hoofdpijn')).toBeTruthy();
    expect(screen.getByRole('group', { name: /Vindt u het moeilijk om elke maand rond te komen\?/ })).toBeTruthy();
    expect(screen.getAllByRole('radio', { name: 'Ja' })).toHaveLength(3);
    expect(screen.queryByRole('button', { name: 'Verder naar toestemming' })).toBeNull();
  });

  it('speaks English when the browser does', async () => {
    await mount('en');
    expect(screen.getByText('Reason: N01 Headache')).toBeTruthy();
    expect(screen.getByRole('group', { name: /Do you find it hard to make ends meet each month\?/ })).toBeTruthy();
  });

  it('moves to consent on a yes and keeps Send disabled until consent is ticked', async () => {
    const { submitted } = await mount();
    fireEvent.click(screen.getAllByRole('radio', { name: 'Ja' })[1]!);
    fireEvent.click(screen.getByRole('button', { name: 'Verder naar toestemming' }));

    const send = screen.getByRole('button', { name: 'Verstuur naar sociaal wijkteam' }) as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    expect((screen.getByLabelText('Telefoonnummer voor het terugbellen') as HTMLInputElement).value).toBe('06-99990001');
    fireEvent.click(send);
    expect(submitted).toHaveLength(0);

    fireEvent.click(screen.getByRole('checkbox', { name: /De patiënt heeft toestemming gegeven/ }));

    await settled();
    expect((screen.getByRole('button', { name: 'Verstuur naar sociaal wijkteam' }) as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Verstuur naar sociaal wijkteam' }));
    await settled();
    expect(submitted).toHaveLength(1);
  });

  it('explains a phone number that cannot be called and blocks sending', async () => {
    await mount();
    fireEvent.click(screen.getAllByRole('radio', { name: 'Ja' })[0]!);
    fireEvent.click(screen.getByRole('button', { name: 'Verder naar toestemming' }));
    fireEvent.click(screen.getByRole('checkbox', { name: /De patiënt heeft toestemming gegeven/ }));
    await settled();
    const phone = screen.getByLabelText('Telefoonnummer voor het terugbellen');
    fireEvent.input(phone, { target: { value: '06-1234' } });
    expect(screen.getByText('Een Nederlands nummer heeft 10 cijfers, of +31 met 9 cijfers.')).toBeTruthy();
    expect(phone.getAttribute('aria-invalid')).toBe('true');
    expect((screen.getByRole('button', { name: 'Verstuur naar sociaal wijkteam' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('previews exactly what leaves the practice, and flags a diagnosis code in the note', async () => {
    await mount();
    fireEvent.click(screen.getAllByRole('radio', { name: 'Ja' })[0]!);
    fireEvent.click(screen.getByRole('button', { name: 'Verder naar toestemming' }));
    fireEvent.input(screen.getByLabelText('Korte notitie voor het sociaal wijkteam (optioneel)'), { target: { value: 'Bekend met N01' } });
    const preview = screen.getByRole('region', { name: 'Dit gaat naar Sociaal wijkteam Heuvelland' });
    expect(preview.querySelector('[data-preview="name"]')!.textContent).toBe('Mila Voorbeeld');
    expect(preview.querySelector('[data-preview="phone"]')!.textContent).toBe('06-99990001');
    expect(preview.querySelector('[data-preview="life-domains"]')!.textContent).toBe('Dagelijks functioneren');
    expect(preview.querySelector('[data-preview="note"]')!.textContent).toBe('Bekend met N01');
    expect(preview.querySelector('[data-preview="referrer"]')!.textContent).toBe('dr. E. Denkbeeld (AGB 01999001)');
    expect(screen.getByText(/Haal N01 uit de notitie/)).toBeTruthy();
  });

  it('collapses to a small tab and opens again', async () => {
    await mount();
    fireEvent.click(screen.getByRole('button', { name: 'Zijbalk inklappen' }));
    expect(screen.queryByRole('complementary')).toBeNull();
    // Collapsed with a prompt under way, the tab says so.
    fireEvent.click(screen.getByRole('button', { name: 'Vroegsignaal: vragen voor deze patiënt — openen' }));
    expect(screen.getByRole('complementary', { name: 'Vroegsignaal: geldzorgen signaleren' })).toBeTruthy();
  });

  it('asks the GP for the phone number when the EHR page shows none', async () => {
    await mount('nl', { phone: '' });
    fireEvent.click(screen.getAllByRole('radio', { name: 'Ja' })[0]!);
    fireEvent.click(screen.getByRole('button', { name: 'Verder naar toestemming' }));
    expect(screen.getByText(/Het telefoonnummer staat niet op deze pagina: vraag het de patiënt/)).toBeTruthy();
    expect(screen.getByText('Vul een telefoonnummer in.')).toBeTruthy();
  });

  it('says so and blocks sending when no social team is set up for the rule set', async () => {
    await mount('nl', { recipient: null });
    fireEvent.click(screen.getAllByRole('radio', { name: 'Ja' })[0]!);
    fireEvent.click(screen.getByRole('button', { name: 'Verder naar toestemming' }));
    fireEvent.click(screen.getByRole('checkbox', { name: /De patiënt heeft toestemming gegeven/ }));
    await settled();
    expect(screen.getByRole('alert').textContent).toMatch(/nog geen sociaal wijkteam ingesteld/);
    expect((screen.getByRole('button', { name: 'Verstuur naar sociaal wijkteam' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

import type { Locator, Page } from 'playwright-core';

/**
 * Drives the demo HIS and the Vroegsignaal sidebar the way a GP would: by visible labels and
 * roles, through the sidebar's open shadow root (Playwright locators pierce it).
 */
export class ConsultPage {
  constructor(readonly page: Page) {}

  /** The shadow host the extension adds to the page (present even while nothing is shown). */
  get sidebarHost(): Locator {
    return this.page.locator('vroegsignaal-sidebar');
  }

  /** The expanded panel. */
  get sidebar(): Locator {
    return this.page.locator('vroegsignaal-sidebar aside.vs-panel');
  }

  /** The collapsed tab. */
  get sidebarTab(): Locator {
    return this.page.locator('vroegsignaal-sidebar button.vs-tab');
  }

  get status(): Locator {
    return this.page.locator('vroegsignaal-sidebar .vs-referral [role="status"]');
  }

  async open(baseUrl: string, patientId: string): Promise<void> {
    await this.page.goto(`${baseUrl}/patient/${patientId}`);
    await this.page.locator(`#patient-banner[data-patient-id="${patientId}"]`).waitFor();
  }

  /** Picks another patient from the list: single-page navigation, no reload. */
  async switchTo(patientId: string): Promise<void> {
    await this.page.locator(`#patient-list [data-patient-id="${patientId}"]`).click();
    await this.page.locator(`#patient-banner[data-patient-id="${patientId}"]`).waitFor();
  }

  async typeCode(code: string): Promise<void> {
    const field = this.page.locator('#soep-e-code');
    await field.click();
    await field.pressSequentially(code, { delay: 20 });
  }

  async writeSubjective(text: string): Promise<void> {
    await this.page.locator('#soep-s').fill(text);
  }

  async answer(question: string | RegExp, answer: 'Ja' | 'Nee' | 'Niet gevraagd' | 'Yes' | 'No' | 'Not asked'): Promise<void> {
    await this.sidebar.getByRole('group', { name: question }).getByRole('radio', { name: answer, exact: true }).check();
  }

  async goToConsent(): Promise<void> {
    await this.sidebar.getByRole('button', { name: 'Verder naar toestemming' }).click();
  }

  get sendButton(): Locator {
    return this.sidebar.getByRole('button', { name: 'Verstuur naar sociaal wijkteam' });
  }

  async fillConsent(details: { callMoment?: string; note?: string; phone?: string }): Promise<void> {
    if (details.phone !== undefined) await this.sidebar.getByLabel('Telefoonnummer voor het terugbellen').fill(details.phone);
    if (details.callMoment) await this.sidebar.getByLabel('Voorkeur belmoment').selectOption({ label: details.callMoment });
    if (details.note !== undefined) await this.sidebar.getByLabel('Korte notitie voor het sociaal wijkteam (optioneel)').fill(details.note);
  }

  async tickConsent(): Promise<void> {
    await this.sidebar.getByRole('checkbox', { name: /De patiënt heeft toestemming gegeven/ }).check();
  }

  /** The whole positive path up to, not including, Send. */
  async screenPositiveAndConsent(options: { note?: string; callMoment?: string } = {}): Promise<void> {
    await this.answer(/Vindt u het moeilijk om elke maand rond te komen/, 'Ja');
    await this.answer(/Slaapt u slecht van geldzorgen/, 'Nee');
    await this.answer(/Stapelt de post zich bij u thuis weleens op/, 'Niet gevraagd');
    await this.goToConsent();
    await this.fillConsent({ callMoment: options.callMoment ?? 'Ochtend', note: options.note ?? 'Liever niet tussen 12 en 13 uur bellen.' });
    await this.tickConsent();
  }
}

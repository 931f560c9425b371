import type { Frame, Locator, Page } from 'playwright-core';
import { MIN_VISIBLE_MS } from '../../extension/pages/sidebar/click-guard';
import { isSidebarPageUrl } from '../../extension/shared/sidebar-channel';

/** The answers of a positive screen with the default rule set: question, answer. */
export const POSITIVE_SCREEN: ReadonlyArray<readonly [RegExp, 'Ja' | 'Nee' | 'Niet gevraagd']> = [
  [/Vindt u het moeilijk om elke maand rond te komen/, 'Ja'],
  [/Slaapt u slecht van geldzorgen/, 'Nee'],
  [/Stapelt de post zich bij u thuis weleens op/, 'Niet gevraagd'],
];

/** The sidebar's frame in a page, if the extension has put one there. */
export function sidebarFrame(page: Page): Frame | undefined {
  return page.frames().find((frame) => isSidebarPageUrl(frame.url()));
}

/**
 * Drives the demo HIS and the Vroegsignaal sidebar the way a GP would: by visible labels and roles.
 * The sidebar is an extension page in a frame inside a closed shadow root: no selector reaches it
 * from the page, so these locators go through the browser's frame tree (real, trusted input).
 */
export class ConsultPage {
  constructor(readonly page: Page) {}

  /** The shadow host the extension adds to the page (present even while nothing is shown). */
  get sidebarHost(): Locator {
    return this.page.locator('vroegsignaal-sidebar');
  }

  /** Where the sidebar's content lives; before the extension framed it, the page (where it finds nothing). */
  get sidebarDocument(): Frame {
    return sidebarFrame(this.page) ?? this.page.mainFrame();
  }

  /** The expanded panel. */
  get sidebar(): Locator {
    return this.sidebarDocument.locator('aside.vs-panel');
  }

  /** The collapsed tab (always there on a watched page: it holds the sidebar's strip at the page edge). */
  get sidebarTab(): Locator {
    return this.sidebarDocument.locator('button.vs-tab');
  }

  /** The collapsed tab while it shows a prompt (questions, or news of a referral). */
  get promptTab(): Locator {
    return this.sidebarDocument.locator('button.vs-tab-attention');
  }

  /** Whatever shows a prompt: the open panel or the tab that announces one. */
  get prompt(): Locator {
    return this.sidebarDocument.locator('.vs-panel, .vs-tab-attention');
  }

  get status(): Locator {
    return this.sidebarDocument.locator('.vs-referral [role="status"]');
  }

  /**
   * Opens a patient (`query`: the demo HIS's load modes, such as `?journal=5200`); on a watched page,
   * waits until the sidebar's frame is there.
   */
  async open(baseUrl: string, patientId: string, options: { watched?: boolean; query?: string } = {}): Promise<void> {
    await this.page.goto(`${baseUrl}/patient/${patientId}${options.query ?? ''}`);
    await this.page.locator(`#patient-banner[data-patient-id="${patientId}"]`).waitFor();
    if (options.watched ?? true) await this.waitForSidebarFrame();
  }

  /** Waits until the extension has framed its sidebar page (another than `not`, when given) and the frame has loaded it. */
  async waitForSidebarFrame(options: { not?: Frame | undefined; timeoutMs?: number } = {}): Promise<Frame> {
    const deadline = Date.now() + (options.timeoutMs ?? 5_000);
    for (;;) {
      const frame = sidebarFrame(this.page);
      if (frame && frame !== options.not && !frame.isDetached()) {
        await frame.waitForLoadState('load');
        return frame;
      }
      if (Date.now() > deadline) throw new Error('the sidebar frame did not appear');
      await this.page.waitForTimeout(50);
    }
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
    if (details.callMoment) {
      // By keyboard, as a GP can: the sidebar takes only trusted input, and Playwright's selectOption
      // sets the value from script (its change event is untrusted, so the sidebar rightly ignores it).
      const select = this.sidebar.getByLabel('Voorkeur belmoment');
      await select.focus();
      await this.page.keyboard.type(details.callMoment);
      await this.settled(async () => (await select.evaluate((element) => (element as HTMLSelectElement).selectedOptions[0]?.textContent ?? '')) === details.callMoment, `call moment ${details.callMoment} was not chosen`);
    }
    if (details.note !== undefined) await this.sidebar.getByLabel('Korte notitie voor het sociaal wijkteam (optioneel)').fill(details.note);
  }

  /**
   * Ticks consent as the GP does: one click. The sidebar records it only after checking the click was
   * real and the sidebar wholly in view, so this waits for the tick (or for the sidebar's refusal).
   */
  async tickConsent(): Promise<void> {
    const box = this.sidebar.getByRole('checkbox', { name: /De patiënt heeft toestemming gegeven/ });
    // A GP reads the consent sentence aloud first; a click faster than the guard's moment is refused.
    await this.page.waitForTimeout(MIN_VISIBLE_MS + 150);
    await box.click();
    await this.settled(() => box.isChecked(), 'consent was not recorded');
  }

  /** The sidebar's refusal of the last consent tick or send, if any ("Niet verstuurd: …"). */
  get refusal(): Locator {
    return this.sidebar.locator('[data-refusal]');
  }

  /** Waits until `done` holds; fails with the sidebar's refusal (or `what`) if it does not within 3 s. */
  async settled(done: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + 3_000;
    while (!(await done())) {
      if ((await this.refusal.count()) > 0) throw new Error(`${what}: ${await this.refusal.textContent()}`);
      if (Date.now() > deadline) throw new Error(what);
      await this.page.waitForTimeout(25);
    }
  }

  /**
   * Withdraws the patient's consent for the referral shown (the first, or the one with `referralId`):
   * "Toestemming intrekken…", then, after the moment the guard wants the sidebar seen, "Ja, …".
   */
  async withdrawConsent(referralId?: string): Promise<void> {
    const referral = referralId ? this.sidebar.locator(`.vs-referral[data-referral-id="${referralId}"]`) : this.sidebar.locator('.vs-referral').first();
    await referral.getByRole('button', { name: 'Toestemming intrekken…' }).click();
    await this.page.waitForTimeout(MIN_VISIBLE_MS + 150);
    await referral.getByRole('button', { name: 'Ja, toestemming intrekken' }).click();
    await this.sidebar.locator('.vs-referral[data-state="withdrawn"], .vs-referral [data-withdrawal]').first().waitFor({ timeout: 5_000 });
  }

  /** The whole positive path up to, not including, Send. */
  async screenPositiveAndConsent(options: { note?: string; callMoment?: string } = {}): Promise<void> {
    for (const [question, answer] of POSITIVE_SCREEN) await this.answer(question, answer);
    await this.goToConsent();
    await this.fillConsent({ callMoment: options.callMoment ?? 'Ochtend', note: options.note ?? 'Liever niet tussen 12 en 13 uur bellen.' });
    await this.tickConsent();
  }
}

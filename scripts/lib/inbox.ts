import type { Page } from 'playwright-core';
import { OUTCOME_DISPLAY_NL, PARTNER_DISPLAY_NL, type ReferralOutcome, type ReferralPartner } from '../../contract/referral-status';

/**
 * Drives the social team's inbox (the reference receiver's web app) the way a team member does: by
 * its Dutch labels, with the keyboard-reachable controls a person uses. Shared by the demo and the
 * end-to-end tests.
 */
export class InboxPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  /** Logs in (a browser with a running session is taken to the work queue straight away). */
  async logIn(username: string, password: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}/inloggen`);
    if (new URL(this.page.url()).pathname !== '/inloggen') {
      await this.page.getByRole('heading', { name: 'Werkvoorraad' }).waitFor();
      return;
    }
    await this.page.getByLabel('Gebruikersnaam').fill(username);
    await this.page.getByLabel('Wachtwoord').fill(password);
    await this.page.getByRole('button', { name: 'Inloggen' }).click();
    await this.page.getByRole('heading', { name: 'Werkvoorraad' }).waitFor();
  }

  /** The work queue (`filter`: open, closed, withdrawn, all). */
  async queue(filter: 'open' | 'closed' | 'withdrawn' | 'all' = 'open'): Promise<void> {
    await this.page.goto(filter === 'open' ? `${this.baseUrl}/` : `${this.baseUrl}/?filter=${filter}`);
    await this.page.getByRole('heading', { name: 'Werkvoorraad' }).waitFor();
  }

  /** Opens a referral from the queue by the link a team member clicks (the patient's name, or "Toestemming ingetrokken"). */
  async openReferral(referralId: string): Promise<void> {
    await this.page.locator(`a[href="/verwijzingen/${referralId}"]`).first().click();
    await this.page.getByRole('heading', { name: 'Vastleggen' }).or(this.page.getByRole('heading', { name: 'Toestemming ingetrokken' })).first().waitFor();
  }

  /** "Gebeld" at the date and time filled in (by default: now). */
  async recordCalled(at?: { date: string; time: string }): Promise<void> {
    if (at) {
      await this.page.getByLabel('Datum').fill(at.date);
      await this.page.getByLabel('Tijd').fill(at.time);
    }
    await this.page.getByRole('button', { name: 'Gebeld vastleggen' }).click();
    await this.page.getByRole('heading', { name: 'Geschiedenis' }).waitFor();
  }

  async recordOutcome(outcome: ReferralOutcome, partners: ReferralPartner[], noteForGp: string): Promise<void> {
    await this.page.getByRole('radio', { name: OUTCOME_DISPLAY_NL[outcome], exact: true }).check();
    for (const partner of partners) await this.page.getByRole('checkbox', { name: PARTNER_DISPLAY_NL[partner], exact: true }).check();
    await this.page.getByLabel(/Notitie voor de huisarts/).fill(noteForGp);
    await this.page.getByRole('button', { name: 'Uitkomst vastleggen' }).click();
    await this.page.getByRole('heading', { name: 'Geschiedenis' }).waitFor();
  }
}

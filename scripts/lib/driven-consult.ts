import type { ElementHandle, Frame, Page } from 'puppeteer-core';
import { MIN_VISIBLE_MS } from '../../extension/pages/sidebar/click-guard';
import { SIDEBAR_PAGE_PATH } from '../../extension/shared/sidebar-channel';
import { POSITIVE_SCREEN } from './consult';

/** What to find in the sidebar: an element of `kind` whose visible text (or label, or legend) is `name`. */
type Target = { kind: 'button' | 'checkbox' | 'field'; name: string | RegExp } | { kind: 'radio'; group: string | RegExp; name: string };

/**
 * consult.ts for a browser driven by puppeteer-core (Chromium or Firefox): the demo HIS and the
 * sidebar, used as a GP does — by visible text, with real (trusted) clicks and keys. Firefox's
 * WebDriver BiDi reports no navigation inside the extension's frame (bug 1755014), so the sidebar's
 * frame is recognised by asking each frame where it is, not by its reported address.
 */
export class DrivenConsult {
  constructor(readonly page: Page) {}

  async open(baseUrl: string, patientId: string): Promise<void> {
    await this.page.goto(`${baseUrl}/patient/${patientId}`);
    await this.page.waitForSelector(`#patient-banner[data-patient-id="${patientId}"]`);
    await this.sidebarFrame();
  }

  /** The sidebar's frame once it has loaded the sidebar page; waits up to `timeoutMs`. */
  async sidebarFrame(timeoutMs = 5_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame() || frame.detached) continue;
        const where = await frame.evaluate(() => `${location.pathname} ${document.readyState}`).catch(() => '');
        if (where === `${SIDEBAR_PAGE_PATH} complete`) return frame;
      }
      if (Date.now() > deadline) throw new Error('the sidebar frame did not appear');
      await this.pause(50);
    }
  }

  /** The sidebar's text (panel or tab) as the GP sees it. */
  async sidebarText(): Promise<string> {
    const frame = await this.sidebarFrame();
    return frame.evaluate(() => document.getElementById('app')?.innerText ?? '');
  }

  /** Waits until the sidebar shows `text`. */
  async waitForText(text: string | RegExp, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let seen = '';
    for (;;) {
      seen = await this.sidebarText().catch(() => '');
      if (typeof text === 'string' ? seen.includes(text) : text.test(seen)) return;
      if (Date.now() > deadline) throw new Error(`the sidebar did not show ${String(text)} within ${timeoutMs} ms; it shows: ${seen.slice(0, 400)}`);
      await this.pause(100);
    }
  }

  async typeCode(code: string): Promise<void> {
    await this.page.click('#soep-e-code');
    await this.page.type('#soep-e-code', code, { delay: 20 });
  }

  /** Finds `target` in the sidebar (waiting for it), scrolled into view. */
  async find(target: Target, timeoutMs = 5_000): Promise<ElementHandle<Element>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = await this.sidebarFrame();
      const handle = await frame.evaluateHandle((wanted) => {
        const matches = (text: string | null | undefined, name: string | { source: string }) =>
          typeof name === 'string' ? (text ?? '').replace(/\s+/g, ' ').trim() === name : new RegExp(name.source).test(text ?? '');
        const labelOf = (element: Element) => (element.id ? document.querySelector(`label[for="${element.id}"]`)?.textContent : element.closest('label')?.textContent);
        if (wanted.kind === 'button') return [...document.querySelectorAll('button')].find((button) => matches(button.textContent, wanted.name) || matches(button.getAttribute('aria-label'), wanted.name)) ?? null;
        if (wanted.kind === 'checkbox') return [...document.querySelectorAll('input[type="checkbox"]')].find((box) => matches(labelOf(box), wanted.name)) ?? null;
        if (wanted.kind === 'field') return [...document.querySelectorAll('input, textarea, select')].find((field) => matches(labelOf(field), wanted.name)) ?? null;
        const group = [...document.querySelectorAll('fieldset')].find((fieldset) => matches(fieldset.querySelector('legend')?.textContent, wanted.group!));
        return [...(group?.querySelectorAll('input[type="radio"]') ?? [])].find((radio) => matches(radio.closest('label')?.textContent, wanted.name)) ?? null;
      }, serializable(target));
      const element = handle.asElement() as ElementHandle<Element> | null;
      if (element) return element;
      await handle.dispose();
      if (Date.now() > deadline) throw new Error(`not in the sidebar: ${JSON.stringify(serializable(target))}`);
      await this.pause(100);
    }
  }

  async click(target: Target): Promise<void> {
    await (await this.find(target)).click();
  }

  async answer(question: string | RegExp, answer: 'Ja' | 'Nee' | 'Niet gevraagd'): Promise<void> {
    await this.click({ kind: 'radio', group: question, name: answer });
  }

  /** Replaces a field's text by typing, as the GP does. */
  async fill(label: string | RegExp, value: string): Promise<void> {
    const field = await this.find({ kind: 'field', name: label });
    await field.click();
    await field.evaluate((element) => (element as HTMLInputElement).select());
    await this.page.keyboard.press('Backspace');
    if (value) await this.page.keyboard.type(value, { delay: 5 });
  }

  /** Chooses the call moment by keyboard (the sidebar takes only trusted input). */
  async chooseCallMoment(moment: string): Promise<void> {
    const select = await this.find({ kind: 'field', name: 'Voorkeur belmoment' });
    await select.focus();
    await this.page.keyboard.type(moment);
    await this.until(async () => (await select.evaluate((element) => (element as HTMLSelectElement).selectedOptions[0]?.textContent ?? '')) === moment, `call moment ${moment} was not chosen`);
  }

  /** Ticks consent after the moment the click guard wants the sidebar seen; waits for the tick. */
  async tickConsent(): Promise<void> {
    await this.pause(MIN_VISIBLE_MS + 150);
    const box = await this.find({ kind: 'checkbox', name: /De patiënt heeft toestemming gegeven/ });
    await box.click();
    await this.until(() => box.evaluate((element) => (element as HTMLInputElement).checked), 'consent was not recorded');
  }

  /** Screens positive, fills the consent step and ticks consent; Send is left to the caller. */
  async screenPositiveAndConsent(note: string): Promise<void> {
    for (const [question, answer] of POSITIVE_SCREEN) await this.answer(question, answer);
    await this.click({ kind: 'button', name: 'Verder naar toestemming' });
    await this.chooseCallMoment('Ochtend');
    await this.fill('Korte notitie voor het sociaal wijkteam (optioneel)', note);
    await this.tickConsent();
  }

  async send(): Promise<void> {
    await this.click({ kind: 'button', name: 'Verstuur naar sociaal wijkteam' });
  }

  async pause(ms: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
  }

  private async until(done: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + 3_000;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`${what}: ${(await this.sidebarText().catch(() => '')).slice(0, 300)}`);
      await this.pause(25);
    }
  }
}

/** A target as plain data for the frame (a RegExp does not cross into the page). */
function serializable(target: Target) {
  const plain = (name: string | RegExp) => (typeof name === 'string' ? name : { source: name.source });
  return target.kind === 'radio' ? { kind: target.kind, group: plain(target.group), name: target.name } : { kind: target.kind, name: plain(target.name) };
}

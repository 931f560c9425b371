/**
 * The social team's inbox, on PGlite and on PostgreSQL: logging in and out, lock-out, CSRF, the work
 * queue with its deadlines, recording calls and outcomes (and what the GP reads back in the Task),
 * withdrawn referrals, and the access log.
 */
import { Window } from 'happy-dom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWithdrawalBundle } from '../../contract/referral-bundle.js';
import { GP_NOTE_MAX_LENGTH, readTaskFeedback } from '../../contract/referral-status.js';
import type { Receiver } from '../../receiver/server.js';
import { Browser, freshUuid, getFhir, loggedIn, PASSWORD, postFhir, referralBundle, startTestReceiver, STORAGES, validateFhir, type Json } from './harness.js';

describe.each(STORAGES)('inbox (%s)', (storage) => {
  let receiver: Receiver;
  /** The receiver's clock; tests move it. */
  let clock = new Date('2026-04-02T09:30:00Z'); // Thursday before Easter 2026
  beforeAll(async () => {
    receiver = await startTestReceiver(storage, { now: () => clock });
  });
  afterAll(async () => {
    await receiver?.close();
  });

  const stored = async (uuid: string) => (await receiver.referrals()).find((referral) => referral.id === `urn:uuid:${uuid}`)!;
  const task = async (uuid: string) => (await (await getFhir(receiver, `Task/${uuid}`)).json()) as Json;
  async function newReferral(): Promise<string> {
    const uuid = freshUuid();
    expect((await postFhir(receiver, referralBundle(uuid))).status).toBe(200);
    return uuid;
  }

  describe('access', () => {
    it('sends visitors who are not logged in to the login page, and the JSON API answers 401', async () => {
      const uuid = await newReferral();
      const browser = new Browser(receiver);
      for (const path of ['/', '/?filter=all', `/verwijzingen/${uuid}`, '/audit']) {
        const response = await browser.get(path);
        expect(response.status, path).toBe(303);
        expect(response.headers.get('location'), path).toMatch(/^\/inloggen/);
        expect(await response.text()).not.toContain('Mila');
      }
      const api = await browser.get('/api/referrals');
      expect(api.status).toBe(401);
      expect(await api.text()).not.toContain('Mila');
      const post = await browser.post(`/verwijzingen/${uuid}/niet-bereikt`, {}, 'x');
      expect([401, 403]).toContain(post.status);
      expect((await stored(uuid)).progress.failedAttempts).toBe(0);
    });

    it('logs in with a new session id in a HttpOnly, SameSite=Strict cookie, and returns to the page asked for', async () => {
      const uuid = await newReferral();
      const browser = new Browser(receiver);
      await browser.page(`/inloggen?terug=${encodeURIComponent(`/verwijzingen/${uuid}`)}`);
      const before = browser.cookie;
      expect(before).toBeTruthy();
      const response = await fetch(`${receiver.url}/inloggen?terug=${encodeURIComponent(`/verwijzingen/${uuid}`)}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: before! },
        body: new URLSearchParams({ _csrf: browser.csrfFor('/inloggen'), username: 'anna', password: PASSWORD }),
      });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(`/verwijzingen/${uuid}`);
      const setCookie = response.headers.get('set-cookie')!;
      expect(setCookie).toMatch(/HttpOnly/i);
      expect(setCookie).toMatch(/SameSite=Strict/i);
      expect(setCookie).toMatch(/Path=\//);
      const after = setCookie.split(';')[0]!;
      expect(after).not.toBe(before);
      // The pre-login session id is worth nothing now.
      expect((await fetch(`${receiver.url}/`, { redirect: 'manual', headers: { Cookie: before! } })).status).toBe(303);
      expect((await fetch(`${receiver.url}/`, { redirect: 'manual', headers: { Cookie: after } })).status).toBe(200);
      // Never redirects off-site.
      const browser2 = new Browser(receiver);
      await browser2.page('/inloggen');
      const offsite = await fetch(`${receiver.url}/inloggen?terug=//evil.example/`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: browser2.cookie! },
        body: new URLSearchParams({ _csrf: browser2.csrfFor('/inloggen'), username: 'anna', password: PASSWORD }),
      });
      expect(offsite.headers.get('location')).toBe('/');
    });

    it('gives the same answer for an unknown user and a wrong password', async () => {
      const browser = new Browser(receiver);
      await browser.page('/inloggen');
      const unknown = await browser.post('/inloggen', { username: 'niemand', password: 'wat dan ook 123' });
      expect(unknown.status).toBe(401);
      const unknownText = await unknown.text();
      expect(unknownText).toContain('Gebruikersnaam of wachtwoord onjuist.');
      browser.lastHtml = unknownText;
      const wrong = await browser.post('/inloggen', { username: 'bram', password: 'fout wachtwoord 1' });
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).toContain('Gebruikersnaam of wachtwoord onjuist.');
    });

    it('locks an account for 15 minutes after 5 failed attempts, telling the user in Dutch', async () => {
      const browser = new Browser(receiver);
      await browser.page('/inloggen');
      let last = '';
      for (let attempt = 1; attempt <= 5; attempt++) {
        const response = await browser.post('/inloggen', { username: 'cees', password: `fout wachtwoord ${attempt}` }, browser.csrfFor('/inloggen', last || browser.lastHtml));
        expect(response.status).toBe(401);
        last = await response.text();
        if (attempt < 5) expect(last).toContain('Gebruikersnaam of wachtwoord onjuist.');
      }
      expect(last).toContain('tijdelijk geblokkeerd');
      // Even the right password does not get in while locked.
      const locked = await browser.post('/inloggen', { username: 'cees', password: PASSWORD }, browser.csrfFor('/inloggen', last));
      expect(locked.status).toBe(401);
      const lockedText = await locked.text();
      expect(lockedText).toContain('tijdelijk geblokkeerd');
      // 15 minutes later it works again.
      clock = new Date(clock.getTime() + 15 * 60_000 + 1000);
      const ok = await browser.post('/inloggen', { username: 'cees', password: PASSWORD }, browser.csrfFor('/inloggen', lockedText));
      expect(ok.status).toBe(303);
    });

    it('ends the session at log-out (a POST with CSRF token)', async () => {
      const browser = await loggedIn(receiver);
      const { html } = await browser.page('/');
      const cookie = browser.cookie!;
      const refused = await browser.post('/uitloggen', {}, null);
      expect(refused.status).toBe(403);
      expect((await browser.get('/')).status).toBe(200);
      browser.lastHtml = html;
      const out = await browser.post('/uitloggen', {});
      expect(out.status).toBe(303);
      expect(out.headers.get('location')).toMatch(/^\/inloggen/);
      expect((await fetch(`${receiver.url}/`, { redirect: 'manual', headers: { Cookie: cookie } })).status).toBe(303);
    });

    it('refuses a form without or with a wrong CSRF token and changes nothing', async () => {
      const uuid = await newReferral();
      const browser = await loggedIn(receiver);
      const { html } = await browser.page(`/verwijzingen/${uuid}`);
      const other = await loggedIn(receiver, 'bram');
      await other.page(`/verwijzingen/${uuid}`);
      for (const csrf of [null, 'wrong-token', other.csrfFor(`/verwijzingen/${uuid}/niet-bereikt`)]) {
        const response = await browser.post(`/verwijzingen/${uuid}/niet-bereikt`, {}, csrf);
        expect(response.status).toBe(403);
        expect(await response.text()).toContain('Er is niets vastgelegd');
        const outcome = await browser.post(`/verwijzingen/${uuid}/uitkomst`, { uitkomst: 'declined' }, csrf);
        expect(outcome.status).toBe(403);
      }
      const referral = await stored(uuid);
      expect(referral.progress).toMatchObject({ failedAttempts: 0, outcome: null });
      // With the page's own token it works.
      browser.lastHtml = html;
      expect((await browser.post(`/verwijzingen/${uuid}/niet-bereikt`, {})).status).toBe(303);
      expect((await stored(uuid)).progress.failedAttempts).toBe(1);
    });
  });

  describe('work queue', () => {
    it('shows open referrals oldest first with the callback deadline in Dutch, and marks overdue ones', async () => {
      // Thursday 2 April 2026: Friday counts, the weekend and Easter Monday do not → Tuesday 7 April.
      clock = new Date('2026-04-02T09:30:00Z');
      const older = await newReferral();
      clock = new Date('2026-04-03T14:00:00Z'); // Good Friday: a working day for the team → Wednesday 8 April
      const newer = await newReferral();
      const browser = await loggedIn(receiver);

      clock = new Date('2026-04-07T20:00:00Z'); // Tuesday 22:00 in Amsterdam: still in time
      let html = (await browser.page('/')).html;
      const row = (uuid: string, page: string) => page.split('<tr').find((chunk) => chunk.includes(`data-referral="${uuid}"`)) ?? '';
      expect(row(older, html)).toContain('uiterlijk <time datetime="2026-04-07">di 7 april</time>');
      expect(row(newer, html)).toContain('uiterlijk <time datetime="2026-04-08">wo 8 april</time>');
      expect(row(older, html)).not.toContain('te laat');
      expect(html.indexOf(`data-referral="${older}"`)).toBeLessThan(html.indexOf(`data-referral="${newer}"`));
      expect(row(older, html)).toContain('Sociaal wijkteam Centrum, wijkteam-centrum@gemeente.example');

      clock = new Date('2026-04-07T22:00:00Z'); // Wednesday 00:00 in Amsterdam: the older one is late
      html = (await browser.page('/')).html;
      expect(row(older, html)).toMatch(/class="referral-row overdue"/);
      expect(row(older, html)).toContain('te laat');
      expect(row(newer, html)).not.toContain('te laat');

      // A call attempt is a callback: no longer late.
      await browser.page(`/verwijzingen/${older}`);
      expect((await browser.post(`/verwijzingen/${older}/niet-bereikt`, {})).status).toBe(303);
      html = (await browser.page('/')).html;
      expect(row(older, html)).not.toContain('te laat');
      expect(row(older, html)).toContain('<td class="num">1</td>');
    });

    it('is a real page: lang, skip link, labelled table, no script, stylesheet from this origin', async () => {
      const browser = await loggedIn(receiver);
      const { html, response } = await browser.page('/');
      expect(html).toMatch(/<html lang="nl">/);
      expect(html).toContain('<a class="skip-link" href="#inhoud">');
      expect(html).toContain('<main id="inhoud"');
      expect(html).not.toMatch(/<script|\son\w+=|style="/i);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.headers.get('content-security-policy')).toContain("style-src 'self'");
      const css = await fetch(`${receiver.url}/static/inbox.css`);
      expect(css.status).toBe(200);
      expect(css.headers.get('content-type')).toMatch(/^text\/css/);
      expect(await css.text()).toContain(':focus-visible');
    });
  });

  describe('recording what happened', () => {
    it('records a call, failed attempts and the outcome; the Task the GP reads follows, valid FHIR, with history', async () => {
      clock = new Date('2026-11-23T09:00:00Z');
      const uuid = await newReferral();
      const browser = await loggedIn(receiver);
      let page = (await browser.page(`/verwijzingen/${uuid}`)).html;
      expect(page).toContain('href="tel:+31699990001"');
      expect(page).toContain('Mila Voorbeeld');
      expect(page).toContain('uiterlijk <time datetime="2026-11-25">wo 25 november</time>');
      const initial = await task(uuid);

      clock = new Date('2026-11-23T10:00:00Z');
      expect((await browser.post(`/verwijzingen/${uuid}/niet-bereikt`, {})).status).toBe(303);
      page = (await browser.page(`/verwijzingen/${uuid}`)).html;
      clock = new Date('2026-11-23T13:00:00Z');
      expect((await browser.post(`/verwijzingen/${uuid}/niet-bereikt`, {})).status).toBe(303);
      let t = await task(uuid);
      validateFhir(t);
      expect(t.status).toBe('in-progress');
      expect(readTaskFeedback(t)).toMatchObject({ businessStatus: 'contact-attempted', failedAttempts: 2 });
      expect(Date.parse(t.lastModified)).toBeGreaterThan(Date.parse(initial.lastModified));

      clock = new Date('2026-11-24T09:15:00Z');
      page = (await browser.page(`/verwijzingen/${uuid}`)).html;
      expect(page).toContain('value="2026-11-24"');
      expect(page).toContain('value="10:15"');
      const called = await browser.post(`/verwijzingen/${uuid}/gebeld`, { datum: '2026-11-24', tijd: '10:05' });
      expect(called.status).toBe(303);
      t = await task(uuid);
      validateFhir(t);
      expect(readTaskFeedback(t)).toMatchObject({ taskStatus: 'in-progress', businessStatus: 'contacted', contactedAt: '2026-11-24T09:05:00.000Z' });

      page = (await browser.page(`/verwijzingen/${uuid}`)).html;
      const outcome = await browser.post(`/verwijzingen/${uuid}/uitkomst`, {
        uitkomst: 'handled-with-partners',
        partner: ['credit-bank', 'language-help'],
        notitie: 'Afspraak gemaakt met de Kredietbank.',
      });
      expect(outcome.status).toBe(303);
      t = await task(uuid);
      validateFhir(t);
      expect(t.status).toBe('completed');
      expect(readTaskFeedback(t)).toMatchObject({
        taskStatus: 'completed',
        businessStatus: 'handled-with-partners',
        outcome: 'handled-with-partners',
        partners: ['credit-bank', 'language-help'],
        noteForGp: 'Afspraak gemaakt met de Kredietbank.',
        contactedAt: '2026-11-24T09:05:00.000Z',
        failedAttempts: 2,
        lastModified: '2026-11-24T09:15:00.000Z',
      });
      expect(t.meta.lastUpdated).toBe('2026-11-24T09:15:00.000Z');

      page = (await browser.page(`/verwijzingen/${uuid}`)).html;
      expect(page).toContain('Vastgelegd: de uitkomst.');
      const window = new Window();
      try {
        const document = new window.DOMParser().parseFromString(page, 'text/html');
        const history = [...document.querySelectorAll('ol.history li')].map((item) => item.textContent ?? '');
        expect(history).toHaveLength(5);
        expect(history[0]).toContain('Verwijzing ontvangen (FHIR)');
        expect(history[1]).toContain('Anna de Vries');
        expect(history[1]).toContain('niet bereikt (poging 1)');
        expect(history[2]).toContain('poging 2');
        expect(history[3]).toContain('Gebeld en gesproken op');
        expect(history[4]).toContain('Uitkomst: Opgepakt door het sociaal team met partners; partners: Kredietbank, Taalhulp');
        expect((document.querySelector('#uitkomst-handled-with-partners') as unknown as { checked: boolean }).checked).toBe(true);
      } finally {
        await window.happyDOM.close();
      }

      // The queue no longer lists it as open; the closed list does.
      expect((await browser.page('/')).html).not.toContain(`data-referral="${uuid}"`);
      expect((await browser.page('/?filter=closed')).html).toContain(`data-referral="${uuid}"`);

      // "Not reachable" fails the Task.
      const other = await newReferral();
      await browser.page(`/verwijzingen/${other}`);
      expect((await browser.post(`/verwijzingen/${other}/uitkomst`, { uitkomst: 'not-reachable' })).status).toBe(303);
      const failed = await task(other);
      validateFhir(failed);
      expect(failed.status).toBe('failed');
    });

    it('re-renders the form with Dutch messages next to the fields, keeping what was typed, and changes nothing', async () => {
      clock = new Date('2026-11-23T09:00:00Z');
      const uuid = await newReferral();
      const browser = await loggedIn(receiver);
      await browser.page(`/verwijzingen/${uuid}`);
      const before = await task(uuid);

      const noOutcome = await browser.post(`/verwijzingen/${uuid}/uitkomst`, { partner: ['social-work'], notitie: 'Mijn getypte notitie' });
      expect(noOutcome.status).toBe(400);
      let html = await noOutcome.text();
      expect(html).toContain('<span class="field-error" id="uitkomst-fout">Kies wat er is gebeurd.</span>');
      expect(html).toContain('Mijn getypte notitie</textarea>');
      expect(html).toMatch(/id="partner-social-work"[^>]*checked/);

      browser.lastHtml = html;
      const tooLong = await browser.post(`/verwijzingen/${uuid}/uitkomst`, { uitkomst: 'declined', notitie: 'x'.repeat(GP_NOTE_MAX_LENGTH + 1) });
      expect(tooLong.status).toBe(400);
      html = await tooLong.text();
      expect(html).toContain(`De notitie is te lang: ${GP_NOTE_MAX_LENGTH + 1} tekens, hoogstens ${GP_NOTE_MAX_LENGTH}.`);
      expect(html).toContain('aria-invalid="true"');

      browser.lastHtml = html;
      const noPartner = await browser.post(`/verwijzingen/${uuid}/uitkomst`, { uitkomst: 'handled-with-partners' });
      expect(noPartner.status).toBe(400);
      html = await noPartner.text();
      expect(html).toContain('minstens één partner');

      browser.lastHtml = html;
      const future = await browser.post(`/verwijzingen/${uuid}/gebeld`, { datum: '2026-11-30', tijd: '10:00' });
      expect(future.status).toBe(400);
      html = await future.text();
      expect(html).toContain('Dit tijdstip ligt in de toekomst.');
      expect(html).toContain('value="2026-11-30"');
      browser.lastHtml = html;
      const garbage = await browser.post(`/verwijzingen/${uuid}/gebeld`, { datum: 'morgen', tijd: '25:00' });
      expect(garbage.status).toBe(400);
      html = await garbage.text();
      expect(html).toContain('Vul een geldige datum in.');
      expect(html).toContain('Vul een geldige tijd in (uu:mm).');

      const after = await task(uuid);
      expect(after).toEqual(before);
      expect((await stored(uuid)).progress).toMatchObject({ outcome: null, contactedAt: null, failedAttempts: 0 });
    });
  });

  describe('withdrawn referrals', () => {
    it('shows "Toestemming ingetrokken" without name, phone, note or answers, and accepts no more changes', async () => {
      const uuid = await newReferral();
      const browser = await loggedIn(receiver);
      const { html: detailBefore } = await browser.page(`/verwijzingen/${uuid}`);
      expect(detailBefore).toContain('Mila Voorbeeld');
      expect((await postFhir(receiver, buildWithdrawalBundle(uuid, clock.toISOString(), { name: 'dr. E. Denkbeeld' }))).status).toBe(200);

      const queue = (await browser.page('/?filter=withdrawn')).html;
      const row = queue.split('<tr').find((chunk) => chunk.includes(`data-referral="${uuid}"`)) ?? '';
      expect(row).toContain('Toestemming ingetrokken');
      expect(row).not.toContain('Mila');
      expect((await browser.page('/')).html).not.toContain(`data-referral="${uuid}"`);

      const detail = (await browser.page(`/verwijzingen/${uuid}`)).html;
      expect(detail).toContain('Toestemming ingetrokken');
      for (const personal of ['Mila', '+31699990001', 'tel:', 'Liever niet', 'rond te komen', 'ochtend']) expect(detail).not.toContain(personal);
      expect(detail).not.toContain('/uitkomst"');
      expect(detail).toContain('Toestemming ingetrokken door de huisarts/patiënt');

      browser.lastHtml = detailBefore;
      const late = await browser.post(`/verwijzingen/${uuid}/niet-bereikt`, {});
      expect(late.status).toBe(409);
      expect((await stored(uuid)).progress.failedAttempts).toBe(0);
    });
  });

  describe('access log', () => {
    it('logs every view of personal data with who, when and which referral, and lists it on the audit page', async () => {
      clock = new Date('2026-12-01T08:00:00Z');
      const uuid = await newReferral();
      const browser = await loggedIn(receiver, 'bram');
      await browser.page('/');
      await browser.page(`/verwijzingen/${uuid}`);
      const audit = (await browser.page('/audit')).html;
      const window = new Window();
      try {
        const document = new window.DOMParser().parseFromString(audit, 'text/html');
        const rows = [...document.querySelectorAll('table.audit tbody tr')].map((row) => row.textContent ?? '');
        expect(rows[0]).toContain('Bram Jansen');
        expect(rows[0]).toContain('verwijzing geopend');
        expect(rows[0]).toContain(`urn:uuid:${uuid}`);
        expect(rows.some((text) => text.includes('werkvoorraad bekeken') && text.includes(`urn:uuid:${uuid}`) && text.includes('Bram Jansen'))).toBe(true);
      } finally {
        await window.happyDOM.close();
      }
      const api = await browser.get('/api/referrals');
      expect(api.status).toBe(200);
      const list = (await api.json()) as Json[];
      expect(list.some((referral) => referral.id === `urn:uuid:${uuid}`)).toBe(true);
      expect(list[0].bundle).toBeUndefined();
    });
  });
});

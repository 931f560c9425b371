import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ConsultPage, sidebarFrame } from '../../scripts/lib/consult';
import { MIN_VISIBLE_MS } from '../../extension/pages/sidebar/click-guard';
import { startEnvironment, type Environment } from '../e2e/environment';

// The page is hostile: everything in this file runs attacks, as a script in the EHR page's own world
// (page.evaluate / addInitScript run there), against the built extension in Chromium with the demo
// HIS and the reference receiver. Each attack states what it tries; each test also shows the honest
// path still works, so a test cannot pass by the sidebar simply refusing everything.

/** What the GP types into the sidebar: none of it may ever show up where the page can look. */
const PHONE_TYPED = '06-99990777';
const PHONE_DIGITS = '99990777';
const NOTE_TYPED = 'Kanarie-7c1f: liever na vieren bellen';
const NOTE_MARK = 'Kanarie-7c1f';

let env: Environment;
let page: Page;
let consult: ConsultPage;

beforeAll(async () => {
  env = await startEnvironment();
});
afterAll(async () => {
  await env?.close();
});
afterEach(async () => {
  await page?.close();
});

/**
 * Installed before the page's own scripts: records every event and message the page can see, and
 * every attribute and text the DOM ever holds, as an attacker listening from the first moment would.
 */
function installSpy(): void {
  const spy = { seen: [] as string[] };
  (window as unknown as { __spy: typeof spy }).__spy = spy;
  const note = (value: unknown) => {
    try {
      spy.seen.push(typeof value === 'string' ? value : JSON.stringify(value));
    } catch {
      spy.seen.push(String(value));
    }
  };
  const types = ['keydown', 'keyup', 'keypress', 'beforeinput', 'input', 'change', 'compositionend', 'focusin', 'focusout', 'paste', 'copy', 'click', 'message', 'submit', 'select', 'selectionchange'];
  for (const type of types) {
    window.addEventListener(
      type,
      (event) => {
        const e = event as Event & { key?: string; data?: unknown; target: EventTarget & { value?: unknown } };
        note([type, e.key, e.data, e.target?.value, (e.target as Element | null)?.textContent?.slice(0, 500)]);
      },
      true,
    );
  }
  new MutationObserver((records) => {
    for (const record of records) {
      note([record.type, record.attributeName, (record.target as Element).getAttribute?.(record.attributeName ?? ''), record.target.textContent?.slice(0, 500)]);
      for (const node of record.addedNodes) note(node.textContent?.slice(0, 500));
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
}

/** Walks everything the page can reach and tries everything it can to get into or drive the sidebar. */
function attackSidebar(): { dump: string; reached: string[]; frameCount: number } {
  const reached: string[] = [];
  const parts: string[] = [];
  const walk = (root: Document | ShadowRoot | Element) => {
    for (const element of Array.from(root.querySelectorAll('*'))) {
      parts.push(element.tagName);
      for (const attribute of Array.from(element.attributes)) parts.push(`${attribute.name}=${attribute.value}`);
      if ('value' in element) parts.push(String((element as HTMLInputElement).value));
      if (element.shadowRoot) {
        reached.push(`shadowRoot of ${element.tagName}`);
        walk(element.shadowRoot);
      }
      if (element.tagName === 'IFRAME') {
        try {
          const inner = (element as HTMLIFrameElement).contentDocument;
          if (inner) walk(inner);
        } catch {
          // cross-origin: unreachable, as it should be
        }
      }
    }
    parts.push(root.textContent ?? '');
  };
  walk(document);
  const host = document.querySelector('vroegsignaal-sidebar') as HTMLElement | null;
  if (host) {
    if (host.shadowRoot) reached.push('host.shadowRoot');
    try {
      host.attachShadow({ mode: 'open' });
      reached.push('attached a second shadow root');
    } catch {
      // already has one
    }
    // Synthetic clicks and keys, on the host and wherever focus goes.
    host.click();
    host.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, clientX: window.innerWidth - 100, clientY: 300 }));
    host.focus();
    for (const key of ['Tab', ' ', 'Enter']) {
      document.activeElement?.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true }));
      document.activeElement?.dispatchEvent(new KeyboardEvent('keyup', { key, bubbles: true, composed: true }));
    }
    const atSend = document.elementFromPoint(window.innerWidth - 150, window.innerHeight - 100);
    (atSend as HTMLElement | null)?.click();
  }
  // Every frame the page can name: read it, message it.
  for (let i = 0; i < window.frames.length; i++) {
    const frame = window.frames[i]!;
    try {
      parts.push(frame.document.documentElement.outerHTML);
      reached.push(`frames[${i}].document`);
    } catch {
      // cross-origin
    }
    for (const message of [{ type: 'placement', id: 1, problem: null }, { type: 'session' }, { type: 'layout', layout: 'panel' }, 'tick consent', { consentGiven: true }]) {
      frame.postMessage(message, '*');
    }
  }
  // Other ways text leaks: the selection, timing entries, the extension's messaging (not exposed to pages).
  parts.push(String(document.getSelection()));
  for (const entry of performance.getEntries()) parts.push(entry.name);
  const chromeGlobal = (window as unknown as { chrome?: { runtime?: { sendMessage?: unknown } } }).chrome;
  if (typeof chromeGlobal?.runtime?.sendMessage === 'function') reached.push('chrome.runtime.sendMessage');
  return { dump: parts.join('\n'), reached, frameCount: window.frames.length };
}

async function openPatient(patientId: string, options: { init?: () => void; watched?: boolean } = {}): Promise<void> {
  page = await env.browser.context.newPage();
  if (options.init) await page.addInitScript(options.init);
  consult = new ConsultPage(page);
  await consult.open(env.ehrUrl, patientId, { watched: options.watched ?? true });
}

/** Screens positive and fills the consent step as the GP would, typing the sentinels. */
async function toConsent(): Promise<void> {
  await consult.typeCode('N01');
  await consult.answer(/Vindt u het moeilijk om elke maand rond te komen/, 'Ja');
  await consult.answer(/Slaapt u slecht van geldzorgen/, 'Nee');
  await consult.answer(/Stapelt de post zich bij u thuis weleens op/, 'Niet gevraagd');
  await consult.goToConsent();
  const phone = consult.sidebar.getByLabel('Telefoonnummer voor het terugbellen');
  await phone.fill('');
  await phone.pressSequentially(PHONE_TYPED, { delay: 10 });
  await consult.sidebar.getByLabel('Korte notitie voor het sociaal wijkteam (optioneel)').pressSequentially(NOTE_TYPED, { delay: 5 });
}

/**
 * Clicks where the GP sees Send, with the real mouse, whatever the page has put over it. (Send was
 * scrolled into view before the attack: a hidden frame stops rendering, so no scrolling then.)
 */
async function clickSendAsTheGpSeesIt(): Promise<void> {
  const box = (await consult.sendButton.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

/**
 * The sidebar's refusal, read straight from its frame: while the page hides part of the frame the
 * browser may stop painting it, and Playwright's visibility checks wait for paints.
 */
async function refusalText(): Promise<string> {
  const frame = consult.sidebarDocument;
  await expect
    .poll(() => frame.evaluate(() => document.querySelector('[data-refusal]')?.textContent ?? ''), { timeout: 5_000 })
    .not.toBe('');
  return frame.evaluate(() => document.querySelector('[data-refusal]')?.textContent ?? '');
}

async function postsSoFar(): Promise<number> {
  return (await env.stats()).posts;
}

describe('the page cannot read or drive the sidebar', () => {
  it('finds none of what the GP typed and cannot tick consent or send, whatever it tries', async () => {
    await openPatient('P-1001', { init: installSpy });
    await toConsent();
    const posts = await postsSoFar();

    const attack = await page.evaluate(attackSidebar);
    await page.waitForTimeout(500);
    const spied = await page.evaluate(() => (window as unknown as { __spy: { seen: string[] } }).__spy.seen.join('\n'));

    expect(attack.reached).toEqual([]);
    for (const secret of [PHONE_DIGITS, NOTE_MARK]) {
      expect(attack.dump).not.toContain(secret);
      expect(spied).not.toContain(secret);
    }
    // Not even our own markup: only the empty host is in the page.
    expect(attack.dump).not.toMatch(/vs-panel|vs-consent|Toestemming/);
    expect(await consult.sidebar.getByRole('checkbox', { name: /De patiënt heeft toestemming gegeven/ }).isChecked()).toBe(false);
    expect(await consult.sendButton.isDisabled()).toBe(true);
    expect(await postsSoFar()).toBe(posts);

    // The honest path in the same sidebar still works.
    await consult.tickConsent();
    await consult.sendButton.click();
    await consult.status.getByText(/Afgeleverd/).waitFor({ timeout: 15_000 });
    const sent = (await env.referrals()).filter((r) => r.patientPhone === '+31699990777');
    expect(sent).toHaveLength(1);
  });

  it('gets a fresh sidebar back when the page navigates the sidebar frame away', async () => {
    await openPatient('P-1002');
    await consult.typeCode('N01');
    await consult.sidebar.waitFor();
    const navigated = await page.evaluate(() => {
      let count = 0;
      for (let i = 0; i < window.frames.length; i++) {
        try {
          window.frames[i]!.location.href = 'about:blank#look-alike';
          count++;
        } catch {
          // not allowed
        }
      }
      return count;
    });
    if (navigated > 0) {
      await expect.poll(() => sidebarFrame(page)?.url() ?? '', { timeout: 5_000 }).toMatch(/sidebar\.html/);
    }
    await consult.waitForSidebarFrame();
    await consult.sidebar.getByText('Aanleiding: N01 Hoofdpijn').waitFor({ timeout: 5_000 });
  });
});

describe('what the GP sees is what the GP clicks', () => {
  // Each attack ends with one honest send, and a patient with an open referral is not prompted again:
  // each attack gets its own patient.
  type Box = { x: number; y: number; width: number; height: number };
  const attacks: Array<{ name: string; patient: string; act: (send: Box) => void; undo: () => void; reason: RegExp }> = [
    {
      name: 'an opaque cover that lets clicks through (pointer-events: none)',
      patient: 'P-1003',
      act() {
        const cover = document.createElement('div');
        cover.id = 'attack-cover';
        cover.textContent = 'Alles in orde — klik op de knop rechtsonder';
        cover.style.cssText = 'position:fixed;inset:0 0 0 auto;width:420px;background:#fff;z-index:2147483647;pointer-events:none;';
        document.documentElement.append(cover);
      },
      undo: () => document.getElementById('attack-cover')?.remove(),
      reason: /bedekt|niet helemaal zichtbaar|lag over de zijbalk/,
    },
    {
      name: 'the page made (nearly) transparent around the sidebar',
      patient: 'P-1004',
      act: () => document.documentElement.style.setProperty('opacity', '0.05'),
      undo: () => document.documentElement.style.removeProperty('opacity'),
      reason: /doorzichtig|niet helemaal zichtbaar/,
    },
    {
      name: 'everything but the Send button clipped away (no consent text, no name in view)',
      patient: 'P-1005',
      act(send) {
        // Insets are from <html>'s own box, which the sidebar's dock sits beside (hence negative ones).
        const html = document.documentElement.getBoundingClientRect();
        const inset = [send.y - html.top, html.right - send.x - send.width, html.bottom - send.y - send.height, send.x - html.left].map((px) => `${px - 2}px`);
        document.documentElement.style.setProperty('clip-path', `inset(${inset.join(' ')})`);
      },
      undo: () => document.documentElement.style.removeProperty('clip-path'),
      reason: /doorzichtig|niet helemaal zichtbaar|bedekt|lag over/,
    },
    {
      name: 'the sidebar pushed partly off-screen',
      patient: 'P-1006',
      act: () => document.documentElement.style.setProperty('transform', 'translateX(200px)'),
      undo: () => document.documentElement.style.removeProperty('transform'),
      reason: /niet helemaal in beeld|doorzichtig|niet helemaal zichtbaar/,
    },
  ];

  it.each(attacks)('refuses to send through $name, says why, and sends once the page behaves', async ({ patient, act, undo, reason }) => {
    await openPatient(patient);
    await toConsent();
    await consult.tickConsent();
    await consult.sendButton.scrollIntoViewIfNeeded();
    const posts = await postsSoFar();

    await page.evaluate(act, (await consult.sendButton.boundingBox())!);
    // The browser reports visibility changes after up to 100 ms (IntersectionObserver v2's delay).
    await page.waitForTimeout(300);
    await clickSendAsTheGpSeesIt();
    expect(await refusalText()).toMatch(reason);
    expect(await refusalText()).toMatch(/^Niet verstuurd/);
    await page.waitForTimeout(300);
    expect(await postsSoFar()).toBe(posts);

    await page.evaluate(undo);
    await page.waitForTimeout(MIN_VISIBLE_MS + 300);
    await clickSendAsTheGpSeesIt();
    await consult.status.getByText(/Afgeleverd/).waitFor({ timeout: 15_000 });
  });

  it('refuses a consent tick under a cover, and a send just after a cover was lifted', async () => {
    await openPatient('P-1007');
    await toConsent();
    await page.waitForTimeout(MIN_VISIBLE_MS);
    await page.evaluate(attacks[0]!.act, { x: 0, y: 0, width: 0, height: 0 });
    await page.waitForTimeout(300);
    const checkbox = consult.sidebar.getByRole('checkbox', { name: /De patiënt heeft toestemming gegeven/ });
    await checkbox.scrollIntoViewIfNeeded();
    const box = (await checkbox.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    expect(await refusalText()).toMatch(/^Toestemming niet vastgelegd/);
    expect(await consult.sidebar.getByRole('checkbox', { name: /De patiënt heeft toestemming gegeven/ }).isChecked()).toBe(false);

    await page.evaluate(attacks[0]!.undo);
    await consult.tickConsent();
    await consult.sendButton.scrollIntoViewIfNeeded();
    // Covered, then uncovered a moment before the click: the GP had no time to see what they click.
    await page.evaluate(attacks[0]!.act, { x: 0, y: 0, width: 0, height: 0 });
    await page.waitForTimeout(300);
    await page.evaluate(attacks[0]!.undo);
    await page.waitForTimeout(150);
    const posts = await postsSoFar();
    await clickSendAsTheGpSeesIt();
    expect(await refusalText()).toMatch(/net pas zichtbaar|niet helemaal zichtbaar/);
    expect(await postsSoFar()).toBe(posts);
  });

  it('keeps its own look whatever the page styles', async () => {
    await openPatient('P-1008');
    await page.addStyleTag({
      content:
        'vroegsignaal-sidebar, vroegsignaal-sidebar * { display: none !important; opacity: 0 !important; width: 1px !important; visibility: hidden !important; }' +
        ' iframe { display: none !important; }',
    });
    await page.evaluate(() => {
      const host = document.querySelector('vroegsignaal-sidebar') as HTMLElement;
      host.style.setProperty('opacity', '0', 'important');
      host.style.setProperty('left', '-9999px', 'important');
      host.setAttribute('hidden', '');
    });
    await consult.typeCode('N01');
    await consult.sidebar.waitFor({ state: 'visible', timeout: 5_000 });
    const look = await page.evaluate(() => {
      const host = document.querySelector('vroegsignaal-sidebar')!;
      const style = getComputedStyle(host);
      const box = host.getBoundingClientRect();
      return { display: style.display, opacity: style.opacity, visibility: style.visibility, width: Math.round(box.width), right: Math.round(box.right), innerWidth: window.innerWidth };
    });
    expect(look).toMatchObject({ display: 'block', opacity: '1', visibility: 'visible', width: 340 });
    expect(look.right).toBe(look.innerWidth);
  });
});

describe('text stays text', () => {
  it('keeps the phone number in reading order next to a name with a right-to-left override', async () => {
    await openPatient('P-1008');
    await consult.typeCode('N01');
    await consult.answer(/Vindt u het moeilijk om elke maand rond te komen/, 'Ja');
    await consult.goToConsent();
    // What a hostile page could put in a patient's name field: U+202E RIGHT-TO-LEFT OVERRIDE.
    await consult.sidebar.getByLabel('Naam patiënt').fill('Mila \u202EVoorbeeld');
    const order = await consult.sidebarDocument.evaluate(() => {
      const phone = document.querySelector('[data-preview="phone"]')!;
      const walker = document.createTreeWalker(phone, NodeFilter.SHOW_TEXT);
      const xs: number[] = [];
      let digits = '';
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        for (let i = 0; i < text.length; i++) {
          if (!/\d/.test(text[i]!)) continue;
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          xs.push(range.getBoundingClientRect().left);
          digits += text[i];
        }
      }
      return { xs, digits };
    });
    const typed = await consult.sidebar.getByLabel('Telefoonnummer voor het terugbellen').inputValue();
    expect(order.digits).toBe(typed.replace(/\D/g, ''));
    expect(order.xs.length).toBeGreaterThanOrEqual(10);
    // Left to right on screen, as written: the override stayed inside the name.
    expect(order.xs).toEqual([...order.xs].sort((a, b) => a - b));
  });
});

describe('the page cannot switch the extension off unnoticed', () => {
  it('keeps detecting after forged framework start-up and navigation events', async () => {
    await openPatient('P-1002');
    await page.evaluate((extensionId) => {
      for (const name of ['wxt:content-script-started', `${extensionId}:ehr:wxt:content-script-started`]) {
        document.dispatchEvent(new CustomEvent(name, { detail: { contentScriptName: 'ehr', messageId: 'forged' } }));
        window.postMessage({ type: name, contentScriptName: 'ehr', messageId: 'forged' }, '*');
      }
      for (const name of ['wxt:locationchange', `${extensionId}:ehr:wxt:locationchange`]) {
        window.dispatchEvent(Object.assign(new Event(name), { newUrl: new URL('https://elsewhere.example/'), oldUrl: new URL(location.href) }));
        window.dispatchEvent(new Event(name));
      }
      window.dispatchEvent(new PopStateEvent('popstate'));
    }, env.browser.extensionId);
    await page.waitForTimeout(1_500);
    await consult.typeCode('N01');
    await consult.sidebar.getByText('Aanleiding: N01 Hoofdpijn').waitFor({ timeout: 5_000 });
  });

  it('keeps detecting on a page that clobbers globals with named elements', async () => {
    await openPatient('P-1008', {
      init: () => {
        document.addEventListener('DOMContentLoaded', () => {
          const html = [
            '<form id="browser" name="chrome"><input name="runtime" id="clobbered"><input name="id" value="x"><input name="sendMessage"></form>',
            '<img name="chrome"><div id="runtime"></div><a id="document"></a><img name="documentElement"><img name="body"><img name="head">',
            '<img name="querySelector"><img name="querySelectorAll"><img name="createElement"><img name="createTreeWalker"><img name="addEventListener">',
            '<img name="getElementById"><img name="defaultView"><img name="visibilityState"><img name="elementsFromPoint">',
          ].join('');
          const holder = document.createElement('div');
          holder.id = 'clobbering';
          holder.innerHTML = html;
          document.body.append(holder);
        });
      },
    });
    expect(await page.evaluate(() => typeof (document as unknown as Record<string, unknown>).querySelector)).toBe('object');
    await consult.typeCode('N01');
    await consult.sidebar.getByText('Aanleiding: N01 Hoofdpijn').waitFor({ timeout: 5_000 });
  });

  it('puts the sidebar back when the page removes or moves it, and keeps the prompt', async () => {
    await openPatient('P-1008');
    await consult.typeCode('N01');
    await consult.sidebar.waitFor();
    let before = sidebarFrame(page);
    await page.evaluate(() => document.querySelector('vroegsignaal-sidebar')!.remove());
    await consult.waitForSidebarFrame({ not: before });
    await consult.sidebar.getByText('Aanleiding: N01 Hoofdpijn').waitFor({ timeout: 5_000 });

    before = sidebarFrame(page);
    await page.evaluate(() => {
      const box = document.createElement('div');
      box.style.cssText = 'display:none';
      document.body.append(box);
      box.append(document.querySelector('vroegsignaal-sidebar')!);
    });
    await consult.waitForSidebarFrame({ not: before });
    await consult.sidebar.getByText('Aanleiding: N01 Hoofdpijn').waitFor({ timeout: 5_000 });
    expect(await page.evaluate(() => document.querySelector('vroegsignaal-sidebar')!.parentElement === document.documentElement)).toBe(true);
  });

  it('keeps detecting on a page that throws and rewrites its DOM all the time', async () => {
    await openPatient('P-1002', {
      init: () => {
        window.addEventListener('DOMContentLoaded', () => {
          let round = 0;
          setInterval(() => {
            round++;
            const noise = document.getElementById('noise') ?? document.body.appendChild(Object.assign(document.createElement('section'), { id: 'noise' }));
            noise.innerHTML = Array.from({ length: 200 }, (_, i) => `<p data-r="${round}">regel ${i} ronde ${round}</p>`).join('');
            document.body.setAttribute('data-round', String(round));
          }, 30);
          setInterval(() => {
            throw new Error('page error on purpose');
          }, 20);
        });
      },
    });
    await consult.typeCode('N01');
    await consult.sidebar.getByText('Aanleiding: N01 Hoofdpijn').waitFor({ timeout: 5_000 });
  });

  it('says on the toolbar that screening is off when the page keeps taking the sidebar away', async () => {
    await openPatient('P-1007', {
      watched: false,
      init: () => {
        new MutationObserver(() => document.querySelector('vroegsignaal-sidebar')?.remove()).observe(document, { childList: true, subtree: true });
      },
    });
    const badge = async () => {
      const worker = await env.browser.serviceWorker();
      return worker.evaluate(async (url) => {
        const { chrome } = globalThis as unknown as {
          chrome: { tabs: { query(q: object): Promise<Array<{ id: number }>> }; action: { getBadgeText(d: object): Promise<string>; getTitle(d: object): Promise<string> } };
        };
        const [tab] = await chrome.tabs.query({ url: `${url}/*` });
        return tab ? { text: await chrome.action.getBadgeText({ tabId: tab.id }), title: await chrome.action.getTitle({ tabId: tab.id }) } : null;
      }, env.ehrUrl);
    };
    await expect.poll(badge, { timeout: 10_000 }).toMatchObject({ text: 'UIT', title: expect.stringMatching(/kan op deze pagina niet screenen/) });
  });
});

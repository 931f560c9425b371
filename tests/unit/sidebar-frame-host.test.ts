// @vitest-environment happy-dom
// @vitest-environment-options {"settings":{"enableIframePageLoading":true}}
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLifetime, watchLocation } from '../../extension/content/lifetime';
import { createPageDock } from '../../extension/content/page-dock';
import { createSidebarFrameHost, REMOUNT_LIMIT, type FramePort } from '../../extension/content/sidebar-frame-host';
import { CONTACT_TIMEOUT_MS, createPageHealth, type PageHealthProblem } from '../../extension/background/page-health';
import { isSidebarPageUrl, SIDEBAR_PORT_PREFIX, type PageContext, type ToSidebarFrame } from '../../extension/shared/sidebar-channel';
import { defaultRuleSet } from './helpers';

const ruleSet = defaultRuleSet();
const page: PageContext = { adapterId: 'demo-his', ruleSets: [ruleSet], recipients: { [ruleSet.id]: 'Sociaal wijkteam' }, users: [], locale: 'nl' };
const N01 = { ruleSetId: ruleSet.id, trigger: { kind: 'code' as const, code: 'N01', baseCode: 'N01', title: { nl: 'Hoofdpijn', en: 'Headache' } } };
const OWN_SIDEBAR = 'chrome-extension://0b1c2d3e-aaaa-4bbb-8ccc-123456789abc/sidebar.html';

function fakePort(name: string, url = OWN_SIDEBAR) {
  const received: ToSidebarFrame[] = [];
  const listeners: Array<(message: unknown) => void> = [];
  const disconnects: Array<() => void> = [];
  const port: FramePort & { received: ToSidebarFrame[]; disconnected: boolean; say(message: unknown): void; drop(): void } = {
    name,
    sender: { id: 'our-extension', url },
    received,
    disconnected: false,
    postMessage: (message) => received.push(message),
    onMessage: { addListener: (listener) => listeners.push(listener) },
    onDisconnect: { addListener: (listener) => disconnects.push(listener) },
    disconnect() {
      port.disconnected = true;
    },
    say: (message) => listeners.forEach((listener) => listener(message)),
    drop: () => disconnects.forEach((listener) => listener()),
  };
  return port;
}

let now = 0;
let connect: (port: FramePort) => void;
const hosts: Array<{ remove(): void }> = [];
let blockedReports: boolean[];
let keys: number;

function host(extra: Partial<Parameters<typeof createSidebarFrameHost>[0]> = {}) {
  const lifetime = createLifetime(() => true);
  const link = createSidebarFrameHost(
    {
      ...extra,
      document,
      lifetime,
      dock: createPageDock(document),
      // The real URL is the extension's sidebar page, which a test DOM cannot load.
      frameUrl: (key) => `about:blank#${key}`,
      isOwnSidebar: (port) => port.sender?.id === 'our-extension' && isSidebarPageUrl(port.sender.url),
      onFrameConnect: (listener) => {
        connect = listener;
        return () => {};
      },
      randomKey: () => `key-${++keys}`,
      title: 'Vroegsignaal-zijbalk',
      reportBlocked: (blocked) => blockedReports.push(blocked),
      now: () => now,
    },
    page,
  );
  hosts.push(link);
  return { link, lifetime };
}

const hostElement = () => document.documentElement.querySelector(':scope > vroegsignaal-sidebar') as HTMLElement | null;
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  now = 0;
  keys = 0;
  blockedReports = [];
});
afterEach(() => {
  for (const link of hosts.splice(0)) link.remove();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('the sidebar frame host in the EHR page', () => {
  it('in Firefox, hands the loaded frame its channel once, and rebuilds the frame when it loads again', async () => {
    const handed: Array<{ frame: HTMLIFrameElement; key: string; port: ReturnType<typeof fakePort> }> = [];
    const { link } = host({
      handOver: (frame, key) => {
        const port = fakePort(`${SIDEBAR_PORT_PREFIX}${key}`);
        handed.push({ frame, key, port });
        return port;
      },
    });
    link.patientChanged({ key: 'P-1001', name: 'Mila Voorbeeld', phone: '06-99990001', birthDate: '' }, {});
    await vi.waitFor(() => expect(handed).toHaveLength(1));
    expect(handed[0]!.key).toBe('key-1');
    expect(handed[0]!.port.received.map((message) => message.type)).toEqual(['session', 'patient']);
    // A later load of the same element is not handed a second channel (the first is in use).
    handed[0]!.frame.dispatchEvent(new Event('load'));
    expect(handed).toHaveLength(1);
    // Its channel going away means something navigated the frame: a new frame, with a new key.
    handed[0]!.port.drop();
    await vi.waitFor(() => expect(handed).toHaveLength(2));
    expect(handed[1]!.key).toBe('key-2');
    expect(handed[1]!.port.received.map((message) => message.type)).toEqual(['session', 'patient']);
  });

  it('puts an empty host on <html> whose shadow root the page cannot open', () => {
    host();
    const element = hostElement()!;
    expect(element).not.toBeNull();
    expect(element.shadowRoot).toBeNull();
    expect(element.childNodes).toHaveLength(0);
    expect(element.attributes).toHaveLength(0);
  });

  it('talks only to the frame it made: right key, own sidebar page, one at a time', () => {
    const { link } = host();
    link.patientChanged({ key: 'P-1001', name: 'Mila Voorbeeld', phone: '06-99990001', birthDate: '' }, {});
    link.triggersFound([N01]);
    const stranger = fakePort(`${SIDEBAR_PORT_PREFIX}guessed`);
    connect(stranger);
    expect(stranger.disconnected).toBe(true);
    const lookalike = fakePort(`${SIDEBAR_PORT_PREFIX}key-1`, 'https://ehr.example/sidebar.html');
    connect(lookalike);
    expect(lookalike.disconnected).toBe(true);

    const own = fakePort(`${SIDEBAR_PORT_PREFIX}key-1`);
    connect(own);
    expect(own.disconnected).toBe(false);
    // A new frame is told everything it needs to show what the last one showed.
    expect(own.received.map((message) => message.type)).toEqual(['session', 'patient', 'triggers']);
    const second = fakePort(`${SIDEBAR_PORT_PREFIX}key-1`);
    connect(second);
    expect(second.disconnected).toBe(true);

    // Each rule set's first trigger only: not a message per keystroke.
    link.triggersFound([N01]);
    expect(own.received.filter((message) => message.type === 'triggers')).toHaveLength(1);
  });

  it('takes the room the frame asks for and gives it back', () => {
    const { link } = host();
    const own = fakePort(`${SIDEBAR_PORT_PREFIX}key-1`);
    connect(own);
    own.say({ type: 'layout', layout: 'panel' });
    expect(document.getElementById('vroegsignaal-dock')?.textContent).toContain('340px');
    own.say({ type: 'layout', layout: 'sideways' });
    expect(document.getElementById('vroegsignaal-dock')?.textContent).toContain('340px');
    own.say({ type: 'layout', layout: 'hidden' });
    expect(document.getElementById('vroegsignaal-dock')).toBeNull();
    link.remove();
    expect(hostElement()).toBeNull();
  });

  it('answers where a click landed, and ignores malformed questions', () => {
    host();
    const own = fakePort(`${SIDEBAR_PORT_PREFIX}key-1`);
    connect(own);
    own.say({ type: 'placement?', id: 1, x: 10, y: 10 });
    own.say({ type: 'placement?', id: 'x', x: 10, y: 10 });
    own.say({ type: 'placement?', id: 2, x: Number.NaN, y: 10 });
    const answers = own.received.filter((message) => message.type === 'placement');
    expect(answers).toHaveLength(1);
    // No layout box in this test DOM: the sidebar cannot be vouched for, so the answer is a problem.
    expect(answers[0]).toMatchObject({ id: 1, problem: expect.any(String) });
  });

  it('comes back when the page removes or moves it, with a new key, and says so on the toolbar when the page keeps at it', async () => {
    const { link } = host();
    link.patientChanged({ key: 'P-1001', name: 'Mila Voorbeeld', phone: '06-99990001', birthDate: '' }, {});
    hostElement()!.remove();
    await settle();
    expect(hostElement()).not.toBeNull();
    const fresh = fakePort(`${SIDEBAR_PORT_PREFIX}key-2`);
    connect(fresh);
    expect(fresh.received.map((message) => message.type)).toEqual(['session', 'patient']);

    const wrapper = document.createElement('div');
    document.body.append(wrapper);
    wrapper.append(hostElement() ?? document.querySelector('vroegsignaal-sidebar')!);
    await settle();
    expect(hostElement()).not.toBeNull();

    for (let i = 0; i < REMOUNT_LIMIT.count; i++) {
      hostElement()?.remove();
      await settle();
    }
    expect(hostElement()).toBeNull();
    expect(blockedReports).toEqual([true]);
  });

  it('leaves nothing running in the page once removed (a new session brings its own)', () => {
    vi.useFakeTimers();
    const { link } = host();
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    link.remove();
    expect(vi.getTimerCount()).toBe(0);
    expect(hostElement()).toBeNull();
  });

  it('rebuilds the frame when the page navigates it away (its port drops while the host stays)', async () => {
    host();
    const own = fakePort(`${SIDEBAR_PORT_PREFIX}key-1`);
    connect(own);
    own.drop();
    const rebuilt = fakePort(`${SIDEBAR_PORT_PREFIX}key-2`);
    connect(rebuilt);
    expect(rebuilt.disconnected).toBe(false);
  });
});

describe('the content script lifetime', () => {
  it('ends only when the extension is gone, running every clean-up once', () => {
    vi.useFakeTimers();
    let alive = true;
    const lifetime = createLifetime(() => alive);
    const ended = vi.fn();
    const ticks = vi.fn();
    lifetime.onEnd(ended);
    lifetime.every(1_000, ticks);
    vi.advanceTimersByTime(3_000);
    expect(ticks).toHaveBeenCalledTimes(3);
    alive = false;
    vi.advanceTimersByTime(1_000);
    expect(ended).toHaveBeenCalledTimes(1);
    expect(lifetime.ended).toBe(true);
    vi.advanceTimersByTime(5_000);
    expect(ticks).toHaveBeenCalledTimes(3);
  });

  it('reads the URL itself: a forged navigation event cannot tell it where it is', () => {
    vi.useFakeTimers();
    const lifetime = createLifetime(() => true);
    const seen: string[] = [];
    const fakeWindow = Object.assign(new EventTarget(), { location: { href: 'https://ehr.example/patient/1' } }) as unknown as Window;
    watchLocation(lifetime, fakeWindow, (url) => seen.push(url));
    fakeWindow.dispatchEvent(Object.assign(new Event('popstate'), { newUrl: 'https://elsewhere.example/' }));
    expect(seen).toEqual([]);
    (fakeWindow.location as { href: string }).href = 'https://ehr.example/agenda';
    vi.advanceTimersByTime(1_000);
    expect(seen).toEqual(['https://ehr.example/agenda']);
  });
});

describe('the toolbar badge', () => {
  function health(watched = true) {
    const shown: Array<[number, PageHealthProblem | null]> = [];
    const timers = new Map<number, () => void>();
    let next = 0;
    const pageHealth = createPageHealth({
      isWatched: async () => watched,
      show: (tabId, problem) => shown.push([tabId, problem]),
      setTimeout: (callback) => {
        timers.set(++next, callback);
        return next;
      },
      clearTimeout: (handle) => timers.delete(handle as number),
    });
    return { pageHealth, shown, fire: () => [...timers.values()].forEach((timer) => timer()) };
  }

  it('says screening is off when a watched page never heard from its content script', async () => {
    const { pageHealth, shown, fire } = health();
    pageHealth.tabLoading(4);
    await pageHealth.tabLoaded(4, 'https://ehr.example/patient/1');
    fire();
    expect(shown).toEqual([[4, 'no-contact']]);
    pageHealth.contact(4);
    expect(shown.at(-1)).toEqual([4, null]);
    expect(CONTACT_TIMEOUT_MS).toBeGreaterThanOrEqual(1_000);
  });

  it('stays quiet when the content script made contact, even before the load finished, and on unwatched pages', async () => {
    const { pageHealth, shown, fire } = health();
    pageHealth.tabLoading(4);
    pageHealth.contact(4);
    await pageHealth.tabLoaded(4, 'https://ehr.example/patient/1');
    fire();
    const unwatched = health(false);
    unwatched.pageHealth.tabLoading(5);
    await unwatched.pageHealth.tabLoaded(5, 'https://example.org/');
    unwatched.fire();
    expect([...shown, ...unwatched.shown]).toEqual([]);
  });

  it('shows a page that keeps removing the sidebar until it stops', () => {
    const { pageHealth, shown } = health();
    pageHealth.sidebarBlocked(4, true);
    pageHealth.sidebarBlocked(4, true);
    pageHealth.tabLoading(4);
    pageHealth.sidebarBlocked(4, false);
    expect(shown).toEqual([
      [4, 'sidebar-blocked'],
      [4, null],
    ]);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { keepStoragePersistent } from '../../extension/background/persistent-storage';
import { handOverChannel } from '../../extension/content/sidebar-handover';
import { receiveHandedPort } from '../../extension/pages/sidebar/handed-port';
import { SIDEBAR_HANDOVER_TYPE, SIDEBAR_PORT_PREFIX, type ToSidebarFrame } from '../../extension/shared/sidebar-channel';

const SIDEBAR = { extensionId: 'vroegsignaal@vroegsignaal.example', url: 'moz-extension://0b1c2d3e/sidebar.html#k1', origin: 'moz-extension://0b1c2d3e' };
const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 10));

/** A frame element: its window takes what is posted to it; it can be "loaded" again. */
function fakeFrame() {
  const events = new EventTarget();
  const posted: Array<{ message: unknown; targetOrigin: string; transfer: MessagePort[] }> = [];
  const frame = {
    contentWindow: { postMessage: (message: unknown, targetOrigin: string, transfer: MessagePort[]) => posted.push({ message, targetOrigin, transfer }) },
    addEventListener: events.addEventListener.bind(events),
    removeEventListener: events.removeEventListener.bind(events),
    load: () => events.dispatchEvent(new Event('load')),
  };
  return { frame: frame as unknown as HTMLIFrameElement & { load(): void }, posted };
}

describe('the sidebar channel in Firefox, whose framed extension pages have no tabs API', () => {
  it('the content script posts one end of a channel with the key to the frame’s window only, for the extension’s origin', async () => {
    const { frame, posted } = fakeFrame();
    const port = handOverChannel(frame, 'k1', SIDEBAR)!;
    expect(port.name).toBe(`${SIDEBAR_PORT_PREFIX}k1`);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.message).toEqual({ type: SIDEBAR_HANDOVER_TYPE, key: 'k1' });
    expect(posted[0]!.targetOrigin).toBe('moz-extension://0b1c2d3e');

    // Both ways over the channel.
    const frameEnd = posted[0]!.transfer[0]!;
    const inFrame: unknown[] = [];
    frameEnd.onmessage = (event) => inFrame.push(event.data);
    const fromFrame: unknown[] = [];
    port.onMessage.addListener((message) => fromFrame.push(message));
    port.postMessage({ type: 'typing-paused' } satisfies ToSidebarFrame);
    frameEnd.postMessage({ type: 'layout', layout: 'panel' });
    await nextTurn();
    expect(inFrame).toEqual([{ type: 'typing-paused' }]);
    expect(fromFrame).toEqual([{ type: 'layout', layout: 'panel' }]);
    frameEnd.close();
  });

  it('counts the channel as disconnected when the frame loads again (something navigated it), and then sends nothing', async () => {
    const { frame, posted } = fakeFrame();
    const port = handOverChannel(frame, 'k1', SIDEBAR)!;
    const disconnected = vi.fn();
    port.onDisconnect.addListener(disconnected);
    frame.load();
    expect(disconnected).toHaveBeenCalledOnce();
    const frameEnd = posted[0]!.transfer[0]!;
    const inFrame: unknown[] = [];
    frameEnd.onmessage = (event) => inFrame.push(event.data);
    port.postMessage({ type: 'typing-paused' });
    await nextTurn();
    expect(inFrame).toEqual([]);
    frame.load();
    expect(disconnected).toHaveBeenCalledOnce();
  });

  it('hands over nothing when the frame has no window', () => {
    expect(handOverChannel({ contentWindow: null } as HTMLIFrameElement, 'k1', SIDEBAR)).toBeNull();
  });

  it('the frame takes the first port from its parent with its own key, and nothing from anyone else', async () => {
    const listeners: Array<(event: Partial<MessageEvent>) => void> = [];
    const parent = {};
    const view = {
      parent,
      addEventListener: (_type: string, listener: (event: Partial<MessageEvent>) => void) => listeners.push(listener),
      removeEventListener: (_type: string, listener: (event: Partial<MessageEvent>) => void) => listeners.splice(listeners.indexOf(listener), 1),
    } as unknown as Window;
    const received = receiveHandedPort(view, 'the-key');
    const settled = vi.fn();
    void received.then(settled);
    const deliver = (event: Partial<MessageEvent>) => listeners.forEach((listener) => listener(event));
    const [pagePort, ownPort, latePort] = [new MessageChannel().port1, new MessageChannel().port1, new MessageChannel().port1];

    // The page guessing, posting from elsewhere, or without a port: ignored.
    deliver({ source: parent as Window, data: { type: SIDEBAR_HANDOVER_TYPE, key: 'a-guess' }, ports: [pagePort] });
    deliver({ source: {} as Window, data: { type: SIDEBAR_HANDOVER_TYPE, key: 'the-key' }, ports: [pagePort] });
    deliver({ source: parent as Window, data: { type: SIDEBAR_HANDOVER_TYPE, key: 'the-key' }, ports: [] });
    deliver({ source: parent as Window, data: 'the-key', ports: [pagePort] });
    await nextTurn();
    expect(settled).not.toHaveBeenCalled();

    deliver({ source: parent as Window, data: { type: SIDEBAR_HANDOVER_TYPE, key: 'the-key' }, ports: [ownPort] });
    // Once it has its port, the frame listens no more: a second port with the key goes nowhere.
    expect(listeners).toHaveLength(0);
    deliver({ source: parent as Window, data: { type: SIDEBAR_HANDOVER_TYPE, key: 'the-key' }, ports: [latePort] });
    await expect(received).resolves.toBe(ownPort);
    for (const port of [pagePort, ownPort, latePort]) port.close();
  });

  it('a frame without a key takes no port at all', async () => {
    const listeners: Array<(event: Partial<MessageEvent>) => void> = [];
    const parent = {};
    const view = { parent, addEventListener: (_type: string, listener: (event: Partial<MessageEvent>) => void) => listeners.push(listener), removeEventListener: vi.fn() } as unknown as Window;
    const settled = vi.fn();
    void receiveHandedPort(view, '').then(settled);
    const port = new MessageChannel().port1;
    listeners.forEach((listener) => listener({ source: parent as Window, data: { type: SIDEBAR_HANDOVER_TYPE, key: '' }, ports: [port] }));
    await nextTurn();
    expect(settled).not.toHaveBeenCalled();
    port.close();
  });
});

describe('keeping the outbox and the audit log when the disk runs full', () => {
  it('asks for persistent storage where the background can (Firefox’s event page) and reports the answer', async () => {
    const granted = { persisted: vi.fn(async () => false), persist: vi.fn(async () => true) };
    await expect(keepStoragePersistent(granted)).resolves.toBe('persistent');
    expect(granted.persist).toHaveBeenCalledOnce();

    const refused = { persisted: async () => false, persist: async () => false };
    await expect(keepStoragePersistent(refused)).resolves.toBe('best-effort');

    const already = { persisted: async () => true, persist: vi.fn(async () => true) };
    await expect(keepStoragePersistent(already)).resolves.toBe('persistent');
    expect(already.persist).not.toHaveBeenCalled();
  });

  it('asks nothing where there is no persist() (Chromium’s service worker)', async () => {
    await expect(keepStoragePersistent(undefined)).resolves.toBe('not-asked');
    await expect(keepStoragePersistent({} as StorageManager)).resolves.toBe('not-asked');
  });
});

import { SIDEBAR_HANDOVER_TYPE, SIDEBAR_PORT_PREFIX, type SidebarHandover, type ToSidebarFrame } from '../shared/sidebar-channel';
import type { FramePort } from './sidebar-frame-host';

/**
 * Firefox: hands the sidebar frame its channel (see SIDEBAR_HANDOVER_TYPE) once the frame has
 * loaded, and returns our end shaped as the `runtime.Port` the host expects. The frame's window is
 * reached through the frame element, which sits in our closed shadow root; `targetOrigin` is the
 * extension's, so nothing is delivered if the frame shows anything else. When the frame loads again
 * (something navigated it), the old channel counts as disconnected, as a runtime port would.
 */
export function handOverChannel(frame: HTMLIFrameElement, key: string, sidebar: { extensionId: string; url: string; origin: string }): FramePort | null {
  const target = frame.contentWindow;
  if (!target) return null;
  const channel = new MessageChannel();
  const disconnectListeners: Array<() => void> = [];
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    channel.port1.close();
    frame.removeEventListener('load', close);
    for (const listener of disconnectListeners) listener();
  };
  const handover: SidebarHandover = { type: SIDEBAR_HANDOVER_TYPE, key };
  target.postMessage(handover, sidebar.origin, [channel.port2]);
  // The next load of this frame element is a navigation away from the page we handed the port to.
  frame.addEventListener('load', close);
  return {
    name: SIDEBAR_PORT_PREFIX + key,
    sender: { id: sidebar.extensionId, url: sidebar.url },
    postMessage: (message: ToSidebarFrame) => {
      if (open) channel.port1.postMessage(message);
    },
    onMessage: {
      addListener(listener) {
        channel.port1.addEventListener('message', (event) => listener(event.data));
        channel.port1.start();
      },
    },
    onDisconnect: { addListener: (listener) => void disconnectListeners.push(listener) },
    disconnect: () => {
      // Our own end closing is not news to our own listeners (as with runtime.Port.disconnect).
      disconnectListeners.length = 0;
      close();
    },
  };
}

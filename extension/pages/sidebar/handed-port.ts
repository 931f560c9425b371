import { SIDEBAR_HANDOVER_TYPE, type SidebarHandover } from '../../shared/sidebar-channel';

/**
 * Firefox: the sidebar frame's end of the channel the content script hands over (see
 * SIDEBAR_HANDOVER_TYPE). Takes the first port that comes from the parent window with this frame's
 * one-time key and ignores everything else, before and after. Listen from the start: the content
 * script hands the port over as soon as the frame has loaded.
 */
export function receiveHandedPort(view: Window, key: string): Promise<MessagePort> {
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent) => {
      const data = event.data as Partial<SidebarHandover> | null;
      if (event.source !== view.parent || typeof data !== 'object' || data === null || data.type !== SIDEBAR_HANDOVER_TYPE || !key || data.key !== key || event.ports.length !== 1) return;
      view.removeEventListener('message', onMessage);
      resolve(event.ports[0]!);
    };
    view.addEventListener('message', onMessage);
  });
}

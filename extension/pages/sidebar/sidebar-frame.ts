import type { Response, SendMessage } from '../../shared/messages';
import type { FromSidebarFrame, PageContext, PlacementProblem, SidebarLayout, ToSidebarFrame } from '../../shared/sidebar-channel';
import { createSidebarController, type SidebarActions, type SidebarController } from './sidebar-controller';
import type { SidebarState } from './sidebar-state';

/** The sidebar frame's end of its channel to the content script. */
export interface ContentScriptChannel {
  postMessage(message: FromSidebarFrame): void;
  onMessage(listener: (message: ToSidebarFrame) => void): void;
}

export interface SidebarFrameDependencies {
  channel: ContentScriptChannel;
  send: SendMessage;
  /** Draws the sidebar (null: the content script has not said what page this is yet). */
  render(view: { state: SidebarState; actions: SidebarActions; page: PageContext } | null): void;
  reportError: (context: string, error: unknown) => void;
  describeSubmitError: (response: Extract<Response<unknown>, { ok: false }>) => string;
  setTimeout(callback: () => void, ms: number): unknown;
}

/** How long the content script may take to say what lies at a click point before the click counts as unvouched. */
export const PLACEMENT_TIMEOUT_MS = 1_000;

/**
 * The layout that shows a state: the panel, or the tab. The tab's strip stays reserved for as long as
 * the page is watched, so that a prompt appears in it without the EHR being laid out again.
 */
export function layoutFor(state: SidebarState): SidebarLayout {
  return state.expanded ? 'panel' : 'tab';
}

/**
 * The sidebar frame's logic: takes what the content script saw on the EHR page (configuration,
 * patient, triggers, delivery news) into the sidebar controller, tells the content script how much
 * room to give the frame, and asks it what lies at a click point.
 */
export function startSidebarFrame(deps: SidebarFrameDependencies) {
  let controller: SidebarController | null = null;
  let page: PageContext | null = null;
  let layout: SidebarLayout = 'hidden';
  let nextPlacementId = 1;
  const placements = new Map<number, { resolve: (problem: PlacementProblem | null) => void; reject: (error: Error) => void }>();

  function drawn(state: SidebarState, actions: SidebarActions): void {
    if (!page) return;
    deps.render({ state, actions, page });
    const next = layoutFor(state);
    if (next === layout) return;
    layout = next;
    deps.channel.postMessage({ type: 'layout', layout });
  }

  deps.channel.onMessage((message) => {
    switch (message.type) {
      case 'session':
        page = message.page;
        controller = createSidebarController({
          page: message.page,
          send: deps.send,
          render: drawn,
          reportError: deps.reportError,
          describeSubmitError: deps.describeSubmitError,
        });
        drawn(controller.state, controller.actions);
        break;
      case 'patient':
        controller?.patientChanged(message.patient, message.practitioner);
        break;
      case 'triggers':
        controller?.triggersFound(message.matches);
        break;
      case 'status':
        controller?.tabMessage({ type: 'referral/status', status: message.status });
        break;
      case 'typing-paused':
        controller?.typingPaused();
        break;
      case 'placement': {
        const waiting = placements.get(message.id);
        placements.delete(message.id);
        waiting?.resolve(message.problem);
        break;
      }
    }
  });

  return {
    /** Asks the content script whether, at this point of the frame, the sidebar is on top and whole. */
    askPlacement(x: number, y: number): Promise<PlacementProblem | null> {
      const id = nextPlacementId++;
      return new Promise((resolve, reject) => {
        placements.set(id, { resolve, reject });
        deps.channel.postMessage({ type: 'placement?', id, x, y });
        deps.setTimeout(() => {
          if (placements.delete(id)) reject(new Error('the content script did not answer'));
        }, PLACEMENT_TIMEOUT_MS);
      });
    },
    /** The content script went away (page unloaded, extension reloaded): nothing can be vouched for any more. */
    disconnected(): void {
      for (const waiting of placements.values()) waiting.reject(new Error('disconnected'));
      placements.clear();
      controller = null;
      page = null;
      deps.render(null);
    },
  };
}

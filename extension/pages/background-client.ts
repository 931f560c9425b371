import type { OptionsRequest, Response, ResponseMap, SharedRequest } from '../shared/messages';

/** What the extension's own pages may ask the background; content-script requests are refused from here. */
export type PageRequest = OptionsRequest | SharedRequest;

/** The typed protocol, seen from an extension page: every request gets its own reply type. */
export interface BackgroundClient {
  send<M extends PageRequest>(message: M): Promise<Response<ResponseMap[M['type']]>>;
}

/**
 * A client over `runtime.sendMessage`. A stopped or crashed background makes sendMessage reject or
 * answer nothing; both come back as an `unavailable` reply, so the page has one kind of failure to
 * show and never an unhandled rejection.
 */
export function createBackgroundClient(sendMessage: (message: PageRequest) => Promise<unknown>): BackgroundClient {
  return {
    async send<M extends PageRequest>(message: M): Promise<Response<ResponseMap[M['type']]>> {
      try {
        const reply = await sendMessage(message);
        if (typeof reply === 'object' && reply !== null && 'ok' in reply) return reply as Response<ResponseMap[M['type']]>;
        return { ok: false, error: { code: 'unavailable', message: 'the background did not answer' } };
      } catch (error) {
        return { ok: false, error: { code: 'unavailable', message: error instanceof Error ? error.message : String(error) } };
      }
    },
  };
}

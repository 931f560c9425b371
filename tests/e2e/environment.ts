import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoEhr } from '../../demo-ehr/server';
import { DEFAULT_RECEIVER_PORT, startReceiver, type Receiver } from '../../receiver/server';
import type { Stats, StoredReferral } from '../../receiver/store';
import { CHROME_EXTENSION_DIR, launchWithExtension, type ExtensionBrowser } from '../../scripts/lib/browser';

/**
 * Everything an end-to-end test needs running for real: the demo HIS, the reference receiver
 * (durable, in a temp folder, so it can be stopped and started again) and Chromium with the
 * built extension. The servers use their default ports, which are the ones the build points the
 * extension at (rules/page-adapters.json, WXT_SOCIAL_TEAM_ENDPOINT).
 */
export async function startEnvironment() {
  if (!existsSync(join(CHROME_EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(`No built extension in ${CHROME_EXTENSION_DIR}: run "npx wxt build" first (npm test does).`);
  }
  const receiverDir = await mkdtemp(join(tmpdir(), 'vroegsignaal-receiver-'));
  const quiet = () => {};
  const ehr = await startDemoEhr();
  let receiver: Receiver | null = await startReceiver({ dataDir: receiverDir, log: quiet });
  const browser: ExtensionBrowser = await launchWithExtension();

  const receiverUrl = `http://127.0.0.1:${DEFAULT_RECEIVER_PORT}`;
  return {
    ehrUrl: ehr.url,
    receiverUrl,
    browser,
    async referrals(): Promise<StoredReferral[]> {
      return (await (await fetch(`${receiverUrl}/api/referrals`)).json()) as StoredReferral[];
    },
    async stats(): Promise<Stats> {
      return (await (await fetch(`${receiverUrl}/api/stats`)).json()) as Stats;
    },
    /** Takes the social team's endpoint off the air (connection refused). */
    async stopReceiver(): Promise<void> {
      await receiver?.close();
      receiver = null;
    },
    async startReceiver(): Promise<void> {
      receiver ??= await startReceiver({ dataDir: receiverDir, log: quiet });
    },
    async close(): Promise<void> {
      await browser.close();
      await receiver?.close();
      await ehr.close();
      await rm(receiverDir, { recursive: true, force: true });
    },
  };
}

export type Environment = Awaited<ReturnType<typeof startEnvironment>>;

/** A page on another origin that looks like an EHR page (banner, codes) but is not configured. */
export async function startLookalikePage(): Promise<{ url: string; close(): Promise<void> }> {
  const html = `<!doctype html><html lang="nl"><body>
    <section id="patient-banner" data-patient-id="P-1001"><span data-field="name">Mila Voorbeeld</span></section>
    <form id="consult-editor"><input id="soep-e-code" value="N01"><textarea id="soep-s">N01 hoofdpijn, geldzorgen</textarea></form>
  </body></html>`;
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

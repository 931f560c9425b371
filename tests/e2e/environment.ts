import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoEhr } from '../../demo-ehr/server';
import { startReceiver, type Receiver } from '../../receiver/server';
import type { Stats, StoredReferral } from '../../receiver/store';
import { CHROME_EXTENSION_DIR, launchWithExtension, type ExtensionBrowser } from '../../scripts/lib/browser';
import { demoPracticeConfiguration, demoReceiverProvision } from '../../scripts/lib/demo-configuration';
import { importConfiguration, waitUntilWatched } from '../../scripts/lib/practice-setup';
import { startVirtualDisplay } from '../../scripts/lib/virtual-display';

/**
 * The servers every end-to-end test runs against, for real: the demo HIS and the reference receiver
 * on free ports (so tests, the demo and another checkout can run side by side), and a virtual
 * display for the browser's window. Whichever browser the test drives.
 */
export async function startServers() {
  const receiverDir = await mkdtemp(join(tmpdir(), 'vroegsignaal-receiver-'));
  const quiet = () => {};
  const display = await startVirtualDisplay();
  const ehr = await startDemoEhr({ port: 0 });
  const provision = demoReceiverProvision();
  let receiver: Receiver | null = await startReceiver({ port: 0, dataDir: receiverDir, log: quiet, provision });
  const receiverPort = receiver.port;
  const receiverUrl = receiver.url;
  const running = () => {
    if (!receiver) throw new Error('the receiver is stopped');
    return receiver;
  };
  return {
    ehrUrl: ehr.url,
    receiverUrl,
    display: display.display,
    /** The demo practice's configuration file for these servers. */
    configuration: demoPracticeConfiguration({ ehr: ehr.url, receiver: receiverUrl }),
    /** What the receiver's database holds (read in-process: the inbox itself needs a login). */
    async referrals(): Promise<StoredReferral[]> {
      return running().referrals();
    },
    async stats(): Promise<Stats> {
      return (await (await fetch(`${receiverUrl}/api/stats`)).json()) as Stats;
    },
    /** Records what the social team records in its inbox (see Receiver.recordProgress). */
    recordProgress: (...args: Parameters<Receiver['recordProgress']>) => running().recordProgress(...args),
    /** Takes the social team's endpoint off the air (connection refused). */
    async stopReceiver(): Promise<void> {
      await receiver?.close();
      receiver = null;
    },
    async startReceiver(): Promise<void> {
      receiver ??= await startReceiver({ port: receiverPort, dataDir: receiverDir, log: quiet, provision });
    },
    async close(): Promise<void> {
      await receiver?.close();
      await ehr.close();
      await display.close();
      await rm(receiverDir, { recursive: true, force: true });
    },
  };
}

export type Servers = Awaited<ReturnType<typeof startServers>>;

/**
 * Everything an end-to-end test in Chromium needs: the servers, and Chromium with the built
 * extension — configured for the demo practice through its options page, as an administrator would
 * (`configure: false` leaves it as installed).
 */
export async function startEnvironment(options: { configure?: boolean; locale?: string } = {}) {
  if (!existsSync(join(CHROME_EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(`No built extension in ${CHROME_EXTENSION_DIR}: run "npx wxt build" first (npm test does).`);
  }
  const servers = await startServers();
  const browser: ExtensionBrowser = await launchWithExtension({ display: servers.display, ...(options.locale ? { locale: options.locale } : {}) });
  if (options.configure ?? true) {
    const optionsPage = await importConfiguration(browser, servers.configuration);
    await optionsPage.close();
    await waitUntilWatched(browser, servers.ehrUrl);
  }
  return {
    ...servers,
    browser,
    async close(): Promise<void> {
      await browser.close();
      await servers.close();
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

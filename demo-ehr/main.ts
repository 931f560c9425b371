/**
 * CLI for the demo HIS: `npx tsx demo-ehr/main.ts [--port N] [--host H]`.
 * Starts the server, prints the URL, stops cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_DEMO_EHR_HOST, DEFAULT_DEMO_EHR_PORT, startDemoEhr } from './server.js';

function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_DEMO_EHR_PORT;
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`Ongeldige poort: ${value} (verwacht 0-65535)`);
  }
  return port;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log('Gebruik: npx tsx demo-ehr/main.ts [--port N] [--host H]');
    return;
  }
  const server = await startDemoEhr({
    port: parsePort(values.port),
    host: values.host ?? DEFAULT_DEMO_EHR_HOST,
  });
  console.log(`Demo-HIS draait op ${server.url}/`);
  console.log(`  bijvoorbeeld: ${server.url}/patient/P-1001`);
  console.log('  stoppen: Ctrl+C');

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} ontvangen, demo-HIS stopt...`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`[demo-ehr] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

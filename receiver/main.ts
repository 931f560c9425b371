/**
 * CLI for the reference receiver:
 *   npx tsx receiver/main.ts [--port N] [--host H] [--data-dir DIR | --database-url URL] [--allowed-hosts H1,H2] [--secure-cookies] [--allow-diagnosis-codes]
 * Runs until SIGINT/SIGTERM, then closes the database cleanly (PGlite must flush its data directory).
 *
 * Environment: DATABASE_URL (PostgreSQL instead of PGlite), RECEIVER_ALLOWED_HOSTS, comma separated host or host:port values, used when
 * --allowed-hosts is not given. Needed behind a reverse proxy that passes a public name in the Host
 * header: the receiver answers 421 to any Host it does not know (DNS-rebinding defence, see server.ts).
 */
import { parseArgs } from 'node:util';
import { DEFAULT_DATA_DIR, startReceiver } from './server.js';

const USAGE = `Gebruik: npx tsx receiver/main.ts [--port N] [--host H] [--data-dir DIR] [--allowed-hosts H1,H2] [--allow-diagnosis-codes]
  --port N                  poort (standaard 4320; 0 = vrije poort)
  --host H                  interface (standaard 127.0.0.1)
  --data-dir DIR            PGlite-datamap, of memory:// (standaard ${DEFAULT_DATA_DIR})
  --database-url URL        PostgreSQL-server in plaats van PGlite; ook via DATABASE_URL
  --secure-cookies          sessiecookie alleen via https (zet dit achter een TLS-proxy)
  --allowed-hosts H1,H2     extra Host-waarden (host of host:poort, kommagescheiden), bijv. de publieke naam
                            achter een reverse proxy; ook via RECEIVER_ALLOWED_HOSTS. Altijd toegestaan: de
                            gebonden host, localhost, 127.0.0.1 en [::1] met de poort. Andere Host → 421.
  --allow-diagnosis-codes   diagnosegegevens (ICPC, Condition) accepteren; standaard geweigerd`;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'database-url': { type: 'string' },
        'secure-cookies': { type: 'boolean' },
        'allowed-hosts': { type: 'string' },
        'allow-diagnosis-codes': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    console.error(`Ongeldige poort: ${values.port}\n\n${USAGE}`);
    process.exit(2);
  }

  const allowedHosts = (values['allowed-hosts'] ?? process.env.RECEIVER_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);

  const receiver = await startReceiver({
    port,
    host: values.host,
    dataDir: values['data-dir'],
    databaseUrl: values['database-url'] ?? (values['data-dir'] === undefined ? process.env.DATABASE_URL || undefined : undefined),
    secureCookies: values['secure-cookies'] ?? false,
    allowedHosts,
    allowDiagnosisCodes: values['allow-diagnosis-codes'] ?? false,
  });
  console.log(`Sociaal wijkteam ontvanger (${receiver.storage}): inbox ${receiver.url}/  FHIR-endpoint ${receiver.url}/fhir  webhook ${receiver.url}/webhook`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second signal means "now": do not wait for the database any longer.
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal} ontvangen, ontvanger stopt…`);
    receiver.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Fout bij afsluiten:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error('Ontvanger kon niet starten:', error);
  process.exit(1);
});

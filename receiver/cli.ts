/**
 * Beheer van de ontvanger: teamaccounts, praktijken en API-tokens.
 *   npx tsx receiver/cli.ts <opdracht> … [--data-dir DIR | --database-url URL]
 * Same database as the server: `--data-dir` (PGlite, default receiver/data), or PostgreSQL through
 * `--database-url` or the environment variable DATABASE_URL. Exit codes: 0 done, 1 refused or
 * failed (message on stderr), 2 wrong usage.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AdminError, addPractice, addUser, createToken, disableUser, practices, revoke, setPassword, tokens, unlockUser, users } from './admin.js';
import { MIN_PASSWORD_LENGTH } from './auth.js';
import { openDatabase, redactUrl, type Db } from './db.js';
import { migrate } from './store.js';

/** Same default as the server (server.ts DEFAULT_DATA_DIR), without loading the server. */
const DEFAULT_DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), 'data');

const USAGE = `Gebruik: npx tsx receiver/cli.ts <opdracht> [opties] [--data-dir DIR | --database-url URL]

Teamleden (inloggen op de inbox):
  user add <gebruikersnaam> --name "Naam"      nieuw account; wachtwoord (min. ${MIN_PASSWORD_LENGTH} tekens) via stdin
  user list                                     alle accounts, met blokkering
  user disable <gebruikersnaam>                 account uitzetten en sessies beëindigen
  user unlock <gebruikersnaam>                  blokkering opheffen (en weer aanzetten)
  user password <gebruikersnaam>                nieuw wachtwoord via stdin; sessies worden beëindigd

Praktijken en API-tokens (voor de extensie van de huisartspraktijk):
  practice add <id> --name "Naam" --contact-point "Sociaal wijkteam …, teamadres, telefoon"
                                                praktijk aanmaken of bijwerken (id: a-z, 0-9, -)
  practice list
  token create <praktijk-id> [--label TEKST] [--webhook]
                                                nieuw token (eenmalig getoond); met --webhook ook een
                                                ondertekengeheim voor de JSON-webhook
  token list
  token revoke <token-id>                       token intrekken (werkt direct, ook bij meerdere instanties)

Opties:
  --data-dir DIR          PGlite-datamap (standaard ${DEFAULT_DATA_DIR})
  --database-url URL      PostgreSQL-server; ook via DATABASE_URL
  --password-stdin        wachtwoord van stdin lezen (standaard als stdin geen terminal is)
  -h, --help              deze hulp`;

class UsageError extends Error {}

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) {
    process.stderr.write('Wachtwoord (wordt getoond; gebruik liever: echo … | … --password-stdin): ');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  // One line: a trailing newline from echo or a file is not part of the password.
  return text.replace(/\r?\n$/, '');
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

const date = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 16) : '-');

async function run(db: Db, command: string, args: string[], values: Record<string, string | boolean | undefined>): Promise<void> {
  const need = (count: number) => {
    if (args.length !== count) throw new UsageError(`${command} verwacht ${count} argument${count === 1 ? '' : 'en'}, kreeg ${args.length}`);
  };
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : '');
  switch (command) {
    case 'user add':
      need(1);
      if (!text('name')) throw new UsageError('user add: --name "Naam" ontbreekt');
      await addUser(db, args[0]!, text('name'), await readPassword());
      console.log(`Gebruiker ${args[0]} aangemaakt.`);
      return;
    case 'user list': {
      need(0);
      const now = Date.now();
      const list = await users(db);
      if (list.length === 0) return console.log('Nog geen gebruikers.');
      console.log(
        table([
          ['GEBRUIKER', 'NAAM', 'STATUS', 'LAATST INGELOGD'],
          ...list.map((user) => [
            user.username,
            user.displayName,
            user.disabled ? 'uitgezet' : user.lockedUntil && user.lockedUntil.getTime() > now ? `geblokkeerd tot ${date(user.lockedUntil.toISOString())}` : 'actief',
            date(user.lastLoginAt?.toISOString() ?? null),
          ]),
        ]),
      );
      return;
    }
    case 'user disable':
      need(1);
      await disableUser(db, args[0]!);
      console.log(`Gebruiker ${args[0]} uitgezet; sessies beëindigd.`);
      return;
    case 'user unlock':
      need(1);
      await unlockUser(db, args[0]!);
      console.log(`Gebruiker ${args[0]} gedeblokkeerd.`);
      return;
    case 'user password':
      need(1);
      await setPassword(db, args[0]!, await readPassword());
      console.log(`Wachtwoord van ${args[0]} gewijzigd; sessies beëindigd.`);
      return;
    case 'practice add':
      need(1);
      if (!text('name') || !text('contact-point')) throw new UsageError('practice add: --name en --contact-point zijn verplicht');
      await addPractice(db, { id: args[0]!, name: text('name'), contactPoint: text('contact-point') });
      console.log(`Praktijk ${args[0]} opgeslagen.`);
      return;
    case 'practice list': {
      need(0);
      const list = await practices(db);
      if (list.length === 0) return console.log('Nog geen praktijken.');
      console.log(table([['ID', 'NAAM', 'CONTACTPUNT'], ...list.map((practice) => [practice.id, practice.name, practice.contactPoint])]));
      return;
    }
    case 'token create': {
      need(1);
      const created = await createToken(db, args[0]!, { label: text('label') || undefined, webhook: values.webhook === true });
      console.log(`Token ${created.id} voor praktijk ${args[0]} (wordt maar één keer getoond; bewaar het in de configuratie van de praktijk):`);
      console.log(`token: ${created.token}`);
      if (created.webhookSecret) console.log(`webhook-geheim: ${created.webhookSecret}`);
      return;
    }
    case 'token list': {
      need(0);
      const list = await tokens(db);
      if (list.length === 0) return console.log('Nog geen tokens.');
      console.log(
        table([
          ['ID', 'PRAKTIJK', 'LABEL', 'WEBHOOK', 'AANGEMAAKT', 'LAATST GEBRUIKT', 'STATUS'],
          ...list.map((token) => [
            token.id,
            token.practiceId,
            token.label ?? '-',
            token.hasWebhookSecret ? 'ja' : 'nee',
            date(token.createdAt),
            date(token.lastUsedAt),
            token.revokedAt ? `ingetrokken ${date(token.revokedAt)}` : 'actief',
          ]),
        ]),
      );
      return;
    }
    case 'token revoke':
      need(1);
      await revoke(db, args[0]!);
      console.log(`Token ${args[0]} ingetrokken.`);
      return;
    default:
      throw new UsageError(`onbekende opdracht: ${command || '(geen)'}`);
  }
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      strict: true,
      options: {
        'data-dir': { type: 'string' },
        'database-url': { type: 'string' },
        name: { type: 'string' },
        'contact-point': { type: 'string' },
        label: { type: 'string' },
        webhook: { type: 'boolean' },
        'password-stdin': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const command = positionals.slice(0, 2).join(' ');
  const databaseUrl = values['database-url'] ?? (values['data-dir'] === undefined ? process.env.DATABASE_URL || undefined : undefined);
  const where = databaseUrl ? `PostgreSQL ${redactUrl(databaseUrl)}` : `PGlite ${values['data-dir'] ?? DEFAULT_DATA_DIR}`;
  if (!/^(user (add|list|disable|unlock|password)|practice (add|list)|token (create|list|revoke))$/.test(command)) {
    console.error(`Onbekende opdracht: ${command}\n\n${USAGE}`);
    return 2;
  }
  let db: Db;
  try {
    db = await openDatabase({ dataDir: values['data-dir'] ?? DEFAULT_DATA_DIR, databaseUrl });
    await migrate(db);
  } catch (error) {
    console.error(`Kan de database niet openen (${where}): ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  try {
    await run(db, command, positionals.slice(2), values);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    const message = error instanceof AdminError ? error.message : `onverwachte fout: ${error instanceof Error ? error.message : String(error)}`;
    console.error(`Fout (${where}): ${message}`);
    return 1;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('Beheer mislukt:', error);
    process.exit(1);
  },
);

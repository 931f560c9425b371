/**
 * The administration command line (receiver/cli.ts), as an operator runs it: users, practices and
 * tokens in a PGlite data directory (and one round on PostgreSQL), then the receiver on the same
 * database accepts and refuses accordingly.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../../receiver/server.js';
import { Browser, freshUuid, newPostgresDatabase, postFhir, referralBundle } from './harness.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const TSX = join(ROOT, 'node_modules/.bin/tsx');

function cli(args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(TSX, ['receiver/cli.ts', ...args], {
    cwd: ROOT,
    input: options.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '', ...options.env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('receiver:admin command line (PGlite data directory)', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vroegsignaal-cli-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });
  const run = (args: string[], input?: string) => cli([...args, '--data-dir', dataDir], { input });

  it('manages users, practices and tokens, with clear errors and exit codes', async () => {
    expect(run(['--help']).stdout).toContain('Gebruik: npx tsx receiver/cli.ts');
    expect(run(['user', 'fly']).code).toBe(2);

    const added = run(['user', 'add', 'dewi', '--name', 'Dewi Sastro', '--password-stdin'], 'een lang wachtwoord\n');
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const short = run(['user', 'add', 'eva', '--name', 'Eva'], 'kort\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('minstens 12 tekens');
    expect(short.stderr).toContain(dataDir);
    expect(run(['user', 'add', 'dewi', '--name', 'Dewi'], 'een lang wachtwoord\n').stderr).toContain('bestaat al');
    expect(run(['user', 'list']).stdout).toMatch(/dewi\s+Dewi Sastro\s+actief/);

    expect(run(['token', 'create', 'west']).stderr).toContain('praktijk west bestaat niet');
    expect(run(['practice', 'add', 'west', '--name', 'Praktijk West', '--contact-point', 'Sociaal wijkteam West, wijkteam-west@gemeente.example, 043 000 0002']).code).toBe(0);
    expect(run(['practice', 'list']).stdout).toContain('wijkteam-west@gemeente.example');
    expect(run(['practice', 'add', 'West!', '--name', 'x', '--contact-point', 'y']).code).toBe(1);

    const created = run(['token', 'create', 'west', '--label', 'balie', '--webhook']);
    expect(created.code).toBe(0);
    const token = /token: (\S+)/.exec(created.stdout)?.[1];
    const secret = /webhook-geheim: (\S+)/.exec(created.stdout)?.[1];
    const id = /Token (tok_[0-9a-f]+)/.exec(created.stdout)?.[1];
    expect(token).toMatch(/^vst_/);
    expect(secret).toMatch(/^whsec_/);
    expect(run(['token', 'list']).stdout).toMatch(new RegExp(`${id}\\s+west\\s+balie\\s+ja`));

    // The receiver on the same data accepts the token and the user ...
    let receiver = await startReceiver({ port: 0, dataDir, log: () => {} });
    try {
      expect((await postFhir(receiver, referralBundle(freshUuid()), token!)).status).toBe(200);
      const browser = new Browser(receiver);
      expect((await browser.login('dewi', 'een lang wachtwoord')).status).toBe(303);
    } finally {
      await receiver.close();
    }

    // ... and refuses them once revoked and disabled.
    expect(run(['token', 'revoke', id!]).code).toBe(0);
    expect(run(['token', 'revoke', 'tok_nope']).stderr).toContain('bestaat niet');
    expect(run(['token', 'list']).stdout).toContain('ingetrokken');
    expect(run(['user', 'disable', 'dewi']).code).toBe(0);
    receiver = await startReceiver({ port: 0, dataDir, log: () => {} });
    try {
      expect((await postFhir(receiver, referralBundle(freshUuid()), token!)).status).toBe(401);
      expect((await new Browser(receiver).login('dewi', 'een lang wachtwoord')).status).toBe(401);
    } finally {
      await receiver.close();
    }
    expect(run(['user', 'unlock', 'dewi']).code).toBe(0);
    expect(run(['user', 'password', 'dewi'], 'een nieuw lang wachtwoord\n').code).toBe(0);
    receiver = await startReceiver({ port: 0, dataDir, log: () => {} });
    try {
      expect((await new Browser(receiver).login('dewi', 'een nieuw lang wachtwoord')).status).toBe(303);
    } finally {
      await receiver.close();
    }
  }, 180_000);
});

describe('receiver:admin command line (PostgreSQL)', () => {
  it('works on DATABASE_URL as well, and says where it failed', async () => {
    const databaseUrl = await newPostgresDatabase();
    expect(cli(['practice', 'add', 'zuid', '--name', 'Praktijk Zuid', '--contact-point', 'Sociaal wijkteam Zuid'], { env: { DATABASE_URL: databaseUrl } }).code).toBe(0);
    const created = cli(['token', 'create', 'zuid'], { env: { DATABASE_URL: databaseUrl } });
    expect(created.code).toBe(0);
    const token = /token: (\S+)/.exec(created.stdout)![1]!;
    const receiver = await startReceiver({ port: 0, databaseUrl, log: () => {} });
    try {
      expect((await postFhir(receiver, referralBundle(freshUuid()), token)).status).toBe(200);
    } finally {
      await receiver.close();
    }
    const unreachable = cli(['user', 'list', '--database-url', 'postgres://nobody:geheim@127.0.0.1:1/none']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('PostgreSQL postgres://nobody:***@127.0.0.1:1/none');
    expect(unreachable.stderr).not.toContain('geheim');
  }, 120_000);
});

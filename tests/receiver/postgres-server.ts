/**
 * A throw-away PostgreSQL server from Debian's `postgresql` package, for the receiver's tests:
 * `initdb` in a temporary directory, `postgres` on a free TCP port on 127.0.0.1 with its unix socket
 * in the same directory, stopped and deleted on teardown. PostgreSQL refuses to run as root, so as
 * root the binaries run as the `postgres` system user (`runuser`), which owns the directory.
 *
 * Missing binaries are an error, never a skip: the receiver promises to run on PostgreSQL, and a test
 * run that silently left that out would prove nothing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Where Debian installs the server binaries; newest version first. */
function findBinDir(): string {
  const fromEnv = process.env.POSTGRES_BIN_DIR;
  if (fromEnv) {
    if (!existsSync(join(fromEnv, 'postgres'))) throw new Error(`POSTGRES_BIN_DIR=${fromEnv} has no postgres binary`);
    return fromEnv;
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const dir = join(root, version, 'bin');
    if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'))) return dir;
  }
  throw new Error(
    'PostgreSQL server binaries not found (looked in /usr/lib/postgresql/<version>/bin and POSTGRES_BIN_DIR). ' +
      'Install Debian\'s package: `apt-get install postgresql`. The receiver tests run against PostgreSQL as well as PGlite and do not skip.',
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface PostgresServer {
  /** Connection URL of the `postgres` database (superuser `postgres`, trust authentication on 127.0.0.1). */
  url: string;
  /** A new empty database on this server; returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = findBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'vroegsignaal-pg-'));
  const dataDir = join(dir, 'data');
  const socketDir = dir;
  if (asRoot) {
    const user = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const group = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (user.status !== 0) throw new Error('running as root, but there is no `postgres` system user to run PostgreSQL as (install the postgresql package)');
    chownSync(dir, Number(user.stdout.trim()), Number(group.stdout.trim()));
    chmodSync(dir, 0o700);
  }
  const command = (binary: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, binary), ...args]] : [join(bin, binary), args];

  const [initCmd, initArgs] = command('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}): ${init.stderr || init.stdout}`);
  }

  const port = await freePort();
  const [pgCmd, pgArgs] = command('postgres', [
    '-D', dataDir,
    '-p', String(port),
    '-h', '127.0.0.1',
    '-k', socketDir,
    '-c', 'fsync=off',
    '-c', 'synchronous_commit=off',
    '-c', 'full_page_writes=off',
    '-c', 'max_connections=200',
    '-c', 'shared_buffers=32MB',
  ]);
  const server: ChildProcess = spawn(pgCmd, pgArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  server.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => {});
      if (server.exitCode !== null || Date.now() > deadline) {
        server.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`PostgreSQL did not start on port ${port}: ${error instanceof Error ? error.message : String(error)}\n${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  let stopped: Promise<void> | undefined;
  return {
    url,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a database name: ${name}`);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop() {
      stopped ??= (async () => {
        // SIGINT to the postmaster itself ("fast shutdown": ends connections, exits cleanly). Its pid
        // comes from postmaster.pid, because under runuser the child process is runuser, which does
        // not pass the signal on.
        const postmaster = postmasterPid(dataDir);
        const signal = (name: NodeJS.Signals) => {
          try {
            if (postmaster) process.kill(postmaster, name);
            else server.kill(name);
          } catch {
            // already gone
          }
        };
        signal('SIGINT');
        const deadline = Date.now() + 15_000;
        while (postmaster && alive(postmaster) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
        if (postmaster && alive(postmaster)) signal('SIGKILL');
        const timeout = setTimeout(() => server.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timeout);
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

function postmasterPid(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

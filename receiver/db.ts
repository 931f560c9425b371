/**
 * The receiver's database handle: embedded PGlite by default, a PostgreSQL server when a connection
 * URL is given. Both offer the same small interface (`query`, `exec`, `transaction`), so the store and
 * the migrations run unchanged on either.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** Rows of one statement. */
export interface QueryResult<T> {
  rows: T[];
}

/** What runs SQL: the database itself, or one transaction of it. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
  /** Runs one or more statements without parameters (DDL, migrations). */
  exec(sql: string): Promise<unknown>;
}

/** The database handle the store works with. */
export interface Db extends Queryable {
  /** Runs `fn` in one transaction on one connection: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** `pglite` or `postgresql`, for messages and tests. */
  readonly kind: 'pglite' | 'postgresql';
}

export const MEMORY = 'memory://';

/** Where the data lives: a PGlite data directory (or `memory://`), or a PostgreSQL URL. */
export interface DatabaseLocation {
  dataDir: string;
  databaseUrl?: string | undefined;
}

/** Opens the database: PostgreSQL when `databaseUrl` is set, else PGlite in `dataDir`. */
export async function openDatabase(location: DatabaseLocation): Promise<Db> {
  if (location.databaseUrl) return openPostgres(location.databaseUrl);
  return openPglite(location.dataDir);
}

async function openPglite(dataDir: string): Promise<Db> {
  const dir = dataDir === MEMORY ? MEMORY : resolve(dataDir);
  if (dir !== MEMORY) await mkdir(dir, { recursive: true });
  let db: PGlite;
  try {
    db = await PGlite.create(dir);
  } catch (error) {
    throw new Error(`kan de PGlite-database in ${dir} niet openen: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return {
    kind: 'pglite',
    query: (sql, params) => db.query(sql, params) as never,
    exec: (sql) => db.exec(sql),
    transaction: (fn) => db.transaction((tx) => fn({ query: (sql, params) => tx.query(sql, params) as never, exec: (sql) => tx.exec(sql) })),
    close: () => db.close(),
  };
}

async function openPostgres(url: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => {});
    throw new Error(`kan geen verbinding maken met PostgreSQL (${redactUrl(url)}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    query: async (sql, params) => ({ rows: (await client.query(sql, params as unknown[] | undefined)).rows }),
    exec: (sql) => client.query(sql),
  });
  let closed: Promise<void> | undefined;
  return {
    kind: 'postgresql',
    ...wrap(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close() {
      closed ??= pool.end();
      return closed;
    },
  };
}

/** The URL without its password, for error messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(ongeldige DATABASE_URL)';
  }
}

/**
 * Starts one PostgreSQL server for the whole `receiver` project; each test file creates its own
 * databases on it (see harness.ts). Fails the run when PostgreSQL is not installed.
 */
import type { TestProject } from 'vitest/node';
import { startPostgresServer } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgresServer();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}

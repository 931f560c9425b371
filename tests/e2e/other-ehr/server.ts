/**
 * Static server for the "other EHR": a single-page app built unlike the demo HIS (generated class
 * names, data-testid hooks, late rendering, a shadow-DOM component, wrong `lang`). End-to-end tests
 * serve it to show that Vroegsignaal works on an EHR whose markup it was not written against.
 *
 * Test-only: not part of the demo and not shipped in the extension.
 */
import { fileURLToPath } from 'node:url';
// One static server for both fake EHRs: its traversal-safe lookup is unit-tested against hostile paths.
import { startStaticSite } from '../../../demo-ehr/server';

/** Where and how to listen. */
export interface OtherEhrOptions {
  /** TCP port; 0 (the default) picks a free port, so it never clashes with the demo's fixed ports. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
}

/** A running other-EHR server. */
export interface OtherEhrServer {
  /** Base URL without trailing slash, e.g. http://127.0.0.1:38211 */
  url: string;
  port: number;
  /** Stops listening and drops open (keep-alive) connections. Safe to call more than once. */
  close(): Promise<void>;
}

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

/**
 * Starts the other EHR. Routes: `/app/home` (patient list), `/app/patients/<uuid>/chart` (a chart);
 * any other path under `/app/` also gets index.html and the page itself shows "Pagina niet gevonden".
 */
export function startOtherEhr(options: OtherEhrOptions = {}): Promise<OtherEhrServer> {
  return startStaticSite({
    publicDir: PUBLIC_DIR,
    isClientRoute: (rawPathname) => rawPathname === '/app' || rawPathname.startsWith('/app/'),
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    label: 'other-ehr',
  });
}

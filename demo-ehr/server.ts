/**
 * Tiny static server for the demo HIS consult page (not shipped in the extension).
 *
 * - Serves files from demo-ehr/public/ with explicit content types and `Cache-Control: no-store`.
 * - Client-side routes: every unknown path under /patient/... gets index.html (history.pushState URLs).
 * - GET /healthz -> 200 "ok".
 * - GET /contract.js -> the ICPC code pattern of the referral contract, as a JavaScript module.
 * - Path lookup is traversal-safe: encoded `..`, backslashes, NUL bytes and dot-files are refused, and the
 *   resolved (real) path must stay inside the public directory.
 *
 * Only node:http and friends; no framework.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ICPC_CODE_PATTERN } from '../contract/referral-contract.js';

export interface DemoEhrOptions {
  /** TCP port; 0 picks a free port. Default 4310. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Directory with the static files. Default: demo-ehr/public next to this file. */
  publicDir?: string;
}

export interface DemoEhrServer {
  /** Base URL without trailing slash, e.g. http://127.0.0.1:4310 */
  url: string;
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_DEMO_EHR_PORT = 4310;
export const DEFAULT_DEMO_EHR_HOST = '127.0.0.1';

const DEFAULT_PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

const BAD_REQUEST = Symbol('bad-request');

/** The part of the referral contract the page's own script needs (it has no build step). */
const CONTRACT_MODULE = `export const ICPC_CODE_PATTERN = new RegExp(${JSON.stringify(ICPC_CODE_PATTERN.source)});\n`;

type Lookup = string | null | typeof BAD_REQUEST;

/**
 * Maps a raw request path to an absolute file path inside `root`.
 * Returns BAD_REQUEST for malformed or hostile paths, null when the path cannot name a public file.
 */
export function resolvePublicPath(root: string, rawPathname: string): Lookup {
  if (!rawPathname.startsWith('/')) return BAD_REQUEST;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPathname);
  } catch {
    return BAD_REQUEST;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return BAD_REQUEST;
  const segments = decoded.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '..' || segment === '.')) return BAD_REQUEST;
  // No dot-files (.git, .env, ...) even if someone drops one in public/.
  if (segments.some((segment) => segment.startsWith('.'))) return null;
  if (segments.length === 0) return path.join(root, 'index.html');
  const resolved = path.resolve(root, ...segments);
  if (!isInside(root, resolved)) return BAD_REQUEST;
  return resolved;
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

function baseHeaders(contentType: string, length: number): Record<string, string | number> {
  return {
    'Content-Type': contentType,
    'Content-Length': length,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

function sendText(req: IncomingMessage, res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  const body = Buffer.from(text, 'utf8');
  res.writeHead(status, { ...baseHeaders('text/plain; charset=utf-8', body.length), ...extra });
  res.end(req.method === 'HEAD' ? undefined : body);
}

async function sendFile(req: IncomingMessage, res: ServerResponse, filePath: string): Promise<void> {
  const body = await readFile(filePath);
  res.writeHead(200, baseHeaders(contentTypeFor(filePath), body.length));
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Real path of an existing regular file inside root, or null. Follows symlinks, then re-checks containment. */
async function existingFileInside(realRoot: string, candidate: string): Promise<string | null> {
  try {
    const real = await realpath(candidate);
    if (!isInside(realRoot, real)) return null;
    const info = await stat(real);
    return info.isFile() ? real : null;
  } catch {
    return null;
  }
}

function rawPathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const end = raw.search(/[?#]/);
  return end === -1 ? raw : raw.slice(0, end);
}

/** A route the site answers itself instead of with a file. */
export type SiteRoute = () => { contentType: string; body: string };

/** A small static site: files from one folder, a single-page app's client routes, and a few routes of its own. */
export interface StaticSiteOptions {
  publicDir: string;
  /** Paths the single-page app handles itself: they get index.html. */
  isClientRoute: (rawPathname: string) => boolean;
  routes?: Readonly<Record<string, SiteRoute>>;
  /** TCP port; 0 picks a free one. */
  port: number;
  host?: string;
  /** Prefixes error log lines. */
  label: string;
}

function createHandler(options: StaticSiteOptions) {
  const realRootPromise = realpath(path.resolve(options.publicDir));
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(req, res, 405, 'Methode niet toegestaan\n', { Allow: 'GET, HEAD' });
      return;
    }
    const rawPathname = rawPathOf(req.url);
    const route = options.routes?.[rawPathname];
    if (route) {
      const { contentType, body } = route();
      const bytes = Buffer.from(body, 'utf8');
      res.writeHead(200, baseHeaders(contentType, bytes.length));
      res.end(req.method === 'HEAD' ? undefined : bytes);
      return;
    }
    const realRoot = await realRootPromise;
    const lookup = resolvePublicPath(realRoot, rawPathname);
    if (lookup === BAD_REQUEST) {
      sendText(req, res, 400, 'Ongeldig pad\n');
      return;
    }
    if (lookup !== null) {
      const file = await existingFileInside(realRoot, lookup);
      if (file !== null) {
        await sendFile(req, res, file);
        return;
      }
    }
    if (options.isClientRoute(rawPathname)) {
      await sendFile(req, res, path.join(realRoot, 'index.html'));
      return;
    }
    sendText(req, res, 404, 'Niet gevonden\n');
  };
}

function formatUrl(host: string, port: number): string {
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
}

/** Serves a static site until closed; `close()` also drops keep-alive connections and may be called more than once. */
export async function startStaticSite(options: StaticSiteOptions): Promise<DemoEhrServer> {
  const host = options.host ?? DEFAULT_DEMO_EHR_HOST;
  const handler = createHandler(options);

  const server: Server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      console.error(`[${options.label}] request failed:`, error);
      if (!res.headersSent) sendText(req, res, 500, 'Interne fout\n');
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(options.port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });

  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;

  return {
    url: formatUrl(host, port),
    port,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets (browsers, fetch) would otherwise keep close() pending.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Starts the demo HIS: its consult page, client routes under /patient/, /healthz and /contract.js. */
export function startDemoEhr(options: DemoEhrOptions = {}): Promise<DemoEhrServer> {
  return startStaticSite({
    publicDir: options.publicDir ?? DEFAULT_PUBLIC_DIR,
    isClientRoute: (rawPathname) => rawPathname === '/patient' || rawPathname.startsWith('/patient/'),
    routes: {
      '/healthz': () => ({ contentType: 'text/plain; charset=utf-8', body: 'ok' }),
      '/contract.js': () => ({ contentType: CONTENT_TYPES['.js']!, body: CONTRACT_MODULE }),
    },
    port: options.port ?? DEFAULT_DEMO_EHR_PORT,
    host: options.host ?? DEFAULT_DEMO_EHR_HOST,
    label: 'demo-ehr',
  });
}

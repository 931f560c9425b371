/**
 * A fault-injecting HTTP proxy for the delivery benchmark and its CI form: it sits between the
 * extension and the reference receiver and, by a seeded plan, answers 500/503 in bursts, 429 with
 * Retry-After, hangs past the extension's timeout, refuses connections for a while, and — the fault
 * that tests exactly-once — forwards a request, lets the receiver commit it, and then drops the
 * response. Everything it did is counted, so the benchmark can print what the extension went through.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { seededRandom } from '../../extension/shared/seeded-random';

export type FaultKind = 'status-500' | 'status-503' | 'status-429' | 'hang' | 'lose-response' | 'refused';

/** How often each fault happens, as a share of requests (the rest pass through). */
export interface FaultPlan {
  seed: number;
  /** Probability per request of each per-request fault. */
  rates: Partial<Record<Exclude<FaultKind, 'refused'>, number>>;
  /** Seconds the 429 asks the client to wait. */
  retryAfterSeconds: number;
  /** Faults the first POSTs get, one each in this order, so a short run still meets every kind. */
  first?: Array<Exclude<FaultKind, 'refused'>>;
  /** During a burst every request gets 503. */
  burst?: { everyMs: number; lengthMs: number };
}

export interface FaultProxy {
  url: string;
  port: number;
  /** Faults injected so far, per kind. */
  counts: Record<FaultKind | 'passed', number>;
  /** Requests forwarded to the receiver whose answer has not come back yet. */
  inFlight(): number;
  /** Resolves once a forwarded request is waiting on the receiver. */
  waitForInFlight(timeoutMs: number): Promise<boolean>;
  /**
   * Holds the answer to the next POST: the receiver gets the request and commits, the client keeps
   * waiting. Resolves true once such an answer is held (false after `timeoutMs`); `release()` sends it
   * on (to a client that may be gone by then: "stop the worker mid-send").
   */
  holdNextAnswer(timeoutMs: number): Promise<boolean>;
  release(): void;
  /** Stop injecting per-request faults and bursts (connections still go through). */
  calm(): void;
  /** Refuse connections (the port is closed) for `ms`, or until `accept()` when ms is omitted. */
  refuse(ms?: number): Promise<void>;
  accept(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the proxy on `port` (0: a free one) in front of `target` (the receiver's base URL).
 * Only the receiver's `/fhir` and `/webhook` POSTs get faults; reads pass through unharmed, so the
 * benchmark measures delivery, not polling.
 */
export async function startFaultProxy(target: string, plan: FaultPlan, port = 0): Promise<FaultProxy> {
  const random = seededRandom(plan.seed);
  const upstream = new URL(target);
  const counts: FaultProxy['counts'] = { passed: 0, 'status-500': 0, 'status-503': 0, 'status-429': 0, hang: 0, 'lose-response': 0, refused: 0 };
  const forced = [...(plan.first ?? [])];
  let holding: { onHeld: (held: boolean) => void; release?: () => void } | null = null;
  const startedAt = Date.now();
  let calm = false;
  let forwarded = 0;
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();

  function pickFault(req: IncomingMessage): Exclude<FaultKind, 'refused'> | null {
    if (calm || req.method !== 'POST') return null;
    const next = forced.shift();
    if (next) return next;
    if (plan.burst && (Date.now() - startedAt) % plan.burst.everyMs < plan.burst.lengthMs) return 'status-503';
    let roll = random();
    for (const [kind, rate] of Object.entries(plan.rates) as Array<[Exclude<FaultKind, 'refused'>, number]>) {
      if (roll < rate) return kind;
      roll -= rate;
    }
    return null;
  }

  function forward(req: IncomingMessage, body: Buffer, onAnswer: (status: number, headers: IncomingMessage['headers'], payload: Buffer) => void, onError: (error: Error) => void): void {
    forwarded++;
    for (const wake of waiters) wake();
    const outgoing = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          forwarded--;
          onAnswer(answer.statusCode ?? 502, answer.headers, Buffer.concat(chunks));
        });
      },
    );
    outgoing.on('error', (error) => {
      forwarded--;
      onError(error);
    });
    outgoing.end(body);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const fault = pickFault(req);
      if (fault) counts[fault]++;
      else counts.passed++;
      switch (fault) {
        case 'status-500':
        case 'status-503':
          res.writeHead(fault === 'status-500' ? 500 : 503, { 'Content-Type': 'text/plain' }).end('injected fault\n');
          return;
        case 'status-429':
          res.writeHead(429, { 'Content-Type': 'text/plain', 'Retry-After': String(plan.retryAfterSeconds) }).end('slow down\n');
          return;
        case 'hang':
          // Never answer: the client's own timeout must end this attempt.
          hanging.add(res);
          res.on('close', () => hanging.delete(res));
          return;
        case 'lose-response':
          // The receiver commits; the client never hears so, and must not end up with two.
          forward(req, body, () => req.socket.destroy(), () => req.socket.destroy());
          return;
        default:
          forward(
            req,
            body,
            (status, headers, payload) => {
              const { connection: _connection, 'transfer-encoding': _encoding, ...rest } = headers;
              const answer = () => {
                if (!res.destroyed) res.writeHead(status, { ...rest, 'content-length': String(payload.length) }).end(payload);
              };
              if (holding && !holding.release && req.method === 'POST') {
                holding.release = answer;
                holding.onHeld(true);
              } else answer();
            },
            () => res.writeHead(502, { 'Content-Type': 'text/plain' }).end('receiver unreachable\n'),
          );
      }
    });
  }

  let server: Server = createServer(handle);
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  server.on('connection', track);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const boundPort = (server.address() as AddressInfo).port;
  let refusing = false;

  async function shut(): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const res of hanging) res.destroy();
    for (const socket of sockets) socket.destroy();
    await closed;
  }

  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${boundPort}`,
    port: boundPort,
    counts,
    inFlight: () => forwarded,
    waitForInFlight(timeoutMs) {
      if (forwarded > 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(true);
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          resolve(false);
        }, timeoutMs);
        waiters.add(wake);
      });
    },
    holdNextAnswer(timeoutMs) {
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          holding = null;
          resolve(false);
        }, timeoutMs);
        holding = {
          onHeld: (held) => {
            clearTimeout(timer);
            resolve(held);
          },
        };
      });
    },
    release() {
      const held = holding;
      holding = null;
      held?.release?.();
    },
    calm() {
      calm = true;
    },
    async refuse(ms) {
      if (refusing) return;
      refusing = true;
      counts.refused++;
      await shut();
      if (ms !== undefined) setTimeout(() => void proxy.accept(), ms);
    },
    async accept() {
      if (!refusing) return;
      server = createServer(handle);
      server.on('connection', track);
      await new Promise<void>((resolve) => server.listen(boundPort, '127.0.0.1', resolve));
      refusing = false;
    },
    async close() {
      if (!refusing) await shut();
      refusing = true;
    },
  };
  return proxy;
}

/**
 * The CI form of `npm run bench:delivery`: fewer referrals and a shorter fault window, the same
 * faults (500/503 bursts, 429 with Retry-After, hangs past the timeout, refused connections,
 * responses lost after the receiver committed), a service worker stopped mid-send and a browser
 * restart with a queued outbox. Counted in the receiver's database.
 */
import { describe, expect, it } from 'vitest';
import { deliveryVerdict, runDeliveryFaultRun } from '../../scripts/lib/delivery-run';

describe('delivery under faults', () => {
  it('stores every referral exactly once through injected faults, a stopped service worker and a browser restart', async () => {
    const lines: string[] = [];
    const result = await runDeliveryFaultRun({
      referrals: 30,
      restartReferrals: 5,
      workerStops: 2,
      faultWindowMs: 25_000,
      seed: 26,
      timeoutMs: 240_000,
      log: (line) => lines.push(line),
    });
    console.log([...lines, deliveryVerdict(result)].join('\n'));
    // The run must really have gone through faults, or "nothing lost" says nothing.
    for (const kind of ['status-500', 'status-503', 'status-429', 'hang', 'lose-response', 'refused'] as const) expect(result.faults[kind], kind).toBeGreaterThan(0);
    expect(result.workerStops).toBe(2);
    expect(result.browserRestarts).toBe(1);
    expect(result.repeatsAbsorbed).toBeGreaterThan(0);
    expect(deliveryVerdict(result)).toBe('delivery: 35 sent, 35 delivered exactly once, 0 lost, 0 duplicated');
  }, 300_000);
});

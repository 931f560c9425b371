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
    expect(result.faults['status-500'] + result.faults['status-503'] + result.faults['status-429']).toBeGreaterThan(3);
    expect(result.faults['lose-response']).toBeGreaterThan(0);
    expect(result.workerStops).toBeGreaterThan(0);
    expect(result.browserRestarts).toBe(1);
    expect(result.repeatsAbsorbed).toBeGreaterThan(0);
    expect(deliveryVerdict(result)).toBe('delivery: 35 sent, 35 delivered exactly once, 0 lost, 0 duplicated');
  }, 300_000);
});

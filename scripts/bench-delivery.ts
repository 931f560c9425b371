/**
 * Delivery under faults: `npm run bench:delivery` (defaults: 200 referrals, 3 service-worker stops,
 * 20 referrals over a browser restart). Prints what was injected and, as its last line,
 * `delivery: N sent, N delivered exactly once, 0 lost, 0 duplicated` — counted in the receiver's
 * database. Exits 1 when anything was lost or duplicated.
 *
 *   npm run bench:delivery -- [--referrals N] [--restart-referrals N] [--stops N] [--fault-seconds S] [--seed N] [--timeout-minutes M]
 */
import { parseArgs } from 'node:util';
import { deliveryVerdict, runDeliveryFaultRun } from './lib/delivery-run';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      referrals: { type: 'string', default: '200' },
      'restart-referrals': { type: 'string', default: '20' },
      stops: { type: 'string', default: '3' },
      'fault-seconds': { type: 'string', default: '90' },
      seed: { type: 'string', default: '8' },
      'timeout-minutes': { type: 'string', default: '20' },
    },
    strict: true,
  });
  const number = (name: keyof typeof values) => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number ≥ 0, got ${values[name]}`);
    return value;
  };
  const result = await runDeliveryFaultRun({
    referrals: number('referrals'),
    restartReferrals: number('restart-referrals'),
    workerStops: number('stops'),
    faultWindowMs: number('fault-seconds') * 1000,
    seed: number('seed'),
    timeoutMs: number('timeout-minutes') * 60_000,
    log: (line) => console.log(`  ${line}`),
  });
  const faults = Object.entries(result.faults)
    .filter(([kind]) => kind !== 'passed')
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
  const injected = Object.entries(result.faults).reduce((sum, [kind, count]) => (kind === 'passed' ? sum : sum + count), 0);
  console.log(`faults injected: ${injected} (${faults}); requests passed through: ${result.faults.passed}`);
  console.log(`service worker stopped mid-send: ${result.workerStops}×; browser restarted with a queued outbox: ${result.browserRestarts}×`);
  console.log(`repeats the receiver absorbed (response lost after commit, then sent again): ${result.repeatsAbsorbed}`);
  console.log(`all stored ${(result.deliveryMs / 1000).toFixed(0)} s after the first referral; whole run ${(result.durationMs / 1000).toFixed(0)} s`);
  console.log(deliveryVerdict(result));
  process.exitCode = result.lost === 0 && result.duplicated === 0 && result.deliveredExactlyOnce === result.sent ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

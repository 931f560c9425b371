/**
 * Versioned migrations, on PGlite and on PostgreSQL: a database created by version 1 (schema.sql
 * alone, as the previous receiver left it) is migrated at start with its data kept; on PostgreSQL two
 * instances starting at once on a fresh database take turns.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../receiver/db.js';
import { startReceiver } from '../../receiver/server.js';
import { LATEST_SCHEMA_VERSION, schemaVersion } from '../../receiver/store.js';
import { getFhir, loggedIn, newLocation, newPostgresDatabase, postFhir, PROVISION, referralBundle, STORAGES, TOKEN_CENTRUM } from './harness.js';

const SCHEMA_V1 = readFileSync(new URL('../../receiver/schema.sql', import.meta.url), 'utf8');
const OLD_UUID = '11111111-2222-4333-8444-555555555555';

describe.each(STORAGES)('migrations (%s)', (storage) => {
  it('upgrades a version-1 database and keeps its referrals', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vroegsignaal-v1-'));
    try {
      const location = await newLocation(storage, dataDir);
      const v1 = await openDatabase({ dataDir, databaseUrl: location.databaseUrl });
      try {
        await v1.exec(SCHEMA_V1);
        await v1.query(
          `INSERT INTO referral (referral_id, received_at, last_received_at, patient_name, patient_phone, call_moment, life_domains, note, consent_recorded_by, answers, bundle, times_received)
           VALUES ($1, '2026-01-05T09:00:00Z', '2026-01-05T09:05:00Z', 'Oud Voorbeeld', '+31600000001', 'ochtend', '{participation}', 'van vóór de migratie', 'dr. Oud', '[]', $2, 2)`,
          [`urn:uuid:${OLD_UUID}`, JSON.stringify(referralBundle(OLD_UUID))],
        );
        expect(await schemaVersion(v1)).toBe(1);
      } finally {
        await v1.close();
      }

      const receiver = await startReceiver({ port: 0, log: () => {}, provision: PROVISION, ...location });
      try {
        const [old] = await receiver.referrals();
        expect(old).toMatchObject({
          id: `urn:uuid:${OLD_UUID}`,
          patientName: 'Oud Voorbeeld',
          note: 'van vóór de migratie',
          timesReceived: 2,
          practiceId: null,
          receivedAt: '2026-01-05T09:00:00.000Z',
          updatedAt: '2026-01-05T09:05:00.000Z',
          progress: { failedAttempts: 0, outcome: null, partners: [], withdrawn: false },
        });
        const browser = await loggedIn(receiver);
        const html = (await browser.page('/')).html;
        expect(html).toContain('Oud Voorbeeld');
        expect(html).toContain('onbekende praktijk');
        // It belongs to no practice, so no practice's token can read it.
        expect((await getFhir(receiver, `Task/${OLD_UUID}`, TOKEN_CENTRUM)).status).toBe(404);
        expect((await postFhir(receiver, referralBundle(crypto.randomUUID()))).status).toBe(200);
      } finally {
        await receiver.close();
      }
      const after = await openDatabase({ dataDir, databaseUrl: location.databaseUrl });
      try {
        expect(await schemaVersion(after)).toBe(LATEST_SCHEMA_VERSION);
        expect(LATEST_SCHEMA_VERSION).toBeGreaterThanOrEqual(2);
      } finally {
        await after.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('migrations on one PostgreSQL server', () => {
  it('lets two instances start at once on a fresh database', async () => {
    const databaseUrl = await newPostgresDatabase();
    const receivers = await Promise.all([0, 1].map(() => startReceiver({ port: 0, log: () => {}, databaseUrl, provision: PROVISION })));
    try {
      const uuid = crypto.randomUUID();
      expect((await postFhir(receivers[0]!, referralBundle(uuid))).status).toBe(200);
      // The other instance sees it, and a login session made on one works on the other.
      expect((await receivers[1]!.referrals()).map((referral) => referral.id)).toContain(`urn:uuid:${uuid}`);
      const browser = await loggedIn(receivers[0]!);
      const other = await fetch(`${receivers[1]!.url}/verwijzingen/${uuid}`, { redirect: 'manual', headers: { Cookie: browser.cookie! } });
      expect(other.status).toBe(200);
    } finally {
      await Promise.all(receivers.map((receiver) => receiver.close()));
    }
    const db = await openDatabase({ dataDir: 'memory://', databaseUrl });
    try {
      const versions = await db.query<{ version: number }>('SELECT version FROM schema_version ORDER BY version');
      expect(versions.rows.map((row) => row.version)).toEqual([1, 2]);
    } finally {
      await db.close();
    }
  });
});

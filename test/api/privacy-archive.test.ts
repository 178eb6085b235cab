// Access and erasure reach the clicks past retention, in the R2 archive, as well as those in D1.
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { gunzipText, readManifest } from '../../src/db/click-archive';
import type { Click } from '../../src/db/schema';
import { type ArchivedClick, rowsOfNdjson } from '../../src/domain/click-archive';
import { userHash } from '../../src/domain/identity';
import { newUlid } from '../../src/domain/ids';
import { runRetention } from '../../src/jobs/retention';
import { erasePerson } from '../../src/services/privacy';
import { createLink, createPartner } from '../support/builders';
import { freshStorage } from '../support/fresh-worker';
import { api } from '../support/http';
import { insertClick } from '../support/rows';

const NOW = Date.parse('2026-12-06T08:00:00Z');
/** Past 90 days of retention on NOW. */
const OLD_DAY = '2026-09-01';
const RECENT_DAY = '2026-12-01';
const SMALL = { shardRows: 4, deleteRows: 3, maxRows: 1000, maxMs: 60_000 };

const exportOf = (query: string) => api('GET', `/api/v1/privacy/export?${query}`);
const erase = (body: unknown) => api('POST', '/api/v1/privacy/erasures', { body });

/** Every row the archive holds for `date`, in shard order. */
async function archivedRows(date: string): Promise<ArchivedClick[]> {
  const { manifest } = await readManifest(env.ARCHIVE, date);
  const rows: ArchivedClick[] = [];
  for (const entry of manifest.objects) {
    const object = (await env.ARCHIVE.get(entry.key)) as R2ObjectBody;
    rows.push(...rowsOfNdjson(await gunzipText(await object.arrayBuffer())));
  }
  return rows;
}

const idsOf = (list: { id: string }[]) => list.map((c) => c.id).sort();

let link: { id: string; partnerId: string };
/** `user-77`'s phone and laptop, seen together only on archived clicks; a stranger beside them. */
let person: { phone: string; laptop: string; archived: Click[]; recent: Click; stranger: Click };

beforeEach(async () => {
  await freshStorage();
  link = await createLink((await createPartner()).id);
  const uidHash = await userHash(env.HASH_KEY, 'user-77');
  const phone = newUlid(Date.parse(`${OLD_DAY}T09:00:00Z`));
  const laptop = newUlid(Date.parse(`${OLD_DAY}T09:30:00Z`));
  const at = (time: string) => new Date(`${OLD_DAY}T${time}Z`);
  const archived = [
    await insertClick(link, at('10:00:00'), { visitorId: phone, uidHash, userAgent: 'Phone UA', fingerprint: 'fp-1' }),
    await insertClick(link, at('10:05:00'), { visitorId: laptop, uidHash, userAgent: 'Laptop UA' }),
    // Signed out on the laptop: the device is theirs all the same.
    await insertClick(link, at('10:10:00'), { visitorId: laptop }),
  ];
  const stranger = await insertClick(link, at('10:15:00'), { userAgent: 'Stranger UA', fingerprint: 'fp-2' });
  for (let i = 0; i < 6; i++) await insertClick(link, at(`11:0${i}:00`));
  // A recent click of the laptop, signed out: in D1, found through the archived ones.
  const recent = await insertClick(link, new Date(`${RECENT_DAY}T10:00:00Z`), { visitorId: laptop });
  await runRetention(env, NOW, SMALL);
  const left = await env.DB.prepare('SELECT id FROM clicks').all<{ id: string }>();
  expect(left.results.map((r) => r.id)).toEqual([recent.id]);
  person = { phone, laptop, archived, recent, stranger };
});

describe('an access request', () => {
  it("lists the person's archived clicks with their D1 ones, every device included", async () => {
    const res = await exportOf('userRef=user-77');
    expect(res.status).toBe(200);
    const body = res.body as { clicks: { id: string; userAgent: string | null; createdAt: string }[] };
    expect(idsOf(body.clicks)).toEqual(idsOf([...person.archived, person.recent]));
    const phoneClick = body.clicks.find((c) => c.id === person.archived[0]!.id);
    expect(phoneClick).toMatchObject({ userAgent: 'Phone UA', createdAt: `${OLD_DAY}T10:00:00.000Z` });
  });

  it('finds the app user from a device seen with them only in the archive', async () => {
    const body = (await exportOf(`visitorId=${person.phone}`)).body as { clicks: { id: string }[] };
    expect(idsOf(body.clicks)).toEqual(idsOf([...person.archived, person.recent]));
  });
});

describe('an erasure', () => {
  it('clears the person from the archived objects too, and counts those clicks', async () => {
    const res = await erase({ userRef: 'user-77' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ clicks: 4, events: 0, conversions: 0, referralCodes: 0 });

    const rows = await archivedRows(OLD_DAY);
    expect(rows).toHaveLength(10);
    const theirs = new Set(person.archived.map((c) => c.id));
    for (const row of rows.filter((r) => theirs.has(r.id))) {
      expect(row).toMatchObject({ visitorId: null, uidHash: null, fingerprint: null, userAgent: null });
    }
    // Someone else's archived click keeps everything.
    expect(rows.find((r) => r.id === person.stranger.id)).toMatchObject({
      visitorId: person.stranger.visitorId,
      userAgent: 'Stranger UA',
      fingerprint: 'fp-2',
    });
    const body = (await exportOf('userRef=user-77')).body as { clicks: unknown[] };
    expect(body.clicks).toEqual([]);
    expect((await erase({ userRef: 'user-77' })).body).toEqual({
      clicks: 0,
      events: 0,
      conversions: 0,
      referralCodes: 0,
    });
  });
});

describe('an erasure while the purge is archiving the same clicks', () => {
  it('leaves nothing of the person in the object being written', async () => {
    const uidHash = await userHash(env.HASH_KEY, 'user-88');
    const day = '2026-09-02';
    const theirs = await insertClick(link, new Date(`${day}T10:00:00Z`), { uidHash, userAgent: 'Their UA' });
    await insertClick(link, new Date(`${day}T10:01:00Z`));

    // The erasure is asked once the purge has read and written the object, before its manifest
    // entry exists: it clears D1's rows at once, and waits for the purge before reading the archive.
    let erasure: Promise<unknown> | undefined;
    await runRetention(env, NOW, SMALL, {
      afterWrite: () => {
        erasure ??= erasePerson(env, { userRef: 'user-88' }, 'admin-key');
      },
    });
    const erased = (await erasure) as { clicks: number };

    expect(erased.clicks).toBe(1);
    const row = (await archivedRows(day)).find((r) => r.id === theirs.id);
    expect(row).toMatchObject({ id: theirs.id, visitorId: null, uidHash: null, userAgent: null });
    // And the day's clicks left D1 as usual: only the recent click is there.
    const left = await env.DB.prepare('SELECT id FROM clicks').all<{ id: string }>();
    expect(left.results.map((r) => r.id)).toEqual([person.recent.id]);
  });
});

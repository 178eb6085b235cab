// Retention: clicks past CLICK_RETENTION_DAYS archived to R2 and verified before they leave D1; events deleted.
import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { asc, eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ARCHIVE_LEASE,
  ArchiveVerificationError,
  eraseFromArchive,
  gunzipText,
  readManifest,
} from '../../src/db/click-archive';
import { dbOf } from '../../src/db/client';
import { readCursor, takeLease } from '../../src/db/job-state';
import { archivedClickOf } from '../../src/db/retention';
import {
  type Click,
  clicks,
  conversions,
  dailyAggregates,
  dailyBreakdowns,
  events,
  type Partner,
  partners,
} from '../../src/db/schema';
import { type ArchivedClick, hexOf, rowsOfNdjson } from '../../src/domain/click-archive';
import { newId } from '../../src/domain/ids';
import worker from '../../src/index';
import { CURSOR_RETENTION, type RetentionEnv, runRetention } from '../../src/jobs/retention';
import { aggregatePartnerDay } from '../../src/services/reports';
import { createLink, createPartner } from '../support/builders';
import { freshStorage } from '../support/fresh-worker';
import { insertClick, insertConversion } from '../support/rows';

const NOW = Date.parse('2026-12-06T08:00:00Z');
/** 2026-09-06 is the last day past 90 days of retention on NOW; 2026-09-07 is kept. */
const OLD_DAY = '2026-09-01';
const LAST_OLD_DAY = '2026-09-06';
const KEPT_DAY = '2026-09-07';

/** Small shards and statements, so that a few rows show the cuts a real day's 50,000 make. */
const SMALL = { shardRows: 4, deleteRows: 3, maxRows: 1000, maxMs: 60_000 };

let link: { id: string; partnerId: string };
beforeEach(async () => {
  await freshStorage();
  const partner = await createPartner();
  link = await createLink(partner.id);
});

/** `count` clicks of the link on UTC day `date`, a minute apart from 10:00, with their own visitors. */
async function clicksOn(date: string, count: number, overrides: Partial<Click> = {}): Promise<Click[]> {
  const made: Click[] = [];
  for (let i = 0; i < count; i++) {
    made.push(await insertClick(link, new Date(Date.parse(`${date}T10:00:00Z`) + i * 60_000), overrides));
  }
  return made;
}

const clicksInD1 = () => dbOf(env).select().from(clicks).orderBy(asc(clicks.id)).all();

/** Every row of a day's archive, in shard order, and its manifest. */
async function archiveOf(date: string) {
  const { manifest } = await readManifest(env.ARCHIVE, date);
  const rows: ArchivedClick[] = [];
  for (const entry of manifest.objects) {
    const object = await env.ARCHIVE.get(entry.key);
    rows.push(...rowsOfNdjson(await gunzipText(await (object as R2ObjectBody).arrayBuffer())));
  }
  return { manifest, rows };
}

async function sha256Of(key: string) {
  const object = (await env.ARCHIVE.get(key)) as R2ObjectBody;
  return hexOf(await crypto.subtle.digest('SHA-256', await object.arrayBuffer()));
}

/** The env without its archive bucket, as a deployment that binds none. */
const withoutArchive = (): RetentionEnv => ({ DB: env.DB });

class Crash extends Error {}

describe('retention of clicks', () => {
  it('archives a day past retention in verified shards, then deletes its clicks', async () => {
    const old = await clicksOn(OLD_DAY, 10, { uidHash: 'uid-hash-1', fingerprint: 'fp', userAgent: 'Mozilla/5.0' });
    const expected = old.map(archivedClickOf);

    const run = await runRetention(env, NOW, SMALL);

    expect(run).toMatchObject({ archivedRows: 10, deletedClicks: 10, objects: 3, isDone: true });
    const { manifest, rows } = await archiveOf(OLD_DAY);
    // Every column, named as the API names them, times in ISO 8601, in id order.
    expect(rows).toEqual(expected);
    expect(rows[0]).toMatchObject({ linkId: link.id, uidHash: 'uid-hash-1', createdAt: `${OLD_DAY}T10:00:00.000Z` });
    expect(manifest.objects.map(({ key, rows, firstId, lastId }) => ({ key, rows, firstId, lastId }))).toEqual([
      { key: `clicks/${OLD_DAY}/000.ndjson.gz`, rows: 4, firstId: old[0]!.id, lastId: old[3]!.id },
      { key: `clicks/${OLD_DAY}/001.ndjson.gz`, rows: 4, firstId: old[4]!.id, lastId: old[7]!.id },
      { key: `clicks/${OLD_DAY}/002.ndjson.gz`, rows: 2, firstId: old[8]!.id, lastId: old[9]!.id },
    ]);
    for (const entry of manifest.objects) {
      expect(entry.sha256).toBe(await sha256Of(entry.key));
      expect(entry.bytes).toBe((await env.ARCHIVE.head(entry.key))?.size);
    }
    expect(run.bytes).toBe(manifest.objects.reduce((sum, o) => sum + o.bytes, 0));
    expect(await clicksInD1()).toEqual([]);
  });

  it('keeps the clicks of days not wholly past retention', async () => {
    const [last] = await clicksOn(LAST_OLD_DAY, 1);
    const kept = await clicksOn(KEPT_DAY, 2);
    const recent = await clicksOn('2026-12-05', 1);

    await runRetention(env, NOW, SMALL);

    expect((await clicksInD1()).map((c) => c.id)).toEqual([...kept, ...recent].map((c) => c.id));
    expect((await archiveOf(LAST_OLD_DAY)).rows.map((r) => r.id)).toEqual([last!.id]);
    expect((await readManifest(env.ARCHIVE, KEPT_DAY)).etag).toBeNull();
  });

  it('reads CLICK_RETENTION_DAYS', async () => {
    await clicksOn('2026-11-01', 2);
    await clicksOn('2026-11-10', 1);

    await runRetention({ ...env, CLICK_RETENTION_DAYS: '30' }, NOW, SMALL);

    expect((await clicksInD1()).map((c) => c.createdAt.toISOString().slice(0, 10))).toEqual(['2026-11-10']);
    expect((await archiveOf('2026-11-01')).rows).toHaveLength(2);
  });

  it('goes day by day, each day in objects of its own', async () => {
    await clicksOn('2026-08-30', 2);
    await clicksOn('2026-08-31', 5);

    await runRetention(env, NOW, SMALL);

    expect((await archiveOf('2026-08-30')).manifest.objects.map((o) => [o.key, o.rows])).toEqual([
      ['clicks/2026-08-30/000.ndjson.gz', 2],
    ]);
    expect((await archiveOf('2026-08-31')).manifest.objects.map((o) => [o.key, o.rows])).toEqual([
      ['clicks/2026-08-31/000.ndjson.gz', 4],
      ['clicks/2026-08-31/001.ndjson.gz', 1],
    ]);
  });

  it('deletes nothing of an object that does not read back as written', async () => {
    await clicksOn(OLD_DAY, 3);
    // A bucket that stores other bytes than it is given: the read-back must catch it.
    const corrupting = {
      head: (key: string) => env.ARCHIVE.head(key),
      get: (key: string) => env.ARCHIVE.get(key),
      list: (options?: R2ListOptions) => env.ARCHIVE.list(options),
      put: (key: string, value: Uint8Array | string, options?: R2PutOptions) =>
        env.ARCHIVE.put(key, typeof value === 'string' ? value : value.slice(0, -1), { ...options, sha256: undefined }),
    } as unknown as R2Bucket;

    await expect(runRetention({ ...env, ARCHIVE: corrupting }, NOW, SMALL)).rejects.toThrow(ArchiveVerificationError);

    expect(await clicksInD1()).toHaveLength(3);
    expect((await readManifest(env.ARCHIVE, OLD_DAY)).etag).toBeNull();
    expect(JSON.parse((await readCursor(dbOf(env), CURSOR_RETENTION)) ?? '{"pending":null}').pending).toBeNull();
  });

  it('deletes at the end of retention without archiving when no bucket is bound', async () => {
    await clicksOn(OLD_DAY, 7);
    const kept = await clicksOn(KEPT_DAY, 1);

    const run = await runRetention(withoutArchive(), NOW, SMALL);

    expect(run).toMatchObject({ archivedRows: 0, objects: 0, deletedClicks: 7, isDone: true });
    expect((await clicksInD1()).map((c) => c.id)).toEqual([kept[0]!.id]);
    expect((await env.ARCHIVE.list()).objects).toEqual([]);
  });
});

describe('a purge cut short', () => {
  it('writes the same object again, and no other, after a crash between the write and the delete', async () => {
    const old = await clicksOn(OLD_DAY, 3);
    const crashAfterWrite = {
      afterWrite: () => {
        throw new Crash();
      },
    };

    await expect(runRetention(env, NOW, SMALL, crashAfterWrite)).rejects.toThrow(Crash);
    expect(await clicksInD1()).toHaveLength(3);
    const firstWrite = await sha256Of(`clicks/${OLD_DAY}/000.ndjson.gz`);

    await runRetention(env, NOW, SMALL);

    const { manifest, rows } = await archiveOf(OLD_DAY);
    expect(manifest.objects.map((o) => o.key)).toEqual([`clicks/${OLD_DAY}/000.ndjson.gz`]);
    expect(manifest.objects[0]?.sha256).toBe(firstWrite);
    expect(rows.map((r) => r.id)).toEqual(old.map((c) => c.id));
    expect((await env.ARCHIVE.list()).objects.map((o) => o.key).sort()).toEqual([
      `clicks/${OLD_DAY}/000.ndjson.gz`,
      `clicks/${OLD_DAY}/manifest.json`,
    ]);
    expect(await clicksInD1()).toEqual([]);
  });

  it('finishes the delete of the recorded range rather than archive what is left of it', async () => {
    const old = await clicksOn(OLD_DAY, 8);
    let chunks = 0;
    const crashAfterFirstDelete = {
      afterDeleteChunk: () => {
        if (++chunks === 1) throw new Crash();
      },
    };

    await expect(runRetention(env, NOW, SMALL, crashAfterFirstDelete)).rejects.toThrow(Crash);
    // Shard 000 (4 clicks) was recorded, then 3 of its clicks deleted.
    expect((await clicksInD1()).map((c) => c.id)).toEqual(old.slice(3).map((c) => c.id));
    expect(JSON.parse((await readCursor(dbOf(env), CURSOR_RETENTION)) as string).pending).toEqual({
      date: OLD_DAY,
      shard: 0,
      firstId: old[0]!.id,
      lastId: old[3]!.id,
    });

    const run = await runRetention(env, NOW, SMALL);

    expect(run.deletedClicks).toBe(5);
    const { manifest, rows } = await archiveOf(OLD_DAY);
    expect(manifest.objects.map((o) => [o.shard, o.firstId, o.lastId])).toEqual([
      [0, old[0]!.id, old[3]!.id],
      [1, old[4]!.id, old[7]!.id],
    ]);
    expect(rows.map((r) => r.id)).toEqual(old.map((c) => c.id));
    expect(await clicksInD1()).toEqual([]);
  });

  it('does a bounded amount of work a run and carries on where it stopped', async () => {
    const old = [...(await clicksOn('2026-08-20', 9)), ...(await clicksOn(OLD_DAY, 6))];
    const limits = { ...SMALL, maxRows: 6 };

    const first = await runRetention(env, NOW, limits);
    expect(first).toMatchObject({ archivedRows: 6, isDone: false });
    expect(await clicksInD1()).toHaveLength(9);

    const runs = [first];
    while (!runs[runs.length - 1]!.isDone) runs.push(await runRetention(env, NOW, limits));

    expect(runs.map((r) => r.archivedRows)).toEqual([6, 6, 3]);
    const archived = [...(await archiveOf('2026-08-20')).rows, ...(await archiveOf(OLD_DAY)).rows];
    expect(archived.map((r) => r.id)).toEqual(old.map((c) => c.id));
    expect(await clicksInD1()).toEqual([]);
  });

  it('stops when its time is up and leaves the rest for the next run', async () => {
    await clicksOn(OLD_DAY, 2);

    expect(await runRetention(env, NOW, { ...SMALL, maxMs: 0 })).toMatchObject({ archivedRows: 0, isDone: false });
    expect(await clicksInD1()).toHaveLength(2);
    expect(await runRetention(env, NOW, SMALL)).toMatchObject({ archivedRows: 2, isDone: true });
  });
});

describe('retention of funnel events', () => {
  it('deletes events past retention and keeps younger ones', async () => {
    const at = (iso: string) => Date.parse(iso);
    const rows = [
      { id: newId('evt', at(`${OLD_DAY}T12:00:00Z`)), createdAt: new Date(`${OLD_DAY}T12:00:00Z`) },
      { id: newId('evt', at(`${LAST_OLD_DAY}T23:59:00Z`)), createdAt: new Date(`${LAST_OLD_DAY}T23:59:00Z`) },
      { id: newId('evt', at(`${KEPT_DAY}T00:00:00Z`)), createdAt: new Date(`${KEPT_DAY}T00:00:00Z`) },
    ];
    await dbOf(env)
      .insert(events)
      .values(rows.map((r) => ({ ...r, type: 'checkout' as const, partnerId: link.partnerId })))
      .run();

    const run = await runRetention(env, NOW, SMALL);

    expect(run.deletedEvents).toBe(2);
    expect((await dbOf(env).select({ id: events.id }).from(events).all()).map((e) => e.id)).toEqual([rows[2]!.id]);
  });
});

describe('conversions of archived clicks', () => {
  it('keep their click, cleared of what identifies the visitor, and their figures', async () => {
    const [paid, other] = await clicksOn(OLD_DAY, 2, { uidHash: 'uid-hash-1', fingerprint: 'fp', userAgent: 'UA' });
    const conversion = await insertConversion(link.partnerId, `${OLD_DAY}T18:00:00Z`, { click: paid });
    await dbOf(env)
      .insert(dailyAggregates)
      .values({
        date: OLD_DAY,
        partnerId: link.partnerId,
        linkId: '*',
        clicks: 2,
        conversions: 1,
        computedAt: new Date(NOW),
      })
      .run();
    const aggregates = await dbOf(env).select().from(dailyAggregates).all();

    const run = await runRetention(env, NOW, SMALL);

    expect(run).toMatchObject({ archivedRows: 2, deletedClicks: 1, keptClicks: 1 });
    expect((await archiveOf(OLD_DAY)).rows.map((r) => [r.id, r.uidHash])).toEqual([
      [paid!.id, 'uid-hash-1'],
      [other!.id, 'uid-hash-1'],
    ]);
    const kept = await clicksInD1();
    expect(kept).toEqual([{ ...paid, visitorId: null, uidHash: null, fingerprint: null, userAgent: null }]);
    expect(await dbOf(env).select().from(conversions).where(eq(conversions.id, conversion.id)).get()).toEqual(
      conversion,
    );
    expect(await dbOf(env).select().from(dailyAggregates).all()).toEqual(aggregates);

    // A later run leaves the kept click where it is and finds nothing more to do.
    expect(await runRetention(env, NOW, SMALL)).toMatchObject({ archivedRows: 0, deletedClicks: 0, isDone: true });
    expect(await clicksInD1()).toHaveLength(1);
  });
});

describe('erasure in the archive', () => {
  it("clears a person's identifiers in the objects holding them and reads few others", async () => {
    // 20 objects of 4 clicks, each click its own visitor; the person has two clicks in one object
    // (by visitor id and by uid hash) and one in another.
    const made = await clicksOn(OLD_DAY, 80);
    const personVisitor = made[5]!.visitorId as string;
    await dbOf(env).update(clicks).set({ uidHash: 'person-uid' }).where(eq(clicks.id, made[6]!.id)).run();
    await dbOf(env).update(clicks).set({ uidHash: 'person-uid' }).where(eq(clicks.id, made[70]!.id)).run();
    const before = (await clicksInD1()).map(archivedClickOf);
    await runRetention(env, NOW, SMALL);
    const { manifest: manifestBefore } = await archiveOf(OLD_DAY);

    const erasure = await eraseFromArchive(env.ARCHIVE, {
      visitorIds: new Set([personVisitor]),
      uidHashes: new Set(['person-uid']),
    });

    expect(erasure).toMatchObject({ rows: 3, objectsRewritten: 2 });
    // The filters rule out all but a false positive or two of the 18 objects without the person.
    expect(erasure.objectsRead).toBeLessThanOrEqual(4);
    expect(erasure.objectsRead + erasure.objectsSkipped).toBe(20);
    const { manifest, rows } = await archiveOf(OLD_DAY);
    const theirs = new Set([made[5]!.id, made[6]!.id, made[70]!.id]);
    expect(rows).toEqual(
      before.map((row) =>
        theirs.has(row.id) ? { ...row, visitorId: null, uidHash: null, fingerprint: null, userAgent: null } : row,
      ),
    );
    for (const entry of manifest.objects) expect(entry.sha256).toBe(await sha256Of(entry.key));
    const changed = manifest.objects.filter((o, i) => o.sha256 !== manifestBefore.objects[i]?.sha256);
    expect(changed.map((o) => o.shard)).toEqual([1, 17]);

    // Erased once, nothing is left of them to erase.
    expect(
      (
        await eraseFromArchive(env.ARCHIVE, {
          visitorIds: new Set([personVisitor]),
          uidHashes: new Set(['person-uid']),
        })
      ).rows,
    ).toBe(0);
  });
});

describe('the 15-minute cron', () => {
  it('runs the purge', async () => {
    await clicksOn(OLD_DAY, 2);
    await worker.scheduled(createScheduledController({ cron: '*/15 * * * *', scheduledTime: NOW }), env);
    expect(await clicksInD1()).toEqual([]);
    expect((await archiveOf(OLD_DAY)).rows).toHaveLength(2);
  });
});

describe('a day rebuilt after its clicks left D1', () => {
  const partnerRow = async () =>
    (await dbOf(env).select().from(partners).where(eq(partners.id, link.partnerId)).get()) as Partner;
  const figures = async () => ({
    aggregates: (await dbOf(env).select().from(dailyAggregates).orderBy(asc(dailyAggregates.linkId)).all()).map(
      ({ computedAt, ...row }) => row,
    ),
    countries: (
      await dbOf(env)
        .select()
        .from(dailyBreakdowns)
        .where(eq(dailyBreakdowns.dimension, 'country'))
        .orderBy(asc(dailyBreakdowns.value))
        .all()
    ).map(({ computedAt, date, partnerId, dimension, ...row }) => row),
  });

  it('keeps its click figures and counts its conversions again, under their clicks', async () => {
    await clicksOn(OLD_DAY, 2, { country: 'FR' });
    await clicksOn(OLD_DAY, 1, { country: 'FR', isBot: true });
    const [paid] = await clicksOn(OLD_DAY, 1, { country: 'DE' });
    const conversion = await insertConversion(link.partnerId, `${OLD_DAY}T20:00:00Z`, { click: paid });
    await aggregatePartnerDay(env, await partnerRow(), OLD_DAY);
    const aggregated = await figures();
    expect(aggregated.aggregates.find((a) => a.linkId === '*')).toMatchObject({
      clicks: 3,
      botClicks: 1,
      conversions: 1,
    });
    expect(aggregated.countries).toEqual([
      {
        value: 'DE',
        clicks: 1,
        uniqueClicks: 1,
        botClicks: 0,
        conversions: 1,
        revenueMinor: 10_000,
        commissionMinor: 800,
      },
      { value: 'FR', clicks: 2, uniqueClicks: 2, botClicks: 1, conversions: 0, revenueMinor: 0, commissionMinor: 0 },
    ]);

    await runRetention(env, NOW, SMALL);
    expect(await clicksInD1()).toHaveLength(1);

    // Rebuilt as is (a manual rebuild), the day is unchanged.
    await aggregatePartnerDay(env, await partnerRow(), OLD_DAY);
    expect(await figures()).toEqual(aggregated);

    // Rejected months later: the conversion leaves the figures, the clicks stay counted.
    await dbOf(env).update(conversions).set({ status: 'rejected' }).where(eq(conversions.id, conversion.id)).run();
    await aggregatePartnerDay(env, await partnerRow(), OLD_DAY);
    const rebuilt = await figures();
    expect(rebuilt.aggregates.map((a) => [a.linkId, a.clicks, a.uniqueClicks, a.botClicks, a.conversions])).toEqual([
      ['*', 3, 3, 1, 0],
      [link.id, 3, 3, 1, 0],
    ]);
    expect(rebuilt.countries).toEqual([
      { value: 'DE', clicks: 1, uniqueClicks: 1, botClicks: 0, conversions: 0, revenueMinor: 0, commissionMinor: 0 },
      { value: 'FR', clicks: 2, uniqueClicks: 2, botClicks: 1, conversions: 0, revenueMinor: 0, commissionMinor: 0 },
    ]);
  });

  it('drops a link row left with neither clicks nor conversions, as a full rebuild would', async () => {
    const other = await createLink(link.partnerId);
    await clicksOn(OLD_DAY, 1);
    const conversion = await insertConversion(link.partnerId, `${OLD_DAY}T20:00:00Z`, { linkId: other.id });
    await aggregatePartnerDay(env, await partnerRow(), OLD_DAY);
    await runRetention(env, NOW, SMALL);

    await dbOf(env).update(conversions).set({ status: 'rejected' }).where(eq(conversions.id, conversion.id)).run();
    await aggregatePartnerDay(env, await partnerRow(), OLD_DAY);

    expect((await figures()).aggregates.map((a) => [a.linkId, a.clicks, a.conversions])).toEqual([
      ['*', 1, 0],
      [link.id, 1, 0],
    ]);
  });
});

describe('the archive lease', () => {
  it('keeps a run from starting while another holds the archive', async () => {
    await clicksOn(OLD_DAY, 3);
    expect(await takeLease(env.DB, ARCHIVE_LEASE, 'another-run', 60_000)).toBe(true);

    const run = await runRetention(env, NOW, SMALL);

    expect(run).toMatchObject({ archivedRows: 0, deletedClicks: 0, isDone: false });
    expect(await clicksInD1()).toHaveLength(3);
    expect((await readManifest(env.ARCHIVE, OLD_DAY)).etag).toBeNull();
  });

  it('is taken over once its holder has let its time run out, as after a crash', async () => {
    await clicksOn(OLD_DAY, 3);
    expect(await takeLease(env.DB, ARCHIVE_LEASE, 'crashed-run', -1)).toBe(true);

    expect(await runRetention(env, NOW, SMALL)).toMatchObject({ archivedRows: 3, deletedClicks: 3 });
  });

  it('is given back at the end of a run, even one that failed', async () => {
    await clicksOn(OLD_DAY, 3);
    await expect(
      runRetention(env, NOW, SMALL, {
        afterWrite: () => {
          throw new Crash();
        },
      }),
    ).rejects.toThrow(Crash);

    expect(await takeLease(env.DB, ARCHIVE_LEASE, 'next-run', 60_000)).toBe(true);
  });
});

describe('archived days past ARCHIVE_RETENTION_DAYS', () => {
  it('are deleted from R2, objects and manifest, and younger ones kept', async () => {
    await clicksOn(OLD_DAY, 6);
    await clicksOn(LAST_OLD_DAY, 2);
    await runRetention(env, NOW, SMALL);
    expect((await env.ARCHIVE.list({ prefix: `clicks/${OLD_DAY}/` })).objects).toHaveLength(3);

    // 91 days back from NOW is 2026-09-06: the 1st is older, the 6th is not.
    const run = await runRetention({ ...env, ARCHIVE_RETENTION_DAYS: '91' }, NOW, SMALL);

    expect(run.expiredDays).toBe(1);
    expect((await env.ARCHIVE.list({ prefix: `clicks/${OLD_DAY}/` })).objects).toEqual([]);
    expect((await archiveOf(LAST_OLD_DAY)).rows).toHaveLength(2);
  });

  it('are kept 395 days by default', async () => {
    await clicksOn(OLD_DAY, 2);
    await runRetention(env, NOW, SMALL);

    const yearLater = Date.parse('2027-09-30T08:00:00Z');
    expect((await runRetention(env, yearLater, SMALL)).expiredDays).toBe(0);
    expect((await runRetention(env, Date.parse('2027-10-02T08:00:00Z'), SMALL)).expiredDays).toBe(1);
    expect((await archiveOf(OLD_DAY)).rows).toEqual([]);
  });
});

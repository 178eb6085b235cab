import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ClickEvent, wireBatch } from '../../src/domain/click-wire';
import {
  ALARM_DELAY_MS,
  ClickBuffer,
  FLUSH_AT,
  QUEUE_MAX_ROWS,
  UNIQUE_WINDOW_MS,
} from '../../src/objects/click-buffer';
import { clickEvent } from './events';

const namespace = env.CLICK_BUFFER as unknown as DurableObjectNamespace<ClickBuffer>;
const buffer = () => namespace.get(namespace.idFromName(`test-${crypto.randomUUID()}`));
type Stub = ReturnType<typeof buffer>;

const record = (stub: Stub, events: ClickEvent[]) =>
  runInDurableObject(stub, (instance: ClickBuffer) => instance.record(wireBatch(events)));

async function rows(ids: string[]) {
  const placeholders = ids.map(() => '?').join(',');
  return (
    await env.DB.prepare(`SELECT * FROM clicks WHERE id IN (${placeholders}) ORDER BY id`)
      .bind(...ids)
      .all()
  ).results;
}

// The clock is faked and years ahead of the real one: alarms set on it never go off by
// themselves, so each runs when a test runs it, and never in the middle of another test.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2031-06-01T12:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('ClickBuffer', () => {
  it('takes nothing from a text that holds no click batch', async () => {
    const stub = buffer();
    expect(await runInDurableObject(stub, (instance: ClickBuffer) => instance.record('{}'))).toBe(0);
    await runInDurableObject(stub, async (instance: ClickBuffer, state) => {
      expect(state.storage.sql.exec('SELECT n FROM batches').toArray()).toEqual([]);
      expect(await instance.pendingCount()).toBe(0);
    });
  });

  it('stores a batch in its own storage and arms the alarm, before anything reaches D1', async () => {
    const stub = buffer();
    const events = [clickEvent(), clickEvent()];
    const before = Date.now();
    expect(await record(stub, events)).toBe(2);
    await runInDurableObject(stub, async (instance: ClickBuffer, state) => {
      expect(state.storage.sql.exec('SELECT n FROM batches').toArray()).toEqual([{ n: 2 }]);
      expect(await instance.pendingCount()).toBe(2);
      // About a second, spread by a fifth either way so that shards do not all write together.
      const alarm = await state.storage.getAlarm();
      expect(alarm).toBeGreaterThanOrEqual(before + ALARM_DELAY_MS * 0.8);
      expect(alarm).toBeLessThanOrEqual(Date.now() + ALARM_DELAY_MS * 1.2);
    });
    expect(await rows(events.map((e) => e.id))).toEqual([]);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
  });

  it('writes its clicks to D1 on the alarm, described, then forgets them', async () => {
    const stub = buffer();
    const bot = clickEvent({ userAgent: 'facebookexternalhit/1.1', referer: 'https://m.facebook.com/story' });
    const person = clickEvent({ subIds: ['clio', null, null, null, 'x'], uidHash: 'U', fingerprint: 'F' });
    await record(stub, [bot, person]);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const [first, second] = await rows([bot.id, person.id]);
    expect(first).toMatchObject({
      id: bot.id,
      link_id: 'lnk_test',
      partner_id: 'ptn_test',
      created_at: bot.at,
      visitor_id: bot.visitorId,
      is_bot: 1,
      bot_reason: 'link_preview',
      device: 'bot',
      referrer_host: 'm.facebook.com',
      language: 'fr',
      country: 'FR',
      source: 'link',
    });
    expect(second).toMatchObject({
      is_bot: 0,
      bot_reason: null,
      is_unique: 1,
      device: 'mobile',
      os: 'iOS',
      browser: 'Safari',
      sub1: 'clio',
      sub5: 'x',
      uid_hash: 'U',
      fingerprint: 'F',
      utm_source: 'relais',
      utm_medium: 'affiliate',
      utm_campaign: 'test',
      variant: 'default',
      destination: 'https://www.autodoc.fr/freinage',
      deep_link_refused: 0,
    });
    await runInDurableObject(stub, async (instance: ClickBuffer, state) => {
      expect(await instance.pendingCount()).toBe(0);
      expect(state.storage.sql.exec('SELECT count(*) AS n FROM batches').one().n).toBe(0);
      expect(await state.storage.getAlarm()).toBeNull();
    });
  });

  it('judges each click by its own headers, even when its user agent was judged before with others', async () => {
    const stub = buffer();
    const browser = clickEvent();
    const library = clickEvent({ accept: '*/*' });
    const prefetch = clickEvent({ purpose: 'prefetch' });
    const again = clickEvent();
    await record(stub, [browser, library, prefetch, again]);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const found = await rows([browser.id, library.id, prefetch.id, again.id]);
    expect(found.map((r) => [r.is_bot, r.bot_reason])).toEqual([
      [0, null],
      [1, 'spoofed_browser'],
      [1, 'prefetch'],
      [0, null],
    ]);
  });

  it('keeps the clicks and re-arms the alarm when D1 refuses the write', async () => {
    const stub = buffer();
    const event = clickEvent();
    await record(stub, [event]);
    const batch = vi.spyOn(env.DB, 'batch').mockRejectedValueOnce(new Error('D1 is unavailable'));
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const before = Date.now();
    await runDurableObjectAlarm(stub);
    expect(batch).toHaveBeenCalledTimes(1);
    expect(await rows([event.id])).toEqual([]);
    await runInDurableObject(stub, async (instance: ClickBuffer, state) => {
      expect(await instance.pendingCount()).toBe(1);
      expect(await state.storage.getAlarm()).toBeGreaterThanOrEqual(before + 2_000);
    });
    await runDurableObjectAlarm(stub);
    expect((await rows([event.id])).length).toBe(1);
  });

  it('writes a click delivered twice only once', async () => {
    const stub = buffer();
    const event = clickEvent();
    await record(stub, [event]);
    await record(stub, [{ ...event }]);
    await runDurableObjectAlarm(stub);
    await record(stub, [{ ...event }]);
    await runDurableObjectAlarm(stub);
    expect((await rows([event.id])).length).toBe(1);
  });

  it('loses nothing across a restart: a new instance writes what the old one stored', async () => {
    const stub = buffer();
    const first = clickEvent({ visitorId: '01JDQ7Z8V3K2M4N5P6Q7R8S9AA' });
    await record(stub, [first]);
    await runInDurableObject(stub, async (_old: ClickBuffer, state) => {
      const restarted = new ClickBuffer(state, env);
      const again = clickEvent({ visitorId: first.visitorId, at: first.at + 1_000 });
      await restarted.record(wireBatch([again]));
      await restarted.alarm();
      const [a, b] = await rows([first.id, again.id]);
      expect(a?.is_unique).toBe(1);
      // The window the first click opened was read back from storage, not from memory.
      expect(b?.is_unique).toBe(0);
    });
  });

  it('counts a click unique again once 24 hours have passed since the last unique one', async () => {
    const stub = buffer();
    // Recent enough that the hourly clean-up of windows (by wall-clock time) keeps them.
    const t = Date.now() - 3_600_000;
    const visitor = '01JDQ7Z8V3K2M4N5P6Q7R8S9BB';
    const at = [t, t + 60_000, t + UNIQUE_WINDOW_MS - 1, t + UNIQUE_WINDOW_MS, t + UNIQUE_WINDOW_MS + 5];
    const events = at.map((time) => clickEvent({ at: time, visitorId: visitor }));
    await record(stub, events.slice(0, 2));
    await runDurableObjectAlarm(stub);
    await record(stub, events.slice(2));
    await runDurableObjectAlarm(stub);
    const other = clickEvent({ at: t + 1, visitorId: visitor, linkId: 'lnk_other' });
    await record(stub, [other]);
    await runDurableObjectAlarm(stub);
    expect((await rows(events.map((e) => e.id))).map((r) => r.is_unique)).toEqual([1, 0, 0, 1, 0]);
    expect((await rows([other.id]))[0]?.is_unique).toBe(1);
  });

  it('treats a visitor minted for the click as new, without reading its history', async () => {
    const stub = buffer();
    const event = clickEvent({ isNewVisitor: true });
    await record(stub, [event]);
    await runDurableObjectAlarm(stub);
    expect((await rows([event.id]))[0]?.is_unique).toBe(1);
  });

  it(`writes at once, without the alarm, once ${FLUSH_AT} clicks are buffered`, async () => {
    const stub = buffer();
    const events = Array.from({ length: FLUSH_AT }, () => clickEvent());
    await runInDurableObject(stub, async (instance: ClickBuffer, state) => {
      const write = vi.spyOn(instance as unknown as { write(): Promise<void> }, 'write');
      await instance.record(wireBatch(events));
      // The write began before the answer and runs after it; the alarm is still to come.
      expect(write).toHaveBeenCalledTimes(1);
      expect(await state.storage.getAlarm()).not.toBeNull();
      await write.mock.results[0]?.value;
      expect(await instance.pendingCount()).toBe(0);
    });
    const count = await env.DB.prepare('SELECT count(*) AS n FROM clicks WHERE id IN (SELECT value FROM json_each(?))')
      .bind(JSON.stringify(events.map((e) => e.id)))
      .first<{ n: number }>();
    expect(count?.n).toBe(FLUSH_AT);
  });

  it('writes a long backlog in several small D1 transactions', async () => {
    const stub = buffer();
    const batches = [0, 1, 2].map(() => Array.from({ length: 200 }, () => clickEvent()));
    for (const events of batches) await record(stub, events);
    const write = vi.spyOn(env.DB, 'batch');
    await runDurableObjectAlarm(stub);
    expect(write).toHaveBeenCalledTimes(3);
    const ids = batches.flat().map((e) => e.id);
    const count = await env.DB.prepare('SELECT count(*) AS n FROM clicks WHERE id IN (SELECT value FROM json_each(?))')
      .bind(JSON.stringify(ids))
      .first<{ n: number }>();
    expect(count?.n).toBe(600);
  });

  it("checks a returning visitor's click in D1 when it has no memory of the visitor", async () => {
    const t = Date.now() - 3_600_000;
    const visitor = '01JDQ7Z8V3K2M4N5P6Q7R8S9CC';
    const earlier = buffer();
    const first = clickEvent({ at: t - 60_000, visitorId: visitor });
    await record(earlier, [first]);
    await runDurableObjectAlarm(earlier);
    // Another object (as after a restart) knows nothing of the visitor: D1 holds the answer.
    const later = buffer();
    const again = clickEvent({ at: t, visitorId: visitor });
    const elsewhere = clickEvent({ at: t, visitorId: visitor, linkId: 'lnk_other' });
    const stranger = clickEvent({ at: t });
    await record(later, [again, elsewhere, stranger]);
    await runDurableObjectAlarm(later);
    expect((await rows([first.id, again.id, elsewhere.id, stranger.id])).map((r) => [r.id, r.is_unique])).toEqual([
      [first.id, 1],
      [again.id, 0],
      [elsewhere.id, 1],
      [stranger.id, 1],
    ]);
  });

  it("settles a visitor's unknown clicks on a link one after the other", async () => {
    const t = Date.now() - 3_600_000;
    const visitor = '01JDQ7Z8V3K2M4N5P6Q7R8S9DD';
    const old = clickEvent({ at: t - UNIQUE_WINDOW_MS - 60_000, visitorId: visitor });
    const earlier = buffer();
    await record(earlier, [old]);
    await runDurableObjectAlarm(earlier);
    // The first opens a new window (the old one is over); the second falls inside it, which D1
    // can only tell once the first is settled.
    const stub = buffer();
    const events = [clickEvent({ at: t, visitorId: visitor }), clickEvent({ at: t + 60_000, visitorId: visitor })];
    await record(stub, events);
    await runDurableObjectAlarm(stub);
    expect((await rows(events.map((e) => e.id))).map((r) => r.is_unique)).toEqual([1, 0]);
  });

  it('settles in D1 the uniqueness of returning visitors only, not of visitors minted for the click', async () => {
    const stub = buffer();
    await record(stub, [clickEvent({ isNewVisitor: true }), clickEvent({ isNewVisitor: true })]);
    const write = vi.spyOn(env.DB, 'batch');
    await runDurableObjectAlarm(stub);
    await record(stub, [clickEvent({ isNewVisitor: false })]);
    await runDurableObjectAlarm(stub);
    // The insert alone, then the insert and one check.
    expect(write.mock.calls.map(([statements]) => statements.length)).toEqual([1, 2]);
  });

  it(`reads a backlog longer than ${QUEUE_MAX_ROWS} clicks back from storage, and loses none of it across a restart`, async () => {
    const stub = buffer();
    const ids: string[] = [];
    const batchOf = () => {
      const events = Array.from({ length: 500 }, () => clickEvent({ isNewVisitor: true }));
      ids.push(...events.map((e) => e.id));
      return wireBatch(events);
    };
    await runInDurableObject(stub, async (instance: ClickBuffer, state) => {
      // D1 refuses every write meanwhile, so the backlog grows past what memory holds.
      const refuse = vi.spyOn(env.DB, 'batch').mockRejectedValue(new Error('D1 is unavailable'));
      vi.spyOn(console, 'error').mockImplementation(() => {});
      for (let i = 0; i < QUEUE_MAX_ROWS / 500 + 2; i++) await instance.record(batchOf());
      await instance.alarm().catch(() => {});
      refuse.mockRestore();
      const restarted = new ClickBuffer(state, env);
      await restarted.record(batchOf());
      while ((await restarted.pendingCount()) > 0) await restarted.alarm();
    });
    const count = await env.DB.prepare('SELECT count(*) AS n FROM clicks WHERE id IN (SELECT value FROM json_each(?))')
      .bind(JSON.stringify(ids))
      .first<{ n: number }>();
    expect(count?.n).toBe(ids.length);
  });
});

import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WIRE } from '../../src/domain/click-wire';
import {
  CLICK_SHARDS,
  FLUSH_DELAY_MS,
  flushClicks,
  MAX_BATCH,
  recordClick,
  shardName,
  shardOf,
} from '../../src/isolate/click-recorder';
import { pendingClick } from './events';

/** A stand-in for a request's ExecutionContext that keeps what it is asked to wait for. */
function requestContext() {
  const waited: Promise<unknown>[] = [];
  return { waited, ctx: { waitUntil: (p: Promise<unknown>) => waited.push(p), passThroughOnException() {} } };
}

/** The batches a shard's ClickBuffer stored, as click counts in arrival order. */
async function storedBatches(shard: number): Promise<number[]> {
  const stub = env.CLICK_BUFFER.get(env.CLICK_BUFFER.idFromName(shardName(shard)));
  return runInDurableObject(stub, (_instance, state) =>
    state.storage.sql
      .exec<{ n: number }>('SELECT n FROM batches ORDER BY seq')
      .toArray()
      .map((r) => r.n),
  );
}

/** Visitor ids that all fall in `shard`. */
function visitorsOf(shard: number, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const id = `01JDQ7Z8V3K2M4N5P${String(i).padStart(9, '0')}`;
    if (shardOf(id) === shard) out.push(id);
  }
  return out;
}

/**
 * The ClickBuffer namespace, except that the first `record` call gets `firstAnswer` instead of
 * reaching the object; `seen` counts them all and keeps what each was sent.
 */
function firstRecordAnswers(firstAnswer: () => Promise<number>) {
  const real = env.CLICK_BUFFER;
  const seen = { calls: 0, batches: [] as unknown[] };
  const namespace = {
    idFromName: (name: string) => real.idFromName(name),
    get: (id: DurableObjectId) => {
      const stub = real.get(id) as unknown as { record(b: unknown): Promise<number> };
      return {
        record: (batch: unknown) => {
          seen.calls++;
          seen.batches.push(batch);
          return seen.calls === 1 ? firstAnswer() : stub.record(batch);
        },
      };
    },
  };
  return { env: { ...env, CLICK_BUFFER: namespace } as unknown as Env, seen };
}

afterEach(async () => {
  vi.useRealTimers();
  await flushClicks(env);
  vi.restoreAllMocks();
});

describe('recordClick', () => {
  it('spreads visitors over the shards, always the same shard for one visitor', () => {
    const last = CLICK_SHARDS - 1;
    expect(new Set(visitorsOf(last, 3).map(shardOf))).toEqual(new Set([last]));
    const all = new Set(
      Array.from({ length: 500 }, (_, i) => shardOf(`01JDQ7Z8V3K2M4N5P6Q7${String(i).padStart(6, '0')}`)),
    );
    expect(all.size).toBe(CLICK_SHARDS);
  });

  it('sends the clicks of one window to their shard in one call, after the response', async () => {
    const shard = 5 % CLICK_SHARDS;
    const before = await storedBatches(shard);
    const opener = requestContext();
    const joiner = requestContext();
    const [a, b, c] = visitorsOf(shard, 3);
    // The window's timer goes off when the test says, not when a busy machine lets the test look.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    recordClick(env, opener.ctx as unknown as ExecutionContext, pendingClick({ visitorId: a }), shard);
    recordClick(env, joiner.ctx as unknown as ExecutionContext, pendingClick({ visitorId: b }), shard);
    recordClick(env, joiner.ctx as unknown as ExecutionContext, pendingClick({ visitorId: c }), shard);
    // Only the request that opened the batch waits for it; nothing was sent yet.
    expect(opener.waited).toHaveLength(1);
    expect(joiner.waited).toHaveLength(0);
    expect(await storedBatches(shard)).toEqual(before);
    vi.advanceTimersByTime(FLUSH_DELAY_MS - 1);
    expect(await storedBatches(shard)).toEqual(before);
    vi.advanceTimersByTime(1);
    await Promise.all(opener.waited);
    expect(await storedBatches(shard)).toEqual([...before, 3]);
  });

  it(`sends a batch at once when it reaches ${MAX_BATCH} clicks`, async () => {
    const shard = 6 % CLICK_SHARDS;
    const before = await storedBatches(shard);
    const request = requestContext();
    const ctx = request.ctx as unknown as ExecutionContext;
    for (const visitorId of visitorsOf(shard, MAX_BATCH)) recordClick(env, ctx, pendingClick({ visitorId }), shard);
    // The timer's promise and the send's: the send resolves without waiting for the timer.
    expect(request.waited).toHaveLength(2);
    await request.waited[1];
    expect(await storedBatches(shard)).toEqual([...before, MAX_BATCH]);
  });

  it('hands the batch over to a later request when its timer never ran', async () => {
    const shard = 7 % CLICK_SHARDS;
    const before = await storedBatches(shard);
    const [a, b] = visitorsOf(shard, 2);
    const stalled = requestContext();
    const later = requestContext();
    const at = Date.now();
    recordClick(env, stalled.ctx as unknown as ExecutionContext, pendingClick({ visitorId: a, at }), shard);
    recordClick(env, later.ctx as unknown as ExecutionContext, pendingClick({ visitorId: b, at: at + 5_000 }), shard);
    // The later request sent the old batch itself, and opened a new one for its own click.
    expect(later.waited).toHaveLength(2);
    await Promise.all([...stalled.waited, ...later.waited]);
    expect(await storedBatches(shard)).toEqual([...before, 1, 1]);
  });

  it('retries a failed delivery and delivers the batch once', async () => {
    const shard = 8 % CLICK_SHARDS;
    const before = await storedBatches(shard);
    const flaky = firstRecordAnswers(() => Promise.reject(new Error('Durable Object reset')));
    const request = requestContext();
    const [visitorId] = visitorsOf(shard, 1);
    recordClick(flaky.env, request.ctx as unknown as ExecutionContext, pendingClick({ visitorId }), shard);
    await Promise.all(request.waited);
    expect(flaky.seen.calls).toBe(2);
    expect(await storedBatches(shard)).toEqual([...before, 1]);
  });

  it('sends a batch again when its ClickBuffer stored none of it', async () => {
    const shard = 10 % CLICK_SHARDS;
    const before = await storedBatches(shard);
    // A ClickBuffer that does not read the batch answers as for an empty one.
    const outdated = firstRecordAnswers(() => Promise.resolve(0));
    const request = requestContext();
    for (const visitorId of visitorsOf(shard, 2)) {
      recordClick(outdated.env, request.ctx as unknown as ExecutionContext, pendingClick({ visitorId }), shard);
    }
    await Promise.all(request.waited);
    expect(outdated.seen.calls).toBe(2);
    expect(await storedBatches(shard)).toEqual([...before, 2]);
  });

  it('sends a batch as one JSON string, each repeated value once, with keyed hashes in place of the IP and user id', async () => {
    const shard = 11 % CLICK_SHARDS;
    const watched = firstRecordAnswers(() => Promise.resolve(2));
    const request = requestContext();
    const [a, b] = visitorsOf(shard, 2);
    const ctx = request.ctx as unknown as ExecutionContext;
    recordClick(watched.env, ctx, pendingClick({ visitorId: a }, '203.0.113.7', 'user-42'), shard);
    recordClick(watched.env, ctx, pendingClick({ visitorId: b }, '203.0.113.8', null), shard);
    await Promise.all(request.waited);
    const [sent] = watched.seen.batches;
    expect(typeof sent).toBe('string');
    const text = sent as string;
    expect(text).not.toContain('203.0.113');
    expect(text).not.toContain('user-42');
    const batch = JSON.parse(text) as { strings: string[]; clicks: unknown[][] };
    expect(batch.clicks).toHaveLength(2);
    expect(batch.strings.filter((s) => s.startsWith('Mozilla/'))).toHaveLength(1);
    const [first, second] = batch.clicks;
    expect(first?.[WIRE.uidHash]).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(second?.[WIRE.uidHash]).toBeNull();
    expect(first?.[WIRE.fingerprint]).not.toBe(second?.[WIRE.fingerprint]);
    expect(first).toHaveLength(second?.length ?? 0);
  });

  it('waits a short window only', () => {
    expect(FLUSH_DELAY_MS).toBeLessThanOrEqual(50);
  });
});

describe('flushClicks', () => {
  it('sends every open batch and resolves once they are stored', async () => {
    const shard = 9 % CLICK_SHARDS;
    const before = await storedBatches(shard);
    const [visitorId] = visitorsOf(shard, 1);
    recordClick(env, requestContext().ctx as unknown as ExecutionContext, pendingClick({ visitorId }), shard);
    await flushClicks(env);
    expect(await storedBatches(shard)).toEqual([...before, 1]);
  });
});

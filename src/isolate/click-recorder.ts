// Collects the isolate's clicks in small per-shard batches and hands each batch to its ClickBuffer in one RPC.
//
// Why batches: a Durable Object call per click costs more than the redirect itself. Clicks
// wait here at most FLUSH_DELAY_MS (or until MAX_BATCH of them), then travel together. Every
// request whose click is in a batch passes the batch's promise to `waitUntil`, so the runtime
// keeps the isolate alive until the ClickBuffer has stored the click: the 302 never waits, and
// nothing is dropped when the isolate would otherwise be evicted.
// Keyed hashes (app user id, fingerprint) are computed here, after the response and before the
// click leaves the isolate: the raw IP and user id are never sent anywhere.

import { internBatch, type PendingClick, RAW_IP, RAW_UID, WIRE, type WireText } from '../domain/click-wire';
import { fingerprintDay } from '../domain/identity';
import { KeyedHasher } from '../domain/keyed-hasher';
import { stickyHash } from '../domain/targeting';

/**
 * Number of ClickBuffer objects; a visitor always maps to the same one. Fewer shards make each
 * RPC, storage write and D1 transaction carry more clicks: in `npm run bench`, two cost about 7%
 * less CPU per click than eight, with a lower p99. More shards split the work of describing and
 * storing clicks (some tens of microseconds each) between objects; two already absorb more clicks
 * per second than one D1 database takes. Changing the number is safe at any time: uniqueness is
 * settled in D1, not in the objects.
 */
export const CLICK_SHARDS = 2;
/** Longest time a click waits in the isolate before its batch is sent. */
export const FLUSH_DELAY_MS = 50;
/** A batch is sent at once when it holds this many clicks. */
export const MAX_BATCH = 200;
// 0.1 + 0.4 + 1.6 + 6.4 s of back-off: well inside the 30 s `waitUntil` grants after the response.
const SEND_ATTEMPTS = 5;
const STALE_BATCH_MS = 1_000;
const RETRY_BASE_MS = 100;

type Batch = { clicks: PendingClick[]; openedAt: number };

const open: (Batch | undefined)[] = new Array(CLICK_SHARDS);
const inFlight = new Set<Promise<void>>();

/**
 * The shard of a visitor: every click of one visitor goes to one ClickBuffer.
 * @example shardOf('01JDQ7Z8V3K2M4N5P6Q7R8S9T0') // an integer in [0, CLICK_SHARDS)
 */
export function shardOf(visitorId: string): number {
  return stickyHash(visitorId) % CLICK_SHARDS;
}

/** The Durable Object name of a shard. */
export const shardName = (shard: number) => `clicks-${shard}`;

// Ids are plain values (unlike stubs) and hashing a name costs: each shard's is derived once.
const shardIds = new WeakMap<object, DurableObjectId[]>();

function shardId(ns: { idFromName(name: string): DurableObjectId }, shard: number): DurableObjectId {
  let ids = shardIds.get(ns);
  if (ids === undefined) {
    ids = [];
    shardIds.set(ns, ids);
  }
  let id = ids[shard];
  if (id === undefined) {
    id = ns.idFromName(shardName(shard));
    ids[shard] = id;
  }
  return id;
}

/**
 * Queues a click for its shard's next batch. The request that opens a batch keeps the isolate
 * alive (`waitUntil`) until its timer has sent the batch and the ClickBuffer has stored it; the
 * request that fills a batch sends it at once and waits for it the same way.
 *
 * Requests that merely join a batch add no `waitUntil` of their own: the opener's is enough to
 * keep the isolate (and so their clicks) alive, and every promise here is settled in the
 * request that made it. A promise shared by many requests and settled from another one is
 * exactly what workerd's cross-request promise handling cancels once its creator has ended,
 * and pinning every request for the batch's lifetime measurably slows the isolate.
 * @example recordClick(env, ctx, pendingClick(event, ip, uid), shardOf(event.visitorId));
 */
export function recordClick(env: Env, ctx: ExecutionContext, click: PendingClick, shard: number): void {
  const at = click[WIRE.at] as number;
  let batch = open[shard];
  // A batch whose timer should have fired long ago lost its opener (cancelled): this request takes it over.
  if (batch !== undefined && at - batch.openedAt > STALE_BATCH_MS) {
    ctx.waitUntil(take(env, shard, batch));
    batch = undefined;
  }
  if (batch === undefined) {
    const opened: Batch = { clicks: [], openedAt: at };
    open[shard] = opened;
    batch = opened;
    ctx.waitUntil(
      new Promise<void>((resolve) => {
        setTimeout(() => resolve(take(env, shard, opened)), FLUSH_DELAY_MS);
      }),
    );
  }
  batch.clicks.push(click);
  if (batch.clicks.length >= MAX_BATCH) ctx.waitUntil(take(env, shard, batch));
}

/** Sends `batch` unless another request already did; resolves once it is stored (never rejects). */
function take(env: Env, shard: number, batch: Batch): Promise<void> {
  if (open[shard] !== batch) return Promise.resolve();
  open[shard] = undefined;
  const sending = send(env, shard, batch.clicks).finally(() => {
    inFlight.delete(sending);
  });
  inFlight.add(sending);
  return sending;
}

async function send(env: Env, shard: number, clicks: PendingClick[]): Promise<void> {
  let batch: WireText;
  try {
    const hasher = hasherFor(env.HASH_KEY);
    for (const click of clicks) withHashes(hasher, click);
    batch = JSON.stringify(internBatch(clicks));
  } catch (err) {
    console.error('click batch not hashed', clicks.length, err);
    return;
  }
  const ns = env.CLICK_BUFFER;
  for (let attempt = 1; ; attempt++) {
    try {
      // A stub per send: stubs belong to the request that made them, and batches outlive requests.
      const stored = await ns.get(shardId(ns, shard)).record(batch);
      // A ClickBuffer that stored fewer clicks than it was sent (one that does not read this
      // batch's shape, during a deploy) has not taken them: they are sent again.
      if (stored !== clicks.length) throw new Error(`ClickBuffer stored ${stored} of ${clicks.length} clicks`);
      return;
    } catch (err) {
      // Retrying is safe: click ids make the final write idempotent.
      if (attempt >= SEND_ATTEMPTS) {
        console.error('click batch not delivered', shard, clicks.length, err);
        return;
      }
      await new Promise((r) => setTimeout(r, RETRY_BASE_MS * 4 ** (attempt - 1)));
    }
  }
}

let cached: { key: string; hasher: KeyedHasher } | undefined;

function hasherFor(key: string): KeyedHasher {
  if (cached?.key !== key) cached = { key, hasher: new KeyedHasher(key) };
  return cached.hasher;
}

// The salt's day of the last click hashed: clicks come in time order, so it rarely changes.
let day = { from: 0, to: 0, name: '' };

function dayOf(atMs: number): string {
  if (atMs < day.from || atMs >= day.to) {
    const from = atMs - (atMs % 86_400_000);
    day = { from, to: from + 86_400_000, name: fingerprintDay(atMs) };
  }
  return day.name;
}

/** Replaces the click's raw app user id and IP by their keyed hashes (the raw values are cut off). */
function withHashes(hasher: KeyedHasher, click: PendingClick): void {
  const uid = click[RAW_UID] as string | null | undefined;
  const ip = click[RAW_IP] as string | null | undefined;
  if (uid) click[WIRE.uidHash] = hasher.user(uid);
  if (ip) {
    const ua = (click[WIRE.userAgent] as string | null) ?? '';
    click[WIRE.fingerprint] = hasher.fingerprint(ip, ua, dayOf(click[WIRE.at] as number));
  }
  click.length = RAW_IP;
}

/**
 * Sends every open batch now and resolves once all clicks queued in this isolate so far are
 * stored by their ClickBuffers (tests, instead of waiting for the timers).
 */
export async function flushClicks(env: Env): Promise<void> {
  for (let shard = 0; shard < CLICK_SHARDS; shard++) {
    const batch = open[shard];
    if (batch !== undefined) void take(env, shard, batch);
  }
  await Promise.all(inFlight);
}

/**
 * Brings every click recorded so far into D1: this isolate's open batches are sent, then each
 * ClickBuffer writes what it holds. Clicks of other isolates still in their 50 ms batches are not
 * reached; those are the last few of the moment, and a later call takes them.
 * @example await writeAllClicks(env) // before an erasure reads D1
 */
export async function writeAllClicks(env: Env): Promise<void> {
  await flushClicks(env);
  const ns = env.CLICK_BUFFER;
  await Promise.all(
    Array.from({ length: CLICK_SHARDS }, async (_, shard) => {
      // A write already under way covers only what was stored before it began: asked again, the
      // buffer writes the rest. A few rounds, as clicks keep arriving on a busy shard.
      for (let round = 0; round < WRITE_ROUNDS; round++) {
        if ((await ns.get(shardId(ns, shard)).writeNow()) === 0) return;
      }
    }),
  );
}

/** Times `writeAllClicks` asks a buffer to write before it leaves the latest arrivals to their alarm. */
const WRITE_ROUNDS = 3;

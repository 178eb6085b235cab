// Collects the isolate's clicks in small per-shard batches and hands each batch to its ClickBuffer in one RPC.
//
// Why batches: a Durable Object call per click costs more than the redirect itself. Clicks
// wait here at most FLUSH_DELAY_MS (or until MAX_BATCH of them), then travel together. Every
// request whose click is in a batch passes the batch's promise to `waitUntil`, so the runtime
// keeps the isolate alive until the ClickBuffer has stored the click: the 302 never waits, and
// nothing is dropped when the isolate would otherwise be evicted.
// Keyed hashes (app user id, fingerprint) are computed here, after the response and before the
// click leaves the isolate: the raw IP and user id are never sent anywhere.
import { fingerprintDay } from '../domain/identity';
import { stickyHash } from '../domain/targeting';
import type { ClickBuffer } from '../objects/click-buffer';
import { KeyedHasher } from './keyed-hasher';

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

/** A click as the ClickBuffer receives it: raw request facts, already stripped of raw identifiers. */
export type ClickEvent = {
  id: string;
  /** Milliseconds since the epoch when the redirect was served. */
  at: number;
  /** Empty for a referral code that led to the partner's website rather than a link. */
  linkId: string;
  partnerId: string;
  visitorId: string;
  /** Whether the visitor id was minted for this click (no valid cookie came): then it has no history. */
  isNewVisitor: boolean;
  userAgent: string | null;
  accept: string | null;
  secChUa: string | null;
  purpose: string | null;
  acceptLanguage: string | null;
  referer: string | null;
  country: string | null;
  subIds: (string | null)[];
  utmSource: string;
  utmMedium: string;
  utmCampaign: string;
  placement: string | null;
  variant: string;
  destination: string;
  deepLinkRefused: boolean;
  uidHash: string | null;
  fingerprint: string | null;
  source: 'link' | 'referral';
  referralCode: string | null;
};

/**
 * A click on the wire to its ClickBuffer: the event's values in a fixed order (arrays cost far
 * less than objects to serialise and rebuild). `WIRE` names the positions.
 */
export type WireClick = (string | number | null)[];

/**
 * A batch of clicks. Values that repeat from click to click (link, partner, user agent,
 * headers, UTM, destination...) are held once in `strings`, and the click holds their index
 * there: it halves what each batch carries.
 */
export type WireBatch = { strings: string[]; clicks: WireClick[] };

/**
 * A batch as the RPC carries it: the JSON of a `WireBatch`. One string crosses the RPC boundary
 * as a single copy, where a structure of some thousands of values is serialised value by value
 * on one side and rebuilt on the other (and again by any hop in between): in `npm run bench`,
 * JSON costs the redirect's process about 4 us less per click, and the ClickBuffer's 3 us less.
 */
export type WireText = string;

export const WIRE = {
  id: 0,
  at: 1,
  linkId: 2,
  partnerId: 3,
  visitorId: 4,
  userAgent: 5,
  accept: 6,
  secChUa: 7,
  purpose: 8,
  acceptLanguage: 9,
  referer: 10,
  country: 11,
  sub1: 12,
  utmSource: 17,
  utmMedium: 18,
  utmCampaign: 19,
  placement: 20,
  variant: 21,
  destination: 22,
  deepLinkRefused: 23,
  uidHash: 24,
  fingerprint: 25,
  source: 26,
  referralCode: 27,
  isNewVisitor: 28,
} as const;

/** Positions whose string travels through `WireBatch.strings`. */
export const INTERNED: readonly number[] = [
  WIRE.linkId,
  WIRE.partnerId,
  WIRE.userAgent,
  WIRE.accept,
  WIRE.secChUa,
  WIRE.purpose,
  WIRE.acceptLanguage,
  WIRE.referer,
  WIRE.country,
  WIRE.utmSource,
  WIRE.utmMedium,
  WIRE.utmCampaign,
  WIRE.placement,
  WIRE.variant,
  WIRE.destination,
  WIRE.source,
  WIRE.referralCode,
];

/** The wire form of a batch of events, each repeated string sent once. */
export function wireBatch(events: ClickEvent[]): WireText {
  return JSON.stringify(internBatch(events.map(toWire)));
}

/** A batch of wire clicks, their repeated strings replaced by indexes (in place). */
function internBatch(wires: WireClick[]): WireBatch {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const clicks = wires.map((wire) => {
    for (const position of INTERNED) {
      const value = wire[position];
      if (typeof value !== 'string') continue;
      let i = index.get(value);
      if (i === undefined) {
        i = strings.length;
        strings.push(value);
        index.set(value, i);
      }
      wire[position] = i;
    }
    return wire;
  });
  return { strings, clicks };
}

/** The clicks of a batch with their strings back in place (in place: the batch is consumed). */
export function readBatch(batch: WireBatch): WireClick[] {
  const { strings, clicks } = batch;
  for (const wire of clicks) {
    for (const position of INTERNED) {
      const i = wire[position];
      if (typeof i === 'number') wire[position] = strings[i] ?? null;
    }
  }
  return clicks;
}

/**
 * A click as the redirect leaves it: its wire form followed by the raw values only this isolate
 * may see, at `RAW_IP` (the visitor's IP, null when they opted out of tracking) and `RAW_UID`
 * (the app user id); both are replaced by keyed hashes, and cut off, before the click leaves.
 * One array per click: it waits up to FLUSH_DELAY_MS, long enough to outlive the young
 * generation of the garbage collector, so the hot path keeps only this.
 */
export type PendingClick = WireClick;

const RAW_IP = 29;
const RAW_UID = 30;

/**
 * The pending form of an event, with the raw IP and user id beside it.
 * @example recordClick(env, ctx, pendingClick(event, ip, uid), shardOf(event.visitorId));
 */
export function pendingClick(e: ClickEvent, ip: string | null, uid: string | null): PendingClick {
  // Made at its full length at once: a click is built on every redirect, and growing an
  // array by two would copy it.
  const s = e.subIds;
  return [
    e.id,
    e.at,
    e.linkId,
    e.partnerId,
    e.visitorId,
    e.userAgent,
    e.accept,
    e.secChUa,
    e.purpose,
    e.acceptLanguage,
    e.referer,
    e.country,
    s[0] ?? null,
    s[1] ?? null,
    s[2] ?? null,
    s[3] ?? null,
    s[4] ?? null,
    e.utmSource,
    e.utmMedium,
    e.utmCampaign,
    e.placement,
    e.variant,
    e.destination,
    e.deepLinkRefused ? 1 : 0,
    e.uidHash,
    e.fingerprint,
    e.source,
    e.referralCode,
    e.isNewVisitor ? 1 : 0,
    ip,
    uid,
  ];
}

/** The wire form of an event (see `WIRE`). */
export function toWire(e: ClickEvent): WireClick {
  const wire = pendingClick(e, null, null);
  wire.length = RAW_IP;
  return wire;
}

type Batch = { clicks: PendingClick[]; openedAt: number };

const open: (Batch | undefined)[] = new Array(CLICK_SHARDS);
const inFlight = new Set<Promise<void>>();
let lost = 0;

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
    lost += clicks.length;
    console.error('click batch not hashed', clicks.length, err);
    return;
  }
  const ns = env.CLICK_BUFFER as unknown as DurableObjectNamespace<ClickBuffer>;
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
        lost += clicks.length;
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

/** Clicks this isolate gave up on after every retry failed (logged; zero in a healthy system). */
export function clickRecorderStats() {
  let queued = 0;
  for (const batch of open) queued += batch?.clicks.length ?? 0;
  return { queued, sending: inFlight.size, lost };
}

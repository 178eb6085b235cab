// Collects the isolate's clicks in small per-shard batches and hands each batch to its ClickBuffer in one RPC.
//
// Why batches: a Durable Object call per click costs more than the redirect itself. Clicks
// wait here at most FLUSH_DELAY_MS (or until MAX_BATCH of them), then travel together. Every
// request whose click is in a batch passes the batch's promise to `waitUntil`, so the runtime
// keeps the isolate alive until the ClickBuffer has stored the click: the 302 never waits, and
// nothing is dropped when the isolate would otherwise be evicted.
// Keyed hashes (app user id, fingerprint) are computed here, after the response and before the
// click leaves the isolate: the raw IP and user id are never sent anywhere.
import { fingerprintDay, fingerprintOf, userHash } from '../domain/identity';
import { stickyHash } from '../domain/targeting';
import type { ClickBuffer } from '../objects/click-buffer';

/** Number of ClickBuffer objects; a visitor always maps to the same one, which decides uniqueness. */
export const CLICK_SHARDS = 16;
/** Longest time a click waits in the isolate before its batch is sent. */
export const FLUSH_DELAY_MS = 20;
/** A batch is sent at once when it holds this many clicks. */
export const MAX_BATCH = 200;
// 0.1 + 0.4 + 1.6 + 6.4 s of back-off: well inside the 30 s `waitUntil` grants after the response.
const SEND_ATTEMPTS = 5;
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

/** A click as the redirect leaves it: the event plus the raw values only this isolate may see. */
export type PendingClick = {
  event: ClickEvent;
  /** The visitor's IP, null when they opted out of tracking: only its keyed hash leaves the isolate. */
  ip: string | null;
  /** The app user id (`uid`): only its keyed hash leaves the isolate. */
  uid: string | null;
};

type Batch = {
  clicks: PendingClick[];
  done: Promise<void>;
  resolve: () => void;
  timer: ReturnType<typeof setTimeout> | undefined;
};

const open: (Batch | undefined)[] = new Array(CLICK_SHARDS);
const inFlight = new Set<Promise<void>>();
let lost = 0;

/**
 * The shard of a visitor: every click of one visitor goes to one ClickBuffer.
 * @example shardOf('01JDQ7Z8V3K2M4N5P6Q7R8S9T0') // an integer in [0, 16)
 */
export function shardOf(visitorId: string): number {
  return stickyHash(visitorId) % CLICK_SHARDS;
}

/** The Durable Object name of a shard. */
export const shardName = (shard: number) => `clicks-${shard}`;

/**
 * Queues a click for its shard's next batch and ties the request's lifetime to that batch.
 * @example recordClick(env, ctx, { event, ip, uid }, shardOf(event.visitorId));
 */
export function recordClick(env: Env, ctx: ExecutionContext, click: PendingClick, shard: number): void {
  let batch = open[shard];
  if (batch === undefined) {
    let resolve!: () => void;
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    batch = { clicks: [], done, resolve, timer: undefined };
    open[shard] = batch;
    // Armed by the request that opened the batch: that request is kept alive by the batch's
    // promise, so the timer and the RPC it starts run in a live request.
    batch.timer = setTimeout(() => flushShard(env, shard), FLUSH_DELAY_MS);
  }
  batch.clicks.push(click);
  ctx.waitUntil(batch.done);
  if (batch.clicks.length >= MAX_BATCH) flushShard(env, shard);
}

function flushShard(env: Env, shard: number): void {
  const batch = open[shard];
  if (batch === undefined) return;
  open[shard] = undefined;
  if (batch.timer !== undefined) clearTimeout(batch.timer);
  const sending = send(env, shard, batch.clicks).finally(() => {
    inFlight.delete(sending);
    batch.resolve();
  });
  inFlight.add(sending);
}

async function send(env: Env, shard: number, clicks: PendingClick[]): Promise<void> {
  let events: ClickEvent[];
  try {
    events = await Promise.all(clicks.map((click) => withHashes(env.HASH_KEY, click)));
  } catch (err) {
    lost += clicks.length;
    console.error('click batch not hashed', clicks.length, err);
    return;
  }
  const ns = env.CLICK_BUFFER as DurableObjectNamespace<ClickBuffer>;
  for (let attempt = 1; ; attempt++) {
    try {
      // A stub per send: stubs belong to the request that made them, and batches outlive requests.
      await ns.get(ns.idFromName(shardName(shard))).record(events);
      return;
    } catch (err) {
      // Retrying is safe: click ids make the final write idempotent.
      if (attempt >= SEND_ATTEMPTS) {
        lost += events.length;
        console.error('click batch not delivered', shard, events.length, err);
        return;
      }
      await new Promise((r) => setTimeout(r, RETRY_BASE_MS * 4 ** (attempt - 1)));
    }
  }
}

async function withHashes(hashKey: string, click: PendingClick): Promise<ClickEvent> {
  const { event, ip, uid } = click;
  if (uid !== null) event.uidHash = await userHash(hashKey, uid);
  if (ip !== null)
    event.fingerprint = await fingerprintOf(hashKey, ip, event.userAgent ?? '', fingerprintDay(event.at));
  return event;
}

/**
 * Sends every open batch now and resolves once all batches of this isolate have been
 * stored (tests and the bench use it instead of waiting for the timer).
 */
export async function flushClicks(env: Env): Promise<void> {
  for (let shard = 0; shard < CLICK_SHARDS; shard++) flushShard(env, shard);
  await Promise.all(inFlight);
}

/** Clicks this isolate gave up on after every retry failed (logged; zero in a healthy system). */
export function clickRecorderStats() {
  let queued = 0;
  for (const batch of open) queued += batch?.clicks.length ?? 0;
  return { queued, sending: inFlight.size, lost };
}

// Counts the isolate's requests for unknown slugs in memory and adds them to D1 in one batch every few seconds.
//
// Unknown slugs are what a scan or a flood of random paths asks for, so a hit costs no I/O:
// it adds one to a small Map, and the request that opens a window keeps the isolate alive
// (`waitUntil`) until ORPHAN_FLUSH_DELAY_MS later, when the window's counts go to D1 in one batch
// of upserts. At most one batch per isolate per window, however many hits; the 404 never waits.
// Memory is bound by the distinct paths a window keeps (the rest count under `(other)`), and
// rows by the paths a day keeps, decided in SQL (src/db/orphan-visits.ts). Nothing about the
// requester is kept: the user agent only decides bot or not, here, and is dropped.
import { addOrphanCounts, type OrphanCount } from '../db/orphan-visits';
import { detectBot } from '../domain/bots';
import { dateIn, dayRangeIn, timeZoneOf } from '../domain/calendar';
import { OTHER_ORPHAN_PATH, orphanPathOf } from '../domain/orphan-visits';
import { BoundedMap } from '../lib/bounded-map';

/** Longest time a count waits in the isolate before its window is written. */
export const ORPHAN_FLUSH_DELAY_MS = 2_000;
/** Distinct days and paths a window keeps; further paths count under `(other)`. */
export const MAX_ORPHAN_PATHS_PER_WINDOW = 500;
/** Distinct paths stored per day; further paths are added to the day's `(other)` row. */
export const MAX_ORPHAN_PATHS_PER_DAY = 1_000;
// A window whose timer should have fired long ago lost its opener (cancelled): the next hit sends it.
const STALE_WINDOW_MS = 10_000;
// Bot verdicts by headers: floods repeat one user agent, and a full verdict runs many patterns.
const verdicts = new BoundedMap<string, boolean>(1_000);
const EXAMINED_AGENT_LENGTH = 1_024;

type Window = { counts: Map<string, OrphanCount>; openedAt: number };

let open: Window | undefined;
const inFlight = new Set<Promise<void>>();
let day = { timeZone: '', startMs: 0, endMs: 0, date: '' };

/**
 * Counts a request for `slug`, which names no link, under its day and path, as a bot's or a
 * person's. No I/O: the write happens after the response, from `waitUntil`.
 * @example countOrphanVisit(env, ctx, request, 'autodoc-frein', Date.now()); return notFoundPage();
 */
export function countOrphanVisit(env: Env, ctx: ExecutionContext, request: Request, slug: string, nowMs: number) {
  const date = dateOf(nowMs, timeZoneOf(env.REPORT_TIMEZONE));
  const isBot = isBotRequest(request.headers);
  let window = open;
  if (window !== undefined && nowMs - window.openedAt > STALE_WINDOW_MS) {
    ctx.waitUntil(take(env, window));
    window = undefined;
  }
  if (window === undefined) {
    const opened: Window = { counts: new Map(), openedAt: nowMs };
    open = opened;
    window = opened;
    ctx.waitUntil(
      new Promise<void>((resolve) => {
        setTimeout(() => resolve(take(env, opened)), ORPHAN_FLUSH_DELAY_MS);
      }),
    );
  }
  let path = orphanPathOf(slug);
  let key = `${date}\n${path}`;
  let count = window.counts.get(key);
  if (count === undefined && window.counts.size >= MAX_ORPHAN_PATHS_PER_WINDOW) {
    path = OTHER_ORPHAN_PATH;
    key = `${date}\n${path}`;
    count = window.counts.get(key);
  }
  if (count === undefined) {
    count = { date, path, hits: 0, botHits: 0 };
    window.counts.set(key, count);
  }
  if (isBot) count.botHits++;
  else count.hits++;
}

/** Writes the window unless another request already did; resolves once written (never rejects). */
function take(env: Env, window: Window): Promise<void> {
  if (open !== window) return Promise.resolve();
  open = undefined;
  const writing = addOrphanCounts(env.DB, [...window.counts.values()], MAX_ORPHAN_PATHS_PER_DAY)
    .catch((err) => console.error('orphan visits not counted', window.counts.size, err))
    .finally(() => inFlight.delete(writing));
  inFlight.add(writing);
  return writing;
}

/** Writes the open window now and resolves once every count of this isolate so far is in D1 (tests). */
export async function flushOrphanVisits(env: Env): Promise<void> {
  if (open !== undefined) void take(env, open);
  await Promise.all(inFlight);
}

function dateOf(nowMs: number, timeZone: string): string {
  if (timeZone !== day.timeZone || nowMs < day.startMs || nowMs >= day.endMs) {
    const date = dateIn(nowMs, timeZone);
    day = { timeZone, ...dayRangeIn(date, timeZone), date };
  }
  return day.date;
}

function isBotRequest(headers: Headers): boolean {
  const ua = headers.get('user-agent');
  const accept = headers.get('accept');
  const secChUa = headers.get('sec-ch-ua');
  const purpose =
    headers.get('sec-purpose') ?? headers.get('purpose') ?? headers.get('x-purpose') ?? headers.get('x-moz');
  // No header value holds a line feed: the parts of the key cannot run into each other.
  const key = `${accept}\n${secChUa}\n${purpose}\n${ua === null ? '\n' : ua.slice(0, EXAMINED_AGENT_LENGTH)}`;
  return verdicts.getOrSet(key, () => detectBot(ua, { accept, secChUa, purpose }).isBot);
}

// Helpers for redirect tests: follow a tracked link as a browser would, and settle the clicks it recorded.
import {
  createExecutionContext,
  runDurableObjectAlarm,
  runInDurableObject,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import worker from '../../src/index';
import { CLICK_SHARDS, flushClicks, shardName } from '../../src/isolate/click-recorder';
import type { ClickBuffer } from '../../src/objects/click-buffer';
import { api, ORIGIN } from '../support/http';

export const BROWSER_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
export const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

type VisitOptions = { method?: string; headers?: Record<string, string>; cf?: Record<string, unknown> };

/** A tracked-link request from a phone's browser (unless `headers` say otherwise), redirects not followed. */
export function visit(path: string, opts: VisitOptions = {}): Promise<Response> {
  const headers = { 'user-agent': BROWSER_UA, accept: BROWSER_ACCEPT, ...opts.headers };
  return exports.default.fetch(
    new Request(`${ORIGIN}${path}`, {
      method: opts.method ?? 'GET',
      headers,
      redirect: 'manual',
      ...(opts.cf ? { cf: opts.cf } : {}),
    }),
  );
}

/**
 * `visit` through the Worker's fetch handler with an execution context of the test's own:
 * `background` settles once the work the request left running (`waitUntil`) is done, as the
 * runtime would let it finish: the click's batch sent by its timer, a link reloaded ahead of expiry.
 */
export async function visitThenBackground(
  path: string,
  opts: VisitOptions = {},
): Promise<{ res: Response; background: Promise<void> }> {
  const ctx = createExecutionContext();
  const headers = { 'user-agent': BROWSER_UA, accept: BROWSER_ACCEPT, ...opts.headers };
  const request = new Request(`${ORIGIN}${path}`, { method: opts.method ?? 'GET', headers, redirect: 'manual' });
  const res = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, env, ctx);
  return { res, background: waitOnExecutionContext(ctx) };
}

/** The `Location` of a 302 as a URL. */
export function locationOf(res: Response): URL {
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`expected a 302 with a Location, got ${res.status}`);
  return new URL(location);
}

/** Sends this isolate's pending click batches and runs each shard's click buffer alarm: clicks are then in D1. */
export async function settleClicks(): Promise<void> {
  await flushClicks(env);
  const buffers = env.CLICK_BUFFER as unknown as DurableObjectNamespace<ClickBuffer>;
  // The shards by name: the ids workerd lists include objects of earlier test files, whose
  // storage is gone, and each would be brought back to life for nothing.
  for (let shard = 0; shard < CLICK_SHARDS; shard++) {
    const buffer = buffers.get(buffers.idFromName(shardName(shard)));
    await runDurableObjectAlarm(buffer);
    // The alarm may have gone off by itself, about a second after the first click, and still be
    // writing: alarm runs share the write under way, so one more run waits for it, and writes
    // anything that arrived meanwhile.
    await runInDurableObject(buffer, async (instance: ClickBuffer) => {
      while ((await instance.pendingCount()) > 0) await instance.alarm();
    });
  }
}

/** The clicks of a link as the API lists them (newest first). */
// biome-ignore lint/suspicious/noExplicitAny: tests read answers loosely and assert exact values
export async function clicksOf(linkId: string): Promise<any[]> {
  return (await api('GET', `/api/v1/clicks?linkId=${linkId}&limit=500`, { expect: 200 })).body.data;
}

/** The click row as stored in D1, every column (for what the API does not show). */
// biome-ignore lint/suspicious/noExplicitAny: raw rows are read loosely and asserted exactly
export async function storedClick(id: string): Promise<any> {
  return env.DB.prepare('SELECT * FROM clicks WHERE id = ?').bind(id).first();
}

/** The click id a redirect carries under the default `click_id` parameter. */
export const clickIdOf = (res: Response) => locationOf(res).searchParams.get('click_id') as string;

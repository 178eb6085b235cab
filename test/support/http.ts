// Drives the Worker end to end, as a browser or an API client would.
import { env, exports } from 'cloudflare:workers';

/** The Worker's own ADMIN_API_KEY (vitest.config.ts). */
export const ADMIN_KEY = env.ADMIN_API_KEY;
export const ORIGIN = 'https://relais.test';

type CallOptions = { key?: string | null; body?: unknown; headers?: Record<string, string> };

/** A request to the Worker (`fetch` of its default export), redirects not followed. */
export function call(method: string, path: string, opts: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  const key = opts.key === undefined ? ADMIN_KEY : opts.key;
  if (key) headers.authorization = `Bearer ${key}`;
  let body: BodyInit | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { method, headers, body, redirect: 'manual' }));
}

/** Calls the API and parses the JSON answer, failing loudly when the status is not the one expected. */
// biome-ignore lint/suspicious/noExplicitAny: tests read answers loosely and assert exact values
export async function api<T = any>(method: string, path: string, opts: CallOptions & { expect?: number } = {}) {
  const res = await call(method, path, opts);
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (opts.expect !== undefined && res.status !== opts.expect) {
    throw new Error(`${method} ${path}: expected ${opts.expect}, got ${res.status}: ${text}`);
  }
  return { status: res.status, body: json as T, headers: res.headers };
}

// Drives the console as a browser does: cookies, forms, the page's language, its origin.
import { exports } from 'cloudflare:workers';
import { ORIGIN } from './http';

export type BrowseOptions = {
  /** The Cookie header, e.g. the session's. */
  cookie?: string;
  lang?: string;
  /** Sends the form urlencoded, as a POST from the console itself unless `origin` says otherwise. */
  form?: Record<string, string>;
  /** The page the request comes from; null sends no Origin at all. */
  origin?: string | null;
  headers?: Record<string, string>;
};

/** One request to the console, redirects not followed. */
export function browse(path: string, opts: BrowseOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.cookie) headers.cookie = opts.cookie;
  headers['accept-language'] = opts.lang ?? 'en';
  let body: string | undefined;
  if (opts.form !== undefined) {
    body = new URLSearchParams(opts.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
    const origin = opts.origin === undefined ? ORIGIN : opts.origin;
    if (origin !== null) headers.origin = origin;
  }
  const method = opts.form === undefined ? 'GET' : 'POST';
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { method, headers, body, redirect: 'manual' }));
}

/** The `name=value` of a cookie the response sets, ready for a Cookie header. */
export function cookieFrom(res: Response, name: string): string | undefined {
  const line = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  return line?.split(';')[0];
}

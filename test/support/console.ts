// Drives the console as a browser does: cookies, forms, the page's language, its origin.
import { exports } from 'cloudflare:workers';
import { api, ORIGIN } from './http';

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

/** A signed-in browser: its session cookie and the form token its pages carry. */
export type Signed = { cookie: string; csrf: string; email: string; userId: string };

let people = 0;

/**
 * Invites a console user through the API and accepts the invitation as the person would.
 * @example const admin = await signedIn({ role: 'admin' });
 *          const autodoc = await signedIn({ role: 'partner', partnerId });
 */
export async function signedIn(who: { role: 'admin' } | { role: 'partner'; partnerId: string }): Promise<Signed> {
  people += 1;
  const email = `${who.role}-${people}-${crypto.randomUUID().slice(0, 8)}@people.test`;
  const created = await api('POST', '/api/v1/users', { body: { email, ...who }, expect: 201 });
  const invitePath = new URL(created.body.inviteUrl).pathname;
  const accepted = await browse(invitePath, { form: { password: 'correct horse battery staple' } });
  if (accepted.status !== 303) throw new Error(`accepting the invitation answered ${accepted.status}`);
  const cookie = cookieFrom(accepted, 'relais_session');
  if (!cookie) throw new Error('accepting the invitation set no session cookie');
  const page = await (await browse('/console', { cookie })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error('the console page carries no form token');
  return { cookie, csrf, email, userId: created.body.id };
}

/** Sends a console form as the signed-in person, with the session's form token. */
export function submit(who: Signed, path: string, fields: Record<string, string> = {}, opts: BrowseOptions = {}) {
  return browse(path, { ...opts, cookie: who.cookie, form: { _csrf: who.csrf, ...fields } });
}

/** The page's HTML as the signed-in person sees it, failing unless it answers `status`. */
export async function page(who: Signed, path: string, status = 200, opts: BrowseOptions = {}): Promise<string> {
  const res = await browse(path, { ...opts, cookie: who.cookie });
  const text = await res.text();
  if (res.status !== status)
    throw new Error(`GET ${path}: expected ${status}, got ${res.status}: ${text.slice(0, 300)}`);
  return text;
}

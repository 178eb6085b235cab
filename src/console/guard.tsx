// What protects every console page: security headers, and no form accepted from another site.
import type { MiddlewareHandler } from 'hono';
import type { ConsoleEnv } from './context';
import { ProblemPage } from './ui/problem-page';
import { uiOf } from './view-context';

/**
 * The page may load only the console's own stylesheet and script, post only to itself, and
 * never be framed (clickjacking). Charts are inline SVG, styled by class, so no inline style
 * or script is allowed either.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'self'",
  "script-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const headers = c.res.headers;
  headers.set('content-security-policy', CONTENT_SECURITY_POLICY);
  headers.set('x-content-type-options', 'nosniff');
  headers.set('x-frame-options', 'DENY');
  headers.set('referrer-policy', 'same-origin');
  headers.set('x-robots-tag', 'noindex');
  // Pages show a person's figures: never kept by a shared cache or the back-forward cache of a
  // shared computer after sign-out. Static assets set their own.
  if (!headers.has('cache-control')) headers.set('cache-control', 'private, no-store');
};

/**
 * Whether a state-changing request comes from the console's own pages. Browsers send `Origin`
 * with every POST; when a client sends none, `Sec-Fetch-Site` must say same-origin. A request
 * with neither is refused: a form of another site always carries one of them.
 * @example isSameOrigin('https://relais.example', { origin: 'https://evil.example' }) // false
 */
export function isSameOrigin(
  ownOrigins: readonly string[],
  headers: { origin: string | undefined; fetchSite: string | undefined },
): boolean {
  if (headers.origin !== undefined) return ownOrigins.includes(headers.origin);
  return headers.fetchSite === 'same-origin';
}

const CROSS_SITE_REFUSED =
  'This form was not sent from the Relais console, so it was not accepted. Go back to the console and send it again.';

/** Refuses (403) any POST, PUT, PATCH or DELETE that did not come from the console itself. */
export const sameOriginWrites: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
  const own = [new URL(c.req.url).origin];
  if (c.env.PUBLIC_ORIGIN) own.push(new URL(c.env.PUBLIC_ORIGIN).origin);
  if (!isSameOrigin(own, { origin: c.req.header('origin'), fetchSite: c.req.header('sec-fetch-site') })) {
    return c.html(<ProblemPage ui={uiOf(c, null)} status={403} message={CROSS_SITE_REFUSED} />, 403);
  }
  return next();
};

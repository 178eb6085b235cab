// GET|HEAD /:slug: the tracked redirect.
import { dbOf } from '../db/client';
import { resolveLink } from './link-cache';
import { gonePage, notFoundPage } from './pages';

/** Answers a tracked link: 302 to its destination, 404 page when unknown, fallback or 410 when off. */
export async function redirect(request: Request, env: Env, _ctx: ExecutionContext, slug: string): Promise<Response> {
  const now = Date.now();
  const hit = await resolveLink(dbOf(env), slug, now);
  if (!hit) return notFoundPage();
  const { link } = hit;
  if (link.isDisabled || (hit.expiresAtMs !== null && hit.expiresAtMs <= now)) {
    return link.fallbackUrl ? Response.redirect(link.fallbackUrl, 302) : gonePage();
  }
  return new Response(null, {
    status: 302,
    headers: { location: link.destination, 'cache-control': 'private, no-store', 'x-robots-tag': 'noindex' },
  });
}

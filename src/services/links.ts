// Tracked links' use cases: create, change, delete (the redirect's cache told at once), read within reach.
import { type Db, dbOf } from '../db/client';
import { getLink, insertLink, linkSlugTaken, listLinks, softDeleteLink, updateLink } from '../db/links';
import type { PageOptions } from '../db/paging';
import { getPartner } from '../db/partners';
import type { Link, NewLink } from '../db/schema';
import { newId } from '../domain/ids';
import { isReservedSlug } from '../domain/reserved-slugs';
import { generatedLinkSlug } from '../domain/slug-candidates';
import { linkUrlIssues } from '../domain/url-checks';
import { type CallerScope, canSee, partnerFilterOf } from '../domain/visibility';
import { AppError, invalidRequest, notFound } from '../http/errors';
import { invalidateLink } from '../isolate/link-cache';
import type { LinkCreate, LinkUpdate } from '../schemas/link';

/** Creates a link of an existing partner; 400 on a refused URL or a reserved slug, 409 on a slug taken. */
export async function createLink(env: Env, body: LinkCreate): Promise<Link> {
  checkUrls(env, body);
  const db = dbOf(env);
  const partner = await getPartner(db, body.partnerId);
  if (!partner) throw invalidRequest('No partner with this partnerId.', [{ path: ['partnerId'] }]);
  const link = await insertLink(db, {
    ...columnsOf(body),
    id: newId('lnk'),
    slug: await chooseSlug(db, body.slug),
    partnerId: partner.id,
    destination: body.destination,
    utm: (body.utm ?? {}) as Record<string, string>,
    params: body.params ?? {},
    rules: body.rules ?? {},
  });
  invalidateLink(link.slug);
  return link;
}

/**
 * Changes a link. This instance's redirect serves the change at once (under the old slug and the
 * new one), every other within the link cache TTL.
 */
export async function editLink(env: Env, scope: CallerScope, id: string, body: LinkUpdate): Promise<Link> {
  const db = dbOf(env);
  const current = await visibleLink(db, scope, id);
  checkUrls(env, body);
  const patch = columnsOf(body);
  if (body.slug && body.slug !== current.slug) patch.slug = await chooseSlug(db, body.slug);
  const link = await updateLink(db, current.id, patch);
  invalidateLink(current.slug);
  invalidateLink(link.slug);
  return link;
}

/** Deletes a link softly: its slug then answers 404, its clicks stay. */
export async function removeLink(db: Db, scope: CallerScope, id: string): Promise<void> {
  const link = await visibleLink(db, scope, id);
  await softDeleteLink(db, link.id);
  invalidateLink(link.slug);
}

/** The link, or 404 when it does not exist or is not the caller's partner's. */
export async function visibleLink(db: Db, scope: CallerScope, id: string): Promise<Link> {
  const link = await getLink(db, id);
  if (!link || !canSee(scope, link.partnerId)) throw notFound('link');
  return link;
}

/**
 * Links newest first, `limit + 1` of them, those whose slug or destination holds `search` when
 * given; a partner key lists only its own partner's.
 */
export function listVisibleLinks(db: Db, scope: CallerScope, q: PageOptions & { search?: string }): Promise<Link[]> {
  const filter = partnerFilterOf(scope, q.partnerId);
  if (!filter) throw notFound('partner');
  return listLinks(db, { ...q, ...filter });
}

function checkUrls(env: Env, body: LinkUpdate) {
  const issues = linkUrlIssues(body, env.ENVIRONMENT === 'development');
  if (issues.length) throw invalidRequest(issues.map((i) => i.message).join(' '), issues);
}

/** The slug asked for (400 when reserved, 409 when taken), else a free generated one. */
async function chooseSlug(db: Db, wanted: string | undefined): Promise<string> {
  if (wanted) {
    if (isReservedSlug(wanted)) throw invalidRequest(`The slug "${wanted}" is reserved.`, [{ path: ['slug'] }]);
    if (await linkSlugTaken(db, wanted)) throw new AppError(409, 'slug_taken', `The slug "${wanted}" is already used.`);
    return wanted;
  }
  for (;;) {
    const slug = generatedLinkSlug();
    if (!(await linkSlugTaken(db, slug))) return slug;
  }
}

/** The columns a body sets: only the fields it carries, so that an update leaves the others alone. */
function columnsOf(body: LinkUpdate): Partial<NewLink> {
  const out: Partial<NewLink> = {};
  if (body.destination !== undefined) out.destination = body.destination;
  if (body.title !== undefined) out.title = body.title;
  if (body.utm !== undefined) out.utm = body.utm as Record<string, string>;
  if (body.params !== undefined) out.params = body.params;
  if (body.fallbackUrl !== undefined) out.fallbackUrl = body.fallbackUrl;
  if (body.expiresAt !== undefined) out.expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
  if (body.rules !== undefined) out.rules = body.rules;
  if (body.placement !== undefined) out.placement = body.placement;
  if (body.forwardQuery !== undefined) out.forwardQuery = body.forwardQuery;
  if (body.disabled !== undefined) out.isDisabled = body.disabled;
  if (body.requiresConsent !== undefined) out.requiresConsent = body.requiresConsent;
  return out;
}

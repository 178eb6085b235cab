// Links as the console reads and manages them: found by slug or destination, one link with its latest clicks and checks.
import { listClicks } from '../db/clicks';
import { dbOf } from '../db/client';
import { type LinkCheck, listChecks } from '../db/link-health';
import { getPartner, listPartners } from '../db/partners';
import type { Click, Link } from '../db/schema';
import { type CallerScope, canSee } from '../domain/visibility';
import { notFound } from '../http/errors';
import { listVisibleLinks, removeLink, visibleLink } from './links';

export type { Click, Link, LinkCheck };

/** A partner as a choice in a form or a filter. */
export type PartnerChoice = { id: string; name: string };

/** What a page of partner choices holds at most: the programme has tens of partners, not thousands. */
export const MAX_PARTNER_CHOICES = 500;

/**
 * Links newest first, `limit + 1` of them, of one partner and holding `search` in their slug or
 * destination when asked; a partner's user finds only its own partner's (404 for another's).
 * @example findLinks(env, { partnerId: null }, { limit: 50, search: 'freins' })
 */
export async function findLinks(
  env: Env,
  scope: CallerScope,
  q: { limit: number; before?: string; partnerId?: string; search?: string },
): Promise<Link[]> {
  return listVisibleLinks(dbOf(env), scope, q);
}

/** The link, or 404 when it does not exist or is not the caller's partner's. */
export function linkOf(env: Env, scope: CallerScope, id: string): Promise<Link> {
  return visibleLink(dbOf(env), scope, id);
}

/** Deletes the link softly (its slug then answers 404, its clicks stay); 404 as `linkOf`. */
export function deleteLink(env: Env, scope: CallerScope, id: string): Promise<void> {
  return removeLink(dbOf(env), scope, id);
}

/** The partners within reach, newest first, as names to choose from (at most `MAX_PARTNER_CHOICES`). */
export async function partnerChoices(env: Env, scope: CallerScope): Promise<PartnerChoice[]> {
  const rows = await listPartners(dbOf(env), {
    limit: MAX_PARTNER_CHOICES - 1,
    onlyId: scope.partnerId ?? undefined,
  });
  return rows.map((p) => ({ id: p.id, name: p.name }));
}

/** A link's partner as its pages name it, with the domains deep links may lead to. */
export type LinkPartner = { id: string; name: string; allowedDomains: string[] };

/** The partner of a link within reach (404 otherwise), null once the partner is deleted. */
export async function partnerOfLink(env: Env, scope: CallerScope, link: Link): Promise<LinkPartner | null> {
  if (!canSee(scope, link.partnerId)) throw notFound('link');
  const partner = await getPartner(dbOf(env), link.partnerId);
  return partner ? { id: partner.id, name: partner.name, allowedDomains: partner.allowedDomains } : null;
}

/** What a link's page shows beside its settings. */
export type LinkActivity = {
  /** Its partner, null once the partner is deleted. */
  partner: LinkPartner | null;
  /** Its newest clicks, newest first. */
  clicks: Click[];
  /** Its newest daily checks of the landing page, newest day first. */
  checks: LinkCheck[];
};

/**
 * The link's partner, newest clicks and newest landing-page checks: reads of the link's own
 * indexes, bounded by `clicks` and `checks`. 404 when the link is not within reach.
 */
export async function linkActivity(
  env: Env,
  scope: CallerScope,
  link: Link,
  q: { clicks: number; checks: number },
): Promise<LinkActivity> {
  const db = dbOf(env);
  if (!canSee(scope, link.partnerId)) throw notFound('link');
  const [partner, clicks, checks] = await Promise.all([
    partnerOfLink(env, scope, link),
    listClicks(db, { limit: q.clicks, linkId: link.id, partnerId: link.partnerId }),
    listChecks(db, { limit: q.checks, linkId: link.id }),
  ]);
  return {
    partner,
    // Both lists read one row more than asked, to tell whether more follow: not needed here.
    clicks: clicks.slice(0, q.clicks),
    checks: checks.slice(0, q.checks),
  };
}

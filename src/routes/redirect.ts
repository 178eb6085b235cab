// GET|HEAD /:slug and GET /r/:code: the tracked redirect, answered from memory; the click is recorded after the 302.
//
// Budget: a warm link is answered with no I/O at all. Before the response: one pass over the
// query, a cookie read (none when the visitor refuses tracking), a choice among the link's destinations (user-agent parse only when a
// rule looks at the device), and the URL, usually by joining precomputed pieces around the new
// click id. After: hashing, bot verdict, device description and storage (src/services and
// src/objects), kept alive by `waitUntil`.
import { dbOf } from '../db/client';
import { pendingClick } from '../domain/click-wire';
import { acceptDeepLink } from '../domain/deep-link';
import { buildDestination, settingsInput } from '../domain/destination';
import { describeDevice, quickDevice } from '../domain/device';
import { isTrackingAllowed, VISITOR_COOKIE, visitorIdOf } from '../domain/identity';
import { newClickId, newUlid } from '../domain/ids';
import { NO_PARAMS, readLinkQuery } from '../domain/link-query';
import { chooseDestination, parseAcceptLanguage } from '../domain/targeting';
import { tenure } from '../http/tenure';
import { recordClick, shardOf } from '../isolate/click-recorder';
import {
  type CachedLink,
  destinationParts,
  type ReferralTarget,
  resolveLink,
  resolveReferral,
} from '../isolate/link-cache';
import { countOrphanVisit } from '../isolate/orphan-visits';
import { BoundedMap } from '../lib/bounded-map';
import { gonePage, notFoundPage } from './pages';

const REFERRAL_CODE = /^[A-Za-z0-9]{4,32}$/;
// Device descriptions for OS targeting, by user agent: a full parse is costly and user agents repeat.
const osMemo = new BoundedMap<string, string | null>(1_000);

/**
 * Answers a tracked link: 302 to its destination, 404 page when unknown, fallback or 410 when
 * off. `slug` is already validated; `query` is the raw query string without `?`.
 * @example redirect(request, env, ctx, 'autodoc-freins', 'sub1=clio')
 */
export function redirect(
  request: Request,
  env: Env,
  ctx: ExecutionContext,
  slug: string,
  query: string,
): Response | Promise<Response> {
  const now = Date.now();
  const hit = resolveLink(dbOf(env), slug, now, ctx);
  if (hit === null) return orphan(request, env, ctx, slug, now);
  if (hit instanceof Promise) {
    return hit.then((link) =>
      link ? serve(request, env, ctx, link, query, Date.now(), null) : orphan(request, env, ctx, slug, Date.now()),
    );
  }
  return serve(request, env, ctx, hit, query, now, null);
}

/**
 * Answers a referral code (`/r/:code`, case-insensitive) like a link of its partner: the code's
 * link, else the partner's newest active link, else the partner's website; 404 page when unknown.
 */
export function referral(
  request: Request,
  env: Env,
  ctx: ExecutionContext,
  rawCode: string,
  query: string,
): Response | Promise<Response> {
  if (!REFERRAL_CODE.test(rawCode)) return notFoundPage();
  const now = Date.now();
  const target = resolveReferral(dbOf(env), rawCode.toUpperCase(), now);
  if (target instanceof Promise) return target.then((t) => serveReferral(request, env, ctx, t, query));
  return serveReferral(request, env, ctx, target, query);
}

async function serveReferral(
  request: Request,
  env: Env,
  ctx: ExecutionContext,
  target: ReferralTarget | null,
  query: string,
): Promise<Response> {
  if (target === null) return notFoundPage();
  const hit = target.linkSlug !== null ? await resolveLink(dbOf(env), target.linkSlug, Date.now(), ctx) : target.direct;
  if (!hit) return gonePage();
  return serve(request, env, ctx, hit, query, Date.now(), target.code);
}

/** The 404 page of a slug that names no link, counted (in memory; written later) so that a broken link shows. */
function orphan(request: Request, env: Env, ctx: ExecutionContext, slug: string, now: number): Response {
  countOrphanVisit(env, ctx, request, slug, now);
  return notFoundPage();
}

function inactive(fallbackUrl: string | null): Response {
  if (!fallbackUrl) return gonePage();
  return new Response(null, {
    status: 302,
    headers: { location: fallbackUrl, 'cache-control': 'private, no-store', 'x-robots-tag': 'noindex' },
  });
}

function serve(
  request: Request,
  env: Env,
  ctx: ExecutionContext,
  hit: CachedLink,
  query: string,
  now: number,
  referralCode: string | null,
): Response {
  const { link, partner } = hit;
  if (link.isDisabled || !partner.isLive || (hit.expiresAtMs !== null && hit.expiresAtMs <= now)) {
    return inactive(link.fallbackUrl);
  }

  // One pass over the visitor's parameters: ours are taken out; any other means the URL is built in full.
  const params = query === '' ? NO_PARAMS : readLinkQuery(query);
  const headers = request.headers;
  tenure(request);
  tenure(headers);
  // Consent refused (`consent=0`), not to be tracked (`Sec-GPC`, `DNT`) or required and not given
  // (`consent=1`): no cookie is read or set, no fingerprint taken, `uid` ignored; the click is
  // still recorded, under no visitor.
  const isTracked = isTrackingAllowed(params, hit.requiresConsent, headers);
  const knownVisitor = isTracked ? visitorIdOf(headers.get('cookie')) : null;
  const visitorId = isTracked ? (knownVisitor ?? newUlid(now)) : null;
  const clickId = newClickId(now);
  const country = (request.cf?.country as string | undefined) ?? null;

  let base = link.destination;
  let variant = 'default';
  let deepLinkRefused = false;
  let fullBuild = (params.forwards && link.forwardQuery) || hit.templateUsesRequest;
  if (params.url !== null) {
    const accepted = acceptDeepLink(params.url, partner.allowedDomains);
    if (accepted) {
      base = accepted.href;
      variant = 'deep_link';
      fullBuild = true;
    } else {
      deepLinkRefused = true;
    }
  }
  if (hit.rules !== null && variant === 'default') {
    const ua = hit.needsDevice ? headers.get('user-agent') : null;
    const choice = chooseDestination(
      hit.rules,
      {
        country,
        device: hit.needsDevice ? quickDevice(ua) : null,
        os: hit.needsOs ? osOf(ua) : null,
        languages: hit.needsLanguage ? parseAcceptLanguage(headers.get('accept-language')) : [],
      },
      // Without a visitor, the choice sticks to nothing: each click draws afresh.
      `${visitorId ?? clickId}:${link.id}`,
    );
    if (choice.destination !== null) {
      base = choice.destination;
      variant = choice.variant;
    }
  }

  const subIds = params.subIds;
  const parts = fullBuild ? null : destinationParts(hit, base);
  const location =
    parts === null
      ? buildDestination({
          ...settingsInput(link, partner),
          destination: base,
          clickId,
          query: query === '' ? null : [...new URLSearchParams(query)],
          forwardQuery: link.forwardQuery,
          subIds: { sub1: subIds[0], sub2: subIds[1], sub3: subIds[2], sub4: subIds[3], sub5: subIds[4] },
          country,
        })
      : parts.length === 2
        ? parts[0] + clickId + parts[1]
        : parts.join(clickId);

  if (request.method !== 'HEAD') {
    recordClick(
      env,
      ctx,
      pendingClick(
        {
          id: clickId,
          at: now,
          linkId: link.id,
          partnerId: partner.id,
          visitorId,
          isNewVisitor: knownVisitor === null,
          userAgent: headers.get('user-agent'),
          accept: headers.get('accept'),
          secChUa: headers.get('sec-ch-ua'),
          purpose:
            headers.get('sec-purpose') ?? headers.get('purpose') ?? headers.get('x-purpose') ?? headers.get('x-moz'),
          acceptLanguage: headers.get('accept-language'),
          referer: headers.get('referer'),
          country,
          subIds,
          utmSource: hit.utm.source,
          utmMedium: hit.utm.medium,
          utmCampaign: hit.utm.campaign,
          placement: link.placement,
          variant,
          destination: base,
          deepLinkRefused,
          uidHash: null,
          fingerprint: null,
          source: referralCode === null ? 'link' : 'referral',
          referralCode,
        },
        isTracked ? headers.get('cf-connecting-ip') : null,
        isTracked ? params.uid : null,
      ),
      shardOf(visitorId ?? clickId),
    );
  }

  const response = new Response(null, {
    status: 302,
    headers:
      visitorId === null
        ? { location, 'cache-control': 'private, no-store', 'x-robots-tag': 'noindex' }
        : {
            location,
            'cache-control': 'private, no-store',
            'x-robots-tag': 'noindex',
            'set-cookie': `${VISITOR_COOKIE}=${visitorId}${partner.cookieAttributes}`,
          },
  });
  tenure(response);
  return response;
}

function osOf(userAgent: string | null): string | null {
  if (!userAgent) return null;
  return osMemo.getOrSet(userAgent, (ua) => describeDevice(ua).os);
}

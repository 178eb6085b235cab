// Funnel events as the public `/e` receives them: the client address's rate limit first, then strict fields, then the store.
import { dbOf } from '../db/client';
import { partnerDomains } from '../db/events';
import { getPartnerBySlug } from '../db/partners';
import type { Partner } from '../db/schema';
import { readEvent } from '../domain/event-fields';
import { keyedHash } from '../domain/hashing';
import { visitorIdOf } from '../domain/identity';
import { AppError, invalidRequest } from '../http/errors';
import { eventBucket, eventLimit, takeToken } from '../isolate/rate-limit';
import { isOriginAllowed, type RecordedEvent, recordEvent } from './events';

/** An event as the HTTP edge hands it over. */
export type EventRequest = {
  /** The event's parameters (the query, and a beacon's body): read only once the address may send. */
  readParams: () => Promise<Record<string, unknown>>;
  cookie: string | null;
  /** Whether the browser asks not to be tracked (`Sec-GPC: 1`, `DNT: 1`): its cookie is then not read. */
  isOptedOut: boolean;
  clientIp: string | null;
  /** Refuses the event once its partner is known (a beacon's Origin); a pixel checks nothing. */
  checkOrigin: (partner: Partner | null) => void;
};

/**
 * Takes one token of the client address's event bucket: from the isolate's lease when it holds
 * one, else from the RateLimiter object; 429 with `Retry-After` when the bucket is empty (known
 * in the isolate, without asking the object again, until the object's next token).
 */
export async function assertEventAllowed(env: Env, clientIp: string | null): Promise<void> {
  // Cloudflare always names the client; only local calls come without.
  if (!clientIp) return;
  const bucket = eventBucket(await keyedHash(env.HASH_KEY, 'event-ip', clientIp));
  const verdict = await takeToken(env, bucket, eventLimit(env));
  if (verdict.allowed) return;
  throw new AppError(
    429,
    'rate_limited',
    `Too many events from this address; retry after ${verdict.retryAfterSec} s.`,
    undefined,
    { 'Retry-After': String(verdict.retryAfterSec) },
  );
}

/**
 * Records a funnel event: the address's rate limit, then its fields read strictly (unknown ones
 * dropped, 400 naming any known one that does not fit), then the store (see `recordEvent`).
 * @example await intakeEvent(env, { readParams: async () => ({ type: 'lead', clickId }), cookie: null, isOptedOut: false, clientIp, checkOrigin: () => {} })
 */
export async function intakeEvent(env: Env, req: EventRequest): Promise<RecordedEvent> {
  await assertEventAllowed(env, req.clientIp);
  const read = readEvent(await req.readParams());
  if (!read.ok) {
    const fields = [...new Set(read.issues.map((i) => i.path[0] ?? 'event'))].join(', ');
    throw invalidRequest(
      `The event is not valid (${fields}): ${read.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}.`,
      read.issues,
    );
  }
  // As on the redirect: a browser that asks not to be tracked is not recognised by its cookie.
  const visitorId = req.isOptedOut ? null : visitorIdOf(req.cookie);
  return recordEvent(dbOf(env), read.event, visitorId, req.checkOrigin);
}

// Preflights naming no partner are checked against every partner's domains, kept a minute per isolate.
let domainsCache: { atMs: number; domains: string[] } | null = null;
async function anyPartnerDomains(env: Env): Promise<string[]> {
  if (domainsCache && Date.now() - domainsCache.atMs < 60_000) return domainsCache.domains;
  const rows = await partnerDomains(dbOf(env));
  domainsCache = { atMs: Date.now(), domains: rows.flatMap((r) => r.allowedDomains) };
  return domainsCache.domains;
}

/**
 * Whether a CORS preflight's origin may send beacons: checked against the domains of the partner
 * the preflight names (`?partner=`), else against every partner's. Rate-limited like events.
 */
export async function isPreflightAllowed(
  env: Env,
  req: { origin: string | null; partnerSlug: string | null; clientIp: string | null },
): Promise<boolean> {
  await assertEventAllowed(env, req.clientIp);
  if (!req.origin) return false;
  const named = req.partnerSlug ? await getPartnerBySlug(dbOf(env), req.partnerSlug) : undefined;
  const domains = named ? named.allowedDomains : req.partnerSlug ? [] : await anyPartnerDomains(env);
  return isOriginAllowed(req.origin, domains);
}

// Link health: follows each active link's destination once a day, by hand, and records whether it lands with the click id.
import { dbOf } from '../db/client';
import { claimCheck, linksToCheck, saveCheck } from '../db/link-health';
import type { Link, Partner } from '../db/schema';
import { dateIn, timeZoneOf } from '../domain/calendar';
import { buildDestination, settingsInput } from '../domain/destination';
import { newClickId } from '../domain/ids';
import { type ChainEnd, linkHealthOf, MAX_HOPS, nextHopUrl } from '../domain/link-health';
import { urlProblem } from '../domain/url-policy';

/** Links checked per run: with up to six requests each, a run stays well under a Worker's subrequest limit. */
export const LINK_CHECKS_PER_RUN = 100;
/** Checks made at once (a Worker keeps at most six connections open). */
const CONCURRENCY = 5;
const HOP_TIMEOUT_MS = 10_000;

/**
 * Checks the links not yet checked today (in `REPORT_TIMEZONE`), at most `LINK_CHECKS_PER_RUN`; answers how many
 * and whether every link is now checked (else the next run carries on).
 */
export async function runLinkHealth(env: Env, nowMs: number = Date.now()): Promise<{ checked: number; done: boolean }> {
  const db = dbOf(env);
  const date = dateIn(nowMs, timeZoneOf(env.REPORT_TIMEZONE));
  const todo = await linksToCheck(db, date, new Date(nowMs), LINK_CHECKS_PER_RUN);
  let checked = 0;
  const queue = [...todo];
  const worker = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      if (!(await claimCheck(db, item.link, date))) continue;
      const clickId = newClickId(nowMs);
      const end = await followLink(env, probeUrl(item.link, item.partner, clickId));
      await saveCheck(db, item.link.id, date, {
        status: linkHealthOf(end, clickId),
        statusCode: end.statusCode,
        finalUrl: end.finalUrl,
        hops: end.hops,
        error: end.error,
      });
      checked++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { checked, done: todo.length < LINK_CHECKS_PER_RUN };
}

/** The URL a click on the link would be sent to, carrying `clickId`. */
function probeUrl(link: Link, partner: Partner, clickId: string): string {
  return buildDestination({ ...settingsInput(link, partner), destination: link.destination, clickId });
}

/**
 * Follows redirects by hand, up to `MAX_HOPS`: each hop is checked against the outbound URL
 * policy first, so a destination cannot walk the checker into a private network.
 */
export async function followLink(env: Env, start: string): Promise<ChainEnd & { hops: number }> {
  const policy = { allowLoopbackHttp: env.ENVIRONMENT === 'development', forbidIpLiterals: true };
  let url = start;
  for (let hops = 0; ; hops++) {
    const problem = urlProblem(url, policy);
    if (problem) return { statusCode: null, finalUrl: url, hops, error: `Refused to follow: the URL ${problem}.` };
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'GET',
        redirect: 'manual',
        signal: AbortSignal.timeout(HOP_TIMEOUT_MS),
        headers: { 'user-agent': 'Relais-LinkCheck/1.0', accept: 'text/html,*/*' },
      });
    } catch (err) {
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      return {
        statusCode: null,
        finalUrl: url,
        hops,
        error: timedOut ? 'No answer in time.' : `Request failed: ${String(err)}`,
      };
    }
    await res.body?.cancel();
    const next = res.status >= 300 && res.status < 400 ? nextHopUrl(url, res.headers.get('location')) : null;
    if (!next) return { statusCode: res.status, finalUrl: url, hops, error: null };
    if (hops + 1 > MAX_HOPS) {
      return { statusCode: res.status, finalUrl: url, hops, error: `More than ${MAX_HOPS} redirects.` };
    }
    url = next;
  }
}

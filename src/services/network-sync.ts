// Conversions pulled from a partner's affiliate network: each transaction through postback intake's exactly-once recording.
import type { NewAnomaly } from '../db/anomalies';
import { recordAnomalies } from '../db/anomalies';
import { type Db, dbOf } from '../db/client';
import { plansOf } from '../db/commission-plans';
import { type CommissionPlan, readIntakeLookups } from '../db/intake';
import { readCursor, writeCursor } from '../db/job-state';
import { adoptNetworkRef, getNetwork, type PartnerNetwork, recordSyncOutcome, syncCursorName } from '../db/networks';
import type { Conversion, Partner } from '../db/schema';
import { isCommissionMismatch, SYNC_FAILURES_FLAGGED } from '../domain/anomalies';
import { isCalendarDate, timeZoneOf } from '../domain/calendar';
import { type CommissionRule, commissionFor } from '../domain/commission';
import { planInForce } from '../domain/commission-plan';
import { instantBoundMs } from '../domain/date-range';
import { newId } from '../domain/ids';
import { minorToMajor } from '../domain/money';
import type { NetworkConnector, NetworkRequest, NetworkTransaction } from '../domain/networks/connector';
import { connectorFor } from '../domain/networks/connectors';
import { networkDisagreement } from '../domain/networks/disagreement';
import { type NetworkInput, networkUrlIssues } from '../domain/networks/settings';
import {
  cursorAfter,
  MAX_WINDOWS_PER_SYNC,
  retryAfterAt,
  type SyncWindow,
  scheduledRange,
  syncWindows,
} from '../domain/networks/sync-windows';
import type { KeptSignals } from '../domain/postback-log-entry';
import { open } from '../domain/secret-box';
import type { CallerScope } from '../domain/visibility';
import { AppError, invalidRequest } from '../http/errors';
import { candidateQuery } from './attribution';
import { rateDayOf } from './exchange-rates';
import { visiblePartner } from './partners';
import { keyOf } from './postback-intake';
import { recordConversion } from './record-conversion';

/** What a sync did with the transactions it read. */
export type SyncCounts = { imported: number; updated: number; unchanged: number; failed: number };

/** How the last sync went, as the partner shows it: `error` says why when it did not go through. */
export type LastSync = { at: Date; ok: boolean; error: string | null };

/** `retryAfter`: when the network, having answered 429, may be called again (null when it did not). */
export type SyncReport = SyncCounts & { lastSync: LastSync; retryAfter: Date | null };

/** A network that takes longer than this to answer one call is counted as down for this sync. */
const FETCH_TIMEOUT_MS = 20_000;
/** Awin's lists are a few hundred KB a month for a busy programme; far more is not an answer of theirs. */
const MAX_BODY_BYTES = 20 * 1024 * 1024;
/** A stored error is for people to read: its first words are enough. */
const MAX_ERROR_LENGTH = 500;
/** The longest range an admin may sync at once: the windows one sync reads. */
export const MAX_SYNC_DAYS = 31 * MAX_WINDOWS_PER_SYNC;

const NOTHING_KEPT: KeptSignals = { customerHash: null, fingerprints: [] };
const DAY_MS = 24 * 60 * 60 * 1000;

/** A sync that could not go on: the network's answer or its silence, said for an admin. */
class SyncStop extends Error {
  constructor(
    message: string,
    readonly retryAfter: Date | null = null,
  ) {
    super(message);
  }
}

/**
 * An admin's sync of a partner's network over `from`..`to` (by default: from a week before the
 * cursor, or 31 days back for the first, up to now), at most 186 days. 404 for a partner not
 * visible, 409 `no_network` for one not connected, 429 `rate_limited` while the network asked to
 * wait (with its `Retry-After`). Whatever the network answers, the answer is the counts and how
 * the sync went (`lastSync`), also kept on the partner.
 */
export async function syncPartnerNetwork(
  env: Env,
  scope: CallerScope,
  partnerId: string,
  bounds: { from?: string | undefined; to?: string | undefined },
  nowMs = Date.now(),
): Promise<SyncReport> {
  // A date alone stands for its whole day in the programme's zone, as in the lists' filters.
  const timeZone = timeZoneOf(env.REPORT_TIMEZONE);
  const toMs = instantBoundMs(bounds.to, true, timeZone);
  const fromMs = instantBoundMs(bounds.from, false, timeZone);
  const range = {
    from: fromMs === undefined ? undefined : new Date(fromMs),
    to: toMs === undefined ? undefined : new Date(toMs + (isCalendarDate(bounds.to ?? '') ? 1 : 0)),
  };
  const db = dbOf(env);
  const partner = await visiblePartner(db, scope, partnerId);
  const network = await getNetwork(db, partner.id);
  if (!network) {
    throw new AppError(
      409,
      'no_network',
      'The partner is not connected to an affiliate network: PATCH its `network` first.',
    );
  }
  if (network.retryAfter && network.retryAfter.getTime() > nowMs) {
    const seconds = Math.ceil((network.retryAfter.getTime() - nowMs) / 1000);
    throw new AppError(
      429,
      'rate_limited',
      `The network asked Relais to wait: retry after ${seconds} s.`,
      { retryAfter: network.retryAfter.toISOString() },
      { 'Retry-After': String(seconds) },
    );
  }
  const asked = range.from || range.to ? checkedRange(range, nowMs) : null;
  return syncNetwork(env, partner, network, asked, nowMs);
}

/**
 * The range an admin asked for, or 400 naming the field at fault. A `to` after now is read up to
 * now: nothing later exists yet, and the cursor must not pass what was read.
 */
function checkedRange(range: { from?: Date; to?: Date }, nowMs: number): SyncWindow {
  const to = new Date(Math.min(range.to?.getTime() ?? nowMs, nowMs));
  const from = range.from ?? new Date(to.getTime() - 31 * DAY_MS);
  const refuse = (field: string, message: string) =>
    invalidRequest(`${field} ${message}.`, [{ path: [field], message, code: 'custom' }]);
  if (from.getTime() >= to.getTime()) throw refuse('from', 'must be before to, and before now');
  if (to.getTime() - from.getTime() > MAX_SYNC_DAYS * DAY_MS) {
    throw refuse('from', `must be at most ${MAX_SYNC_DAYS} days before to`);
  }
  return { from, to };
}

/**
 * Reads a partner's transactions from its network and records each one as a conversion through
 * postback intake's `recordConversion` (one conversion per transaction, status changes and
 * refunds as postbacks make them, source `network`, the network's commission kept as the truth).
 * The range (`scheduledRange` without one) is read in windows the network allows, each with
 * every call its connector lists; once a window is read in full the partner's cursor moves to its
 * end. A failure (network down, HTTP error, 429, a body that is not the network's answer) stops
 * the sync where it is: what was read is kept, the rest is read again by the next sync, so nothing
 * is lost. A transaction that cannot be recorded, for whatever reason, is counted `failed` and the
 * others go on; an unexpected error outside one stops the sync as a failure does. The outcome is
 * kept on the partner (`lastSync`), and `SYNC_FAILURES_FLAGGED` failures in a row raise a
 * `network_sync_failing` anomaly.
 */
export async function syncNetwork(
  env: Env,
  partner: Partner,
  network: PartnerNetwork,
  range: SyncWindow | null,
  nowMs: number,
): Promise<SyncReport> {
  const db = dbOf(env);
  const counts: SyncCounts = { imported: 0, updated: 0, unchanged: 0, failed: 0 };
  const refusals: string[] = [];
  let stop: SyncStop | null = null;
  let redact: Redact = (text) => text;
  try {
    const connector = connectorFor(network.type, network.settings);
    if (!connector) throw new SyncStop(`unknown network type "${network.type}"`);
    // Checked again at each sync: a network stored in local development may call plain http there only.
    const urlIssue = networkUrlIssues(
      { ...network.settings, type: network.type, accessToken: '' } as NetworkInput,
      env.ENVIRONMENT === 'development',
    )[0];
    if (urlIssue) throw new SyncStop(urlIssue.message);
    const token = await open(env.SECRETS_KEY, network.accessTokenEnc).catch(() => {
      throw new SyncStop('the stored access token cannot be read (was SECRETS_KEY changed?): set it again');
    });
    redact = redactorOf(token);
    const cursorName = syncCursorName(partner.id);
    const stored = await readCursor(db, cursorName);
    let cursor = stored ? new Date(stored) : null;
    const whole = range ?? scheduledRange(cursor, nowMs);
    const windows = syncWindows(whole.from, whole.to, connector.maxWindowDays).slice(0, MAX_WINDOWS_PER_SYNC);
    const plans = await plansOf(db, partner.id).all();
    const seen = new Set<string>();
    for (const window of windows) {
      for (const request of connector.requests(window, token)) {
        const answer = await fetchAnswer(connector, request, partner, nowMs);
        for (const read of answer) {
          if (!read.ok) {
            counts.failed++;
            const why = redact(read.message);
            refusals.push(`${read.id ?? 'a transaction'}: ${why}`);
            await flagUnreadable(db, partner, read.id, why);
            continue;
          }
          // The same transaction listed again by another kind of date, as it was: nothing to do twice.
          const { input, commissionMinor, networkRef } = read.transaction;
          const signature = JSON.stringify([networkRef, input, commissionMinor]);
          if (seen.has(signature)) continue;
          seen.add(signature);
          const outcome = await importTransaction(env, db, partner, plans, read.transaction, redact);
          if (outcome.ok) counts[outcome.status]++;
          else {
            counts.failed++;
            refusals.push(`${read.transaction.input.transactionId}: ${outcome.message}`);
          }
        }
      }
      const next = cursorAfter(cursor, window, nowMs);
      if (next && next.getTime() !== cursor?.getTime()) {
        cursor = next;
        await writeCursor(db, cursorName, next.toISOString());
      }
    }
  } catch (err) {
    // Anything else (a storage error between transactions) is recorded as well: the sync's outcome is never lost.
    stop = err instanceof SyncStop ? err : new SyncStop(`an unexpected error stopped the sync: ${messageOf(err)}`);
    if (!(err instanceof SyncStop)) console.error(`network sync of ${partner.id} stopped`, redact(messageOf(err)));
  }
  const error = stop
    ? redact(stop.message)
    : refusals.length
      ? `${refusals.length} transaction(s) not recorded: ${refusals.join('; ')}`
      : null;
  const retryAfter = stop?.retryAfter ?? null;
  const lastSync = await finishSync(db, partner, { at: new Date(nowMs), error, retryAfter });
  return { ...counts, lastSync, retryAfter };
}

/**
 * What a network's rate limit counts calls by: the host called and the access token (Awin
 * limits per user, whose token may read several partners' programmes). Partners with the same
 * key wait together after a 429; others go on. The token is only hashed into the key. Null when
 * the network cannot be called at all (its sync says why).
 */
export async function rateLimitKeyOf(env: Env, network: PartnerNetwork): Promise<string | null> {
  const connector = connectorFor(network.type, network.settings);
  const token = await open(env.SECRETS_KEY, network.accessTokenEnc).catch(() => null);
  const url =
    connector && token !== null ? connector.requests({ from: new Date(0), to: new Date(0) }, token)[0]?.url : undefined;
  if (!url || token === null) return null;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  const hash = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${new URL(url).host} ${hash}`;
}

/** How an API refuses a list it does not offer (an unknown `dateType`): passed over for an optional call. */
const OPTIONAL_REFUSALS: ReadonlySet<number> = new Set([400, 404, 422]);

/** Makes one call and reads its answer; anything but a readable answer stops the sync. */
async function fetchAnswer(connector: NetworkConnector, request: NetworkRequest, partner: Partner, nowMs: number) {
  let res: Response;
  try {
    // Never followed: a redirect would carry the token to a host the https/loopback rule never checked.
    res = await fetch(request.url, {
      headers: request.headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch (err) {
    throw new SyncStop(`the network could not be reached: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (res.status >= 300 && res.status < 400) {
    await res.body?.cancel();
    throw new SyncStop(
      `the network answered HTTP ${res.status}, a redirect, which Relais does not follow: check apiBase`,
    );
  }
  if (res.status === 429) {
    await res.body?.cancel();
    const retryAfter = new Date(retryAfterAt(res.headers.get('retry-after'), nowMs));
    throw new SyncStop(
      `the network limits its calls (HTTP 429): next try after ${retryAfter.toISOString()}`,
      retryAfter,
    );
  }
  if (res.status === 401 || res.status === 403) {
    await res.body?.cancel();
    throw new SyncStop(`the network refused the access token (HTTP ${res.status}): check it and set it again`);
  }
  if (request.isOptional && OPTIONAL_REFUSALS.has(res.status)) {
    // A list this account or API does not offer: what it would hold is found through the other calls.
    await res.body?.cancel();
    return [];
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new SyncStop(`the network answered HTTP ${res.status}`);
  }
  if (Number(res.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) {
    await res.body?.cancel();
    throw new SyncStop(`the network's answer is larger than ${MAX_BODY_BYTES} bytes`);
  }
  let body: unknown;
  try {
    body = JSON.parse(await res.text());
  } catch {
    throw new SyncStop('the network answered something that is not JSON');
  }
  const read = connector.read(body, { defaultCurrency: partner.currency });
  // An optional list answered in another shape (an error object, say) is not offered either.
  if (!read.ok && request.isOptional) return [];
  if (!read.ok) throw new SyncStop(`the network's answer is not what it documents: ${read.message}`);
  return read.transactions;
}

type ImportOutcome = { ok: true; status: 'imported' | 'updated' | 'unchanged' } | { ok: false; message: string };

/**
 * One transaction through intake: the conversion stored under its id and the candidate clicks of
 * its signals read in one round trip (click id first, then its coupon), then recorded, changed
 * or found unchanged by `recordConversion`. A conversion the network pays differently from the
 * partner's rules is flagged `commission_mismatch`.
 */
async function importTransaction(
  env: Env,
  db: Db,
  partner: Partner,
  plans: CommissionPlan[],
  transaction: NetworkTransaction,
  redact: Redact,
): Promise<ImportOutcome> {
  const { input, commissionMinor, networkRef } = transaction;
  try {
    const signals = candidateQuery(partner, input, NOTHING_KEPT, null);
    const rateDay = rateDayOf(env, partner, input);
    const found = await readIntakeLookups(db, keyOf(partner, input), signals, false, rateDay);
    const heldBy = found.existing?.networkRef;
    if (found.existing && heldBy && heldBy !== networkRef) {
      // Order references are the advertiser's, not unique on the network: a second transaction
      // under one is not an amendment of the first (which would read it as a refund, and every
      // later sync would flip between the two). Refused and flagged, for an admin to settle.
      const message = `the network's transaction ${networkRef} has the transaction id of its transaction ${heldBy}, recorded already`;
      await flagRefused(db, partner, transaction, message, found.existing);
      return { ok: false, message };
    }
    const result = await recordConversion(db, partner, input, {
      dryRun: false,
      visitorId: null,
      kept: NOTHING_KEPT,
      plans,
      lookups: found,
      rates: rateDay && { date: rateDay.date, quotes: found.quotes },
      network: { commissionMinor, ref: networkRef },
    });
    // A conversion recorded before it was read from the network (a file upload) is the network's from now on.
    if (found.existing && !heldBy) await adoptNetworkRef(db, found.existing.id, networkRef);
    if (found.existing) await flagDisagreement(db, partner, transaction, found.existing);
    if (result.status === 'duplicate') return { ok: true, status: 'unchanged' };
    await flagMismatch(db, partner, plans, transaction, result.conversion);
    return { ok: true, status: result.status === 'recorded' ? 'imported' : 'updated' };
  } catch (err) {
    // One transaction's trouble, expected (a change refused) or not (a storage error), is its own: the others go on.
    const message = redact(
      err instanceof AppError ? `${err.code}: ${err.message}` : `unexpected error: ${messageOf(err)}`,
    );
    if (!(err instanceof AppError))
      console.error(`network transaction ${input.transactionId} of ${partner.id}`, message);
    await flagRefused(db, partner, transaction, message, null);
    return { ok: false, message };
  }
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Takes the access token out of a text bound for people (`lastSync`, anomalies, logs). */
type Redact = (text: string) => string;

/**
 * A network may echo the token (in a refused field, or an error naming a URL that carries it):
 * it is replaced by `[token]`, as written and percent-encoded. Tokens under 8 characters are no
 * real network's and would blank ordinary words.
 */
function redactorOf(token: string): Redact {
  if (token.length < 8) return (text) => text;
  const forms = [...new Set([token, encodeURIComponent(token)])];
  return (text) => forms.reduce((out, form) => out.split(form).join('[token]'), text);
}

/**
 * Flags a conversion on which Relais keeps something the network says otherwise (a status it
 * will not move back to, a sale amount back up): once per state the network reports.
 */
async function flagDisagreement(
  db: Db,
  partner: Partner,
  { input, networkRef }: NetworkTransaction,
  stored: Conversion,
) {
  const disagreement = networkDisagreement(stored, { ...input, refundedAmountMinor: 0 });
  if (!disagreement) return;
  const major = (minor: number) => minorToMajor(minor, input.currency);
  await recordAnomalies(db, [
    {
      id: newId('anm'),
      partnerId: partner.id,
      conversionId: stored.id,
      clickId: stored.clickId,
      kind: 'network_disagreement',
      subjectId: `${stored.id}:${input.status}:${input.amountMinor}`,
      details: {
        transactionId: input.transactionId,
        networkRef,
        currency: input.currency,
        network: { status: disagreement.network.status, amount: major(disagreement.network.amountMinor) },
        relais: { status: disagreement.relais.status, amount: major(disagreement.relais.amountMinor) },
      },
    },
  ]);
}

/** Flags a transaction of the network that cannot be read: once per id (once for all without one). */
async function flagUnreadable(db: Db, partner: Partner, networkRef: string | null, reason: string): Promise<void> {
  await recordAnomalies(db, [
    {
      id: newId('anm'),
      partnerId: partner.id,
      conversionId: null,
      clickId: null,
      kind: 'network_transaction_refused',
      subjectId: `${partner.id}:${networkRef ?? 'unidentified'}`,
      details: { transactionId: null, networkRef, reason },
    },
  ]);
}

/** Flags a network transaction that could not be recorded: one anomaly per transaction of the network. */
async function flagRefused(
  db: Db,
  partner: Partner,
  { input, networkRef }: NetworkTransaction,
  reason: string,
  conversion: { id: string; clickId: string | null } | null,
): Promise<void> {
  await recordAnomalies(db, [
    {
      id: newId('anm'),
      partnerId: partner.id,
      conversionId: conversion?.id ?? null,
      clickId: conversion?.clickId ?? null,
      kind: 'network_transaction_refused',
      subjectId: `${partner.id}:${networkRef}`,
      details: { transactionId: input.transactionId, networkRef, reason },
    },
  ]);
}

/**
 * Flags a paying conversion whose network commission differs by more than one minor unit from what the
 * rules in force when it occurred give for the transaction as it now stands (its current amount
 * and order lines): a wrong rate on either side shows.
 */
async function flagMismatch(
  db: Db,
  partner: Partner,
  plans: CommissionPlan[],
  { input, commissionMinor }: NetworkTransaction,
  conversion: { id: string; clickId: string | null },
): Promise<void> {
  if (input.status !== 'pending' && input.status !== 'approved') return;
  const rules = (planInForce(plans, input.occurredAt)?.rules ?? partner.commissionRules) as CommissionRule[];
  const ours = commissionFor(rules, {
    event: input.event,
    category: input.category,
    amountMinor: input.amountMinor,
    currency: input.currency,
    items: input.items,
  }).commissionMinor;
  if (!isCommissionMismatch(commissionMinor, ours)) return;
  const anomaly: NewAnomaly = {
    id: newId('anm'),
    partnerId: partner.id,
    conversionId: conversion.id,
    clickId: conversion.clickId,
    kind: 'commission_mismatch',
    subjectId: conversion.id,
    details: {
      transactionId: input.transactionId,
      currency: input.currency,
      networkCommission: minorToMajor(commissionMinor, input.currency),
      rulesCommission: minorToMajor(ours, input.currency),
    },
  };
  await recordAnomalies(db, [anomaly]);
}

/** Keeps the outcome on the partner, and flags a partner whose syncs keep failing. */
async function finishSync(
  db: Db,
  partner: Partner,
  outcome: { at: Date; error: string | null; retryAfter: Date | null },
): Promise<LastSync> {
  const error = outcome.error === null ? null : outcome.error.slice(0, MAX_ERROR_LENGTH);
  const row = await recordSyncOutcome(db, partner.id, { ...outcome, error });
  if (row && row.failures >= SYNC_FAILURES_FLAGGED && row.failingSince) {
    // One anomaly per streak of failures: the streak's start names it.
    await recordAnomalies(db, [
      {
        id: newId('anm'),
        partnerId: partner.id,
        kind: 'network_sync_failing',
        subjectId: `${partner.id}@${row.failingSince.toISOString()}`,
        details: { failures: row.failures, since: row.failingSince.toISOString(), error },
      },
    ]);
  }
  return { at: outcome.at, ok: error === null, error };
}

// One partner at a glance: its settings, commission plans, network, latest pushes and link checks, within reach.
import { dbOf } from '../db/client';
import type { CommissionPlan } from '../db/intake';
import type { LinkCheck } from '../db/link-health';
import { getNetwork, type PartnerNetwork } from '../db/networks';
import type { Delivery, Partner } from '../db/schema';
import { timeZoneOf } from '../domain/calendar';
import { type PlanState, plansAt } from '../domain/commission-plan';
import { AWIN_API_BASE, type AwinSettings, type JsonSettings } from '../domain/networks/settings';
import type { CallerScope } from '../domain/visibility';
import { listVisibleDeliveries } from './delivery-log';
import { listVisibleChecks } from './link-health';
import { visiblePartnerWithPlans } from './partners';

export type PartnerOverview = {
  partner: Partner;
  /** Every plan, oldest first, with its start date in the programme's zone and its standing now. */
  plans: PlanState<CommissionPlan>[];
  /** The latest pushes, newest first, and whether older ones exist. */
  deliveries: Delivery[];
  hasOlderDeliveries: boolean;
  /** The latest checks of its links' landing pages, newest day first. */
  linkChecks: LinkCheck[];
  hasOlderLinkChecks: boolean;
  /** Its affiliate network, without the access token; null when it is not connected. */
  network: NetworkView | null;
};

/** How the last sync went: `error` says why when it did not go through. */
export type LastSyncView = { at: Date; ok: boolean; error: string | null };

/**
 * A partner's network as people may read it: never the access token, not even sealed. `apiBase`
 * is the host called (Awin's own by default; a generic network's URL template's origin, as its
 * path and query may carry more than a host).
 */
export type NetworkView = {
  type: string;
  publisherId: string | null;
  advertiserId: string | null;
  apiBase: string | null;
  /** Null before the first sync. */
  lastSync: LastSyncView | null;
  /** When the network, having answered 429, may be called again; null when it did not ask. */
  retryAfter: Date | null;
};

/** The readable part of a stored network. */
export function networkViewOf(network: PartnerNetwork): NetworkView {
  const lastSync = network.lastSyncAt
    ? { at: network.lastSyncAt, ok: network.lastSyncOk === true, error: network.lastSyncError }
    : null;
  const common = { type: network.type, lastSync, retryAfter: network.retryAfter };
  if (network.type === 'awin') {
    const { publisherId, advertiserId, apiBase } = network.settings as AwinSettings;
    return { ...common, publisherId, advertiserId: advertiserId ?? null, apiBase: apiBase ?? AWIN_API_BASE };
  }
  const { urlTemplate } = network.settings as Partial<JsonSettings>;
  return { ...common, publisherId: null, advertiserId: null, apiBase: originOf(urlTemplate) };
}

/** A URL template's origin, its placeholders aside; null when there is none to read. */
function originOf(template: string | undefined): string | null {
  if (!template) return null;
  try {
    return new URL(template.replace(/\{[A-Za-z_]+\}/g, 'x')).origin;
  } catch {
    return null;
  }
}

/**
 * A partner with what its page shows beside its settings, read at once; 404 when it does not
 * exist or is not the caller's (every read below is kept within the caller's reach too).
 * @example const { partner, plans } = await partnerOverview(env, scope, 'ptn_...', { deliveries: 5, linkChecks: 10 })
 */
export async function partnerOverview(
  env: Env,
  scope: CallerScope,
  id: string,
  latest: { deliveries: number; linkChecks: number },
): Promise<PartnerOverview> {
  const db = dbOf(env);
  // The network is read beside the rest and answered only once the partner is known to be the caller's.
  const [found, deliveries, checks, network] = await Promise.all([
    visiblePartnerWithPlans(db, scope, id),
    listVisibleDeliveries(env, scope, { limit: latest.deliveries, partnerId: id }),
    listVisibleChecks(db, scope, { limit: latest.linkChecks, partnerId: id }),
    getNetwork(db, id),
  ]);
  return {
    partner: found.partner,
    plans: plansAt(found.plans, new Date(), timeZoneOf(env.REPORT_TIMEZONE)),
    deliveries: deliveries.slice(0, latest.deliveries),
    hasOlderDeliveries: deliveries.length > latest.deliveries,
    linkChecks: checks.slice(0, latest.linkChecks),
    hasOlderLinkChecks: checks.length > latest.linkChecks,
    network: network ? networkViewOf(network) : null,
  };
}

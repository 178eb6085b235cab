// One partner at a glance: its settings, commission plans, latest pushes and link checks, within reach.
import { dbOf } from '../db/client';
import type { CommissionPlan } from '../db/intake';
import type { LinkCheck } from '../db/link-health';
import type { Delivery, Partner } from '../db/schema';
import { timeZoneOf } from '../domain/calendar';
import { type PlanState, plansAt } from '../domain/commission-plan';
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
};

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
  const [found, deliveries, checks] = await Promise.all([
    visiblePartnerWithPlans(db, scope, id),
    listVisibleDeliveries(env, scope, { limit: latest.deliveries, partnerId: id }),
    listVisibleChecks(db, scope, { limit: latest.linkChecks, partnerId: id }),
  ]);
  return {
    partner: found.partner,
    plans: plansAt(found.plans, new Date(), timeZoneOf(env.REPORT_TIMEZONE)),
    deliveries: deliveries.slice(0, latest.deliveries),
    hasOlderDeliveries: deliveries.length > latest.deliveries,
    linkChecks: checks.slice(0, latest.linkChecks),
    hasOlderLinkChecks: checks.length > latest.linkChecks,
  };
}

// Partners' commission plans: listed with their standing, and a scheduled one cancelled before it starts.
import { dbOf } from '../db/client';
import { deleteScheduledPlan } from '../db/commission-plans';
import type { CommissionPlan } from '../db/intake';
import { timeZoneOf } from '../domain/calendar';
import { type PlanState, plansAt } from '../domain/commission-plan';
import type { CallerScope } from '../domain/visibility';
import { AppError, notFound } from '../http/errors';
import { visiblePartnerWithPlans } from './partners';

/** Every plan of the partner, oldest first, dated in the programme's zone; 404 outside the caller's reach. */
export async function listPartnerPlans(
  env: Env,
  scope: CallerScope,
  partnerId: string,
): Promise<PlanState<CommissionPlan>[]> {
  const { plans } = await visiblePartnerWithPlans(dbOf(env), scope, partnerId);
  return plansAt(plans, new Date(), timeZoneOf(env.REPORT_TIMEZONE));
}

/**
 * Cancels a plan that has not started yet; the plan in force until then stays in force. 404 for
 * a plan the partner does not have, 409 `plan_started` for one that has taken effect (conversions
 * may have been priced by it).
 */
export async function cancelScheduledPlan(env: Env, scope: CallerScope, partnerId: string, planId: string) {
  const db = dbOf(env);
  const { partner, plans } = await visiblePartnerWithPlans(db, scope, partnerId);
  if (!plans.some((p) => p.id === planId)) throw notFound('commission plan');
  if (!(await deleteScheduledPlan(db, partner.id, planId, new Date()))) {
    throw new AppError(409, 'plan_started', 'This plan has taken effect already; make a new change instead.');
  }
}

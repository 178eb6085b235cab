// Which of a partner's commission plans prices a conversion (the one in force when it occurred), and when a new one starts.
import { dateIn, dayRangeIn } from './calendar';

/** A plan as dated by its partner: its rules apply from `effectiveFrom` on. */
export type DatedPlan = { id: string; effectiveFrom: Date };

/**
 * The plan in force at `at`: the latest that took effect by then (the later id on a tie), or,
 * for a conversion dated before every plan, the partner's first plan (the earlier id on a tie),
 * since a partner's first plan also covers what happened before it. Undefined when the partner
 * has none.
 * @example planInForce([{ id: 'a', effectiveFrom: jan }, { id: 'b', effectiveFrom: mar }], feb)?.id // 'a'
 */
export function planInForce<P extends DatedPlan>(plans: readonly P[], at: Date): P | undefined {
  const atMs = at.getTime();
  let inForce: P | undefined;
  let first: P | undefined;
  for (const plan of plans) {
    const fromMs = plan.effectiveFrom.getTime();
    const firstMs = first?.effectiveFrom.getTime();
    if (firstMs === undefined || fromMs < firstMs || (fromMs === firstMs && plan.id < (first?.id ?? ''))) first = plan;
    if (fromMs > atMs) continue;
    const best = inForce?.effectiveFrom.getTime();
    if (best === undefined || fromMs > best || (fromMs === best && plan.id > (inForce?.id ?? ''))) inForce = plan;
  }
  return inForce ?? first;
}

/** Where a plan stands against now: over, the one in force, or still to come. */
export const PLAN_STATUSES = ['past', 'current', 'scheduled'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/**
 * Each plan's standing at `at`: `current` for the one in force (see `planInForce`), `scheduled`
 * for one that starts later, `past` for one overtaken by a later start.
 * @example planStatuses([{ id: 'a', effectiveFrom: jan }, { id: 'b', effectiveFrom: mar }], feb) // Map { a => 'current', b => 'scheduled' }
 */
export function planStatuses<P extends DatedPlan>(plans: readonly P[], at: Date): Map<string, PlanStatus> {
  const current = planInForce(plans, at);
  const statuses = new Map<string, PlanStatus>();
  for (const plan of plans) {
    const status = plan === current ? 'current' : plan.effectiveFrom.getTime() > at.getTime() ? 'scheduled' : 'past';
    statuses.set(plan.id, status);
  }
  return statuses;
}

/** A plan dated as the API shows it: the date it starts on in the programme's zone, and its standing. */
export type PlanState<P extends DatedPlan> = P & { effectiveDate: string; status: PlanStatus };

/**
 * The plans with their start date in `timeZone` and their standing at `at`, in the order given.
 * @example plansAt([{ id: 'a', effectiveFrom: jan }], feb, 'UTC') // [{ id: 'a', effectiveFrom: jan, effectiveDate: '2026-01-01', status: 'current' }]
 */
export function plansAt<P extends DatedPlan>(plans: readonly P[], at: Date, timeZone: string): PlanState<P>[] {
  const statuses = planStatuses(plans, at);
  return plans.map((plan) => ({
    ...plan,
    effectiveDate: dateIn(plan.effectiveFrom.getTime(), timeZone),
    status: statuses.get(plan.id) ?? 'past',
  }));
}

/**
 * The next plan to take over after `at`: the earliest that starts later and is not already the
 * one in force. Undefined when nothing is scheduled.
 * @example nextPlan([{ id: 'a', effectiveFrom: jan }, { id: 'b', effectiveFrom: mar }], feb)?.id // 'b'
 */
export function nextPlan<P extends DatedPlan>(plans: readonly P[], at: Date): P | undefined {
  const current = planInForce(plans, at);
  let next: P | undefined;
  for (const plan of plans) {
    if (plan === current || plan.effectiveFrom.getTime() <= at.getTime()) continue;
    const fromMs = plan.effectiveFrom.getTime();
    const best = next?.effectiveFrom.getTime();
    if (best === undefined || fromMs < best || (fromMs === best && plan.id > (next?.id ?? ''))) next = plan;
  }
  return next;
}

/**
 * When new rules start. Without a date: at once. With a date (`YYYY-MM-DD`) of the programme's
 * time zone: from that day's start there, so that a whole day is priced by one plan, even when
 * the date is today (the start is then already past; commissions are computed when a conversion
 * is recorded, so nothing recorded before the change is repriced). `day` is the span of that
 * date, where a plan made earlier for the same date is replaced. Null for a date before today.
 * @example planStart('2026-12-01', now, 'Europe/Paris') // { startMs: Date.parse('2026-11-30T23:00:00Z'), day: {...} }
 */
export function planStart(
  date: string | undefined,
  now: Date,
  timeZone: string,
): { startMs: number; day: { startMs: number; endMs: number } | null } | null {
  if (date === undefined) return { startMs: now.getTime(), day: null };
  if (date < dateIn(now.getTime(), timeZone)) return null;
  const day = dayRangeIn(date, timeZone);
  return { startMs: day.startMs, day };
}

// Which of a partner's commission plans prices a conversion: the one in force when it occurred.

/** A plan as dated by its partner: its rules apply from `effectiveFrom` on. */
export type DatedPlan = { id: string; effectiveFrom: Date };

/**
 * The plan in force at `at`: the latest that took effect by then (the later id on a tie), or,
 * for a conversion dated before every plan, the partner's first plan, since a partner's first
 * plan also covers what happened before it. Undefined when the partner has none.
 * @example planInForce([{ id: 'a', effectiveFrom: jan }, { id: 'b', effectiveFrom: mar }], feb)?.id // 'a'
 */
export function planInForce<P extends DatedPlan>(plans: readonly P[], at: Date): P | undefined {
  const atMs = at.getTime();
  let inForce: P | undefined;
  let first: P | undefined;
  for (const plan of plans) {
    const fromMs = plan.effectiveFrom.getTime();
    if (!first || fromMs < first.effectiveFrom.getTime()) first = plan;
    if (fromMs > atMs) continue;
    const best = inForce?.effectiveFrom.getTime();
    if (best === undefined || fromMs > best || (fromMs === best && plan.id > (inForce?.id ?? ''))) inForce = plan;
  }
  return inForce ?? first;
}

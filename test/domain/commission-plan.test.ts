import { describe, expect, it } from 'vitest';
import { planInForce } from '../../src/domain/commission-plan';

const plan = (id: string, day: string) => ({ id, effectiveFrom: new Date(`${day}T00:00:00Z`) });
const at = (iso: string) => new Date(iso);

describe('planInForce', () => {
  const plans = [plan('b', '2026-03-01'), plan('a', '2026-01-01'), plan('c', '2026-06-01')];

  it('picks the latest plan that took effect by then, in any order', () => {
    expect(planInForce(plans, at('2026-04-15T12:00:00Z'))?.id).toBe('b');
    expect(planInForce(plans, at('2026-12-31T00:00:00Z'))?.id).toBe('c');
  });

  it('counts a plan from the very start of its day', () => {
    expect(planInForce(plans, at('2026-03-01T00:00:00Z'))?.id).toBe('b');
    expect(planInForce(plans, at('2026-02-28T23:59:59.999Z'))?.id).toBe('a');
  });

  it('prices what happened before every plan with the first one', () => {
    expect(planInForce(plans, at('2025-06-01T00:00:00Z'))?.id).toBe('a');
  });

  it('takes the later id of two plans of the same day', () => {
    expect(planInForce([plan('x2', '2026-01-01'), plan('x1', '2026-01-01')], at('2026-02-01T00:00:00Z'))?.id).toBe(
      'x2',
    );
  });

  it('answers nothing for a partner without plans', () => {
    expect(planInForce([], at('2026-01-01T00:00:00Z'))).toBeUndefined();
  });
});

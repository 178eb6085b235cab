import { describe, expect, it } from 'vitest';
import { nextPlan, planInForce, planStart, planStatuses, plansAt } from '../../src/domain/commission-plan';

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

  it('prices what happened before with the earlier of two first plans of the same start, in any order', () => {
    const tied = [plan('y2', '2026-01-01'), plan('y1', '2026-01-01')];
    expect(planInForce(tied, at('2025-12-31T00:00:00Z'))?.id).toBe('y1');
    expect(planInForce([...tied].reverse(), at('2025-12-31T00:00:00Z'))?.id).toBe('y1');
  });

  it('answers nothing for a partner without plans', () => {
    expect(planInForce([], at('2026-01-01T00:00:00Z'))).toBeUndefined();
  });
});

describe('planStatuses', () => {
  const plans = [plan('a', '2026-01-01'), plan('b', '2026-03-01'), plan('c', '2026-06-01')];

  it('tells the plan in force from those over and those to come', () => {
    expect(Object.fromEntries(planStatuses(plans, at('2026-04-01T00:00:00Z')))).toEqual({
      a: 'past',
      b: 'current',
      c: 'scheduled',
    });
  });

  it('makes a plan current from the very start of its day', () => {
    expect(planStatuses(plans, at('2026-06-01T00:00:00Z')).get('c')).toBe('current');
    expect(planStatuses(plans, at('2026-05-31T23:59:59.999Z')).get('c')).toBe('scheduled');
  });

  it('counts the later of two plans of the same start as current, the other as past', () => {
    const statuses = planStatuses([plan('x1', '2026-01-01'), plan('x2', '2026-01-01')], at('2026-02-01T00:00:00Z'));
    expect(Object.fromEntries(statuses)).toEqual({ x1: 'past', x2: 'current' });
  });
});

describe('nextPlan', () => {
  const plans = [plan('c', '2026-06-01'), plan('a', '2026-01-01'), plan('b', '2026-03-01')];

  it('answers the earliest plan still to start', () => {
    expect(nextPlan(plans, at('2026-02-01T00:00:00Z'))?.id).toBe('b');
    expect(nextPlan(plans, at('2026-03-01T00:00:00Z'))?.id).toBe('c');
  });

  it('answers nothing once the last plan has started', () => {
    expect(nextPlan(plans, at('2026-06-01T00:00:00Z'))).toBeUndefined();
  });
});

describe('plansAt', () => {
  it("dates each plan in the programme's zone", () => {
    const dated = plansAt(
      [{ id: 'a', effectiveFrom: at('2026-11-30T23:00:00Z') }],
      at('2026-12-02T00:00:00Z'),
      'Europe/Paris',
    );
    expect(dated).toEqual([
      { id: 'a', effectiveFrom: at('2026-11-30T23:00:00Z'), effectiveDate: '2026-12-01', status: 'current' },
    ]);
  });
});

describe('planStart', () => {
  const now = at('2026-11-15T10:30:00Z');

  it('starts at once without a date', () => {
    expect(planStart(undefined, now, 'Europe/Paris')).toEqual({ startMs: now.getTime(), day: null });
  });

  it("starts a dated plan at the start of its day in the programme's zone", () => {
    expect(planStart('2026-12-01', now, 'Europe/Paris')).toEqual({
      startMs: Date.parse('2026-11-30T23:00:00Z'),
      day: { startMs: Date.parse('2026-11-30T23:00:00Z'), endMs: Date.parse('2026-12-01T23:00:00Z') },
    });
  });

  it('starts a plan dated today at the start of today, already past', () => {
    expect(planStart('2026-11-15', now, 'UTC')?.startMs).toBe(Date.parse('2026-11-15T00:00:00Z'));
  });

  it("refuses a date before today, today being the zone's", () => {
    expect(planStart('2026-11-14', now, 'UTC')).toBeNull();
    // 23:30 UTC on the 14th is already the 15th in Paris.
    expect(planStart('2026-11-14', at('2026-11-14T23:30:00Z'), 'Europe/Paris')).toBeNull();
    expect(planStart('2026-11-14', at('2026-11-14T23:30:00Z'), 'UTC')).not.toBeNull();
  });
});

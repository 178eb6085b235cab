import { describe, expect, it } from 'vitest';
import { canChangeStatus } from '../../src/domain/partner-lifecycle';
import { PARTNER_STATUSES as STATUSES } from '../../src/domain/partnership';

describe('canChangeStatus', () => {
  it('lets an open partnership move to any status, ended included', () => {
    for (const from of STATUSES.filter((s) => s !== 'ended')) {
      for (const to of STATUSES) expect(canChangeStatus(from, to), `${from} -> ${to}`).toBe(true);
    }
  });

  it('never reopens an ended partnership', () => {
    for (const to of STATUSES.filter((s) => s !== 'ended')) {
      expect(canChangeStatus('ended', to), `ended -> ${to}`).toBe(false);
    }
  });

  it('accepts an ended partner set to ended again, or left as it is', () => {
    expect(canChangeStatus('ended', 'ended')).toBe(true);
    expect(canChangeStatus('ended', undefined)).toBe(true);
    expect(canChangeStatus('active', undefined)).toBe(true);
  });
});

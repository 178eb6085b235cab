import { describe, expect, it } from 'vitest';
import { canSee, partnerFilterOf } from '../../src/domain/visibility';

const admin = { partnerId: null };
const partnerA = { partnerId: 'ptn_a' };

describe('canSee', () => {
  it('lets an admin see every partner’s rows, and rows of no partner', () => {
    expect(canSee(admin, 'ptn_a')).toBe(true);
    expect(canSee(admin, 'ptn_b')).toBe(true);
    expect(canSee(admin, null)).toBe(true);
    expect(canSee(admin, undefined)).toBe(true);
  });

  it('lets a partner key see its own partner’s rows only', () => {
    expect(canSee(partnerA, 'ptn_a')).toBe(true);
    expect(canSee(partnerA, 'ptn_b')).toBe(false);
    expect(canSee(partnerA, null)).toBe(false);
    expect(canSee(partnerA, undefined)).toBe(false);
  });
});

describe('partnerFilterOf', () => {
  it('gives an admin the filter asked for, or none', () => {
    expect(partnerFilterOf(admin, 'ptn_b')).toEqual({ partnerId: 'ptn_b' });
    expect(partnerFilterOf(admin, undefined)).toEqual({ partnerId: undefined });
  });

  it('restricts a partner key to its own partner, asked for or not', () => {
    expect(partnerFilterOf(partnerA, undefined)).toEqual({ partnerId: 'ptn_a' });
    expect(partnerFilterOf(partnerA, 'ptn_a')).toEqual({ partnerId: 'ptn_a' });
    expect(partnerFilterOf(partnerA, '')).toEqual({ partnerId: 'ptn_a' });
  });

  it('has no filter for a partner key asking for another partner', () => {
    expect(partnerFilterOf(partnerA, 'ptn_b')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { type KeyRole, keyHolder } from '../../src/domain/key-role';

const live = { status: 'active' as const, deletedAt: null };

describe('keyHolder', () => {
  it('lets an admin key in as an admin', () => {
    expect(keyHolder({ role: 'admin', partnerId: null, partner: null })).toEqual({ role: 'admin' });
  });

  it('confines a partner key to its live partner', () => {
    expect(keyHolder({ role: 'partner', partnerId: 'ptn_a', partner: live })).toEqual({
      role: 'partner',
      partnerId: 'ptn_a',
    });
    expect(keyHolder({ role: 'partner', partnerId: 'ptn_a', partner: { ...live, status: 'paused' } })).toEqual({
      role: 'partner',
      partnerId: 'ptn_a',
    });
  });

  it('refuses a partner key naming no partner, never reading it as an admin key', () => {
    expect(keyHolder({ role: 'partner', partnerId: null, partner: null })).toBeNull();
    expect(keyHolder({ role: 'partner', partnerId: '', partner: live })).toBeNull();
  });

  it('refuses a partner key whose partner is gone, deleted or ended', () => {
    expect(keyHolder({ role: 'partner', partnerId: 'ptn_a', partner: null })).toBeNull();
    expect(keyHolder({ role: 'partner', partnerId: 'ptn_a', partner: { ...live, deletedAt: new Date() } })).toBeNull();
    expect(keyHolder({ role: 'partner', partnerId: 'ptn_a', partner: { ...live, status: 'ended' } })).toBeNull();
  });

  it('refuses a role it does not know', () => {
    expect(keyHolder({ role: 'root' as KeyRole, partnerId: null, partner: null })).toBeNull();
  });
});

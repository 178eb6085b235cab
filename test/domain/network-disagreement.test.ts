import { describe, expect, it } from 'vitest';
import { networkDisagreement, networkStatusFor } from '../../src/domain/networks/disagreement';

const state = (
  status: 'pending' | 'approved' | 'rejected' | 'reversed',
  amountMinor: number,
  refundedAmountMinor = 0,
) => ({
  status,
  amountMinor,
  refundedAmountMinor,
});

describe('networkStatusFor', () => {
  it('follows the network where the rules allow it', () => {
    expect(networkStatusFor('pending', 'approved')).toBe('approved');
    expect(networkStatusFor('pending', 'rejected')).toBe('rejected');
    expect(networkStatusFor('approved', 'reversed')).toBe('reversed');
  });

  it('reverses an approved conversion the network declines', () => {
    expect(networkStatusFor('approved', 'rejected')).toBe('reversed');
  });

  it('keeps its status against a move back', () => {
    expect(networkStatusFor('approved', 'pending')).toBe('approved');
    expect(networkStatusFor('rejected', 'approved')).toBe('rejected');
    expect(networkStatusFor('reversed', 'pending')).toBe('reversed');
  });
});

describe('networkDisagreement', () => {
  it('is null while Relais follows the network', () => {
    expect(networkDisagreement(state('pending', 12000), state('approved', 12000))).toBeNull();
    expect(networkDisagreement(state('pending', 12000), state('pending', 9000))).toBeNull();
    expect(networkDisagreement(state('approved', 12000), state('rejected', 12000))).toBeNull();
  });

  it('names a status kept against the network', () => {
    expect(networkDisagreement(state('approved', 12000), state('pending', 12000))).toEqual({
      network: { status: 'pending', amountMinor: 12000 },
      relais: { status: 'approved', amountMinor: 12000 },
    });
    expect(networkDisagreement(state('rejected', 12000), state('approved', 12000))).not.toBeNull();
  });

  it('says nothing of a conversion reversed by a sale amount down to nothing, nor of two statuses that pay nothing', () => {
    expect(networkDisagreement(state('reversed', 12000, 12000), state('pending', 0))).toBeNull();
    expect(networkDisagreement(state('rejected', 12000), state('reversed', 12000))).toBeNull();
  });

  it('names a sale amount above what remains of a paying conversion', () => {
    expect(networkDisagreement(state('pending', 12000, 3000), state('pending', 11000))).toEqual({
      network: { status: 'pending', amountMinor: 11000 },
      relais: { status: 'pending', amountMinor: 9000 },
    });
    expect(networkDisagreement(state('approved', 12000), state('approved', 15000))).not.toBeNull();
  });
});

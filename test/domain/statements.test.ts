import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divideHalfUp } from '../../src/domain/money';
import {
  dueAtOf,
  isOverdue,
  issuerOf,
  parseStatementNumber,
  paymentTermsMs,
  type StatementCandidate,
  statementLineFor,
  statementNumber,
  vatMinorOf,
  vatRateBpOf,
} from '../../src/domain/statements';

const at = (iso: string) => Date.parse(iso);
const NOVEMBER = { startMs: at('2026-11-01T00:00:00Z'), endMs: at('2026-12-01T00:00:00Z') };

const conversion = (overrides: Partial<StatementCandidate> = {}): StatementCandidate => ({
  status: 'approved',
  occurredAtMs: at('2026-11-10T12:00:00Z'),
  reportingCommissionMinor: 800,
  statedCommissionMinor: null,
  ...overrides,
});

describe('statement numbers', () => {
  it('are REL, the year of issue and four digits at least', () => {
    expect(statementNumber(2027, 1)).toBe('REL-2027-0001');
    expect(statementNumber(2026, 42)).toBe('REL-2026-0042');
    expect(statementNumber(2026, 12_345)).toBe('REL-2026-12345');
  });

  it('read back into their year and place', () => {
    expect(parseStatementNumber('REL-2027-0001')).toEqual({ year: 2027, sequence: 1 });
    expect(parseStatementNumber('REL-2026-12345')).toEqual({ year: 2026, sequence: 12_345 });
    for (const bad of ['REL-2026-0000', 'REL-26-0001', 'FAC-2026-0001', 'REL-2026-001']) {
      expect(parseStatementNumber(bad), bad).toBeNull();
    }
  });

  it('never start at zero', () => {
    expect(() => statementNumber(2026, 0)).toThrow(RangeError);
  });
});

describe('the VAT of a statement', () => {
  it("is at the partner's rate when it has one, else at the programme's", () => {
    expect(vatRateBpOf(550, '20')).toBe(550);
    expect(vatRateBpOf(0, '20')).toBe(0);
    expect(vatRateBpOf(null, '20')).toBe(2_000);
    expect(vatRateBpOf(null, '5.5')).toBe(550);
    expect(vatRateBpOf(null, '8.25')).toBe(825);
    expect(vatRateBpOf(undefined, undefined)).toBe(2_000);
    expect(vatRateBpOf(null, ' ')).toBe(2_000);
  });

  it('refuses a programme rate that is not a percentage', () => {
    for (const bad of ['20%', '0.2.1', '-5', 'twenty', '100.5', '5.555']) {
      expect(() => vatRateBpOf(null, bad), bad).toThrow(RangeError);
    }
  });

  it('is rounded once on the total, half away from zero', () => {
    expect(vatMinorOf(2_345, 2_000)).toBe(469);
    expect(vatMinorOf(2_348, 550)).toBe(129); // 129.14
    expect(vatMinorOf(1_010, 550)).toBe(56); // 55.55
    expect(vatMinorOf(1_001, 550)).toBe(55); // 55.055
    expect(vatMinorOf(2_358, 2_000)).toBe(472); // 471.6
    expect(vatMinorOf(-2_358, 2_000)).toBe(-472);
    expect(vatMinorOf(-250, 2_000)).toBe(-50);
    expect(vatMinorOf(0, 2_000)).toBe(0);
  });

  it('rounds halves away from zero on either side', () => {
    expect(vatMinorOf(10, 550)).toBe(1); // 0.55
    expect(vatMinorOf(-10, 550)).toBe(-1);
    expect(vatMinorOf(50, 1_000)).toBe(5);
    expect(vatMinorOf(5, 1_000)).toBe(1); // 0.5
    expect(vatMinorOf(-5, 1_000)).toBe(-1);
  });

  it('is exact on any total and rate', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 10_000 }), (total, bp) => {
        const vat = vatMinorOf(total, bp);
        expect(vat).toBe(Number(divideHalfUp(BigInt(total) * BigInt(bp), 10_000n)));
        expect(Math.abs(vat * 10_000 - total * bp)).toBeLessThanOrEqual(5_000);
        expect(vatMinorOf(-total, bp)).toBe(-vat || 0);
      }),
    );
  });
});

describe('the due date of a statement', () => {
  it("is the partner's payment terms after issue, 30 days by default", () => {
    const issued = at('2026-12-01T00:05:00Z');
    expect(dueAtOf(issued, 30)).toBe(at('2026-12-31T00:05:00Z'));
    expect(dueAtOf(issued, null)).toBe(at('2026-12-31T00:05:00Z'));
    expect(dueAtOf(issued, 45)).toBe(at('2027-01-15T00:05:00Z'));
    expect(dueAtOf(issued, 0)).toBe(issued);
    expect(paymentTermsMs(1)).toBe(86_400_000);
    expect(() => paymentTermsMs(-1)).toThrow(RangeError);
  });

  it('makes an unpaid statement overdue once past, never a paid one', () => {
    const dueAtMs = at('2026-12-31T00:05:00Z');
    expect(isOverdue({ status: 'issued', dueAtMs }, dueAtMs)).toBe(false);
    expect(isOverdue({ status: 'issued', dueAtMs }, dueAtMs + 1)).toBe(true);
    expect(isOverdue({ status: 'paid', dueAtMs }, dueAtMs + 1)).toBe(false);
  });
});

describe('the line a conversion gets on a statement', () => {
  it('states an approved conversion of the month at its reporting commission', () => {
    expect(statementLineFor(conversion(), NOVEMBER)).toEqual({ kind: 'commission', commissionMinor: 800 });
    expect(statementLineFor(conversion({ occurredAtMs: NOVEMBER.startMs }), NOVEMBER)?.kind).toBe('commission');
  });

  it('leaves pending, rejected, reversed and unconverted conversions not yet stated', () => {
    for (const status of ['pending', 'rejected', 'reversed'] as const) {
      expect(statementLineFor(conversion({ status }), NOVEMBER), status).toBeNull();
    }
    expect(statementLineFor(conversion({ reportingCommissionMinor: null }), NOVEMBER)).toBeNull();
  });

  it('gives no line to a conversion that earns nothing', () => {
    expect(statementLineFor(conversion({ reportingCommissionMinor: 0 }), NOVEMBER)).toBeNull();
  });

  it('leaves conversions of later months to their own statement', () => {
    expect(statementLineFor(conversion({ occurredAtMs: NOVEMBER.endMs }), NOVEMBER)).toBeNull();
    expect(
      statementLineFor(
        conversion({
          occurredAtMs: NOVEMBER.endMs,
          statedCommissionMinor: 800,
          status: 'reversed',
          reportingCommissionMinor: 0,
        }),
        NOVEMBER,
      ),
    ).toBeNull();
  });

  it('states an earlier month’s conversion approved or converted since as a late line', () => {
    expect(statementLineFor(conversion({ occurredAtMs: NOVEMBER.startMs - 1 }), NOVEMBER)).toEqual({
      kind: 'late',
      commissionMinor: 800,
    });
  });

  it('takes back what a refund or reversal removed from a conversion already stated', () => {
    expect(
      statementLineFor(conversion({ statedCommissionMinor: 800, reportingCommissionMinor: 300 }), NOVEMBER),
    ).toEqual({ kind: 'adjustment', commissionMinor: -500 });
    expect(
      statementLineFor(
        conversion({ status: 'reversed', statedCommissionMinor: 800, reportingCommissionMinor: 0, occurredAtMs: 0 }),
        NOVEMBER,
      ),
    ).toEqual({ kind: 'adjustment', commissionMinor: -800 });
  });

  it('changes nothing for a conversion stated as it stands', () => {
    expect(statementLineFor(conversion({ statedCommissionMinor: 800 }), NOVEMBER)).toBeNull();
    expect(
      statementLineFor(
        conversion({ status: 'reversed', statedCommissionMinor: 0, reportingCommissionMinor: 0 }),
        NOVEMBER,
      ),
    ).toBeNull();
  });

  it('leaves a stated conversion whose reporting figure is gone until it is back', () => {
    expect(
      statementLineFor(conversion({ statedCommissionMinor: 800, reportingCommissionMinor: null }), NOVEMBER),
    ).toBeNull();
  });

  it('always brings what is stated in all to what the conversion earns now', () => {
    const statuses = ['pending', 'approved', 'rejected', 'reversed'] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...statuses),
        fc.integer({ min: 0, max: 1e9 }),
        fc.option(fc.integer({ min: 0, max: 1e9 })),
        (status, commission, stated) => {
          const c = conversion({ status, reportingCommissionMinor: commission, statedCommissionMinor: stated });
          const line = statementLineFor(c, NOVEMBER);
          const after = (stated ?? 0) + (line?.commissionMinor ?? 0);
          if (stated !== null || status === 'approved') {
            const earned = status === 'approved' || status === 'reversed' ? commission : 0;
            expect(after).toBe(earned);
          } else {
            expect(line).toBeNull();
          }
        },
      ),
    );
  });
});

describe('issuerOf', () => {
  it('reads the seller from its settings, a blank or absent one as null', () => {
    expect(
      issuerOf({ ISSUER_NAME: ' Assistant Auto Ultime SAS ', ISSUER_ADDRESS: ' ', ISSUER_VAT_NUMBER: 'FR98765432109' }),
    ).toEqual({
      name: 'Assistant Auto Ultime SAS',
      address: null,
      vatNumber: 'FR98765432109',
      registration: null,
    });
  });
});

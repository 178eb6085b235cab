// Conversion times, through parsePostback: ISO 8601, unix seconds and milliseconds, and what is refused.
import { describe, expect, it } from 'vitest';
import { issues, value } from '../support/postback-input';

describe('parsePostback occurredAt', () => {
  const at = (v: unknown) => value({ transactionId: 'T', occurredAt: v }).occurredAt;

  it('reads ISO 8601 times, zone-less ones as UTC', () => {
    expect(at('2026-03-01T10:15:00Z')).toEqual(new Date('2026-03-01T10:15:00Z'));
    expect(at('2026-03-01T10:15:00.123Z')).toEqual(new Date('2026-03-01T10:15:00.123Z'));
    expect(at('2026-03-01T10:15:00.123456Z')).toEqual(new Date('2026-03-01T10:15:00.123Z'));
    expect(at('2026-03-01T12:15:00+02:00')).toEqual(new Date('2026-03-01T10:15:00Z'));
    expect(at('2026-03-01T12:15:00+0200')).toEqual(new Date('2026-03-01T10:15:00Z'));
    expect(at('2026-03-01T12:15:00+02')).toEqual(new Date('2026-03-01T10:15:00Z'));
    expect(at('2026-03-01T05:15:00-05:00')).toEqual(new Date('2026-03-01T10:15:00Z'));
    expect(at('2026-03-01T10:15:00')).toEqual(new Date('2026-03-01T10:15:00Z'));
    expect(at('2026-03-01T10:15')).toEqual(new Date('2026-03-01T10:15:00Z'));
    expect(at('2026-03-01 10:15:00')).toEqual(new Date('2026-03-01T10:15:00Z'));
    expect(at('2026-03-01')).toEqual(new Date('2026-03-01T00:00:00Z'));
  });

  it('reads unix seconds and milliseconds, told apart by size', () => {
    expect(at(1772360100)).toEqual(new Date('2026-03-01T10:15:00Z'));
    expect(at('1772360100')).toEqual(new Date('2026-03-01T10:15:00Z'));
    expect(at('1772360100.5')).toEqual(new Date('2026-03-01T10:15:00.500Z'));
    expect(at(1772360100123)).toEqual(new Date('2026-03-01T10:15:00.123Z'));
    expect(at('1772360100123')).toEqual(new Date('2026-03-01T10:15:00.123Z'));
  });

  it('leaves the time to the receiver for "now" or when absent', () => {
    expect(at('NOW')).toBeUndefined();
    expect(at(undefined)).toBeUndefined();
    expect(at('')).toBeUndefined();
  });

  it('refuses what is not a time, a date that does not exist, and times outside 2000-2100', () => {
    for (const v of [
      'yesterday',
      '01/03/2026',
      '2026-02-30',
      '2026-13-01',
      '2026-03-01T25:00:00Z',
      0,
      -5,
      '20260301',
      4102444800,
    ]) {
      expect(
        issues({ transactionId: 'T', occurredAt: v }).map((i) => i.path),
        String(v),
      ).toEqual(['occurredAt']);
    }
  });
});

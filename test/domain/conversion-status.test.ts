import { describe, expect, it } from 'vitest';
import {
  CONVERSION_STATUSES,
  conversionStatusSchema,
  isFinalStatus,
  type Status,
  transition,
} from '../../src/domain/conversion-status';

// Every pair, written out: the table is the specification.
const TABLE: [Status, Status, ReturnType<typeof transition>][] = [
  ['pending', 'pending', 'same'],
  ['pending', 'approved', 'allowed'],
  ['pending', 'rejected', 'allowed'],
  ['pending', 'reversed', 'allowed'],
  ['approved', 'pending', 'invalid'],
  ['approved', 'approved', 'same'],
  ['approved', 'rejected', 'invalid'],
  ['approved', 'reversed', 'allowed'],
  ['rejected', 'pending', 'invalid'],
  ['rejected', 'approved', 'invalid'],
  ['rejected', 'rejected', 'same'],
  ['rejected', 'reversed', 'invalid'],
  ['reversed', 'pending', 'invalid'],
  ['reversed', 'approved', 'invalid'],
  ['reversed', 'rejected', 'invalid'],
  ['reversed', 'reversed', 'same'],
];

describe('transition', () => {
  it.each(TABLE)('%s -> %s is %s', (from, to, expected) => {
    expect(transition(from, to)).toBe(expected);
  });

  it('covers every pair of statuses', () => {
    expect(TABLE).toHaveLength(CONVERSION_STATUSES.length ** 2);
    for (const from of CONVERSION_STATUSES) {
      for (const to of CONVERSION_STATUSES) expect(TABLE.some(([f, t]) => f === from && t === to)).toBe(true);
    }
  });

  it('never leads back to pending', () => {
    for (const from of CONVERSION_STATUSES) {
      if (from !== 'pending') expect(transition(from, 'pending')).toBe('invalid');
    }
  });
});

describe('isFinalStatus', () => {
  it('is true for rejected and reversed only', () => {
    expect(CONVERSION_STATUSES.filter(isFinalStatus)).toEqual(['rejected', 'reversed']);
  });
});

describe('conversionStatusSchema', () => {
  it('accepts our four statuses and nothing else', () => {
    for (const status of CONVERSION_STATUSES) expect(conversionStatusSchema.parse(status)).toBe(status);
    for (const other of ['Pending', 'paid', '', 'refunded'])
      expect(conversionStatusSchema.safeParse(other).success).toBe(false);
  });
});

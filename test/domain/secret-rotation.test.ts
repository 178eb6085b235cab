import { describe, expect, it } from 'vitest';
import { ROTATION_OVERLAP_MS, rotated, secretsInForce } from '../../src/domain/secret-rotation';

const NOW = Date.parse('2031-03-01T12:00:00Z');

describe('secretsInForce', () => {
  it('gives the current secret alone when there is no previous one', () => {
    expect(secretsInForce({ current: 'b', previous: null, previousExpiresAt: null }, NOW)).toEqual(['b']);
  });

  it('gives the previous one too until it expires, and not from that moment', () => {
    const secret = { current: 'b', previous: 'a', previousExpiresAt: new Date(NOW + 1) };
    expect(secretsInForce(secret, NOW)).toEqual(['b', 'a']);
    expect(secretsInForce(secret, NOW + 1)).toEqual(['b']);
  });
});

describe('rotated', () => {
  it('keeps the replaced secret for a day', () => {
    expect(ROTATION_OVERLAP_MS).toBe(86_400_000);
    expect(rotated('b', 'a', NOW)).toEqual({
      current: 'b',
      previous: 'a',
      previousExpiresAt: new Date(NOW + 86_400_000),
    });
  });

  it('keeps nothing when there was nothing to replace', () => {
    expect(rotated('b', null, NOW)).toEqual({ current: 'b', previous: null, previousExpiresAt: null });
  });
});

import { describe, expect, it } from 'vitest';
import { newClickId, newSlug, newUlid, ulidTime } from '../src/domain/ids';

describe('newClickId', () => {
  it('is a 26-character URL-safe id that sorts by time', () => {
    const a = newClickId(1_700_000_000_000);
    const b = newClickId(1_700_000_000_001);
    expect(a).toMatch(/^[0-9A-Z]{26}$/);
    expect(a < b).toBe(true);
    expect(ulidTime(a)).toBe(1_700_000_000_000);
  });
});

describe('newUlid', () => {
  it('is unique within a millisecond and carries the time it was given, whatever came before', () => {
    const times = [1_700_000_000_000, 1_700_000_000_000, 1_764_000_000_123, 1_700_000_000_000, 0, 2 ** 48 - 1];
    const seen = new Set<string>();
    for (const t of times) {
      for (let i = 0; i < 300; i++) {
        const id = newUlid(t);
        expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
        expect(ulidTime(id)).toBe(t);
        seen.add(id);
      }
    }
    expect(seen.size).toBe(times.length * 300);
  });
});

describe('newSlug', () => {
  it('has no look-alike characters', () => {
    for (let i = 0; i < 200; i++) expect(newSlug()).toMatch(/^[2-9a-km-np-zA-HJ-NP-Z]{7}$/);
  });
});

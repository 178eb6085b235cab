import { describe, expect, it } from 'vitest';
import { newClickId, newSlug, ulidTime } from '../src/domain/ids';

describe('newClickId', () => {
  it('is a 26-character URL-safe id that sorts by time', () => {
    const a = newClickId(1_700_000_000_000);
    const b = newClickId(1_700_000_000_001);
    expect(a).toMatch(/^[0-9A-Z]{26}$/);
    expect(a < b).toBe(true);
    expect(ulidTime(a)).toBe(1_700_000_000_000);
  });
});

describe('newSlug', () => {
  it('has no look-alike characters', () => {
    for (let i = 0; i < 200; i++) expect(newSlug()).toMatch(/^[2-9a-km-np-zA-HJ-NP-Z]{7}$/);
  });
});

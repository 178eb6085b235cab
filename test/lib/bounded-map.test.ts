import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../src/lib/bounded-map';

describe('BoundedMap', () => {
  it('drops the oldest entry when a new key would pass the bound', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2).set('c', 3);
    expect([...map]).toEqual([
      ['b', 2],
      ['c', 3],
    ]);
  });

  it('drops nothing when a key already held is set again', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2).set('a', 10);
    expect([...map]).toEqual([
      ['a', 10],
      ['b', 2],
    ]);
  });

  it('computes a missing value once and keeps it, null included', () => {
    const map = new BoundedMap<string, string | null>(10);
    let calls = 0;
    const make = (key: string) => {
      calls++;
      return key === 'none' ? null : key.toUpperCase();
    };
    expect(map.getOrSet('x', make)).toBe('X');
    expect(map.getOrSet('x', make)).toBe('X');
    expect(map.getOrSet('none', make)).toBeNull();
    expect(map.getOrSet('none', make)).toBeNull();
    expect(calls).toBe(2);
  });

  it('never holds more than its bound', () => {
    const map = new BoundedMap<number, number>(100);
    for (let i = 0; i < 1_000; i++) map.getOrSet(i, (k) => k * 2);
    expect(map.size).toBe(100);
    expect(map.get(999)).toBe(1_998);
    expect(map.has(899)).toBe(false);
  });

  it('refuses a bound under one', () => {
    expect(() => new BoundedMap(0)).toThrow(RangeError);
  });
});

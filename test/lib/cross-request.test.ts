import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LATE, waitShared } from '../../src/lib/cross-request';

describe('waitShared', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers the shared value when it comes before the timer', async () => {
    const shared = new Promise<string>((resolve) => setTimeout(() => resolve('row'), 100));
    const waiting = waitShared(shared, 1_000);
    await vi.advanceTimersByTimeAsync(100);
    expect(await waiting).toBe('row');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('answers LATE when its own timer fires first', async () => {
    const shared = new Promise<string>(() => {});
    const waiting = waitShared(shared, 1_000);
    await vi.advanceTimersByTimeAsync(999);
    let settled = false;
    void waiting.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await waiting).toBe(LATE);
  });

  it('passes a rejection on and clears its timer', async () => {
    const waiting = waitShared(Promise.reject(new Error('D1 down')), 1_000);
    await expect(waiting).rejects.toThrow('D1 down');
    expect(vi.getTimerCount()).toBe(0);
  });
});

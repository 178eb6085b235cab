import { describe, expect, it } from 'vitest';
import { pendingClick, RAW_IP, readBatch, toWire, WIRE, wireBatch } from '../../src/domain/click-wire';
import { clickEvent } from '../clicks/events';

describe('click wire format', () => {
  it('gives back, once read, the very clicks it was given', () => {
    const events = [clickEvent(), clickEvent({ referer: 'https://example.com/' }), clickEvent()];
    expect(readBatch(wireBatch(events))).toEqual(events.map(toWire));
  });

  it('sends each repeated string once per batch', () => {
    const events = [clickEvent(), clickEvent(), clickEvent()];
    const text = wireBatch(events);
    expect(text.split(events[0]!.userAgent!).length - 1).toBe(1);
    expect(text.split(events[0]!.destination).length - 1).toBe(1);
  });

  it('keeps the raw IP and user id beside a pending click, and never on the wire', () => {
    const event = clickEvent();
    const pending = pendingClick(event, '203.0.113.7', 'user-42');
    expect(pending.slice(RAW_IP)).toEqual(['203.0.113.7', 'user-42']);
    expect(toWire(event)).toHaveLength(RAW_IP);
    expect(wireBatch([event])).not.toContain('203.0.113.7');
  });

  it('reads a text without clicks as an empty batch', () => {
    expect(readBatch('{}')).toEqual([]);
    expect(readBatch('null')).toEqual([]);
  });

  it('names every position of a click once', () => {
    const positions = Object.values(WIRE);
    expect(new Set(positions).size).toBe(positions.length);
    expect(Math.max(...positions)).toBeLessThan(RAW_IP);
  });
});

// A Bloom filter of short strings: says "maybe" or "surely not", so that a lookup reads only what may hold a value.
import { fromBase64Url, toBase64Url } from './ids';

/** A filter as stored (in an archive manifest): its bits base64url, their count and the hashes per value. */
export type BloomFilter = { bits: string; m: number; k: number };

/** Bits per value for about 1% false positives, and the hashes that rate wants. */
const BITS_PER_VALUE = 10;
const HASHES = 7;
const MIN_BITS = 64;

const encoder = new TextEncoder();

/** A value as a filter tests it: two 32-bit hashes, taken once, then tested against any number of filters. */
export type BloomProbe = { h1: number; h2: number };

// One SHA-256 per value; its first 8 bytes give two 32-bit hashes from which the k positions are
// derived (h1 + i * h2, Kirsch and Mitzenmacher): as good as k independent hashes for a filter.
export async function probeOf(value: string): Promise<BloomProbe> {
  const digest = new DataView(await crypto.subtle.digest('SHA-256', encoder.encode(value)));
  return { h1: digest.getUint32(0), h2: digest.getUint32(4) | 1 };
}

function positions({ h1, h2 }: BloomProbe, m: number, k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < k; i++) out.push(((h1 + Math.imul(i, h2)) >>> 0) % m);
  return out;
}

/**
 * A filter of `values` (duplicates counted once), sized for them.
 * @example const filter = await bloomFilterOf(['01J...', 'hash...']); await mayContain(filter, '01J...') // true
 */
export async function bloomFilterOf(values: Iterable<string>): Promise<BloomFilter> {
  const distinct = [...new Set(values)];
  const m = Math.max(MIN_BITS, Math.ceil((distinct.length * BITS_PER_VALUE) / 8) * 8);
  const bytes = new Uint8Array(m / 8);
  const probes = await Promise.all(distinct.map(probeOf));
  for (const probe of probes) for (const p of positions(probe, m, HASHES)) bytes[p >> 3]! |= 1 << (p & 7);
  return { bits: toBase64Url(bytes), m, k: HASHES };
}

/** Whether `value` may be in the filter (false: it surely is not). */
export async function mayContain(filter: BloomFilter, value: string): Promise<boolean> {
  return mayHoldAny(filter, [await probeOf(value)]);
}

/** Whether any of `values` may be in the filter. */
export async function mayContainAny(filter: BloomFilter, values: Iterable<string>): Promise<boolean> {
  return mayHoldAny(filter, await Promise.all([...values].map(probeOf)));
}

/**
 * Whether any of the probed values may be in the filter: the filter decoded once, no hashing, so
 * that one lookup tests many filters cheaply.
 */
export function mayHoldAny(filter: BloomFilter, probes: readonly BloomProbe[]): boolean {
  if (probes.length === 0) return false;
  const bytes = fromBase64Url(filter.bits);
  return probes.some((probe) =>
    positions(probe, filter.m, filter.k).every((p) => ((bytes[p >> 3] ?? 0) & (1 << (p & 7))) !== 0),
  );
}

// A Bloom filter of short strings: says "maybe" or "surely not", so that a lookup reads only what may hold a value.
import { fromBase64Url, toBase64Url } from './ids';

/** A filter as stored (in an archive manifest): its bits base64url, their count and the hashes per value. */
export type BloomFilter = { bits: string; m: number; k: number };

/** Bits per value for about 1% false positives, and the hashes that rate wants. */
const BITS_PER_VALUE = 10;
const HASHES = 7;
const MIN_BITS = 64;

const encoder = new TextEncoder();

// One SHA-256 per value; its first 8 bytes give two 32-bit hashes from which the k positions are
// derived (h1 + i * h2, Kirsch and Mitzenmacher): as good as k independent hashes for a filter.
async function positions(value: string, m: number, k: number): Promise<number[]> {
  const digest = new DataView(await crypto.subtle.digest('SHA-256', encoder.encode(value)));
  const h1 = digest.getUint32(0);
  const h2 = digest.getUint32(4) | 1;
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
  const all = await Promise.all(distinct.map((v) => positions(v, m, HASHES)));
  for (const list of all) for (const p of list) bytes[p >> 3]! |= 1 << (p & 7);
  return { bits: toBase64Url(bytes), m, k: HASHES };
}

/** Whether `value` may be in the filter (false: it surely is not). */
export async function mayContain(filter: BloomFilter, value: string): Promise<boolean> {
  const bytes = fromBase64Url(filter.bits);
  for (const p of await positions(value, filter.m, filter.k)) {
    if (((bytes[p >> 3] ?? 0) & (1 << (p & 7))) === 0) return false;
  }
  return true;
}

/** Whether any of `values` may be in the filter. */
export async function mayContainAny(filter: BloomFilter, values: Iterable<string>): Promise<boolean> {
  for (const value of values) if (await mayContain(filter, value)) return true;
  return false;
}

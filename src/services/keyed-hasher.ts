// Synchronous HMAC-SHA256 keyed hashes, byte for byte those of src/domain/hashing.ts, for hashing clicks in bulk.
//
// Why a second implementation: `crypto.subtle.sign` answers through a promise, and with its key
// import, buffers and base64 step it costs tens of microseconds per call in workerd; the click
// recorder hashes every click's fingerprint, so that was a fifth of the Worker's time under load.
// Here the key's inner and outer pad states are computed once and a hash is a few SHA-256
// compressions. test/clicks/keyed-hasher.test.ts checks the output against `keyedHash`,
// `userHash` and `fingerprintOf` on random inputs, so the two cannot drift apart.

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const INITIAL = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const w = new Int32Array(64);

/** One SHA-256 compression of the 64 bytes of `bytes` at `offset` into `state`. */
function compress(state: Int32Array, bytes: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4;
    w[i] = (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15]!;
    const b = w[i - 2]!;
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

/** Hashes `length` bytes of `buffer` (which must have room for the padding) from `state`, already past `prefixBytes`. */
function finish(state: Int32Array, buffer: Uint8Array, length: number, prefixBytes: number): void {
  const total = length + prefixBytes;
  let end = length;
  buffer[end++] = 0x80;
  while (end % 64 !== 56) buffer[end++] = 0;
  const bits = total * 8;
  buffer[end++] = 0;
  buffer[end++] = 0;
  buffer[end++] = 0;
  buffer[end++] = Math.floor(bits / 2 ** 32) & 0xff;
  buffer[end++] = (bits >>> 24) & 0xff;
  buffer[end++] = (bits >>> 16) & 0xff;
  buffer[end++] = (bits >>> 8) & 0xff;
  buffer[end++] = bits & 0xff;
  for (let offset = 0; offset < end; offset += 64) compress(state, buffer, offset);
}

const encoder = new TextEncoder();

/**
 * A keyed hasher for one secret: `hash(purpose, value)` equals
 * `await keyedHash(secret, purpose, value)` of src/domain/hashing.ts, synchronously.
 * @example const hash = keyedHasher(env.HASH_KEY); hash('user', 'user-42') // 'x1Yz...' (32 chars)
 */
export function keyedHasher(secret: string): (purpose: string, value: string) => string {
  let key = encoder.encode(secret);
  if (key.length > 64) {
    const state = INITIAL.slice();
    const buffer = new Uint8Array(key.length + 72);
    buffer.set(key);
    finish(state, buffer, key.length, 0);
    key = stateBytes(state);
  }
  const inner = INITIAL.slice();
  const outer = INITIAL.slice();
  const pad = new Uint8Array(64);
  for (let i = 0; i < 64; i++) pad[i] = (key[i] ?? 0) ^ 0x36;
  compress(inner, pad, 0);
  for (let i = 0; i < 64; i++) pad[i] = (key[i] ?? 0) ^ 0x5c;
  compress(outer, pad, 0);

  let buffer = new Uint8Array(1024);
  const state = new Int32Array(8);
  const digest = new Uint8Array(96);
  return (purpose, value) => {
    const message = `${purpose}\u0000${value}`;
    // UTF-8 takes at most 3 bytes per UTF-16 unit; 72 more for the padding.
    if (buffer.length < message.length * 3 + 72) buffer = new Uint8Array(message.length * 3 + 72);
    const { written } = encoder.encodeInto(message, buffer);
    state.set(inner);
    finish(state, buffer, written, 64);
    for (let i = 0; i < 8; i++) {
      const word = state[i]!;
      digest[i * 4] = word >>> 24;
      digest[i * 4 + 1] = (word >>> 16) & 0xff;
      digest[i * 4 + 2] = (word >>> 8) & 0xff;
      digest[i * 4 + 3] = word & 0xff;
    }
    state.set(outer);
    finish(state, digest, 32, 64);
    return base64Url24(stateBytes(state));
  };
}

function stateBytes(state: Int32Array): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const word = state[i]!;
    out[i * 4] = word >>> 24;
    out[i * 4 + 1] = (word >>> 16) & 0xff;
    out[i * 4 + 2] = (word >>> 8) & 0xff;
    out[i * 4 + 3] = word & 0xff;
  }
  return out;
}

/** The first 24 bytes in base64url: exactly 32 characters, no padding (as `keyedHash` keeps them). */
function base64Url24(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < 24; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += BASE64URL[n >>> 18]! + BASE64URL[(n >>> 12) & 63]! + BASE64URL[(n >>> 6) & 63]! + BASE64URL[n & 63]!;
  }
  return out;
}

/** `userHash` of src/domain/identity.ts, with a hasher of the same key. */
export const userHashWith = (hash: ReturnType<typeof keyedHasher>, userId: string) => hash('user', userId.trim());

/** `fingerprintOf` of src/domain/identity.ts, with a hasher of the same key. */
export const fingerprintWith = (hash: ReturnType<typeof keyedHasher>, ip: string, userAgent: string, day: string) =>
  hash(`fingerprint:${day}`, `${ip.trim().toLowerCase()}\n${userAgent.trim()}`);

// Synchronous HMAC-SHA256 keyed hashes, byte for byte those of src/domain/hashing.ts, for hashing clicks in bulk.
//
// Why a second implementation: `crypto.subtle.sign` answers through a promise, and with its key
// import, buffers and base64 step it costs tens of microseconds per call in workerd; the click
// recorder hashes every click's fingerprint, so that was a fifth of the Worker's time under load.
// Here the key's inner and outer pad states are computed once and a hash is a few SHA-256
// compressions. test/clicks/keyed-hasher.test.ts checks the output against `keyedHash`,
// `userHash` and `fingerprintOf` on random inputs, so the two cannot drift apart.
//
// The message is fed piece by piece, UTF-8 encoded by hand into one reused block: no message
// string, byte array or result object is built per hash, only the 32-character answer. It runs
// once per click, in the isolate that serves redirects, where every short-lived object brings
// the next garbage collection (and the runtime's clean-up of finished requests it triggers) closer.
import { refuseEmptyKey } from './settings';

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

/**
 * Keyed hashes under one secret, synchronous and byte for byte those of src/domain/hashing.ts
 * and src/domain/identity.ts.
 * @example const hasher = new KeyedHasher(env.HASH_KEY); hasher.user('user-42') // 'x1Yz...' (32 chars)
 */
export class KeyedHasher {
  private readonly inner = INITIAL.slice();
  private readonly outer = INITIAL.slice();
  private readonly state = new Int32Array(8);
  private readonly block = new Uint8Array(64);
  /** Bytes waiting in `block`. */
  private used = 0;
  /** Bytes hashed since `inner` or `outer`, the 64 of the pad included. */
  private total = 0;
  private readonly codes: number[] = new Array(32).fill(0);

  constructor(secret: string) {
    refuseEmptyKey(secret, 'HMAC');
    let key = new TextEncoder().encode(secret);
    if (key.length > 64) {
      this.state.set(INITIAL);
      this.total = 0;
      for (const byte of key) this.byte(byte);
      this.pad();
      key = new Uint8Array(32);
      for (let i = 0; i < 32; i++) key[i] = byteOf(this.state, i);
    }
    const pad = new Uint8Array(64);
    for (let i = 0; i < 64; i++) pad[i] = (key[i] ?? 0) ^ 0x36;
    compress(this.inner, pad, 0);
    for (let i = 0; i < 64; i++) pad[i] = (key[i] ?? 0) ^ 0x5c;
    compress(this.outer, pad, 0);
  }

  /** `keyedHash(secret, purpose, value)`: the HMAC of purpose, NUL and value. */
  hash(purpose: string, value: string): string {
    this.begin();
    this.text(purpose);
    this.byte(0);
    this.text(value);
    return this.end();
  }

  /** `userHash` of src/domain/identity.ts. */
  user(userId: string): string {
    return this.hash('user', userId.trim());
  }

  /** `fingerprintOf` of src/domain/identity.ts. */
  fingerprint(ip: string, userAgent: string, day: string): string {
    this.begin();
    this.text('fingerprint:');
    this.text(day);
    this.byte(0);
    this.text(ip.trim().toLowerCase());
    this.byte(0x0a);
    this.text(userAgent.trim());
    return this.end();
  }

  private begin(): void {
    this.state.set(this.inner);
    this.used = 0;
    this.total = 64;
  }

  /** The inner hash finished, hashed again from `outer`; its first 24 bytes in base64url. */
  private end(): string {
    this.pad();
    const state = this.state;
    const block = this.block;
    for (let i = 0; i < 32; i++) block[i] = byteOf(state, i);
    state.set(this.outer);
    this.used = 32;
    this.total = 96;
    this.pad();
    const codes = this.codes;
    for (let i = 0, c = 0; i < 24; i += 3) {
      const n = (byteOf(state, i) << 16) | (byteOf(state, i + 1) << 8) | byteOf(state, i + 2);
      codes[c++] = BASE64URL.charCodeAt(n >>> 18);
      codes[c++] = BASE64URL.charCodeAt((n >>> 12) & 63);
      codes[c++] = BASE64URL.charCodeAt((n >>> 6) & 63);
      codes[c++] = BASE64URL.charCodeAt(n & 63);
    }
    return String.fromCharCode.apply(null, codes);
  }

  /** SHA-256 padding: 0x80, zeros, and the message length in bits. */
  private pad(): void {
    const bits = this.total * 8;
    this.byte(0x80);
    while (this.used !== 56) this.byte(0);
    this.byte(0);
    this.byte(0);
    this.byte(0);
    this.byte(Math.floor(bits / 2 ** 32) & 0xff);
    this.byte(bits >>> 24);
    this.byte((bits >>> 16) & 0xff);
    this.byte((bits >>> 8) & 0xff);
    this.byte(bits & 0xff);
  }

  private byte(value: number): void {
    this.block[this.used++] = value;
    this.total++;
    if (this.used === 64) {
      compress(this.state, this.block, 0);
      this.used = 0;
    }
  }

  /** `text` in UTF-8, as TextEncoder writes it (a lone surrogate becomes U+FFFD). */
  private text(text: string): void {
    const block = this.block;
    for (let i = 0; i < text.length; i++) {
      // ASCII, nearly every character of an IP or a user agent, is copied without a call.
      const from = i;
      let used = this.used;
      let c = text.charCodeAt(i);
      while (c < 0x80) {
        block[used++] = c;
        if (used === 64) {
          compress(this.state, block, 0);
          used = 0;
        }
        if (++i === text.length) break;
        c = text.charCodeAt(i);
      }
      this.used = used;
      this.total += i - from;
      if (i === text.length) return;
      if (c < 0x800) {
        this.byte(0xc0 | (c >> 6));
        this.byte(0x80 | (c & 63));
        continue;
      }
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          i++;
          this.byte(0xf0 | (c >> 18));
          this.byte(0x80 | ((c >> 12) & 63));
          this.byte(0x80 | ((c >> 6) & 63));
          this.byte(0x80 | (c & 63));
          continue;
        }
        c = 0xfffd;
      }
      this.byte(0xe0 | (c >> 12));
      this.byte(0x80 | ((c >> 6) & 63));
      this.byte(0x80 | (c & 63));
    }
  }
}

/** Byte `i` of a SHA-256 state, big-endian. */
const byteOf = (state: Int32Array, i: number) => (state[i >> 2]! >>> (24 - 8 * (i & 3))) & 0xff;

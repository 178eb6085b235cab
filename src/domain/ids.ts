// Identifiers: sortable (time first) and URL-safe, so that ids order lists and fit in query strings.

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

// Every tracked redirect mints a click id, and a first visit a visitor id too: the random bytes
// come from a pool refilled 4 KB at a time (one call into the runtime per 256 ids), the time
// characters are computed once per millisecond, and the id is made in one piece from its
// character codes (appending 16 characters one by one would leave as many strings behind).
let randomPool = new Uint8Array(0);
let randomOffset = 0;
let timeMs = -1;
const codes: number[] = new Array(26).fill(0);

/**
 * A ULID: 10 characters of millisecond time then 16 of randomness (26 in all,
 * Crockford base32). Lexicographic order is creation order.
 * @example newUlid() // '01JDQ7Z8V3K2M4N5P6Q7R8S9T0'
 */
export function newUlid(nowMs: number = Date.now()): string {
  if (nowMs !== timeMs) {
    let t = nowMs;
    for (let i = 9; i >= 0; i--) {
      codes[i] = CROCKFORD.charCodeAt(t % 32);
      t = Math.floor(t / 32);
    }
    timeMs = nowMs;
  }
  if (randomOffset + 16 > randomPool.length) {
    randomPool = crypto.getRandomValues(new Uint8Array(4096));
    randomOffset = 0;
  }
  for (let i = 10; i < 26; i++) codes[i] = CROCKFORD.charCodeAt(randomPool[randomOffset++]! & 31);
  return String.fromCharCode.apply(null, codes);
}

/** Milliseconds encoded in the first ten characters of a ULID, or null when it is not one. */
export function ulidTime(id: string): number | null {
  if (!/^[0-9A-HJKMNP-TV-Z]{26}$/.test(id)) return null;
  let t = 0;
  for (let i = 0; i < 10; i++) t = t * 32 + CROCKFORD.indexOf(id[i] as string);
  return t;
}

/**
 * The smallest ULID of millisecond `ms`: every id minted at `ms` or later sorts at or after it, every
 * earlier one before it, so a time range of ids is a range of the primary key.
 * @example ulidFloor(0) // '00000000000000000000000000'
 */
export function ulidFloor(ms: number): string {
  let out = '';
  for (let i = 0, t = ms; i < 10; i++, t = Math.floor(t / 32)) out = CROCKFORD[t % 32] + out;
  return `${out}${'0'.repeat(16)}`;
}

export type IdPrefix =
  | 'ptn'
  | 'lnk'
  | 'key'
  | 'cpn'
  | 'ref'
  | 'cnv'
  | 'evt'
  | 'pbl'
  | 'dlv'
  | 'att'
  | 'anm'
  | 'rpt'
  | 'dsc'
  | 'pln'
  | 'his'
  | 'usr'
  | 'era';

/** A resource id such as `lnk_01JDQ7Z8V3K2M4N5P6Q7R8S9T0`: the prefix tells the kind at a glance. */
export function newId(prefix: IdPrefix, nowMs?: number): string {
  return `${prefix}_${newUlid(nowMs)}`;
}

/** A click id: a bare ULID (26 characters), short enough for any partner's sub-id field. */
export function newClickId(nowMs?: number): string {
  return newUlid(nowMs);
}

const SLUG_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';

/**
 * A random short slug without look-alike characters (0/O, 1/l/I): 7 characters
 * of a 55-letter alphabet, about 1.5e12 possibilities, too many to enumerate.
 */
export function newSlug(length = 7): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
  let out = '';
  for (const b of bytes) {
    // Rejection sampling keeps the letters uniform (220 = 4 * 55).
    if (b < 220) out += SLUG_ALPHABET[b % 55];
    if (out.length === length) return out;
  }
  return out + newSlug(length - out.length);
}

/** A random secret of `bytes` bytes, base64url without padding. */
export function randomToken(bytes = 24): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  const b64 = text.replaceAll('-', '+').replaceAll('_', '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/**
 * A referral code people can read aloud and type: upper-case, no look-alikes, 8 characters
 * (about 8.5e11 codes).
 * @example newReferralCode() // 'K7QM4XPA'
 */
export function newReferralCode(length = 8): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
  let out = '';
  for (const b of bytes) {
    if (b < 248) out += CODE_ALPHABET[b % 31];
    if (out.length === length) return out;
  }
  return out + newReferralCode(length - out.length);
}

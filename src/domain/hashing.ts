// Keyed hashes and constant-time comparison: how Relais keeps identifiers without keeping them.
import { toBase64Url } from './ids';
import { refuseEmptyKey } from './settings';

const encoder = new TextEncoder();
const keyCache = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    refuseEmptyKey(secret, 'HMAC');
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keyCache.set(secret, key);
  }
  return key;
}

/** HMAC-SHA256 of `data` under `secret` (raw bytes). */
export async function hmacSha256(secret: string | Uint8Array, data: string): Promise<Uint8Array> {
  const key =
    typeof secret === 'string'
      ? await hmacKey(secret)
      : await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(data)));
}

/**
 * A keyed hash for identifiers that must be matched but never read back
 * (app user ids, customer ids, API keys). `purpose` separates the uses so that
 * a hash from one cannot be replayed as another.
 * @example await keyedHash(env.HASH_KEY, 'uid', 'user-42') // 'x1Yz...' (32 chars)
 */
export async function keyedHash(secret: string, purpose: string, value: string): Promise<string> {
  return toBase64Url((await hmacSha256(secret, `${purpose}\u0000${value}`)).slice(0, 24));
}

/** The hash under which an API key is stored; the key itself is never kept. */
export const hashApiKey = (hashKey: string, key: string) => keyedHash(hashKey, 'api-key', key);

/** Compares two strings in time that depends only on their length. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

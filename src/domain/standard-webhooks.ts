// Standard Webhooks (standardwebhooks.com) signatures: partners sign their postbacks, Relais signs its daily pushes.
import { constantTimeEqual, hmacSha256 } from './hashing';

const SECRET_PREFIX = 'whsec_';

export type WebhookHeaders = { id: string | null; timestamp: string | null; signature: string | null };

export type WebhookFailureCode =
  | 'missing_headers'
  | 'invalid_timestamp'
  | 'timestamp_out_of_tolerance'
  | 'invalid_signature';

export type WebhookVerification = { ok: true } | { ok: false; code: WebhookFailureCode; message: string };

/**
 * A new signing secret: `whsec_` then the base64 of 24 random bytes (the scheme's minimum).
 * @example newSigningSecret() // 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD'
 */
export function newSigningSecret(): string {
  return SECRET_PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(24)));
}

/**
 * The `webhook-signature` header value for a message: `v1,` and the base64 HMAC-SHA256 of
 * `${id}.${timestampSec}.${body}` under the secret's key. Throws when the secret is not base64.
 * @example await signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_1', 1700000000, '{}') // 'v1,...'
 */
export async function signWebhook(secret: string, id: string, timestampSec: number, body: string): Promise<string> {
  if (!Number.isSafeInteger(timestampSec)) throw new RangeError('timestampSec must be whole seconds');
  return `v1,${await signature(secretKey(secret), id, String(timestampSec), body)}`;
}

/**
 * The `webhook-signature` header value signed with each of `secrets`, space-separated, as the
 * scheme allows: a receiver accepts the message when any entry matches a secret it holds, so a
 * sender can sign with a new secret and the one it replaces while receivers switch.
 * @example await signWebhookWithEach([next, previous], 'msg_1', 1700000000, '{}') // 'v1,... v1,...'
 */
export async function signWebhookWithEach(
  secrets: readonly string[],
  id: string,
  timestampSec: number,
  body: string,
): Promise<string> {
  if (secrets.length === 0) throw new RangeError('at least one secret is needed to sign');
  const entries = await Promise.all(secrets.map((secret) => signWebhook(secret, id, timestampSec, body)));
  return entries.join(' ');
}

/**
 * Checks a signed message against each of `secrets` (several while a secret is being rotated).
 * The timestamp must be within `toleranceSec` of `nowSec` either way, which bounds replays; any
 * `v1` entry of the space-separated signature header may match, other versions are ignored.
 * Throws when a secret is not base64: that is a configuration fault, not the sender's.
 * @example await verifyWebhook([secret], { id, timestamp, signature }, body, Math.floor(Date.now() / 1000)) // { ok: true }
 */
export async function verifyWebhook(
  secrets: string[],
  headers: WebhookHeaders,
  body: string,
  nowSec: number,
  toleranceSec = 300,
): Promise<WebhookVerification> {
  const { id, timestamp, signature: header } = headers;
  if (!id || !timestamp || !header) {
    return fail('missing_headers', 'webhook-id, webhook-timestamp and webhook-signature headers are required');
  }
  if (!/^[0-9]{1,15}$/.test(timestamp.trim())) {
    return fail('invalid_timestamp', 'webhook-timestamp must be whole seconds since the epoch');
  }
  const timestampSec = Number(timestamp.trim());
  if (nowSec - timestampSec > toleranceSec) return fail('timestamp_out_of_tolerance', 'webhook-timestamp is too old');
  if (timestampSec - nowSec > toleranceSec) {
    return fail('timestamp_out_of_tolerance', 'webhook-timestamp is too far in the future');
  }
  const offered = header
    .trim()
    .split(/\s+/)
    .map((entry) => entry.split(','))
    .filter(([version, value]) => version === 'v1' && value)
    .map(([, value]) => value as string);
  const keys = secrets.map(secretKey);
  for (const key of keys) {
    const expected = await signature(key, id, String(timestampSec), body);
    // Every candidate is compared, so the time taken does not tell which entry came closest.
    let matched = false;
    for (const candidate of offered) matched = constantTimeEqual(candidate, expected) || matched;
    if (matched) return { ok: true };
  }
  return fail('invalid_signature', 'no webhook-signature entry matches the body with the partner signing secret');
}

function secretKey(secret: string): Uint8Array {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  let key: Uint8Array;
  try {
    key = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
  } catch {
    throw new TypeError('signing secret is not base64');
  }
  if (key.length === 0) throw new TypeError('signing secret is empty');
  return key;
}

async function signature(key: Uint8Array, id: string, timestamp: string, body: string): Promise<string> {
  return toBase64(await hmacSha256(key, `${id}.${timestamp}.${body}`));
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fail(code: WebhookFailureCode, message: string): WebhookVerification {
  return { ok: false, code, message };
}

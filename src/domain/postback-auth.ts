// Whether a postback comes from its partner: IP allowlist, then a Standard Webhooks signature (POST) or the token (GET).
import { constantTimeEqual, keyedHash } from './hashing';
import { isIpAllowed } from './ip-allowlist';
import { open } from './secret-box';
import { verifyWebhook } from './standard-webhooks';

/** Signed deliveries older or newer than this are refused, which bounds replays of a captured request. */
export const SIGNATURE_TOLERANCE_SEC = 300;

/** What a partner's settings say about who may post for it. */
export type PostbackAuthSettings = {
  ipAllowlist: readonly string[];
  acceptTokenPostbacks: boolean;
  acceptSignedPostbacks: boolean;
  postbackTokenHash: string;
  signingSecretEnc: string;
  previousSecretEnc: string | null;
  previousSecretExpiresAt: Date | null;
};

/** What a postback shows of its sender. */
export type PostbackCredentials = {
  method: 'GET' | 'POST';
  clientIp: string | null;
  /** The token of a GET: its `Authorization: Bearer` header, else `?token=` (see `postbackTokenOf`). */
  token: string | null;
  webhookId: string | null;
  webhookTimestamp: string | null;
  webhookSignature: string | null;
  /** The body as received: the signature covers it byte for byte. */
  body: string;
};

/**
 * The postback token a GET carries: in an `Authorization: Bearer` header when there is one (a
 * header stays out of the access logs that keep URLs), else as `?token=`.
 * @example postbackTokenOf('Bearer pbt_abc', null) // 'pbt_abc'
 * postbackTokenOf(null, 'pbt_abc') // 'pbt_abc'
 */
export function postbackTokenOf(authorization: string | null, queryToken: string | null): string | null {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return bearer?.[1] ?? queryToken;
}

/** Why a postback was refused, in the contract's terms. */
export type AuthRefusal = { status: 401 | 403; code: string; message: string; details?: unknown };

/** The keys that open the partner's secrets and hash its token. */
export type AuthKeys = { hashKey: string; secretsKey: string };

/**
 * Checks a postback's sender against its partner's settings: the IP allowlist first, then a
 * Standard Webhooks signature for POST (the current secret, and the previous one during the 24 h
 * after a rotation) or the postback token for GET (compared as keyed hashes, in constant time).
 * Answers null when it passes, else the refusal to answer with.
 * @example await authenticatePostback(partner, { method: 'GET', token: 'pbt_...', ... }, keys, Date.now()) // null
 */
export async function authenticatePostback(
  partner: PostbackAuthSettings,
  sent: PostbackCredentials,
  keys: AuthKeys,
  nowMs: number,
): Promise<AuthRefusal | null> {
  if (!isIpAllowed(partner.ipAllowlist, sent.clientIp)) {
    return {
      status: 403,
      code: 'ip_not_allowed',
      message: "The caller's address is not on this partner's IP allowlist.",
    };
  }
  if (sent.method === 'GET') {
    if (!partner.acceptTokenPostbacks) {
      return {
        status: 403,
        code: 'auth_method_disabled',
        message: 'This partner does not accept token postbacks; POST signed ones.',
      };
    }
    if (!sent.token)
      return {
        status: 401,
        code: 'invalid_token',
        message: 'Send the partner postback token in an Authorization: Bearer header (or as ?token=).',
      };
    const hash = await keyedHash(keys.hashKey, 'postback-token', sent.token);
    if (!constantTimeEqual(hash, partner.postbackTokenHash)) {
      return { status: 401, code: 'invalid_token', message: 'This postback token is not valid for this partner.' };
    }
    return null;
  }
  if (!partner.acceptSignedPostbacks) {
    return {
      status: 403,
      code: 'auth_method_disabled',
      message: 'This partner does not accept signed postbacks; use GET with its token.',
    };
  }
  const secrets = [await open(keys.secretsKey, partner.signingSecretEnc)];
  if (
    partner.previousSecretEnc &&
    partner.previousSecretExpiresAt &&
    partner.previousSecretExpiresAt.getTime() > nowMs
  ) {
    secrets.push(await open(keys.secretsKey, partner.previousSecretEnc));
  }
  const verdict = await verifyWebhook(
    secrets,
    { id: sent.webhookId, timestamp: sent.webhookTimestamp, signature: sent.webhookSignature },
    sent.body,
    Math.floor(nowMs / 1000),
    SIGNATURE_TOLERANCE_SEC,
  );
  if (!verdict.ok) {
    return {
      status: 401,
      code: 'invalid_signature',
      message: `${verdict.message}.`,
      details: { reason: verdict.code },
    };
  }
  return null;
}

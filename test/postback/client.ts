// A partner's side of postbacks: signed with the standardwebhooks library (not our signer), or GET with the token.
import { Webhook } from 'standardwebhooks';
import { call } from '../support/http';

let sequence = 0;
/** A delivery id no other test uses. */
export const newMessageId = () => `msg_${Date.now().toString(36)}_${(sequence++).toString(36)}`;

/** Standard Webhooks headers for `body`, as a partner's server would send them. */
export function signedHeaders(secret: string, body: string, opts: { id?: string; at?: Date } = {}) {
  const id = opts.id ?? newMessageId();
  const at = opts.at ?? new Date();
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}

export type PostOptions = {
  id?: string;
  at?: Date;
  query?: string;
  contentType?: string;
  headers?: Record<string, string>;
};

/** POST /pb/:slug with a JSON (or given) body, signed with `secret`. */
export function postSigned(slug: string, secret: string, payload: unknown, opts: PostOptions = {}): Promise<Response> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return call('POST', `/pb/${slug}${opts.query ?? ''}`, {
    key: null,
    body,
    headers: {
      'content-type': opts.contentType ?? 'application/json',
      ...signedHeaders(secret, body, opts),
      ...opts.headers,
    },
  });
}

/** GET /pb/:slug with the parameters and the partner's token. */
export function getWithToken(
  slug: string,
  token: string | null,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  const query = new URLSearchParams(params);
  if (token !== null) query.set('token', token);
  return call('GET', `/pb/${slug}?${query}`, { key: null, headers });
}

/** The JSON answer of a response (`null` for an empty body). */
// biome-ignore lint/suspicious/noExplicitAny: tests read answers loosely and assert exact values
export async function json(res: Response): Promise<any> {
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

let txn = 0;
/** A transaction id no other test uses. */
export const newTxn = (prefix = 'ORD') => `${prefix}-${Date.now().toString(36)}-${(txn++).toString(36)}`;

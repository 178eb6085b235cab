// A postback's parameters taken from its transport (query, form, JSON) and read in its partner's format.
import type { Partner } from '../db/schema';
import { parsePostback } from '../domain/postback-input';
import { type AppError, invalidRequest } from '../http/errors';
import { bodyParams, paramsOf } from '../http/request-body';
import type { DatedInput } from './record-conversion';

/**
 * The parameters of a postback: a GET's query without `token` and `dryRun`, a POST's body. A
 * body that cannot be read is returned as `malformed` rather than thrown: the sender is only
 * told so once it has proved who it is.
 */
export function paramsOfPostback(
  method: 'GET' | 'POST',
  query: URLSearchParams,
  contentType: string | null,
  body: string,
): { params: Record<string, unknown>; malformed: unknown } {
  if (method === 'GET') {
    const params = paramsOf(query);
    delete params.dryRun;
    delete params.token;
    return { params, malformed: null };
  }
  try {
    return { params: bodyParams(contentType, body), malformed: null };
  } catch (err) {
    return { params: {}, malformed: err };
  }
}

/** A postback read in the partner's format: the conversion it reports, or the 400 naming every bad field. */
export type ReadPostback = { ok: true; input: DatedInput } | { ok: false; error: AppError };

/** Turns "items[0].amount" into the path list the contract's `details` use. */
const pathOf = (path: string) => (path === '' ? [] : path.replace(/\[(\d+)\]/g, '.$1').split('.'));

/**
 * Reads a postback's parameters with the partner's names, status map and units; a conversion
 * without a time occurred when it was received. Pure: nothing is read or written.
 * @example readPostback(partner, { transactionId: 'T-1', amount: '10.44' }, new Date()) // { ok: true, input: { amountMinor: 1044, ... } }
 */
export function readPostback(partner: Partner, params: Record<string, unknown>, receivedAt: Date): ReadPostback {
  const parsed = parsePostback(params, {
    postbackParams: partner.postbackParams,
    statusMap: partner.statusMap,
    amountsInMinorUnits: partner.amountsInMinorUnits,
    defaultCurrency: partner.currency,
  });
  if (parsed.ok) return { ok: true, input: { ...parsed.value, occurredAt: parsed.value.occurredAt ?? receivedAt } };
  const fields = [...new Set(parsed.issues.map((i) => i.path.split(/[.[]/)[0]))].join(', ');
  return {
    ok: false,
    error: invalidRequest(
      `The postback is not valid (${fields}): ${parsed.issues.map((i) => `${i.path} ${i.message}`).join('; ')}.`,
      parsed.issues.map((i) => ({ path: pathOf(i.path), message: i.message, code: 'invalid_postback_field' })),
    ),
  };
}

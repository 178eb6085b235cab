// A partner's postback as it sends it: the names it uses for each field, and an example in them.
import { minorToMajor, minorUnitsOf } from './money';
import { POSTBACK_FIELDS, type PostbackField } from './postback-schema';

/** A canonical field and the name the partner sends it under; `alternatives` are other names read too. */
export type PostbackParamName = { field: PostbackField; name: string; alternatives: string[]; isMapped: boolean };

/**
 * The name of each canonical field in the partner's postbacks: its mapping (the first of
 * `A|B` alternatives, the others being read too), else the canonical name.
 * @example postbackParamNames({ transactionId: 'order_id|OrderRef' })[1]
 * // { field: 'transactionId', name: 'order_id', alternatives: ['OrderRef'], isMapped: true }
 */
export function postbackParamNames(postbackParams: Readonly<Record<string, string>>): PostbackParamName[] {
  return POSTBACK_FIELDS.map((field) => {
    const mapped = Object.hasOwn(postbackParams, field) ? postbackParams[field] : undefined;
    const names = (mapped ?? '')
      .split('|')
      .map((n) => n.trim())
      .filter(Boolean);
    const [name, ...alternatives] = names;
    return name === undefined
      ? { field, name: field, alternatives: [], isMapped: false }
      : { field, name, alternatives, isMapped: true };
  });
}

/** The amount of the example sale, in minor units of the partner's currency: 49.90 EUR. */
export const EXAMPLE_AMOUNT_MINOR = 4990;

/** The fields of an example postback, in the order they are written. */
const EXAMPLE_FIELDS = ['clickId', 'transactionId', 'amount', 'currency'] as const;

/**
 * An example postback of a sale in the partner's own names and units: what its server would
 * send. `clickId` is left out when not given (a conversion may be attributed otherwise).
 * @example examplePostback({ postbackParams: { transactionId: 'order_id' }, currency: 'EUR', amountsInMinorUnits: false }, { transactionId: 'T-1' })
 * // { order_id: 'T-1', amount: '49.90', currency: 'EUR' }
 */
export function examplePostback(
  partner: { postbackParams: Readonly<Record<string, string>>; currency: string; amountsInMinorUnits: boolean },
  example: { transactionId: string; clickId?: string },
): Record<string, string> {
  const names = new Map(postbackParamNames(partner.postbackParams).map((p) => [p.field, p.name]));
  const values: Record<(typeof EXAMPLE_FIELDS)[number], string | undefined> = {
    clickId: example.clickId,
    transactionId: example.transactionId,
    amount: partner.amountsInMinorUnits
      ? String(EXAMPLE_AMOUNT_MINOR)
      : minorToMajor(EXAMPLE_AMOUNT_MINOR, partner.currency).toFixed(minorUnitsOf(partner.currency)),
    currency: partner.currency,
  };
  const out: Record<string, string> = {};
  for (const field of EXAMPLE_FIELDS) {
    const value = values[field];
    if (value !== undefined) out[names.get(field) ?? field] = value;
  }
  return out;
}

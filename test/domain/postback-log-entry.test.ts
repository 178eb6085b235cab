// redactParams: what the postback log keeps of a postback's parameters.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactParams, TOO_DEEP } from '../../src/domain/postback-log-entry';

/** `inner` wrapped in `depth` objects: `{ a: { a: ... inner } }`. */
const nested = (depth: number, inner: unknown): unknown => (depth === 0 ? inner : { a: nested(depth - 1, inner) });

describe('redactParams', () => {
  it('drops the token and the customer id, and replaces IP addresses', () => {
    expect(redactParams({ token: 't', customer_id: 'c-1', ip: '203.0.113.7', amount: '5' }, {})).toEqual({
      ip: '[redacted]',
      amount: '5',
    });
  });

  it('replaces addresses inside order lines', () => {
    expect(redactParams({ items: [{ sku: 'A', note: '2001:db8::1' }] }, {})).toEqual({
      items: [{ sku: 'A', note: '[redacted]' }],
    });
  });

  it('walks eight levels deep and keeps what it walked', () => {
    expect(redactParams({ deep: nested(8, { ip: '203.0.113.7', n: 1 }) }, {})).toEqual({
      deep: nested(8, { ip: '[redacted]', n: 1 }),
    });
  });

  it('replaces anything nested deeper than it walks with a marker, never keeping it as sent', () => {
    const ip = '203.0.113.7';
    const redacted = redactParams({ deep: nested(12, { ip }), list: nested(9, [[ip]]) }, {});
    expect(redacted).toEqual({ deep: nested(9, TOO_DEEP), list: nested(9, TOO_DEEP) });
    expect(JSON.stringify(redacted)).not.toContain(ip);
  });

  it('never lets an address through, however deep and in whatever shape', () => {
    const address = fc.ipV4();
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        address,
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('a', 'b', 'items'), tie('node'), { maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('x', 'y'), tree), fc.integer({ min: 0, max: 20 }), (params, depth) => {
        const wrapped = { root: nested(depth, params) };
        const text = JSON.stringify(redactParams(wrapped, {}));
        for (const quoted of JSON.stringify(wrapped).match(/"[0-9.]+"/g) ?? []) expect(text).not.toContain(quoted);
      }),
    );
  });
});

// readEvent: the fields a funnel event may carry, each of its type and size; nothing else.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readEvent } from '../../src/domain/event-fields';

const CLICK_ID = '01JDQ7Z8V3K2M4N5P6Q7R8S9T0';

const fields = (params: Record<string, unknown>) => {
  const read = readEvent(params);
  if (!read.ok) throw new Error(JSON.stringify(read.issues));
  return read.event.fields;
};
const refusedFields = (params: Record<string, unknown>) => {
  const read = readEvent(params);
  return read.ok ? [] : read.issues.map((i) => i.path[0]);
};

describe('readEvent', () => {
  it('reads the type, click and partner under their several spellings', () => {
    expect(readEvent({ event: ' Add_To_Cart ', click_id: CLICK_ID.toLowerCase(), partner: 'autodoc' })).toEqual({
      ok: true,
      event: { type: 'add_to_cart', clickId: CLICK_ID, partnerSlug: 'autodoc', fields: {} },
    });
    expect(readEvent({ type: 'lead', cid: CLICK_ID })).toMatchObject({ ok: true, event: { clickId: CLICK_ID } });
  });

  it('keeps each known field as text, in the order sent', () => {
    const kept = fields({ type: 'checkout', sku: 'BRK-1', amount: '59.90', currency: 'eur', quantity: 2, value: 7.5 });
    expect(kept).toEqual({ sku: 'BRK-1', amount: '59.90', currency: 'EUR', quantity: '2', value: '7.5' });
    expect(Object.keys(kept)).toEqual(['sku', 'amount', 'currency', 'quantity', 'value']);
  });

  it('takes a number or a short token as the value', () => {
    expect(fields({ type: 'lead', value: '42' })).toEqual({ value: '42' });
    expect(fields({ type: 'lead', value: 'step_2-b' })).toEqual({ value: 'step_2-b' });
  });

  it('drops unknown and empty fields', () => {
    expect(fields({ type: 'lead', email: 'jean@example.fr', note: 'call me', utm_source: 'x', sku: '' })).toEqual({});
  });

  it('takes the first value of a name repeated in a URL', () => {
    expect(fields({ type: 'lead', sku: ['A-1', 'B-2'] })).toEqual({ sku: 'A-1' });
  });

  it.each([
    ['an e-mail address as the value', { value: 'jean.dupont@example.fr' }, 'value'],
    ['a sentence as the value', { value: 'call me back' }, 'value'],
    ['a long token as the value', { value: 'x'.repeat(33) }, 'value'],
    ['an object as the value', { value: { cart: '3 items' } }, 'value'],
    ['a negative amount', { amount: '-5' }, 'amount'],
    ['an amount with three decimals', { amount: '1.005' }, 'amount'],
    ['an amount in exponent form', { amount: 1e21 }, 'amount'],
    ['a currency that is not ISO 4217', { currency: 'EURO' }, 'currency'],
    ['a SKU with an @', { sku: 'a@b' }, 'sku'],
    ['a quantity of 0', { quantity: '0' }, 'quantity'],
    ['a quantity of 10000', { quantity: 10_000 }, 'quantity'],
    ['a malformed click id', { clickId: '<script>' }, 'clickId'],
    ['a malformed partner', { partner: 'a b' }, 'partner'],
    ['a boolean', { sku: true }, 'sku'],
  ])('refuses %s, naming the field', (_what, params, field) => {
    expect(refusedFields({ type: 'lead', ...params })).toEqual([field]);
  });

  it('refuses a missing or unknown type', () => {
    expect(refusedFields({})).toEqual(['type']);
    expect(refusedFields({ type: 'wishlist' })).toEqual(['type']);
  });

  it('keeps no text with an @ or a blank in any field', () => {
    const text = fc.string({ minLength: 1, maxLength: 40 }).filter((t) => /[@\s]/.test(t.trim()));
    fc.assert(
      fc.property(
        fc.constantFrom('value', 'amount', 'currency', 'sku', 'quantity', 'partner', 'clickId'),
        text,
        (name, t) => {
          const read = readEvent({ type: 'lead', [name]: t });
          expect(read.ok).toBe(false);
        },
      ),
    );
  });
});

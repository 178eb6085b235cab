import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SUB_ID, MAX_UID, readLinkQuery, readLinkQuerySlowly } from '../../src/domain/link-query';

// Pieces a query is made of, weighted towards what trips parsers: escapes (valid, truncated,
// invalid UTF-8), `+`, separators inside values, our own names spelt with escapes.
const piece = fc.oneof(
  fc.constantFrom('sub1', 'sub2', 'sub3', 'sub4', 'sub5', 'sub0', 'sub6', 'uid', 'url', 'utm_source', 'x'),
  fc.constantFrom('consent', 'consent=0', '0', '%30'),
  fc.constantFrom('%73ub1', '%75id', 'SUB1', 'sub1%20', '+', '%20', '%2B', '%26', '%3D', '%', '%2', '%zz', '%E9'),
  fc.constantFrom('%C3%A9', '%F0%9F%9A%97', '%C3', 'é', '🚗', 'https://www.autodoc.fr/x?y=1', '==', '&&'),
  fc.string({ maxLength: 6 }),
);
const component = fc.array(piece, { maxLength: 4 }).map((parts) => parts.join(''));
const pair = fc
  .tuple(component, fc.option(component))
  .map(([name, value]) => (value === null ? name : `${name}=${value}`));
const query = fc.array(pair, { maxLength: 6 }).map((pairs) => pairs.join('&'));

describe('readLinkQuery', () => {
  it('agrees with URLSearchParams on every query', () => {
    fc.assert(
      fc.property(query, (q) => {
        expect(readLinkQuery(q)).toEqual(readLinkQuerySlowly(q));
      }),
      { numRuns: 2_000 },
    );
  });

  it('reads the first non-empty value of each sub-id, the user id and the deep link', () => {
    expect(readLinkQuery('sub1=&sub1=clio+iv&sub3=a%26b&uid=42&uid=43&url=https%3A%2F%2Fx.fr%2F')).toEqual({
      subIds: ['clio iv', null, 'a&b', null, null],
      uid: '42',
      url: 'https://x.fr/',
      isConsentRefused: false,
      isConsentGiven: false,
      forwards: false,
    });
  });

  it('drops one leading question mark, as URLSearchParams does', () => {
    expect(readLinkQuery('?')).toEqual(readLinkQuerySlowly('?'));
    expect(readLinkQuery('?sub1=a')).toEqual(readLinkQuerySlowly('?sub1=a'));
    expect(readLinkQuery('??').forwards).toBe(true);
  });

  it('says when the query holds parameters of others, to forward', () => {
    expect(readLinkQuery('sub1=a&gclid=xyz').forwards).toBe(true);
    expect(readLinkQuery('sub1=a&&').forwards).toBe(false);
  });

  it('cuts long sub-ids and ignores a user id too long to be one', () => {
    const long = 'a'.repeat(MAX_SUB_ID + 10);
    const params = readLinkQuery(`sub2=${long}&uid=${'u'.repeat(MAX_UID + 1)}`);
    expect(params.subIds[1]).toBe('a'.repeat(MAX_SUB_ID));
    expect(params.uid).toBeNull();
  });

  it('reads a query whose escapes decodeURIComponent refuses as URLSearchParams does', () => {
    expect(readLinkQuery('sub1=100%&sub2=%E9t%C3%A9')).toEqual({
      subIds: ['100%', '\uFFFDté', null, null, null],
      uid: null,
      url: null,
      isConsentRefused: false,
      isConsentGiven: false,
      forwards: false,
    });
  });

  it('takes consent=0 as a refusal, whatever other consent values stand beside it, and never as a parameter to forward', () => {
    expect(readLinkQuery('consent=0')).toMatchObject({ isConsentRefused: true, forwards: false });
    expect(readLinkQuery('consent=1&consent=0').isConsentRefused).toBe(true);
    expect(readLinkQuery('consent=1')).toMatchObject({ isConsentRefused: false, forwards: false });
    expect(readLinkQuery('consent=').isConsentRefused).toBe(false);
  });

  it('takes consent=1 as consent given only when no consent=0 stands beside it, before or after', () => {
    expect(readLinkQuery('consent=1')).toMatchObject({
      isConsentGiven: true,
      isConsentRefused: false,
      forwards: false,
    });
    expect(readLinkQuery('consent=0&consent=1')).toMatchObject({ isConsentGiven: false, isConsentRefused: true });
    expect(readLinkQuery('consent=1&consent=0')).toMatchObject({ isConsentGiven: false, isConsentRefused: true });
    expect(readLinkQuery('consent=yes').isConsentGiven).toBe(false);
    expect(readLinkQuery('sub1=a').isConsentGiven).toBe(false);
  });
});

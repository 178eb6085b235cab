import { describe, expect, it } from 'vitest';
import { carriesClickId, linkHealthOf, nextHopUrl } from '../../src/domain/link-health';

describe('carriesClickId', () => {
  it('finds the click id in a query value, the path or the fragment, encoded or not', () => {
    expect(carriesClickId('https://shop.fr/p?sub=01J9ABC', '01J9ABC')).toBe(true);
    expect(carriesClickId('https://shop.fr/c/01J9ABC/p', '01J9ABC')).toBe(true);
    expect(carriesClickId('https://shop.fr/p#cid=01J9ABC', '01J9ABC')).toBe(true);
    expect(carriesClickId('https://t.fr/?u=https%3A%2F%2Fshop.fr%2F%3Fcid%3D01J9ABC', '01J9ABC')).toBe(true);
  });

  it('notices when it is gone', () => {
    expect(carriesClickId('https://shop.fr/p?utm_source=relais', '01J9ABC')).toBe(false);
  });

  it('copes with broken percent-encoding', () => {
    expect(carriesClickId('https://shop.fr/%E0%A4%A?c=01J9ABC', '01J9ABC')).toBe(true);
  });
});

describe('linkHealthOf', () => {
  it('is ok when the landing page answers 2xx with the click id', () => {
    expect(linkHealthOf({ statusCode: 200, finalUrl: 'https://shop.fr/?click_id=C1', error: null }, 'C1')).toBe('ok');
  });

  it('is broken on an error status, no answer or an error', () => {
    expect(linkHealthOf({ statusCode: 404, finalUrl: 'https://shop.fr/?click_id=C1', error: null }, 'C1')).toBe(
      'broken',
    );
    expect(linkHealthOf({ statusCode: 301, finalUrl: 'https://shop.fr/?click_id=C1', error: null }, 'C1')).toBe(
      'broken',
    );
    expect(linkHealthOf({ statusCode: null, finalUrl: 'https://shop.fr/', error: 'timeout' }, 'C1')).toBe('broken');
    expect(linkHealthOf({ statusCode: 200, finalUrl: 'https://shop.fr/?click_id=C1', error: 'too many' }, 'C1')).toBe(
      'broken',
    );
  });

  it('reports a landing page that lost the click id', () => {
    expect(linkHealthOf({ statusCode: 200, finalUrl: 'https://shop.fr/', error: null }, 'C1')).toBe('drops_click_id');
  });
});

describe('nextHopUrl', () => {
  it('resolves relative locations', () => {
    expect(nextHopUrl('https://a.fr/x/y', '../z')).toBe('https://a.fr/z');
    expect(nextHopUrl('https://a.fr/x', 'https://b.fr/')).toBe('https://b.fr/');
  });

  it('is null without a usable location', () => {
    expect(nextHopUrl('https://a.fr/', null)).toBeNull();
    expect(nextHopUrl('https://a.fr/', 'http://[bad')).toBeNull();
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LinkRulesRow } from '../../src/db/schema';
import {
  chooseDestination,
  type LinkRules,
  linkRulesSchema,
  MAX_LANGUAGES,
  needsDevice,
  parseAcceptLanguage,
  stickyHash,
} from '../../src/domain/targeting';

const BE = 'https://www.autodoc.be/';
const MOBILE = 'https://m.autodoc.fr/';
const A = 'https://www.autodoc.fr/a';
const B = 'https://www.autodoc.fr/b';
const C = 'https://www.autodoc.fr/c';
const visitor = (ctx: Partial<Parameters<typeof chooseDestination>[1]> = {}) => ({ languages: [], ...ctx });

describe('linkRulesSchema', () => {
  it('accepts empty rules', () => {
    expect(linkRulesSchema.parse({})).toEqual({});
    expect(linkRulesSchema.parse({ targets: [], variants: [] })).toEqual({ targets: [], variants: [] });
  });

  it('normalises countries to upper case and languages to lower case', () => {
    const rules = linkRulesSchema.parse({
      targets: [{ countries: [' be', 'Lu'], languages: ['FR', 'nl '], destination: BE }],
    });
    expect(rules.targets?.[0]).toEqual({ countries: ['BE', 'LU'], languages: ['fr', 'nl'], destination: BE });
  });

  it('accepts every condition and weighted variants', () => {
    const input = {
      targets: [{ id: 'ios-fr', countries: ['FR'], devices: ['mobile', 'tablet'], os: ['iOS'], destination: MOBILE }],
      variants: [
        { id: 'a', destination: A, weight: 70 },
        { destination: 'http://localhost:8787/b', weight: 30 },
      ],
    };
    expect(linkRulesSchema.parse(input)).toEqual(input);
  });

  it('gives a type that can be stored as LinkRulesRow', () => {
    const rules: LinkRules = linkRulesSchema.parse({ variants: [{ destination: A, weight: 1 }] });
    const row: LinkRulesRow = rules;
    expect(row.variants?.[0]?.weight).toBe(1);
  });

  it.each([
    ['a relative destination', { targets: [{ countries: ['FR'], destination: '/fr' }] }],
    ['a javascript: destination', { variants: [{ destination: 'javascript:alert(1)', weight: 1 }] }],
    ['an ftp destination', { variants: [{ destination: 'ftp://autodoc.fr/', weight: 1 }] }],
    ['a zero weight', { variants: [{ destination: A, weight: 0 }] }],
    ['a negative weight', { variants: [{ destination: A, weight: -1 }] }],
    ['a fractional weight', { variants: [{ destination: A, weight: 1.5 }] }],
    ['a weight given as text', { variants: [{ destination: A, weight: '1' }] }],
    ['a missing weight', { variants: [{ destination: A }] }],
    ['an unknown device', { targets: [{ devices: ['phone'], destination: A }] }],
    ['a three-letter country', { targets: [{ countries: ['FRA'], destination: A }] }],
    ['a full language tag', { targets: [{ languages: ['fr-FR'], destination: A }] }],
    ['a target without any condition', { targets: [{ destination: A }] }],
    ['a target with only empty conditions', { targets: [{ countries: [], os: [], destination: A }] }],
    ['an unknown field', { targets: [{ countries: ['FR'], destination: A, weight: 2 }] }],
    ['an unknown top-level field', { default: A }],
    ['an id with spaces', { variants: [{ id: 'a b', destination: A, weight: 1 }] }],
    [
      'two rules with one id',
      {
        targets: [{ id: 'x', countries: ['FR'], destination: A }],
        variants: [{ id: 'x', destination: B, weight: 1 }],
      },
    ],
    ['51 targets', { targets: Array.from({ length: 51 }, () => ({ countries: ['FR'], destination: A })) }],
    ['21 variants', { variants: Array.from({ length: 21 }, () => ({ destination: A, weight: 1 })) }],
  ])('refuses %s', (_label, input) => {
    expect(linkRulesSchema.safeParse(input).success).toBe(false);
  });

  it('accepts 50 targets and 20 variants', () => {
    const input = {
      targets: Array.from({ length: 50 }, () => ({ countries: ['FR'], destination: A })),
      variants: Array.from({ length: 20 }, () => ({ destination: A, weight: 1 })),
    };
    expect(linkRulesSchema.safeParse(input).success).toBe(true);
  });
});

describe('chooseDestination', () => {
  describe('targets', () => {
    const rules: LinkRules = {
      targets: [
        { id: 'belgium', countries: ['BE', 'LU'], destination: BE },
        { devices: ['mobile'], os: ['iOS', 'Android'], destination: MOBILE },
        { languages: ['de'], destination: A },
      ],
      variants: [{ id: 'only', destination: C, weight: 1 }],
    };

    it('serves the first matching target, named by its id', () => {
      expect(chooseDestination(rules, visitor({ country: 'BE', device: 'mobile', os: 'iOS' }), 'k')).toEqual({
        destination: BE,
        variant: 'belgium',
      });
    });

    it('names a target without id by its index', () => {
      expect(chooseDestination(rules, visitor({ country: 'FR', device: 'mobile', os: 'Android' }), 'k')).toEqual({
        destination: MOBILE,
        variant: 'target:1',
      });
    });

    it('compares countries without regard to case', () => {
      expect(chooseDestination(rules, visitor({ country: 'lu' }), 'k').variant).toBe('belgium');
    });

    it('requires every condition of a target', () => {
      expect(chooseDestination(rules, visitor({ device: 'mobile', os: 'Windows' }), 'k').variant).toBe('only');
      expect(chooseDestination(rules, visitor({ device: 'desktop', os: 'iOS' }), 'k').variant).toBe('only');
    });

    it('does not match a condition whose value is unknown', () => {
      expect(chooseDestination(rules, visitor({ country: null, device: null, os: null }), 'k').variant).toBe('only');
    });

    it('matches any of the preferred languages', () => {
      expect(chooseDestination(rules, visitor({ languages: ['fr', 'DE'] }), 'k')).toEqual({
        destination: A,
        variant: 'target:2',
      });
    });

    it('compares OS names loosely', () => {
      const mac: LinkRules = { targets: [{ os: ['Mac OS'], destination: A }] };
      for (const os of ['macOS', 'Mac OS', 'mac os x', 'OS X']) {
        expect(chooseDestination(mac, visitor({ os }), 'k').destination).toBe(A);
      }
      const chrome: LinkRules = { targets: [{ os: ['ChromeOS'], destination: A }] };
      expect(chooseDestination(chrome, visitor({ os: 'Chrome OS' }), 'k').destination).toBe(A);
      expect(chooseDestination(chrome, visitor({ os: 'Chromium OS' }), 'k').destination).toBe(A);
      expect(chooseDestination(chrome, visitor({ os: 'Windows' }), 'k').destination).toBeNull();
    });

    it('reads rules as stored, with devices as plain strings', () => {
      const stored: LinkRulesRow = { targets: [{ devices: ['tablet'], destination: A }] };
      expect(chooseDestination(stored, visitor({ device: 'tablet' }), 'k').destination).toBe(A);
    });

    it('ignores empty condition lists', () => {
      const loose: LinkRules = { targets: [{ countries: [], devices: ['desktop'], destination: A }] };
      expect(chooseDestination(loose, visitor({ device: 'desktop' }), 'k').destination).toBe(A);
    });
  });

  describe('variants', () => {
    const rules: LinkRules = {
      variants: [
        { id: 'a', destination: A, weight: 70 },
        { destination: B, weight: 20 },
        { id: 'c', destination: C, weight: 10 },
      ],
    };

    it('always gives the same key the same variant', () => {
      for (let i = 0; i < 200; i++) {
        const key = `visitor-${i}:lnk_1`;
        const first = chooseDestination(rules, visitor(), key);
        for (let j = 0; j < 3; j++) expect(chooseDestination(rules, visitor(), key)).toEqual(first);
      }
    });

    it('splits keys in proportion to the weights', () => {
      const counts: Record<string, number> = {};
      const n = 20_000;
      for (let i = 0; i < n; i++) {
        const { variant } = chooseDestination(rules, visitor(), `01JDQ7Z8V3K2M4N5P6Q7R8${i}:lnk_01JDQ7`);
        counts[variant] = (counts[variant] ?? 0) + 1;
      }
      expect(Object.keys(counts).sort()).toEqual(['a', 'c', 'variant:1']);
      expect(Math.abs((counts.a ?? 0) / n - 0.7)).toBeLessThan(0.015);
      expect(Math.abs((counts['variant:1'] ?? 0) / n - 0.2)).toBeLessThan(0.015);
      expect(Math.abs((counts.c ?? 0) / n - 0.1)).toBeLessThan(0.015);
    });

    it('splits a 50/50 test evenly across links for one visitor', () => {
      const even: LinkRules = {
        variants: [
          { destination: A, weight: 1 },
          { destination: B, weight: 1 },
        ],
      };
      let a = 0;
      for (let i = 0; i < 10_000; i++) if (chooseDestination(even, visitor(), `vid:lnk_${i}`).destination === A) a++;
      expect(Math.abs(a / 10_000 - 0.5)).toBeLessThan(0.02);
    });

    it('always serves a single variant', () => {
      const one: LinkRules = { variants: [{ destination: B, weight: 3 }] };
      expect(chooseDestination(one, visitor(), 'anything')).toEqual({ destination: B, variant: 'variant:0' });
    });

    it('comes after the targets', () => {
      const both: LinkRules = { targets: [{ countries: ['BE'], destination: BE }], ...rules };
      expect(chooseDestination(both, visitor({ country: 'BE' }), 'k')).toEqual({
        destination: BE,
        variant: 'target:0',
      });
    });

    it('serves some variant for every key', () => {
      fc.assert(
        fc.property(fc.string(), (key) => {
          expect([A, B, C]).toContain(chooseDestination(rules, visitor(), key).destination);
        }),
      );
    });
  });

  it('answers the default when nothing applies', () => {
    expect(chooseDestination({}, visitor(), 'k')).toEqual({ destination: null, variant: 'default' });
    expect(chooseDestination({ targets: [{ countries: ['BE'], destination: BE }] }, visitor(), 'k')).toEqual({
      destination: null,
      variant: 'default',
    });
  });
});

describe('needsDevice', () => {
  it('is true only when a target looks at the device or the OS', () => {
    expect(needsDevice({})).toBe(false);
    expect(needsDevice({ variants: [{ destination: A, weight: 1 }] })).toBe(false);
    expect(needsDevice({ targets: [{ countries: ['FR'], languages: ['fr'], destination: A }] })).toBe(false);
    expect(needsDevice({ targets: [{ countries: ['FR'], devices: [], destination: A }] })).toBe(false);
    expect(
      needsDevice({
        targets: [
          { countries: ['FR'], destination: A },
          { devices: ['mobile'], destination: B },
        ],
      }),
    ).toBe(true);
    expect(needsDevice({ targets: [{ os: ['Android'], destination: A }] })).toBe(true);
  });
});

describe('parseAcceptLanguage', () => {
  it.each([
    [null, []],
    [undefined, []],
    ['', []],
    ['fr', ['fr']],
    ['fr-FR', ['fr']],
    ['fr-BE,fr;q=0.9,en-US;q=0.8,de;q=0.7', ['fr', 'en', 'de']],
    ['de;q=0.5, EN-gb ;q=0.9, fr', ['fr', 'en', 'de']],
    ['en;q=0.8,nl;q=0.8,fr;q=0.8', ['en', 'nl', 'fr']],
    ['*', []],
    ['*;q=0.5,es', ['es']],
    ['fr;q=0,en', ['en']],
    ['fr;q=0.000,en;q=0.001', ['en']],
    ['en;q=abc,de', ['de']],
    ['en;q=1.5,de', ['en', 'de']],
    ['zh-Hant-TW,yue;q=0.5', ['zh', 'yue']],
    ['x-pig-latin,i-klingon,en', ['en']],
    ['fr;level=1;q=0.4,en;q=0.3', ['fr', 'en']],
    [' , ;q=1, ,it', ['it']],
    ['français,fr', ['fr']],
  ])('reads %j as %j', (header, expected) => {
    expect(parseAcceptLanguage(header)).toEqual(expected);
  });

  it(`keeps at most ${MAX_LANGUAGES} languages`, () => {
    const header = 'aa,ab,ae,af,ak,am,an,ar,as,av,ay,az,ba,be';
    expect(parseAcceptLanguage(header)).toEqual(['aa', 'ab', 'ae', 'af', 'ak', 'am', 'an', 'ar', 'as', 'av']);
  });

  it('answers a bounded list of lower-case subtags for any header', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (header) => {
        const languages = parseAcceptLanguage(header);
        expect(languages.length).toBeLessThanOrEqual(MAX_LANGUAGES);
        expect(new Set(languages).size).toBe(languages.length);
        for (const language of languages) expect(language).toMatch(/^[a-z]{2,3}$/);
      }),
    );
  });

  it('reads only a bounded prefix of a long header', () => {
    // French, preferred, comes after the prefix: read whole, the header would put it first.
    const header = `${'en-US;q=0.5,'.repeat(10_000)}fr`;
    expect(parseAcceptLanguage(header)).toEqual(['en']);
  });
});

describe('stickyHash', () => {
  it('is a stable unsigned 32-bit integer', () => {
    fc.assert(
      fc.property(fc.string(), (key) => {
        const h = stickyHash(key);
        expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
        expect(stickyHash(key)).toBe(h);
      }),
    );
  });

  it('does not change between releases, so visitors keep their variant', () => {
    expect(stickyHash('')).toBe(2872998923);
    expect(stickyHash('a')).toBe(444641715);
    expect(stickyHash('visitor:lnk_1')).toBe(1852674455);
    expect(stickyHash('01JDQ7Z8V3K2M4N5P6Q7R8S9T0:lnk_01JDQ7Z8V3')).toBe(3232040550);
  });

  it('spreads keys that differ only in their last character over the whole range', () => {
    const buckets = new Array(8).fill(0);
    for (let i = 0; i < 8000; i++) buckets[Math.floor(stickyHash(`vid-${i}`) / 2 ** 29)]++;
    for (const count of buckets) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });
});

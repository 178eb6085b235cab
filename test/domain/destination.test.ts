import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildDestination, DEFAULT_UTM, type DestinationInput } from '../../src/domain/destination';

const CLICK = '01JDQ7Z8V3K2M4N5P6Q7R8S9T0';
const UTM = 'utm_source=relais&utm_medium=affiliate&utm_campaign=frein';
const build = (overrides: Partial<DestinationInput> = {}) =>
  buildDestination({ destination: 'https://www.autodoc.fr/freins', clickId: CLICK, linkSlug: 'frein', ...overrides });

describe('buildDestination', () => {
  describe('on the destination itself', () => {
    it('adds the default UTM values and the click id', () => {
      expect(build()).toBe(`https://www.autodoc.fr/freins?${UTM}&click_id=${CLICK}`);
    });

    it('exports the default UTM source and medium', () => {
      expect(DEFAULT_UTM).toEqual({ source: 'relais', medium: 'affiliate' });
    });

    it('uses the link UTM values over the defaults, with term and content when set', () => {
      expect(build({ utm: { source: 'app', campaign: 'printemps', term: 'disque', content: 'bannière' } })).toBe(
        `https://www.autodoc.fr/freins?utm_source=app&utm_medium=affiliate&utm_campaign=printemps&utm_term=disque&utm_content=banni%C3%A8re&click_id=${CLICK}`,
      );
    });

    it('treats empty or null link UTM values as not set', () => {
      expect(build({ utm: { source: '', medium: null } })).toBe(
        `https://www.autodoc.fr/freins?${UTM}&click_id=${CLICK}`,
      );
    });

    it("puts the click id under the partner's parameter", () => {
      expect(build({ clickIdParam: 'subid' })).toBe(`https://www.autodoc.fr/freins?${UTM}&subid=${CLICK}`);
    });

    it('falls back to click_id when the partner parameter is empty', () => {
      expect(build({ clickIdParam: '' })).toBe(`https://www.autodoc.fr/freins?${UTM}&click_id=${CLICK}`);
      expect(build({ clickIdParam: '\r\n' })).toBe(`https://www.autodoc.fr/freins?${UTM}&click_id=${CLICK}`);
    });

    it("adds the link's params and the partner's affiliate params", () => {
      expect(build({ linkParams: { ref: 'blog' }, affiliateParams: { aff_id: 'aau', aff_sub: 'relais' } })).toBe(
        `https://www.autodoc.fr/freins?${UTM}&ref=blog&aff_id=aau&aff_sub=relais&click_id=${CLICK}`,
      );
    });

    it('keeps the destination query as written and the fragment last', () => {
      expect(build({ destination: 'https://www.autodoc.fr/s?q=disque%20frein&sort=prix#liste' })).toBe(
        `https://www.autodoc.fr/s?q=disque%20frein&sort=prix&${UTM}&click_id=${CLICK}#liste`,
      );
    });

    it('keeps a destination parameter without a value as written', () => {
      expect(build({ destination: 'https://www.autodoc.fr/s?promo&x=' })).toBe(
        `https://www.autodoc.fr/s?promo&x=&${UTM}&click_id=${CLICK}`,
      );
    });

    it('keeps an empty fragment', () => {
      expect(build({ destination: 'https://www.autodoc.fr/#' })).toBe(
        `https://www.autodoc.fr/?${UTM}&click_id=${CLICK}#`,
      );
    });

    it('replaces destination parameters that Relais sets', () => {
      expect(
        build({
          destination: 'https://www.autodoc.fr/?utm_source=newsletter&click_id=old&aff_id=x&utm_campaign=old&keep=1',
          affiliateParams: { aff_id: 'aau' },
        }),
      ).toBe(`https://www.autodoc.fr/?keep=1&${UTM}&aff_id=aau&click_id=${CLICK}`);
    });

    it('replaces a destination parameter the link sets, even percent-encoded', () => {
      expect(build({ destination: 'https://www.autodoc.fr/?r%65f=old&x=1', linkParams: { ref: 'new' } })).toBe(
        `https://www.autodoc.fr/?x=1&${UTM}&ref=new&click_id=${CLICK}`,
      );
    });

    it('accepts a URL object without changing it', () => {
      const url = new URL('https://www.autodoc.fr/p?a=1');
      expect(build({ destination: url })).toBe(`https://www.autodoc.fr/p?a=1&${UTM}&click_id=${CLICK}`);
      expect(url.href).toBe('https://www.autodoc.fr/p?a=1');
    });

    it('throws on a destination that is not an absolute URL', () => {
      expect(() => build({ destination: '/relative' })).toThrow(TypeError);
    });
  });

  describe('precedence', () => {
    it('lets the click id beat an affiliate param of the same name', () => {
      expect(build({ affiliateParams: { click_id: 'partner' } })).toBe(
        `https://www.autodoc.fr/freins?${UTM}&click_id=${CLICK}`,
      );
    });

    it('lets affiliate params beat link params of the same name', () => {
      expect(build({ linkParams: { aff_id: 'link', ref: 'x' }, affiliateParams: { aff_id: 'aau' } })).toBe(
        `https://www.autodoc.fr/freins?${UTM}&aff_id=aau&ref=x&click_id=${CLICK}`,
      );
    });

    it('lets the click id and affiliate params beat the link UTM and params', () => {
      expect(
        build({
          utm: { source: 'link' },
          linkParams: { click_id: 'link' },
          affiliateParams: { utm_source: 'partner' },
        }),
      ).toBe(
        `https://www.autodoc.fr/freins?utm_source=partner&utm_medium=affiliate&utm_campaign=frein&click_id=${CLICK}`,
      );
    });

    it('lets a utm_* link param beat the default but not the link UTM', () => {
      expect(build({ linkParams: { utm_source: 'param', utm_term: 't' } })).toBe(
        `https://www.autodoc.fr/freins?utm_source=param&utm_medium=affiliate&utm_campaign=frein&utm_term=t&click_id=${CLICK}`,
      );
      expect(build({ utm: { source: 'utm' }, linkParams: { utm_source: 'param' } })).toBe(
        `https://www.autodoc.fr/freins?utm_source=utm&utm_medium=affiliate&utm_campaign=frein&click_id=${CLICK}`,
      );
    });
  });

  describe("the visitor's query", () => {
    it('is forwarded after the tracking parameters, in order, repeated names included', () => {
      expect(
        build({
          query: [
            ['color', 'red'],
            ['size', '42'],
            ['color', 'blue'],
          ],
        }),
      ).toBe(`https://www.autodoc.fr/freins?${UTM}&click_id=${CLICK}&color=red&size=42&color=blue`);
    });

    it('is not forwarded when the link says not to', () => {
      expect(build({ query: [['color', 'red']], forwardQuery: false })).toBe(
        `https://www.autodoc.fr/freins?${UTM}&click_id=${CLICK}`,
      );
    });

    it('is forwarded when forwardQuery is not set', () => {
      expect(build({ query: [['a', '1']], forwardQuery: null })).toBe(
        `https://www.autodoc.fr/freins?${UTM}&click_id=${CLICK}&a=1`,
      );
    });

    it('never replaces the click id, affiliate params, UTM or link params', () => {
      expect(
        build({
          linkParams: { ref: 'blog' },
          affiliateParams: { aff_id: 'aau' },
          query: [
            ['click_id', 'forged'],
            ['aff_id', 'thief'],
            ['utm_source', 'forged'],
            ['utm_campaign', 'forged'],
            ['ref', 'forged'],
            ['ok', '1'],
          ],
        }),
      ).toBe(`https://www.autodoc.fr/freins?${UTM}&ref=blog&aff_id=aau&click_id=${CLICK}&ok=1`);
    });

    it('cannot slip in a reserved name that lenient servers would read as the same', () => {
      const forged = [
        'CLICK_ID',
        'Click_Id',
        'click.id',
        'click id',
        ' click_id',
        'click_id[]',
        'click_id[x]',
        'AFF_ID',
      ];
      expect(build({ affiliateParams: { aff_id: 'aau' }, query: forged.map((name) => [name, 'forged']) })).toBe(
        `https://www.autodoc.fr/freins?${UTM}&aff_id=aau&click_id=${CLICK}`,
      );
    });

    it("does not replace the destination's own parameters", () => {
      expect(build({ destination: 'https://www.autodoc.fr/?lang=fr', query: [['LANG', 'en']] })).toBe(
        `https://www.autodoc.fr/?lang=fr&${UTM}&click_id=${CLICK}`,
      );
    });

    it('may add utm_term and utm_content when the link sets none', () => {
      expect(build({ query: [['utm_content', 'story']] })).toBe(
        `https://www.autodoc.fr/freins?${UTM}&click_id=${CLICK}&utm_content=story`,
      );
    });

    it('never forwards the parameters Relais consumes, whatever their case', () => {
      const consumed = ['sub1', 'sub5', 'uid', 'UID', 'url', 'Url'].map((name) => [name, 'x'] as const);
      expect(build({ query: consumed })).toBe(`https://www.autodoc.fr/freins?${UTM}&click_id=${CLICK}`);
    });

    it('is encoded exactly once', () => {
      const url = build({ query: [['q', 'a b&c=d%25#e?/+é']] });
      expect(url).toBe(`https://www.autodoc.fr/freins?${UTM}&click_id=${CLICK}&q=a+b%26c%3Dd%2525%23e%3F%2F%2B%C3%A9`);
      expect(new URL(url).searchParams.get('q')).toBe('a b&c=d%25#e?/+é');
    });

    it('loses its control characters, so CR LF cannot split the Location header', () => {
      const url = build({
        query: [
          ['x\r\nSet-Cookie', 'a\r\nSet-Cookie: b=1'],
          ['t', '\u0000\u0007\u2028ok'],
        ],
      });
      expect(url).toBe(`https://www.autodoc.fr/freins?${UTM}&click_id=${CLICK}&xSet-Cookie=aSet-Cookie%3A+b%3D1&t=ok`);
    });

    it('drops names that are empty once cleaned and oversized entries', () => {
      expect(
        build({
          query: [
            ['', 'x'],
            ['\n', 'x'],
            ['[x]', 'y'],
            ['long', 'v'.repeat(3000)],
            ['n'.repeat(300), 'v'],
            ['ok', '1'],
          ],
        }),
      ).toBe(`https://www.autodoc.fr/freins?${UTM}&click_id=${CLICK}&ok=1`);
    });

    it('is forwarded up to 50 parameters', () => {
      const query = Array.from({ length: 80 }, (_, i) => [`p${i}`, String(i)] as const);
      const params = new URL(build({ query })).searchParams;
      expect(params.get('p49')).toBe('49');
      expect(params.has('p50')).toBe(false);
    });
  });

  describe('with a tracking template', () => {
    const template = 'https://track.partner.com/c?aff=aau&url={url}&sub={click_id}';

    it('puts the tracked destination, encoded once, into {url} and fills the other macros', () => {
      const url = build({ trackingTemplate: template, affiliateParams: { aff_id: 'aau' } });
      const inner = `https://www.autodoc.fr/freins?${UTM}&aff_id=aau&click_id=${CLICK}`;
      expect(url).toBe(`https://track.partner.com/c?aff=aau&url=${encodeURIComponent(inner)}&sub=${CLICK}`);
      expect(new URL(url).searchParams.get('url')).toBe(inner);
    });

    it('fills every known macro and empties unknown ones', () => {
      const url = build({
        trackingTemplate:
          'https://t.example/{partner}/{link}?p={placement}&c={country}&s1={sub1}&s5={sub5}&us={utm_source}&um={utm_medium}&uc={utm_campaign}&ut={utm_term}&uo={utm_content}&x={nope}&U={URL}',
        partnerSlug: 'autodoc',
        placement: 'diagnostic freins',
        country: 'FR',
        subIds: { sub1: 'a&b', sub5: 'é' },
        utm: { term: 'disque' },
      });
      const inner = encodeURIComponent(`https://www.autodoc.fr/freins?${UTM}&utm_term=disque&click_id=${CLICK}`);
      expect(url).toBe(
        `https://t.example/autodoc/frein?p=diagnostic%20freins&c=FR&s1=a%26b&s5=%C3%A9&us=relais&um=affiliate&uc=frein&ut=disque&uo=&x=&U=${inner}`,
      );
    });

    it('empties macros named after built-in object properties', () => {
      expect(build({ trackingTemplate: 'https://t.example/c?a={constructor}&b={__proto__}&c={toString}' })).toBe(
        'https://t.example/c?a=&b=&c=',
      );
    });

    it('inserts {url} as is when the template opens with it', () => {
      expect(build({ trackingTemplate: '{url}#via-{partner}', partnerSlug: 'autodoc' })).toBe(
        `https://www.autodoc.fr/freins?${UTM}&click_id=${CLICK}#via-autodoc`,
      );
    });

    it('encodes {url} placed in the path', () => {
      expect(build({ trackingTemplate: 'https://go.partner.com/r/{url}' })).toBe(
        `https://go.partner.com/r/${encodeURIComponent(`https://www.autodoc.fr/freins?${UTM}&click_id=${CLICK}`)}`,
      );
    });

    it("wraps the destination in a network's click URL: {destination_encoded} is {url}, always encoded", () => {
      const url = build({
        trackingTemplate:
          'https://www.awin1.com/cread.php?awinmid=7052&awinaffid=45628&clickref={click_id}&ued={destination_encoded}',
      });
      const inner = `https://www.autodoc.fr/freins?${UTM}&click_id=${CLICK}`;
      expect(url).toBe(
        `https://www.awin1.com/cread.php?awinmid=7052&awinaffid=45628&clickref=${CLICK}&ued=${encodeURIComponent(inner)}`,
      );
    });

    it('cannot be restructured by sub ids', () => {
      const url = build({
        trackingTemplate: 'https://t.example/c?aff=aau&s={sub1}',
        subIds: { sub1: 'x&aff=thief#frag\r\nSet-Cookie: a=1' },
      });
      expect(url).toBe('https://t.example/c?aff=aau&s=x%26aff%3Dthief%23fragSet-Cookie%3A%20a%3D1');
      expect(new URL(url).searchParams.getAll('aff')).toEqual(['aau']);
    });

    it('is ignored when it does not make an http(s) URL', () => {
      const direct = `https://www.autodoc.fr/freins?${UTM}&click_id=${CLICK}`;
      expect(build({ trackingTemplate: 'not a url {url}' })).toBe(direct);
      expect(build({ trackingTemplate: 'javascript:alert({url})' })).toBe(direct);
      expect(build({ trackingTemplate: '{sub1}', subIds: { sub1: 'https://evil.com' } })).toBe(direct);
      expect(build({ trackingTemplate: '   ' })).toBe(direct);
    });
  });

  describe('properties', () => {
    const names = fc.oneof(
      fc.constantFrom(
        'click_id',
        'CLICK_ID',
        'click.id',
        'click id',
        'click_id[]',
        'subid',
        'SubID',
        'aff_id',
        'Aff.Id',
        'utm_source',
        'UTM_MEDIUM',
        'utm_campaign',
        'ref',
        'uid',
        'url',
        'sub1',
        'color',
      ),
      fc.string({ maxLength: 12 }),
    );
    const values = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('\r\n', 'a\nb', '%0D%0A', '&x=1', '#', ' '));
    const query = fc.array(fc.tuple(names, values), { maxLength: 12 });
    const destination = fc.oneof(
      fc.webUrl({ validSchemes: ['https'], withQueryParameters: true, withFragments: true }),
      fc.constant('https://www.autodoc.fr/s?q=a%20b&click_id=old#x'),
    );
    const clickIdParam = fc.constantFrom(undefined, 'click_id', 'subid');
    const template = fc.constantFrom(undefined, null, 'https://t.example/c?u={url}&s={sub1}&c={click_id}');

    it('always gives a URL carrying the click id once, the reserved params untouched and no control character', () => {
      fc.assert(
        fc.property(destination, clickIdParam, query, template, values, (dest, param, q, tpl, sub1) => {
          const result = buildDestination({
            destination: dest,
            clickId: CLICK,
            clickIdParam: param,
            linkSlug: 'frein',
            linkParams: { ref: 'blog' },
            affiliateParams: { aff_id: 'aau' },
            query: q,
            trackingTemplate: tpl,
            subIds: { sub1 },
          });
          expect(result).not.toMatch(/\p{Cc}/u);
          const outer = new URL(result);
          const url = tpl ? new URL(outer.searchParams.get('u') ?? '') : outer;
          if (tpl) expect(outer.searchParams.getAll('c')).toEqual([CLICK]);
          const expected: Record<string, string> = {
            [param ?? 'click_id']: CLICK,
            aff_id: 'aau',
            ref: 'blog',
            utm_source: 'relais',
            utm_medium: 'affiliate',
            utm_campaign: 'frein',
          };
          for (const [name, value] of Object.entries(expected)) expect(url.searchParams.getAll(name)).toEqual([value]);
          const loose = (n: string) => (n.trimStart().toLowerCase().split('[')[0] ?? '').replace(/[ .]/g, '_');
          const reserved = new Set(Object.keys(expected).map(loose));
          const ownParams = new URL(dest).searchParams;
          const own = new Set(ownParams.keys());
          for (const [name, value] of url.searchParams) {
            // The partner's destination may carry anything in its own query (%0A included); what
            // Relais adds or forwards never holds a CR or LF once decoded.
            if (!ownParams.getAll(name).includes(value)) expect(value).not.toMatch(/[\r\n]/);
            if (reserved.has(loose(name)) && !own.has(name)) expect(expected[name]).toBe(value);
            expect(name.toLowerCase()).not.toBe('uid');
          }
        }),
        { numRuns: 2000 },
      );
    });

    it('keeps the destination origin, path and fragment', () => {
      fc.assert(
        fc.property(destination, query, (dest, q) => {
          const before = new URL(dest);
          const after = new URL(buildDestination({ destination: dest, clickId: CLICK, linkSlug: 'l', query: q }));
          expect(after.origin).toBe(before.origin);
          expect(after.pathname).toBe(before.pathname);
          expect(after.hash).toBe(before.hash);
        }),
      );
    });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptDeepLink, MAX_DEEP_LINK_LENGTH } from '../../src/domain/deep-link';

const ALLOWED = ['autodoc.fr', 'Oscaro.com.', 'bücher.de'];
const accepted = (raw: string | null | undefined, allowed: string[] = ALLOWED) => acceptDeepLink(raw, allowed)?.href;

describe('acceptDeepLink', () => {
  describe('accepts', () => {
    it.each([
      ['https://autodoc.fr', 'https://autodoc.fr/'],
      ['https://autodoc.fr/p/123?ref=x#reviews', 'https://autodoc.fr/p/123?ref=x#reviews'],
      ['https://www.autodoc.fr/freins', 'https://www.autodoc.fr/freins'],
      ['https://a.b.autodoc.fr/', 'https://a.b.autodoc.fr/'],
      ['HTTPS://WWW.AUTODOC.FR/Freins', 'https://www.autodoc.fr/Freins'],
      ['https://www.oscaro.com/pneus', 'https://www.oscaro.com/pneus'],
    ])('the https URL %s of an allowed domain or subdomain', (raw, href) => {
      expect(accepted(raw)).toBe(href);
    });

    it('the default port written out, which is no port at all', () => {
      expect(accepted('https://autodoc.fr:443/p')).toBe('https://autodoc.fr/p');
    });

    it('a trailing dot on the host, removing it', () => {
      expect(accepted('https://www.autodoc.fr./p?q=1')).toBe('https://www.autodoc.fr/p?q=1');
    });

    it('an internationalised host, in either spelling', () => {
      expect(accepted('https://shop.bücher.de/a')).toBe('https://shop.xn--bcher-kva.de/a');
      expect(accepted('https://shop.xn--bcher-kva.de/a')).toBe('https://shop.xn--bcher-kva.de/a');
      expect(accepted('https://xn--bcher-kva.de/', ['BÜCHER.de'])).toBe('https://xn--bcher-kva.de/');
    });

    it('a host whose ideographic full stop reads as a dot under the allowed domain', () => {
      expect(accepted('https://www\u3002autodoc.fr/')).toBe('https://www.autodoc.fr/');
    });

    it('an already percent-encoded query without encoding it again', () => {
      expect(accepted('https://autodoc.fr/s?q=disque%20frein&u=https%3A%2F%2Fx.y')).toBe(
        'https://autodoc.fr/s?q=disque%20frein&u=https%3A%2F%2Fx.y',
      );
    });

    it('allowed domains written with surrounding spaces or upper case', () => {
      expect(accepted('https://autodoc.fr/', ['  AUTODOC.FR  '])).toBe('https://autodoc.fr/');
    });
  });

  describe('refuses', () => {
    it.each([
      ['no value', undefined],
      ['null', null],
      ['the empty string', ''],
      ['a protocol-relative URL', '//evil.com'],
      ['a protocol-relative URL of an allowed host', '//autodoc.fr/p'],
      ['a relative path', '/p/123'],
      ['a bare host', 'autodoc.fr/p'],
      ['a slash then a backslash', 'https:/\\evil.com'],
      ['two backslashes', 'https:\\\\evil.com'],
      ['a backslash before an allowed userinfo', 'https://evil.com\\@autodoc.fr'],
      ['a backslash in the path', 'https://autodoc.fr\\..\\evil.com'],
      ['a single slash', 'https:/evil.com'],
      ['a single slash to an allowed host', 'https:/autodoc.fr'],
      ['no slash at all', 'https:autodoc.fr'],
      ['three slashes', 'https:///evil.com'],
      ['userinfo naming the allowed domain', 'https://autodoc.fr@evil.com'],
      ['userinfo on an allowed host', 'https://user:pass@autodoc.fr/'],
      ['a bare user on an allowed host', 'https://user@autodoc.fr/'],
      ['an empty userinfo', 'https://@autodoc.fr/'],
      ['the allowed domain as a subdomain of another', 'https://autodoc.fr.evil.com'],
      ['a host that merely ends with the allowed domain', 'https://evilautodoc.fr'],
      ['a host that merely starts with the allowed domain', 'https://autodoc.frevil.com'],
      ['javascript:', 'javascript:alert(1)'],
      ['javascript: in upper case', 'JAVASCRIPT:alert(document.domain)//https://autodoc.fr'],
      ['data:', 'data:text/html,<script>alert(1)</script>'],
      ['vbscript:', 'vbscript:msgbox(1)'],
      ['file:', 'file:///etc/passwd'],
      ['ftp:', 'ftp://autodoc.fr/'],
      ['plain http', 'http://autodoc.fr'],
      ['http to a subdomain', 'http://www.autodoc.fr/p'],
      ['a percent-encoded scheme separator', 'https:%2F%2Fevil.com'],
      ['a percent-encoded scheme separator to an allowed host', 'https:%2F%2Fautodoc.fr'],
      ['a percent-encoded scheme letter', '%68ttps://autodoc.fr'],
      ['a fully percent-encoded URL', 'https%3A%2F%2Fautodoc.fr%2F'],
      ['a percent-encoded slash in the host', 'https://autodoc.fr%2F.evil.com'],
      ['a percent-encoded at sign', 'https://autodoc.fr%40evil.com'],
      ['a leading tab', '\thttps://evil.com'],
      ['a leading tab before an allowed host', '\thttps://autodoc.fr'],
      ['a leading space', ' https://autodoc.fr'],
      ['a trailing space', 'https://autodoc.fr '],
      ['a newline in the scheme', 'ht\ntps://autodoc.fr'],
      ['CR LF in the path', 'https://autodoc.fr/\r\nSet-Cookie:x=1'],
      ['a line feed in the host', 'https://auto\ndoc.fr.evil.com'],
      ['a NUL', 'https://autodoc.fr\u0000.evil.com'],
      ['a no-break space', 'https://autodoc.fr/\u00a0'],
      ['a zero-width space', 'https://auto\u200bdoc.fr/'],
      ['a right-to-left override', 'https://\u202emoc.live.autodoc.fr'],
      ['a line separator', 'https://autodoc.fr\u2028/'],
      ['a fullwidth solidus before an at sign', 'https://autodoc.fr\uff0f@evil.com'],
      ['a non-default port', 'https://autodoc.fr:8443/'],
      ['port 80 over https', 'https://autodoc.fr:80/'],
      ['an IPv4 literal', 'https://93.184.216.34/'],
      ['a loopback IPv4 literal', 'https://127.0.0.1/'],
      ['a hexadecimal IPv4 literal', 'https://0x7f.1/'],
      ['a decimal IPv4 literal', 'https://2130706433/'],
      ['an IPv6 literal', 'https://[::1]/'],
      ['an empty host', 'https:///'],
      ['a lone scheme', 'https://'],
      ['a host of dots', 'https://autodoc.fr../'],
      ['an invalid host', 'https://auto doc.fr/'],
    ])('%s', (_label, raw) => {
      expect(acceptDeepLink(raw, ALLOWED)).toBeNull();
    });

    it('anything when no domain is allowed', () => {
      expect(acceptDeepLink('https://autodoc.fr/', [])).toBeNull();
    });

    it('hosts under an allowed entry that is a bare top-level domain', () => {
      expect(acceptDeepLink('https://evil.com/', ['com'])).toBeNull();
      expect(acceptDeepLink('https://evil.com/', ['.com'])).toBeNull();
    });

    it.each([
      ['co.uk', 'https://anyone.co.uk/'],
      ['github.io', 'https://attacker.github.io/'],
      ['herokuapp.com', 'https://attacker.herokuapp.com/'],
      ['lvh.me', 'https://app.lvh.me/'],
    ])(
      'hosts under an allowed entry that is a public suffix or a loopback domain, %s, stored before they were refused',
      (domain, raw) => {
        expect(acceptDeepLink(raw, [domain])).toBeNull();
        expect(acceptDeepLink('https://www.autodoc.fr/p', [domain, 'autodoc.fr'])?.href).toBe(
          'https://www.autodoc.fr/p',
        );
      },
    );

    it('hosts under allowed entries that are not domain names', () => {
      for (const entry of ['', ' ', '.', '*', '127.0.0.1', '[::1]', 'evil.com/autodoc.fr', 'a@evil.com', 'x:1']) {
        expect(acceptDeepLink('https://evil.com/', [entry])).toBeNull();
        expect(acceptDeepLink('https://127.0.0.1/', [entry])).toBeNull();
      }
    });

    it('a value longer than the limit', () => {
      const long = `https://autodoc.fr/?q=${'a'.repeat(MAX_DEEP_LINK_LENGTH)}`;
      expect(acceptDeepLink(long, ALLOWED)).toBeNull();
    });
  });

  it('returns a URL independent of the input string', () => {
    const url = acceptDeepLink('https://autodoc.fr/p', ALLOWED);
    expect(url).toBeInstanceOf(URL);
    expect(url?.hostname).toBe('autodoc.fr');
  });

  describe('properties', () => {
    const allowed = ['autodoc.fr', 'oscaro.com'];
    const piece = fc.constantFrom(
      'https:',
      'http:',
      '//',
      '/',
      '\\',
      '@',
      ':',
      ':443',
      ':8443',
      '.',
      '#',
      '?',
      '%2F',
      '%40',
      '%2E',
      '\t',
      '\n',
      ' ',
      'autodoc.fr',
      'oscaro.com',
      'evil.com',
      'www',
      'evilautodoc.fr',
      '127.0.0.1',
      '[::1]',
      'user',
      '\u3002',
      '\uff0f',
      'xn--',
      'ü',
    );
    const crafted = fc.array(piece, { minLength: 1, maxLength: 10 }).map((parts) => parts.join(''));
    const anyInput = fc.oneof(crafted, fc.webUrl({ withFragments: true, withQueryParameters: true }), fc.string());

    it('answers only https URLs on an allowed domain or one of its subdomains', () => {
      fc.assert(
        fc.property(anyInput, (raw) => {
          const url = acceptDeepLink(raw, allowed);
          if (url === null) return;
          expect(url.protocol).toBe('https:');
          expect(url.username).toBe('');
          expect(url.password).toBe('');
          expect(url.port).toBe('');
          expect(allowed.some((d) => url.hostname === d || url.hostname.endsWith(`.${d}`))).toBe(true);
        }),
        { numRuns: 5000 },
      );
    });

    it('accepts every well-formed https URL of an allowed subdomain', () => {
      const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/);
      const path = fc.stringMatching(/^(?:\/[A-Za-z0-9._~-]{0,12}){0,4}$/);
      fc.assert(
        fc.property(fc.array(label, { maxLength: 3 }), fc.constantFrom(...allowed), path, (subs, domain, p) => {
          const host = [...subs, domain].join('.');
          expect(acceptDeepLink(`https://${host}${p}`, allowed)?.hostname).toBe(host);
        }),
      );
    });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allowedDomainProblem } from '../../src/domain/allowed-domains';
import { acceptDeepLink } from '../../src/domain/deep-link';
import { SEED_PARTNERS } from '../../src/seed/partners';

const SUFFIX = 'is a public suffix: it would allow the sites of anyone under it';

describe('allowedDomainProblem', () => {
  it.each([
    ['fr', SUFFIX],
    ['com', SUFFIX],
    ['co.uk', SUFFIX],
    ['gouv.fr', SUFFIX],
    ['github.io', SUFFIX],
    ['blogspot.com', SUFFIX],
    ['s3.amazonaws.com', SUFFIX],
    ['pages.dev', SUFFIX],
    ['workers.dev', SUFFIX],
    ['kawasaki.jp', SUFFIX],
    ['anything.kawasaki.jp', SUFFIX],
    ['xn--p1ai', SUFFIX],
    ['autodoc.zz', 'is not under a known top-level domain'],
    ['partner.test', 'is not under a known top-level domain'],
    ['localhost', 'is a loopback name'],
    ['shop.localhost', 'is a loopback name'],
    ['printer.local', 'is a local network name'],
    ['corp.internal', 'is a local network name'],
    ['localtest.me', 'resolves to a loopback address'],
    ['www.lvh.me', 'resolves to a loopback address'],
    ['10.0.0.1.nip.io', 'resolves to a private or reserved address'],
    ['127.0.0.1', 'is an IP address, not a domain'],
  ])('refuses %s: %s', (domain, problem) => {
    expect(allowedDomainProblem(domain)).toBe(problem);
  });

  it.each([
    'autodoc.fr',
    'www.autodoc.fr',
    'a.b.autodoc.fr',
    'autodoc.co.uk',
    'shop.autodoc.co.uk',
    'partner.github.io',
    'www.ck',
    'city.kawasaki.jp',
    'xn--bcher-kva.de',
    'example.xn--p1ai',
  ])('accepts the registrable domain or subdomain %s', (domain) => {
    expect(allowedDomainProblem(domain)).toBeNull();
  });

  it('accepts the domain of every seeded partner', () => {
    const refused = SEED_PARTNERS.map((p) => [p.domain, allowedDomainProblem(p.domain)]).filter(([, p]) => p);
    expect(refused).toEqual([]);
    expect(SEED_PARTNERS.length).toBe(20);
  });
});

describe('acceptDeepLink and allowedDomainProblem', () => {
  it('opens deep links under an entry exactly when the entry may be stored', () => {
    const entry = fc.constantFrom(
      'autodoc.fr',
      'autodoc.co.uk',
      'co.uk',
      'fr',
      'github.io',
      'partner.github.io',
      'herokuapp.com',
      'app.herokuapp.com',
      'kawasaki.jp',
      'city.kawasaki.jp',
      'localtest.me',
      'corp.internal',
      'partner.test',
    );
    const label = fc.stringMatching(/^[a-z0-9]{1,10}$/);
    fc.assert(
      fc.property(entry, fc.option(label, { nil: undefined }), (domain, sub) => {
        const host = sub === undefined ? domain : `${sub}.${domain}`;
        const opened = acceptDeepLink(`https://${host}/p`, [domain]) !== null;
        expect(opened, host).toBe(allowedDomainProblem(domain) === null);
      }),
    );
  });
});

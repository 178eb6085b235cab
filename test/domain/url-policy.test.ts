import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { urlProblem } from '../../src/domain/url-policy';
import {
  hostIn,
  mappedHostIn,
  NON_PUBLIC_V4,
  NON_PUBLIC_V6,
  PUBLIC_V4,
  PUBLIC_V6,
  ranges,
} from './fixtures/address-ranges';

const PRODUCTION = { allowLoopbackHttp: false };
const LOCAL = { allowLoopbackHttp: true };
const WEBHOOK = { allowLoopbackHttp: false, forbidIpLiterals: true };

/** urlProblem of `https://<host>/` for each host. */
const problems = (hosts: string[], policy = PRODUCTION) =>
  Object.fromEntries(hosts.map((host) => [host, urlProblem(`https://${host}/path`, policy)]));

describe('urlProblem', () => {
  describe('IP addresses, however they are spelled', () => {
    it('refuses exactly the IPv4 addresses outside the public Internet, in every spelling URL parsing reads', () => {
      const host = hostIn([...ranges(NON_PUBLIC_V4, false), ...ranges(PUBLIC_V4, true)]);
      fc.assert(
        fc.property(host, ({ host, isPublic }) => {
          const problem = urlProblem(`https://${host}/`, PRODUCTION);
          expect(problem === null, `${host}: ${problem}`).toBe(isPublic);
        }),
        { numRuns: 3000 },
      );
    });

    it('refuses exactly the IPv6 addresses outside the public Internet, IPv4-mapped ones included', () => {
      const host = fc.oneof(
        hostIn([...ranges(NON_PUBLIC_V6, false), ...ranges(PUBLIC_V6, true)]),
        mappedHostIn([...ranges(NON_PUBLIC_V4, false), ...ranges(PUBLIC_V4, true)]),
      );
      fc.assert(
        fc.property(host, ({ host, isPublic }) => {
          const problem = urlProblem(`https://${host}/`, PRODUCTION);
          expect(problem === null, `${host}: ${problem}`).toBe(isPublic);
        }),
        { numRuns: 3000 },
      );
    });

    it('allows in a local run only true loopback addresses among the non-public ones, over http or https', () => {
      const host = fc.oneof(hostIn(ranges(NON_PUBLIC_V4, false)), hostIn(ranges(NON_PUBLIC_V6, false)));
      fc.assert(
        fc.property(host, fc.constantFrom('http', 'https'), ({ host, cidr }, scheme) => {
          const problem = urlProblem(`${scheme}://${host}/`, LOCAL);
          const loopback = cidr === '127.0.0.0/8' || host === '[0:0:0:0:0:0:0:1]';
          expect(problem === null, `${host}: ${problem}`).toBe(loopback);
        }),
        { numRuns: 2000 },
      );
    });

    it('names the reason, and refuses every IP literal for webhooks', () => {
      expect(
        problems(['198.18.0.1', '[fc00::1]', '[::ffff:10.0.0.1]', '[64:ff9b::a00:1]', '255.255.255.255', '8.8.8.8']),
      ).toEqual({
        '198.18.0.1': 'must not point to a private or reserved address',
        '[fc00::1]': 'must not point to a private or reserved address',
        '[::ffff:10.0.0.1]': 'must not point to a private or reserved address',
        '[64:ff9b::a00:1]': 'must not point to a private or reserved address',
        '255.255.255.255': 'must not point to a private or reserved address',
        '8.8.8.8': null,
      });
      expect(problems(['8.8.8.8', '[2606:4700::1111]', '2130706433'], WEBHOOK)).toEqual({
        '8.8.8.8': 'must use a host name, not an IP address',
        '[2606:4700::1111]': 'must use a host name, not an IP address',
        '2130706433': 'must not point to a loopback address',
      });
    });
  });

  describe('names', () => {
    const LOOPBACK = [
      'localhost',
      'LOCALHOST.',
      'api.localhost',
      'api.localhost.',
      '127.0.0.1',
      '0x7f.1',
      '2130706433',
      '[::1]',
    ];
    const NEVER = {
      'localtest.me': 'must not point to a host that resolves to a loopback address',
      'shop.localtest.me': 'must not point to a host that resolves to a loopback address',
      'lvh.me': 'must not point to a host that resolves to a loopback address',
      'a.b.lvh.me.': 'must not point to a host that resolves to a loopback address',
      'vcap.me': 'must not point to a host that resolves to a loopback address',
      '10.0.0.1.nip.io': 'must not point to a host that resolves to a private or reserved address',
      'app.127.0.0.1.nip.io': 'must not point to a host that resolves to a private or reserved address',
      'app-192-168-1-1.nip.io': 'must not point to a host that resolves to a private or reserved address',
      'magic-c0a80101.nip.io': 'must not point to a host that resolves to a private or reserved address',
      'nip.io': 'must not point to a host that resolves to a private or reserved address',
      '169-254-169-254.sslip.io': 'must not point to a host that resolves to a private or reserved address',
      '--1.sslip.io': 'must not point to a host that resolves to a private or reserved address',
      'fe80--1.sslip.io': 'must not point to a host that resolves to a private or reserved address',
      '10.0.0.1.traefik.me': 'must not point to a host that resolves to a private or reserved address',
      'printer.local': 'must not point to a host that is a local network name',
      'printer.local.': 'must not point to a host that is a local network name',
      'metadata.google.internal': 'must not point to a host that is a local network name',
      'nas.home.arpa': 'must not point to a host that is a local network name',
      'router.localdomain': 'must not point to a host that is a local network name',
      '[::ffff:127.0.0.1]': 'must not point to a private or reserved address',
      '0.0.0.0': 'must not point to a private or reserved address',
      '[::]': 'must not point to a private or reserved address',
    };
    const PUBLIC = ['www.autodoc.fr', 'localhost.fr', 'local.autodoc.fr', 'internal.example.com', 'mylvh.me'];

    it('refuses loopback hosts outside local runs, and allows them over http or https in local runs', () => {
      expect(problems(LOOPBACK)).toEqual(
        Object.fromEntries(LOOPBACK.map((host) => [host, 'must not point to a loopback address'])),
      );
      expect(problems(LOOPBACK, LOCAL)).toEqual(Object.fromEntries(LOOPBACK.map((host) => [host, null])));
      for (const host of LOOPBACK) expect(urlProblem(`http://${host}:8787/`, LOCAL), host).toBeNull();
    });

    it('refuses names that lead to loopback or a local network, even in local runs, and no public name', () => {
      const hosts = [
        ...Object.keys(NEVER),
        ...PUBLIC,
        '8.8.8.8.nip.io',
        'app-1-1-1-1.sslip.io',
        '2606-4700--1111.sslip.io',
      ];
      const expected = { ...NEVER, ...Object.fromEntries(hosts.filter((h) => !(h in NEVER)).map((h) => [h, null])) };
      expect(problems(hosts)).toEqual(expected);
      expect(problems(Object.keys(NEVER), LOCAL)).toEqual(NEVER);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { linkUrlIssues, partnerUrlIssues } from '../../src/domain/url-checks';

describe('partnerUrlIssues', () => {
  it('accepts https URLs and settings without URLs', () => {
    expect(
      partnerUrlIssues(
        {
          webhookUrl: 'https://hooks.autodoc.fr/relais',
          websiteUrl: 'https://www.autodoc.fr/',
          trackingTemplate: 'https://track.example.com/c?url={url}&sub={click_id}',
        },
        false,
      ),
    ).toEqual([]);
    expect(partnerUrlIssues({}, false)).toEqual([]);
    expect(partnerUrlIssues({ webhookUrl: null, websiteUrl: null, trackingTemplate: null }, false)).toEqual([]);
  });

  it('names every refused URL with its path, in order', () => {
    expect(
      partnerUrlIssues(
        { webhookUrl: 'http://hooks.autodoc.fr/', websiteUrl: 'ftp://autodoc.fr/', trackingTemplate: 'track.example' },
        false,
      ),
    ).toEqual([
      { path: ['webhookUrl'], message: 'webhookUrl must use https.' },
      { path: ['websiteUrl'], message: 'websiteUrl must use https.' },
      { path: ['trackingTemplate'], message: 'trackingTemplate must be an https URL.' },
    ]);
  });

  it('refuses a webhook URL naming an IP address, not a website URL', () => {
    expect(partnerUrlIssues({ webhookUrl: 'https://93.184.216.34/hook' }, false)).toEqual([
      { path: ['webhookUrl'], message: 'webhookUrl must use a host name, not an IP address.' },
    ]);
    expect(partnerUrlIssues({ websiteUrl: 'https://93.184.216.34/' }, false)).toEqual([]);
  });

  it('allows plain http to loopback hosts in local runs only', () => {
    const local = {
      webhookUrl: 'http://127.0.0.1:9000/hook',
      websiteUrl: 'http://localhost:8080/',
      trackingTemplate: 'http://localhost:8080/c?url={url}',
    };
    expect(partnerUrlIssues(local, true)).toEqual([]);
    expect(partnerUrlIssues(local, false).map((i) => i.path[0])).toEqual([
      'webhookUrl',
      'websiteUrl',
      'trackingTemplate',
    ]);
    expect(partnerUrlIssues({ trackingTemplate: 'http://track.example.com/c' }, true)).toHaveLength(1);
  });
});

describe('linkUrlIssues', () => {
  it('accepts https destinations and a link without URLs', () => {
    expect(
      linkUrlIssues(
        {
          destination: 'https://www.autodoc.fr/freins',
          fallbackUrl: 'https://www.autodoc.fr/',
          rules: { targets: [{ destination: 'https://autodoc.be/' }], variants: [{ destination: 'https://a.fr/' }] },
        },
        false,
      ),
    ).toEqual([]);
    expect(linkUrlIssues({ fallbackUrl: null }, false)).toEqual([]);
  });

  it('names each refused destination by its path in the rules', () => {
    expect(
      linkUrlIssues(
        {
          destination: 'http://www.autodoc.fr/',
          fallbackUrl: 'not a url',
          rules: {
            targets: [{ destination: 'https://autodoc.be/' }, { destination: 'https://10.0.0.1/' }],
            variants: [{ destination: 'https://user:pw@autodoc.fr/' }],
          },
        },
        false,
      ),
    ).toEqual([
      { path: ['destination'], message: 'destination must use https.' },
      { path: ['fallbackUrl'], message: 'fallbackUrl must be an absolute URL.' },
      {
        path: ['rules', 'targets', '1', 'destination'],
        message: 'rules.targets.1.destination must not point to a private or reserved address.',
      },
      {
        path: ['rules', 'variants', '0', 'destination'],
        message: 'rules.variants.0.destination must not carry credentials.',
      },
    ]);
  });

  it('allows plain http to loopback hosts in local runs only', () => {
    expect(linkUrlIssues({ destination: 'http://localhost:8080/p' }, true)).toEqual([]);
    expect(linkUrlIssues({ destination: 'http://localhost:8080/p' }, false)).toEqual([
      { path: ['destination'], message: 'destination must use https.' },
    ]);
  });
});

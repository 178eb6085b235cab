import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hasControlCharacter,
  normalizedHttpUrl,
  storedUrlSchema,
  urlTemplateSchema,
} from '../../src/domain/stored-url';

const url = storedUrlSchema(4000);
const template = urlTemplateSchema(2000);
const messages = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.error?.issues.map((i) => i.message) ?? [];

describe('storedUrlSchema', () => {
  it.each([
    ['HTTPS://WWW.AUTODOC.FR', 'https://www.autodoc.fr/'],
    ['https://www.autodoc.fr:443/freins', 'https://www.autodoc.fr/freins'],
    ['https://Bücher.de/a b', 'https://xn--bcher-kva.de/a%20b'],
    ['  https://www.autodoc.fr/x  ', 'https://www.autodoc.fr/x'],
    ['https:www.autodoc.fr/x', 'https://www.autodoc.fr/x'],
    ['https://2130706433/', 'https://127.0.0.1/'],
    ['https://[0:0:0:0:0:ffff:10.0.0.1]/', 'https://[::ffff:a00:1]/'],
    ['https://www.autodoc.fr/%0d%0a', 'https://www.autodoc.fr/%0d%0a'],
    ['http://localhost:8787/b', 'http://localhost:8787/b'],
  ])('stores %j as %j', (raw, href) => {
    expect(url.parse(raw)).toBe(href);
  });

  it.each([
    ['CR LF', 'https://www.autodoc.fr/\r\nSet-Cookie: a=1'],
    ['a lone LF', 'https://www.autodoc.fr/\n'],
    ['a tab', 'https://www.auto\tdoc.fr/'],
    ['a NUL', 'https://www.autodoc.fr/\u0000'],
    ['DEL', 'https://www.autodoc.fr/\u007f'],
    ['a C1 control', 'https://www.autodoc.fr/\u0085'],
  ])('refuses %s, which URL parsing would silently drop or keep', (_what, raw) => {
    expect(messages(url.safeParse(raw))).toContain('Must not hold control characters such as CR or LF.');
  });

  it.each(['javascript:alert(1)', 'ftp://autodoc.fr/', '/relative', 'www.autodoc.fr', ''])('refuses %j', (raw) => {
    expect(messages(url.safeParse(raw))).toEqual(['An absolute http(s) URL.']);
  });

  it('stores every URL it accepts in the form URL parsing gives, and that form again as it is', () => {
    const piece = fc.constantFrom(
      '\r',
      '\n',
      '\t',
      '\u0000',
      '\u0085',
      ' ',
      'é',
      '%0d',
      '/',
      '?',
      '#',
      'a',
      'B',
      '.',
      ':',
    );
    const raw = fc.oneof(
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.tuple(fc.webUrl(), fc.array(piece, { maxLength: 6 })).map(([base, extra]) => base + extra.join('')),
    );
    fc.assert(
      fc.property(raw, (raw) => {
        const result = url.safeParse(raw);
        expect(result.success).toBe(!hasControlCharacter(raw) && normalizedHttpUrl(raw) !== null);
        if (!result.success) return;
        expect(result.data).toBe(new URL(raw).href);
        expect(hasControlCharacter(result.data)).toBe(false);
        expect(url.parse(result.data)).toBe(result.data);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('urlTemplateSchema', () => {
  it('keeps a template as given, placeholders and all', () => {
    const raw = 'https://track.example.com/c?aff=aau&sub={click_id}&url={url}';
    expect(template.parse(raw)).toBe(raw);
  });

  it.each([
    ['CR LF', 'https://t.example/c?url={url}\r\nX: 1'],
    ['a tab', 'https://t.example/c?\turl={url}'],
    ['a space', 'https://t.example/c?url={url} '],
    ['a no-break space', 'https://t.example/c?url={url}\u00a0'],
    ['only blanks', '   '],
  ])('refuses %s', (_what, raw) => {
    expect(messages(template.safeParse(raw))).toEqual(['Must not hold control characters or blanks.']);
  });
});

// The form in which URLs given to the API are kept: no control characters, written as URL parsing writes them.
import { z } from 'zod';

// C0 controls, DEL and C1 controls. CR and LF among them would split the Location header a stored
// URL ends up in; URL parsing silently drops some of them, and what it drops is not what was meant.
const CONTROL_CHARACTER = /\p{Cc}/u;
// A template is no URL until it is filled in, so it cannot be normalised: any blank is refused instead.
const CONTROL_OR_BLANK = /[\p{Cc}\p{Z}\s]/u;

/** Whether `text` holds a control character (C0, DEL, C1), CR and LF included. */
export function hasControlCharacter(text: string): boolean {
  return CONTROL_CHARACTER.test(text);
}

/**
 * `raw` as URL parsing writes it, or null when it is not an absolute http(s) URL: lower-case scheme
 * and host, punycode, default port dropped, `/` as the empty path, IPv4 in dotted form, spaces and
 * other unsafe characters percent-encoded.
 * @example normalizedHttpUrl('HTTPS://Www.Bücher.de') // 'https://www.xn--bcher-kva.de/'
 */
export function normalizedHttpUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
}

/**
 * A URL field of the API: refused when it holds a control character or is not an absolute http(s)
 * URL, else stored in its normalised form (`normalizedHttpUrl`). Which hosts and schemes may be used
 * is `urlProblem`'s business, since it depends on where Relais runs.
 * @example storedUrlSchema(2000).parse('https://Autodoc.fr') // 'https://autodoc.fr/'
 */
export function storedUrlSchema(maxLength: number) {
  return z
    .string()
    .max(maxLength)
    .refine((raw) => !hasControlCharacter(raw), 'Must not hold control characters such as CR or LF.')
    .transform((raw, ctx) => {
      const href = normalizedHttpUrl(raw);
      if (href === null) ctx.addIssue({ code: 'custom', message: 'An absolute http(s) URL.' });
      return href ?? raw;
    });
}

/**
 * A URL template with `{placeholders}` (a tracking template): kept as given, refused when it holds
 * a control character or any blank, which no URL built from it may carry.
 * @example urlTemplateSchema(2000).safeParse('https://t.example/c?url={url}').success // true
 */
export function urlTemplateSchema(maxLength: number) {
  return z
    .string()
    .max(maxLength)
    .refine((raw) => !CONTROL_OR_BLANK.test(raw), 'Must not hold control characters or blanks.');
}

// The URL a click is sent to: the destination with its tracking parameters, wrapped in the partner's template when it has one.

export const DEFAULT_CLICK_ID_PARAM = 'click_id';
/** UTM values a link gets when it sets none; `utm_campaign` defaults to the link's slug. */
export const DEFAULT_UTM = { source: 'relais', medium: 'affiliate' } as const;
/** The sub-id parameters of a short link, recorded with the click and offered to templates as macros. */
export const SUB_ID_PARAMS = ['sub1', 'sub2', 'sub3', 'sub4', 'sub5'] as const;
/**
 * Short-link parameters Relais consumes itself: never forwarded (`uid` in particular must not
 * leak, and `consent` is the visitor's answer to Relais, not to the partner).
 */
export const CONSUMED_QUERY_PARAMS = [...SUB_ID_PARAMS, 'uid', 'url', 'consent'] as const;
/** The visitor's parameters forwarded at most; the rest are dropped so the Location header stays small. */
export const MAX_FORWARDED_PARAMS = 50;

const UTM_FIELDS = ['source', 'medium', 'campaign', 'term', 'content'] as const;
export type UtmField = (typeof UTM_FIELDS)[number];
export type Utm = Partial<Record<UtmField, string | null>>;
export type SubIds = Partial<Record<(typeof SUB_ID_PARAMS)[number], string | null>>;

export type DestinationInput = {
  /** The link's destination, or the accepted deep link that replaces it. */
  destination: string | URL;
  /** The partner's template, such as `https://track.partner.com/c?aff=aau&url={url}&sub={click_id}`. */
  trackingTemplate?: string | null;
  clickId: string;
  /** The partner's click-id parameter; `click_id` when not set. */
  clickIdParam?: string | null;
  /** The link's UTM values, over `DEFAULT_UTM` and the slug as campaign. */
  utm?: Utm | null;
  /** The link's own extra parameters. */
  linkParams?: Readonly<Record<string, string>> | null;
  /** The partner's fixed affiliate parameters. */
  affiliateParams?: Readonly<Record<string, string>> | null;
  /** The visitor's query on the short link, in order. */
  query?: readonly (readonly [string, string])[] | null;
  /** Whether the visitor's query is forwarded; true when not set. */
  forwardQuery?: boolean | null;
  subIds?: SubIds | null;
  partnerSlug?: string | null;
  linkSlug: string;
  placement?: string | null;
  country?: string | null;
};

/** What a destination takes from the link itself. */
export type LinkSettings = {
  utm?: Utm | null;
  params?: Readonly<Record<string, string>> | null;
  slug: string;
  placement?: string | null;
};

/** What a destination takes from the link's partner. */
export type PartnerSettings = {
  trackingTemplate?: string | null;
  clickIdParam?: string | null;
  affiliateParams?: Readonly<Record<string, string>> | null;
  slug?: string | null;
};

/**
 * The part of `buildDestination`'s input that comes from a link and its partner; the caller adds
 * the destination, the click id and what it knows of the visitor.
 * @example buildDestination({ ...settingsInput(link, partner), destination: link.destination, clickId })
 */
export function settingsInput(
  link: LinkSettings,
  partner: PartnerSettings,
): Omit<DestinationInput, 'destination' | 'clickId'> {
  return {
    trackingTemplate: partner.trackingTemplate,
    clickIdParam: partner.clickIdParam,
    utm: link.utm,
    linkParams: link.params,
    affiliateParams: partner.affiliateParams,
    partnerSlug: partner.slug,
    linkSlug: link.slug,
    placement: link.placement,
  };
}

/**
 * The redirect target of a click, serialised by `URL`.
 *
 * Parameters, from strongest to weakest:
 * 1. reserved: the click id under `clickIdParam`, then the partner's `affiliateParams`;
 * 2. the link's: its `utm` values, then its `linkParams` (a `utm_*` key among them beats the
 *    default but not the link's `utm`), then `DEFAULT_UTM` and the slug as campaign, then the
 *    destination's own query, kept as written except for keys set above;
 * 3. the visitor's `query` (when `forwardQuery` is not false), only for names that nothing above
 *    uses, compared loosely (case, `.`/space for `_`, a `[...]` suffix) since servers such as PHP
 *    or ASP.NET would read `CLICK_ID`, `click.id` or `click_id[]` as `click_id`.
 * The fragment stays last. Control characters are removed from every name and value.
 *
 * With a `trackingTemplate`, all of the above is the `{url}` value, and the template's macros
 * are filled in: `{url}` (and `{destination_encoded}`, the same always encoded), `{click_id}`, `{partner}`, `{link}`, `{sub1}`..`{sub5}`,
 * `{utm_source}`..`{utm_content}` (the values in force), `{placement}`, `{country}`; unknown
 * macros become empty. Values are percent-encoded, except `{url}` when it opens the template.
 * A template that does not then make an http(s) URL is ignored (the click id is still carried).
 * @example buildDestination({ destination: 'https://www.autodoc.fr/freins#top', clickId: 'C1', linkSlug: 'frein' })
 * // 'https://www.autodoc.fr/freins?utm_source=relais&utm_medium=affiliate&utm_campaign=frein&click_id=C1#top'
 */
export function buildDestination(input: DestinationInput): string {
  const utm = resolveUtm(input);
  const direct = withParams(input, utm);
  const template = input.trackingTemplate?.trim();
  if (!template) return direct;
  const macros = new Map<string, string>([
    ['url', direct],
    // The same, always percent-encoded: the name networks' click URLs give it (`ued=` for Awin).
    ['destination_encoded', direct],
    ['click_id', clean(input.clickId)],
    ['partner', clean(input.partnerSlug)],
    ['link', clean(input.linkSlug)],
    ['placement', clean(input.placement)],
    ['country', clean(input.country)],
  ]);
  for (const field of UTM_FIELDS) macros.set(`utm_${field}`, utm[field] ?? '');
  for (let i = 1; i <= 5; i++) macros.set(`sub${i}`, clean(input.subIds?.[`sub${i}` as keyof SubIds]));
  const filled = template.replace(/\{([A-Za-z0-9_]+)\}/g, (_macro, name: string, offset: number) => {
    const key = name.toLowerCase();
    const value = macros.get(key) ?? '';
    // Encoded values cannot add `&`, `#`, `/` or `?` to the template: visitor input never changes its structure.
    return offset === 0 && key === 'url' ? value : encodeURIComponent(value);
  });
  try {
    const url = new URL(filled);
    if (url.protocol === 'https:' || url.protocol === 'http:') return url.href;
  } catch {
    // An unusable template must not cost the visitor the redirect.
  }
  return direct;
}

/** The UTM values in force, by field. */
function resolveUtm(input: DestinationInput): Partial<Record<UtmField, string>> {
  const defaults: Partial<Record<UtmField, string>> = { ...DEFAULT_UTM, campaign: clean(input.linkSlug) };
  const utm: Partial<Record<UtmField, string>> = {};
  for (const field of UTM_FIELDS) {
    const value = clean(input.utm?.[field]) || clean(input.linkParams?.[`utm_${field}`]) || (defaults[field] ?? '');
    if (value) utm[field] = value;
  }
  return utm;
}

function withParams(input: DestinationInput, utm: Partial<Record<UtmField, string>>): string {
  const url = new URL(String(input.destination));
  const managed = new Map<string, string>();
  const put = (name: string, value: string | null | undefined) => {
    const key = clean(name);
    if (key) managed.set(key, clean(value));
  };
  for (const field of UTM_FIELDS) if (utm[field]) put(`utm_${field}`, utm[field]);
  for (const [name, value] of Object.entries(input.linkParams ?? {})) {
    if (!managed.has(clean(name))) put(name, value);
  }
  for (const [name, value] of Object.entries(input.affiliateParams ?? {})) put(name, value);
  put(clean(input.clickIdParam) || DEFAULT_CLICK_ID_PARAM, input.clickId);

  // The destination's query is kept byte for byte (re-serialising it could change what its server reads).
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((segment) => segment !== '' && !managed.has(segmentName(segment)));
  const taken = new Set<string>(CONSUMED_QUERY_PARAMS);
  for (const name of managed.keys()) taken.add(looseName(name));
  for (const segment of kept) taken.add(looseName(segmentName(segment)));

  const params = new URLSearchParams();
  for (const [name, value] of managed) params.append(name, value);
  if (input.forwardQuery !== false) {
    let forwarded = 0;
    for (const [rawName, rawValue] of input.query ?? []) {
      if (forwarded === MAX_FORWARDED_PARAMS) break;
      const name = clean(rawName);
      const loose = looseName(name);
      if (!loose || taken.has(loose) || name.length > 256 || rawValue.length > 2048) continue;
      params.append(name, clean(rawValue));
      forwarded++;
    }
  }
  const ours = params.toString();
  url.search = ours ? [...kept, ours].join('&') : kept.join('&');
  return url.href;
}

/** The decoded name of one `name=value` segment of a query. */
function segmentName(segment: string): string {
  const eq = segment.indexOf('=');
  const raw = (eq === -1 ? segment : segment.slice(0, eq)).replaceAll('+', ' ');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** A parameter name as lenient servers read it: case-insensitive, `.` and space as `_`, `[...]` dropped. */
function looseName(name: string): string {
  return (name.trimStart().toLowerCase().split('[')[0] ?? '').replace(/[ .]/g, '_');
}

/** Text without control characters or lone surrogates, so no header or log line can be split by it. */
function clean(value: string | null | undefined): string {
  if (!value) return '';
  return value.toWellFormed().replace(/[\p{Cc}\u2028\u2029]/gu, '');
}

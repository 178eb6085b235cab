// The tracked link's own query parameters (`sub1`..`sub5`, `uid`, `url`, `consent`), read on the redirect's hot path.
//
// A hand-written reader rather than URLSearchParams: it builds no list of pairs for the common
// query, which holds only these. It must agree with URLSearchParams on every query (a property
// test checks it), and falls back to it when an escape is one `decodeURIComponent` refuses.

/** Longest sub-id kept (longer ones are cut). */
export const MAX_SUB_ID = 256;
/** Longest app user id accepted (longer ones are ignored: no truncated id may match another user). */
export const MAX_UID = 256;

/** What the redirect takes from the short link's query; the rest is only forwarded. */
export type LinkParams = {
  subIds: (string | null)[];
  uid: string | null;
  /** The deep link (`url=`), when one was given. */
  url: string | null;
  /** Whether the link said `consent=0`: the visitor refused tracking (no cookie, no fingerprint, no `uid`). */
  isConsentRefused: boolean;
  /** Whether the link said `consent=1` (and never `consent=0`): needed where a link or its partner requires consent. */
  isConsentGiven: boolean;
  /** Whether the query holds parameters other than ours, to forward. */
  forwards: boolean;
};

export const NO_PARAMS: LinkParams = {
  subIds: [null, null, null, null, null],
  uid: null,
  url: null,
  isConsentRefused: false,
  isConsentGiven: false,
  forwards: false,
};

/**
 * Reads `sub1`..`sub5`, `uid`, `url` and `consent` (first value of each) as URLSearchParams would, without
 * building its list of pairs: the common query holds only these, and forwarding, which needs
 * the pairs, builds them itself.
 * @example readLinkQuery('sub1=clio-iv&uid=42') // { subIds: ['clio-iv', null, null, null, null], uid: '42', url: null, isConsentRefused: false, isConsentGiven: false, forwards: false }
 */
export function readLinkQuery(query: string): LinkParams {
  const params: LinkParams = {
    subIds: [null, null, null, null, null],
    uid: null,
    url: null,
    isConsentRefused: false,
    isConsentGiven: false,
    forwards: false,
  };
  // URLSearchParams drops one leading `?`, which a URL such as `/slug??x=1` leaves in its query.
  let start = query.startsWith('?') ? 1 : 0;
  while (start <= query.length) {
    let end = query.indexOf('&', start);
    if (end === -1) end = query.length;
    if (end > start) {
      const eq = query.indexOf('=', start);
      const hasValue = eq !== -1 && eq < end;
      const name = decodeComponent(query.slice(start, hasValue ? eq : end));
      const value = hasValue ? decodeComponent(query.slice(eq + 1, end)) : '';
      if (name === null || value === null) return readLinkQuerySlowly(query);
      take(params, name, value);
    }
    start = end + 1;
  }
  return params;
}

/** The same through URLSearchParams, for queries whose escapes `decodeURIComponent` refuses. */
export function readLinkQuerySlowly(query: string): LinkParams {
  const params: LinkParams = {
    subIds: [null, null, null, null, null],
    uid: null,
    url: null,
    isConsentRefused: false,
    isConsentGiven: false,
    forwards: false,
  };
  for (const [name, value] of new URLSearchParams(query)) take(params, name, value);
  return params;
}

function take(params: LinkParams, name: string, value: string): void {
  if (name.length === 4 && name.startsWith('sub') && name > 'sub0' && name < 'sub6') {
    const i = name.charCodeAt(3) - 49;
    if (params.subIds[i] === null && value !== '') params.subIds[i] = value.slice(0, MAX_SUB_ID);
  } else if (name === 'uid') {
    if (params.uid === null && value !== '' && value.length <= MAX_UID) params.uid = value;
  } else if (name === 'url') {
    if (params.url === null && value !== '') params.url = value;
  } else if (name === 'consent') {
    // Any `consent=0` refuses: a refusal is never overridden by another value beside it.
    if (value === '0') {
      params.isConsentRefused = true;
      params.isConsentGiven = false;
    } else if (value === '1' && !params.isConsentRefused) {
      params.isConsentGiven = true;
    }
  } else {
    params.forwards = true;
  }
}

/** A query component decoded as forms are (`+` is a space), or null when its escapes are malformed. */
function decodeComponent(raw: string): string | null {
  const text = raw.includes('+') ? raw.replaceAll('+', ' ') : raw;
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

// Builders of click events for the click buffer and recorder tests.
import { type ClickEvent, type PendingClick, pendingClick as withRaw } from '../../src/domain/click-wire';

let n = 0;

/** A click of a phone browser on `linkId` now (or at `at`), unless `overrides` say otherwise. */
export function clickEvent(overrides: Partial<ClickEvent> = {}): ClickEvent {
  n++;
  const at = overrides.at ?? Date.now();
  return {
    id: `01K${String(at).padStart(13, '0').slice(-13)}${String(n).padStart(10, '0')}`.slice(0, 26),
    at,
    linkId: 'lnk_test',
    partnerId: 'ptn_test',
    visitorId: `01JDQ7Z8V3K2M4N5P6Q${String(n).padStart(7, '0')}`,
    isNewVisitor: false,
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    accept: 'text/html,application/xhtml+xml',
    secChUa: null,
    purpose: null,
    acceptLanguage: 'fr-FR,fr;q=0.9',
    referer: null,
    country: 'FR',
    subIds: [null, null, null, null, null],
    utmSource: 'relais',
    utmMedium: 'affiliate',
    utmCampaign: 'test',
    placement: null,
    variant: 'default',
    destination: 'https://www.autodoc.fr/freinage',
    deepLinkRefused: false,
    uidHash: null,
    fingerprint: null,
    source: 'link',
    referralCode: null,
    ...overrides,
  };
}

/** The same as the redirect leaves it for the recorder. */
export const pendingClick = (
  overrides: Partial<ClickEvent> = {},
  ip: string | null = null,
  uid: string | null = null,
): PendingClick => withRaw(clickEvent(overrides), ip, uid);

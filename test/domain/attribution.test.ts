import { describe, expect, it } from 'vitest';
import {
  ATTRIBUTION_CONFIDENCE,
  ATTRIBUTION_ORDER,
  type CandidateClick,
  isWithinWindow,
  pickAttribution,
} from '../../src/domain/attribution';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const AT = new Date('2026-03-31T12:00:00.000Z');
const PARTNER = 'ptn_autodoc';

let seq = 0;
function click(agoMs: number, over: Partial<CandidateClick> = {}): CandidateClick {
  seq += 1;
  return {
    id: `clk_${String(seq).padStart(4, '0')}`,
    partnerId: PARTNER,
    linkId: `lnk_${seq}`,
    createdAt: new Date(AT.getTime() - agoMs),
    isBot: false,
    ...over,
  };
}

describe('isWithinWindow', () => {
  it('includes a click at the very moment of the conversion and one exactly a window old', () => {
    expect(isWithinWindow(click(0), AT, 30)).toBe(true);
    expect(isWithinWindow(click(30 * DAY), AT, 30)).toBe(true);
  });

  it('excludes a click one millisecond older than the window', () => {
    expect(isWithinWindow(click(30 * DAY + 1), AT, 30)).toBe(false);
  });

  it('excludes a click after the conversion', () => {
    expect(isWithinWindow(click(-1), AT, 30)).toBe(false);
  });

  it('with a zero window, accepts only a click at the same millisecond', () => {
    expect(isWithinWindow(click(0), AT, 0)).toBe(true);
    expect(isWithinWindow(click(1), AT, 0)).toBe(false);
  });
});

describe('pickAttribution', () => {
  it('walks click id, referral code, coupon, user, cookie, fingerprint', () => {
    expect(ATTRIBUTION_ORDER).toEqual(['click_id', 'referral_code', 'coupon', 'user', 'cookie', 'fingerprint']);
  });

  it('attributes to the click named by the postback', () => {
    const c = click(2 * HOUR);
    expect(pickAttribution([{ method: 'click_id', clicks: [c] }], PARTNER, AT, 30)).toEqual({
      method: 'click_id',
      clickId: c.id,
      linkId: c.linkId,
      confidence: 1,
      clickToConversionMs: 2 * HOUR,
    });
  });

  it('takes each method with its confidence when it is the first to find a click', () => {
    for (const method of ATTRIBUTION_ORDER) {
      const c = click(HOUR);
      const result = pickAttribution([{ method, clicks: [c] }], PARTNER, AT, 30);
      expect(result).toEqual({
        method,
        clickId: c.id,
        linkId: c.linkId,
        confidence: ATTRIBUTION_CONFIDENCE[method],
        clickToConversionMs: HOUR,
      });
    }
    expect(ATTRIBUTION_CONFIDENCE).toEqual({
      click_id: 1,
      referral_code: 1,
      coupon: 1,
      user: 1,
      cookie: 0.9,
      fingerprint: 0.6,
    });
  });

  it('prefers a method earlier in the order whatever the order of the candidates', () => {
    const byCookie = click(HOUR);
    const byCoupon = click(5 * DAY);
    const byUser = click(2 * HOUR);
    const result = pickAttribution(
      [
        { method: 'cookie', clicks: [byCookie] },
        { method: 'user', clicks: [byUser] },
        { method: 'coupon', clicks: [byCoupon] },
      ],
      PARTNER,
      AT,
      30,
    );
    expect(result).toMatchObject({ method: 'coupon', clickId: byCoupon.id });
  });

  it('gives the conversion to the last click of a method', () => {
    const older = click(3 * DAY);
    const newest = click(1 * HOUR);
    const middle = click(2 * DAY);
    const result = pickAttribution([{ method: 'cookie', clicks: [older, newest, middle] }], PARTNER, AT, 30);
    expect(result).toMatchObject({ method: 'cookie', clickId: newest.id, clickToConversionMs: HOUR });
  });

  it('breaks a tie on time by the greater click id', () => {
    const a = click(HOUR, { id: '01JDQ7Z8V3AAAAAAAAAAAAAAAA' });
    const b = click(HOUR, { id: '01JDQ7Z8V3BBBBBBBBBBBBBBBB' });
    expect(pickAttribution([{ method: 'cookie', clicks: [b, a] }], PARTNER, AT, 30).clickId).toBe(b.id);
    expect(pickAttribution([{ method: 'cookie', clicks: [a, b] }], PARTNER, AT, 30).clickId).toBe(b.id);
  });

  it('merges candidates given twice for one method', () => {
    const first = click(5 * HOUR);
    const second = click(HOUR);
    const result = pickAttribution(
      [
        { method: 'user', clicks: [first] },
        { method: 'user', clicks: [second] },
      ],
      PARTNER,
      AT,
      30,
    );
    expect(result.clickId).toBe(second.id);
  });

  it('never gives a conversion to a bot click, and falls through to the next method', () => {
    const bot = click(HOUR, { isBot: true });
    const human = click(3 * DAY);
    const result = pickAttribution(
      [
        { method: 'click_id', clicks: [bot] },
        { method: 'cookie', clicks: [human] },
      ],
      PARTNER,
      AT,
      30,
    );
    expect(result).toMatchObject({ method: 'cookie', clickId: human.id });
    expect(pickAttribution([{ method: 'click_id', clicks: [bot] }], PARTNER, AT, 30).method).toBe('none');
  });

  it('ignores the clicks of other partners', () => {
    const other = click(HOUR, { partnerId: 'ptn_oscaro' });
    const mine = click(2 * DAY);
    expect(pickAttribution([{ method: 'cookie', clicks: [other, mine] }], PARTNER, AT, 30).clickId).toBe(mine.id);
    expect(pickAttribution([{ method: 'click_id', clicks: [other] }], PARTNER, AT, 30).method).toBe('none');
  });

  it('ignores clicks outside the window and clicks after the conversion', () => {
    const tooOld = click(30 * DAY + 1);
    const future = click(-HOUR);
    const edge = click(30 * DAY);
    expect(pickAttribution([{ method: 'cookie', clicks: [tooOld, future] }], PARTNER, AT, 30).method).toBe('none');
    expect(pickAttribution([{ method: 'cookie', clicks: [tooOld, edge, future] }], PARTNER, AT, 30)).toMatchObject({
      clickId: edge.id,
      clickToConversionMs: 30 * DAY,
    });
    expect(pickAttribution([{ method: 'cookie', clicks: [edge] }], PARTNER, AT, 7).method).toBe('none');
  });

  it('accepts a fingerprint when exactly one click is less than 24 hours old', () => {
    const recent = click(23 * HOUR);
    const old = click(3 * DAY);
    expect(pickAttribution([{ method: 'fingerprint', clicks: [recent, old] }], PARTNER, AT, 30)).toEqual({
      method: 'fingerprint',
      clickId: recent.id,
      linkId: recent.linkId,
      confidence: 0.6,
      clickToConversionMs: 23 * HOUR,
    });
    expect(pickAttribution([{ method: 'fingerprint', clicks: [click(DAY)] }], PARTNER, AT, 30).method).toBe(
      'fingerprint',
    );
  });

  it('refuses a fingerprint shared by two recent clicks, or whose only click is older than 24 hours', () => {
    expect(
      pickAttribution([{ method: 'fingerprint', clicks: [click(HOUR), click(2 * HOUR)] }], PARTNER, AT, 30),
    ).toEqual({ method: 'none', clickId: null, linkId: null, confidence: null, clickToConversionMs: null });
    expect(pickAttribution([{ method: 'fingerprint', clicks: [click(DAY + 1)] }], PARTNER, AT, 30).method).toBe('none');
  });

  it('counts only human clicks of the partner when judging a fingerprint', () => {
    const mine = click(HOUR);
    const clicks = [mine, click(2 * HOUR, { isBot: true }), click(3 * HOUR, { partnerId: 'ptn_norauto' })];
    expect(pickAttribution([{ method: 'fingerprint', clicks }], PARTNER, AT, 30).clickId).toBe(mine.id);
    const sameClickTwice = [mine, { ...mine }];
    expect(pickAttribution([{ method: 'fingerprint', clicks: sameClickTwice }], PARTNER, AT, 30).clickId).toBe(mine.id);
  });

  it('keeps the window for fingerprints shorter than a day', () => {
    expect(pickAttribution([{ method: 'fingerprint', clicks: [click(2 * HOUR)] }], PARTNER, AT, 0).method).toBe('none');
  });

  it('answers none when there is nothing, and ignores candidates labelled none', () => {
    const none = { method: 'none', clickId: null, linkId: null, confidence: null, clickToConversionMs: null };
    expect(pickAttribution([], PARTNER, AT, 30)).toEqual(none);
    expect(pickAttribution([{ method: 'none', clicks: [click(HOUR)] }], PARTNER, AT, 30)).toEqual(none);
    expect(pickAttribution([{ method: 'cookie', clicks: [] }], PARTNER, AT, 30)).toEqual(none);
  });
});

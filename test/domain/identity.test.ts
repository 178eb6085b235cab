import { describe, expect, it } from 'vitest';
import { isTrackingAllowed, visitorIdOf, visitorPseudonym } from '../../src/domain/identity';

describe('visitorIdOf', () => {
  const id = '01JDQ7Z8V3K2M4N5P6Q7R8S9T0';

  it.each([
    ['the only cookie', `rl_vid=${id}`],
    ['among others', `theme=dark; rl_vid=${id}; other=1`],
    ['with spaces around it', `theme=dark;  rl_vid=${id} ;x=1`],
  ])('reads the visitor id as %s', (_, header) => {
    expect(visitorIdOf(header)).toBe(id);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another cookie only', 'theme=dark'],
    ['a cookie whose name only ends like ours', `xrl_vid=${id}`],
    ['an id that is not a ULID', 'rl_vid=visitor-123'],
    ['a lower-case id', `rl_vid=${id.toLowerCase()}`],
  ])('finds none in %s', (_, header) => {
    expect(visitorIdOf(header)).toBeNull();
  });
});

describe('isTrackingAllowed', () => {
  const none = { isConsentRefused: false, isConsentGiven: false };
  const given = { isConsentRefused: false, isConsentGiven: true };
  const refused = { isConsentRefused: true, isConsentGiven: false };
  const quiet = new Headers();

  it('tracks when consent is not required and not refused', () => {
    expect(isTrackingAllowed(none, false, quiet)).toBe(true);
    expect(isTrackingAllowed(given, false, quiet)).toBe(true);
  });

  it('tracks a link requiring consent only on consent=1', () => {
    expect(isTrackingAllowed(none, true, quiet)).toBe(false);
    expect(isTrackingAllowed(given, true, quiet)).toBe(true);
  });

  it('never tracks once refused, whether by consent=0, Sec-GPC or DNT', () => {
    expect(isTrackingAllowed(refused, false, quiet)).toBe(false);
    for (const header of ['sec-gpc', 'dnt']) {
      const headers = new Headers({ [header]: '1' });
      expect(isTrackingAllowed(given, true, headers)).toBe(false);
      expect(isTrackingAllowed(given, false, headers)).toBe(false);
    }
  });
});

describe('visitorPseudonym', () => {
  const key = 'test-hash-key-0123456789abcdef';
  const visitor = '01JDQ7Z8V3K2M4N5P6Q7R8S9T0';

  it('is stable for a partner and a visitor', async () => {
    expect(await visitorPseudonym(key, 'ptn_a', visitor)).toBe(await visitorPseudonym(key, 'ptn_a', visitor));
  });

  it('differs between partners, between visitors and between keys', async () => {
    const base = await visitorPseudonym(key, 'ptn_a', visitor);
    expect(await visitorPseudonym(key, 'ptn_b', visitor)).not.toBe(base);
    expect(await visitorPseudonym(key, 'ptn_a', '01JDQ7Z8V3K2M4N5P6Q7R8S9T1')).not.toBe(base);
    expect(await visitorPseudonym(`${key}x`, 'ptn_a', visitor)).not.toBe(base);
  });

  it('is vp_ and 32 URL-safe characters, holding nothing of the id', async () => {
    const p = await visitorPseudonym(key, 'ptn_a', visitor);
    expect(p).toMatch(/^vp_[A-Za-z0-9_-]{32}$/);
    expect(p).not.toContain(visitor);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isReservedSlug } from '../../src/domain/reserved-slugs';
import {
  generatedLinkSlug,
  PARTNER_SLUG_TRIES,
  partnerSlugCandidates,
  randomPartnerSlug,
} from '../../src/domain/slug-candidates';

describe('partnerSlugCandidates', () => {
  it('tries the name’s slug first, then numbered variants from 2', () => {
    const candidates = partnerSlugCandidates('Feu Vert');
    expect(candidates).toHaveLength(PARTNER_SLUG_TRIES);
    expect(candidates.slice(0, 3)).toEqual(['feu-vert', 'feu-vert-2', 'feu-vert-3']);
    expect(candidates.at(-1)).toBe('feu-vert-20');
  });

  it('slugifies accents and punctuation, and names without letters', () => {
    expect(partnerSlugCandidates('EuroPièces Auto!')[0]).toBe('europieces-auto');
    expect(partnerSlugCandidates('***').slice(0, 2)).toEqual(['partner', 'partner-2']);
  });

  it('gives distinct candidates for any name', () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        expect(new Set(partnerSlugCandidates(name)).size).toBe(PARTNER_SLUG_TRIES);
      }),
    );
  });
});

describe('randomPartnerSlug', () => {
  it('is the name’s slug with a lower-case random suffix', () => {
    const slug = randomPartnerSlug('Feu Vert');
    expect(slug).toMatch(/^feu-vert-[a-z0-9_-]{4}$/);
    expect(slug).toBe(slug.toLowerCase());
  });
});

describe('generatedLinkSlug', () => {
  it('is 7 unambiguous characters and never a path of the service', () => {
    for (let i = 0; i < 200; i++) {
      const slug = generatedLinkSlug();
      expect(slug).toMatch(/^[2-9a-hjkmnp-zA-HJ-NP-Z]{7}$/);
      expect(isReservedSlug(slug)).toBe(false);
    }
  });
});

// Slugs a new partner or link may take, in the order they are tried; the store says which are free.
import { newSlug, randomToken } from './ids';
import { isReservedSlug } from './reserved-slugs';
import { slugify } from './slugify';

/** Numbered variants of a partner's name tried before falling back to a random suffix. */
export const PARTNER_SLUG_TRIES = 20;

/**
 * Slugs tried for a partner named `name`: its slug, then `-2`, `-3`... up to `PARTNER_SLUG_TRIES`.
 * @example partnerSlugCandidates('Feu Vert').slice(0, 3) // ['feu-vert', 'feu-vert-2', 'feu-vert-3']
 */
export function partnerSlugCandidates(name: string): string[] {
  const base = slugify(name);
  return Array.from({ length: PARTNER_SLUG_TRIES }, (_, i) => (i === 0 ? base : `${base}-${i + 1}`));
}

/**
 * The last resort once every candidate is taken: the name's slug with a random suffix.
 * @example randomPartnerSlug('Feu Vert') // 'feu-vert-x3k9'
 */
export function randomPartnerSlug(name: string): string {
  return `${slugify(name)}-${randomToken(3).toLowerCase()}`;
}

/**
 * A generated link slug that no path of the service answers.
 * @example generatedLinkSlug() // 'k7Hq2Zp'
 */
export function generatedLinkSlug(): string {
  for (;;) {
    const slug = newSlug();
    if (!isReservedSlug(slug)) return slug;
  }
}

// Requests for unknown slugs as they are counted: the path kept, its length bound, and the bucket past the caps.

/** Where a day's (or a window's) paths past their cap are counted; no slug can spell it. */
export const OTHER_ORPHAN_PATH = '(other)';
/** Longest path kept: a slug is at most 64 characters, and anything longer is cut, never stored whole. */
export const MAX_ORPHAN_PATH_LENGTH = 65;

/**
 * The path an unknown slug is counted under: as asked, case kept, since slugs are compared
 * case-sensitively (`/Autodoc` is not `/autodoc`).
 * @example orphanPathOf('autodoc-frein') // '/autodoc-frein'
 */
export function orphanPathOf(slug: string): string {
  return `/${slug}`.slice(0, MAX_ORPHAN_PATH_LENGTH);
}

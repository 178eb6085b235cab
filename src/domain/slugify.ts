// Readable slugs from names ("Feu Vert" -> "feu-vert").

/**
 * Lower-case ASCII words joined by dashes, accents removed, at most 48 characters.
 * @example slugify('EuroPièces Auto') // 'europieces-auto'
 */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  return slug || 'partner';
}

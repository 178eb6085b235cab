// Paths the service itself answers, which no link may take as its slug.

const RESERVED = new Set([
  'api',
  'pb',
  'e',
  'r',
  'docs',
  'health',
  'healthz',
  'favicon.ico',
  'robots.txt',
  '__scheduled',
  'openapi.json',
  'static',
  'assets',
  'console',
]);

/** Whether `slug` collides with a route of the service (compared case-insensitively). */
export function isReservedSlug(slug: string): boolean {
  return RESERVED.has(slug.toLowerCase());
}

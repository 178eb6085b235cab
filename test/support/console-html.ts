// Reads a console page's HTML as a person reads it: its text, and its tables row by row.

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

/** Text without its tags, entities decoded, every run of white space (narrow spaces too) one space. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => ENTITIES[name] ?? '')
    .replace(/[\s\u00a0\u202f]+/g, ' ')
    .trim();
}

/**
 * The rows of the page's tables, each the text of its cells, header rows included.
 * @example rowsOf(page).find((r) => r[0] === 'B-2') // ['B-2', 'Amount differs', 'Pending', '€50.00', ...]
 */
export function rowsOf(html: string, tableId?: string): string[][] {
  let scope = html;
  if (tableId !== undefined) {
    const start = html.indexOf(`id="${tableId}"`);
    if (start < 0) return [];
    scope = html.slice(start, html.indexOf('</table>', start));
  }
  return [...scope.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? '').matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => textOf(cell[1] ?? '')),
  );
}

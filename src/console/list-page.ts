// A filtered, paged list of the console: the filters read from the query (400 naming any that does not fit), then a page of rows.
import type { Context } from 'hono';
import type { z } from 'zod';
import { decodeCursor } from '../http/pagination';
import { type PartnerName, partnerNamesInReach } from '../services/partner-names';
import type { ConsoleEnv } from './context';
import { type FieldErrors, PAGE_SIZE, pageOf, readFilters } from './query-fields';

/** What a list page renders: the partners to filter by, the filters' errors, a page of rows. */
export type ListView<R> = { partners: PartnerName[]; errors: FieldErrors; rows: R[]; nextCursor: string | null };

/**
 * Answers a list page: `filters` read from the query, `list` called with them and the page asked
 * (`PAGE_SIZE` rows before the cursor), `render` given the result; a filter that does not fit
 * gives the page with its error beside the field, no rows, and status 400.
 * @example listPage(c, listQuery, (q, page) => listVisibleDeliveries(c.env, scope, { ...page, ...q }), (view) => <DeliveriesPage {...view} />)
 */
export async function listPage<S extends z.ZodType<{ cursor?: string | undefined }>, R extends { id: string }>(
  c: Context<ConsoleEnv>,
  filters: S,
  list: (q: z.infer<S>, page: { limit: number; before: string | undefined }) => Promise<R[]>,
  render: (view: ListView<R>) => string | Promise<string>,
): Promise<Response> {
  const partners = await partnerNamesInReach(c.env, c.get('session').scope);
  const read = readFilters(filters, c.req.query(), c.get('ui').lang);
  if (!read.ok) return c.html(render({ partners, errors: read.errors, rows: [], nextCursor: null }), 400);
  const shown = pageOf(await list(read.data, { limit: PAGE_SIZE, before: decodeCursor(read.data.cursor) }));
  return c.html(render({ partners, errors: {}, ...shown }));
}

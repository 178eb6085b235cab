// The console's conversions pages: the filtered table, a conversion's page, and an admin's approve, reject and refund.
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { ATTRIBUTION_METHODS } from '../../domain/attribution';
import { isCalendarDate, timeZoneOf } from '../../domain/calendar';
import { CONVERSION_STATUSES } from '../../domain/conversion-status';
import { AppError } from '../../http/errors';
import { decodeCursor } from '../../http/pagination';
import { listVisibleConversions } from '../../services/conversion-list';
import { conversionReview, reviewConversion } from '../../services/conversion-review';
import { partnerNamesInReach } from '../../services/partner-names';
import type { ConsoleEnv } from '../context';
import { badFieldsOf, type FieldErrors, PAGE_SIZE, pageOf, readFilters } from '../query-fields';
import { adminOnly } from '../session';
import { messages } from '../ui/messages';
import { ConversionPage, type RefundProblem, type ReviewForms } from './conversion-page';
import { type ConversionFilters, ConversionsPage } from './list-page';

export const conversionsRoutes = new Hono<ConsoleEnv>();

type PageContext = Context<ConsoleEnv>;

const m = messages(
  {
    afterTo: 'The first day must not be after the last.',
    tooLong: 'Choose at most 366 days.',
  },
  {
    afterTo: 'Le premier jour ne doit pas être après le dernier.',
    tooLong: 'Choisissez 366 jours au plus.',
  },
);

const day = z.string().refine(isCalendarDate);
const listQuery = z.object({
  partnerId: z.string().max(80).optional(),
  status: z.enum(CONVERSION_STATUSES).optional(),
  method: z.enum(ATTRIBUTION_METHODS).optional(),
  from: day.optional(),
  to: day.optional(),
  cursor: z.string().max(200).optional(),
});

conversionsRoutes.get('/', async (c) => {
  const ui = c.get('ui');
  const { scope } = c.get('session');
  const t = m[ui.lang];
  const asked = c.req.query();
  const filters: ConversionFilters = {
    partnerId: asked.partnerId,
    status: asked.status,
    method: asked.method,
    from: asked.from,
    to: asked.to,
  };
  const partners = await partnerNamesInReach(c.env, scope);
  const page = (errors: FieldErrors, rows: Awaited<ReturnType<typeof listVisibleConversions>> = [], next = null) =>
    c.html(
      <ConversionsPage ui={ui} partners={partners} filters={filters} errors={errors} rows={rows} nextCursor={next} />,
      Object.keys(errors).length > 0 ? 400 : 200,
    );
  const read = readFilters(listQuery, asked, ui.lang);
  if (!read.ok) return page(read.errors);
  const q = read.data;
  try {
    const rows = await listVisibleConversions(c.env, scope, {
      limit: PAGE_SIZE,
      before: decodeCursor(q.cursor),
      partnerId: q.partnerId,
      status: q.status,
      method: q.method,
      from: q.from,
      to: q.to,
      timeZone: timeZoneOf(c.env.REPORT_TIMEZONE),
    });
    const shown = pageOf(rows);
    return c.html(
      <ConversionsPage
        ui={ui}
        partners={partners}
        filters={filters}
        errors={{}}
        rows={shown.rows}
        nextCursor={shown.nextCursor}
      />,
    );
  } catch (err) {
    const bad = badFieldsOf(err);
    if (!bad) throw err;
    return page(
      Object.fromEntries(
        bad.map((b) => [
          b.field,
          b.detail === 'after to' ? t.afterTo : b.detail === 'range too long' ? t.tooLong : b.message,
        ]),
      ),
    );
  }
});

/** The conversion's page, with the review forms as sent when they need another look. */
async function showConversion(c: PageContext, forms?: ReviewForms, status: 200 | 400 | 409 = 200) {
  const ui = c.get('ui');
  const { scope } = c.get('session');
  const review = await conversionReview(c.env, scope, c.req.param('id') ?? '');
  const partners = await partnerNamesInReach(c.env, scope);
  const partnerName = partners.find((p) => p.id === review.conversion.partnerId)?.name ?? review.conversion.partnerId;
  return c.html(
    <ConversionPage ui={ui} review={review} partnerName={partnerName} done={c.req.query('done')} forms={forms} />,
    status,
  );
}

conversionsRoutes.get('/:id', (c) => showConversion(c));

// Partners' users only read: for them these forms do not exist.
conversionsRoutes.use('/:id/*', adminOnly);

/** Applies an admin's change and goes back to the page (post/redirect/get), or shows why it was refused. */
async function review(
  c: PageContext,
  change: Parameters<typeof reviewConversion>[3],
  done: string,
  forms: ReviewForms,
) {
  const id = c.req.param('id') ?? '';
  try {
    await reviewConversion(c.env, c.get('session').scope, id, change, c.get('session').user.id);
  } catch (err) {
    const problem = refundProblemOf(err);
    if (problem) return showConversion(c, { ...forms, errors: { refundedAmount: problem } }, 400);
    // A change of status the rules refuse, asked from a page shown before another change.
    if (err instanceof AppError && err.code === 'invalid_transition')
      return showConversion(c, { ...forms, refused: true }, 409);
    throw err;
  }
  return c.redirect(`/console/conversions/${encodeURIComponent(id)}?done=${done}`, 303);
}

/** What was wrong with a refunded total, when that is why a change was refused. */
function refundProblemOf(err: unknown): RefundProblem | null {
  if (!(err instanceof AppError)) return null;
  if (err.code === 'invalid_refund') return 'belowRefunded';
  const bad = badFieldsOf(err)?.find((b) => b.field === 'refundedAmount');
  if (!bad) return null;
  if (bad.detail.startsWith('is more than the amount')) return 'aboveAmount';
  return bad.detail === 'must not be negative' ? 'negative' : 'notAmount';
}

conversionsRoutes.post('/:id/approve', (c) => review(c, { status: 'approved' }, 'approved', {}));

conversionsRoutes.post('/:id/reject', async (c) => {
  const body = await c.req.parseBody();
  const reason = typeof body.reason === 'string' ? body.reason.trim() : '';
  if (reason.length === 0 || reason.length > 500)
    return showConversion(c, { reason, errors: { reason: 'needed' } }, 400);
  return review(c, { status: 'rejected', reason }, 'rejected', { reason });
});

conversionsRoutes.post('/:id/refund', async (c) => {
  const body = await c.req.parseBody();
  const refundedAmount = typeof body.refundedAmount === 'string' ? body.refundedAmount.trim() : '';
  if (refundedAmount === '') return showConversion(c, { refundedAmount, errors: { refundedAmount: 'notAmount' } }, 400);
  return review(c, { refundedAmount }, 'refunded', { refundedAmount });
});

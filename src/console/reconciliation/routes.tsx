// The console's reconciliation pages: a partner's own report uploaded and compared, past comparisons.
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { DISCREPANCY_KINDS } from '../../domain/report-diff';
import { AppError } from '../../http/errors';
import { decodeCursor, encodeCursor } from '../../http/pagination';
import {
  compareVisiblePartnerReport,
  listVisiblePartnerReports,
  MAX_REPORT_BYTES,
  visiblePartnerReport,
} from '../../services/partner-reports';
import { partnerRecord } from '../../services/partners';
import type { ConsoleEnv } from '../context';
import { partnerNameOf, partnerOptionsOf } from '../partner-options';
import {
  ReconciliationPage,
  ReportPage,
  reportColumnsText,
  type UploadErrors,
  type UploadForm,
  uploadProblem,
} from './pages';

export const reconciliationRoutes = new Hono<ConsoleEnv>();

/** Rows a page lists. */
const PAGE = 50;

const listQuery = z.object({ partner: z.string().optional(), cursor: z.string().optional() });
const reportQuery = z.object({
  kind: z.enum(DISCREPANCY_KINDS).optional().catch(undefined),
  cursor: z.string().optional(),
  done: z.string().optional(),
});
/** A day of the form's optional date fields: empty means not given. */
const formDate = z.preprocess((v) => (v === '' ? undefined : v), z.iso.date().optional());

/** The upload page, with what a refused upload was sent with and what was wrong. */
async function uploadPage(c: Context<ConsoleEnv>, shown: { form?: UploadForm; errors?: UploadErrors } = {}) {
  const { scope } = c.get('session');
  const ui = c.get('ui');
  const q = listQuery.parse(c.req.query());
  const filter = scope.partnerId === null ? q.partner || undefined : undefined;
  const [partners, reports, own] = await Promise.all([
    scope.partnerId === null ? partnerOptionsOf(c.env, scope) : Promise.resolve([]),
    listVisiblePartnerReports(c.env, scope, { limit: PAGE, before: decodeCursor(q.cursor), partnerId: filter }),
    scope.partnerId === null ? Promise.resolve(null) : partnerRecord(c.env, scope, scope.partnerId),
  ]);
  const more = reports.length > PAGE;
  const shownReports = reports.slice(0, PAGE);
  return (
    <ReconciliationPage
      ui={ui}
      partners={partners}
      columns={own ? reportColumnsText(ui, own.reportColumns) : undefined}
      maxBytes={MAX_REPORT_BYTES}
      reports={shownReports}
      nextCursor={more ? encodeCursor(shownReports[PAGE - 1]?.id ?? '') : null}
      filterPartner={filter}
      form={shown.form}
      errors={shown.errors}
    />
  );
}

reconciliationRoutes.get('/', async (c) => c.html(await uploadPage(c)));

reconciliationRoutes.post('/', async (c) => {
  const { scope } = c.get('session');
  const ui = c.get('ui');
  const body = await c.req.parseBody();
  const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
  // A partner's people compare their own partner's reports; the field is an admin's choice only.
  const partnerId = scope.partnerId ?? text('partner');
  const form: UploadForm = {
    partner: scope.partnerId === null ? partnerId : undefined,
    from: text('from'),
    to: text('to'),
  };
  const file = body['report'];
  const errors: UploadErrors = {};
  const limitMb = MAX_REPORT_BYTES / (1024 * 1024);
  if (!partnerId) errors.partner = uploadProblem(ui, 'choosePartner', limitMb);
  if (!(file instanceof File) || file.size === 0) errors.report = uploadProblem(ui, 'chooseFile', limitMb);
  else if (file.size > MAX_REPORT_BYTES) errors.report = uploadProblem(ui, 'tooLarge', limitMb);
  const from = formDate.safeParse(form.from);
  const to = formDate.safeParse(form.to);
  if (!from.success) errors.from = uploadProblem(ui, 'notADate', limitMb);
  if (!to.success) errors.to = uploadProblem(ui, 'notADate', limitMb);
  if (from.data && to.data && from.data > to.data) errors.from = uploadProblem(ui, 'fromAfterTo', limitMb);
  const tooLarge = file instanceof File && file.size > MAX_REPORT_BYTES;
  if (Object.keys(errors).length > 0) return c.html(await uploadPage(c, { form, errors }), tooLarge ? 413 : 400);
  try {
    const { report } = await compareVisiblePartnerReport(
      c.env,
      scope,
      partnerId,
      { from: from.data, to: to.data },
      () => (file as File).text(),
    );
    return c.redirect(`/console/reconciliation/${report.id}?done=compared`, 303);
  } catch (err) {
    // A report that cannot be read, or a period too long: said next to what caused it.
    if (!(err instanceof AppError) || err.status !== 400) throw err;
    const field = fieldOf(err.details);
    return c.html(await uploadPage(c, { form, errors: { [field]: err.message } }), 400);
  }
});

/** The form field a refusal names (`from`, `to`), else the file. */
function fieldOf(details: unknown): 'from' | 'to' | 'report' {
  const path = Array.isArray(details) ? (details[0] as { path?: unknown[] } | undefined)?.path : undefined;
  const name = path?.[0];
  return name === 'from' || name === 'to' ? name : 'report';
}

reconciliationRoutes.get('/:id', async (c) => {
  const { scope } = c.get('session');
  const ui = c.get('ui');
  const q = reportQuery.parse(c.req.query());
  const after = decodeCursor(q.cursor);
  const { report, discrepancies } = await visiblePartnerReport(c.env, scope, c.req.param('id'), q.kind, {
    limit: PAGE,
    after,
  });
  const partners = await partnerOptionsOf(c.env, scope);
  const more = discrepancies.length > PAGE;
  const shown = discrepancies.slice(0, PAGE);
  return c.html(
    <ReportPage
      ui={ui}
      report={report}
      partnerName={partnerNameOf(partners, report.partnerId)}
      differences={shown}
      kind={q.kind}
      nextCursor={more ? encodeCursor(shown[PAGE - 1]?.id ?? '') : null}
      done={q.done === 'compared'}
    />,
  );
});

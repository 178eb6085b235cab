// /api/v1/statements: making a month's statements, listing and reading them (JSON or CSV), marking one paid.
import { createRoute, z } from '@hono/zod-openapi';
import type { Statement, StatementLine } from '../../db/schema';
import { minorToMajor } from '../../domain/money';
import { isOverdue } from '../../domain/statements';
import { requireAdmin, scopeOf } from '../../http/auth';
import { csvResponse } from '../../http/csv-response';
import { page, pageRequest } from '../../http/pagination';
import { bearer, conflictResponse, errorResponses, jsonBody, jsonOk, router } from '../../http/validation';
import { idParam, iso, listOf, paginationQuery } from '../../schemas/common';
import {
  type StatementLineView,
  type StatementView,
  statementListQuery,
  statementPaidSchema,
  statementRunResultSchema,
  statementRunSchema,
  statementSchema,
  statementWithLinesSchema,
} from '../../schemas/statement';
import { listVisibleStatements, markPaid, runStatements, visibleStatement } from '../../services/statements';

export const statementsApi = router();

/** A stored statement as the API shows it: money in major units, VAT rate in percent, overdue at `nowMs`. */
export function presentStatement(s: Statement, nowMs = Date.now()): StatementView {
  const major = (minor: number) => minorToMajor(minor, s.currency);
  return {
    id: s.id,
    number: s.number,
    partnerId: s.partnerId,
    month: s.month,
    currency: s.currency,
    commission: major(s.commissionMinor),
    adjustments: major(s.adjustmentsMinor),
    totalExclVat: major(s.totalExclVatMinor),
    vatRate: s.vatRateBp / 100,
    vat: major(s.vatMinor),
    totalInclVat: major(s.totalInclVatMinor),
    status: s.status,
    issuedAt: s.issuedAt.toISOString(),
    dueAt: s.dueAt.toISOString(),
    overdue: isOverdue({ status: s.status, dueAtMs: s.dueAt.getTime() }, nowMs),
    paidAt: iso(s.paidAt),
    billedTo: {
      name: s.billedTo.name ?? null,
      legalName: s.billedTo.legalName ?? null,
      address: s.billedTo.address ?? null,
      vatNumber: s.billedTo.vatNumber ?? null,
    },
    issuedBy: s.issuedBy && {
      name: s.issuedBy.name ?? null,
      address: s.issuedBy.address ?? null,
      vatNumber: s.issuedBy.vatNumber ?? null,
      registration: s.issuedBy.registration ?? null,
    },
  };
}

function presentLine(l: StatementLine, currency: string): StatementLineView {
  return {
    kind: l.kind,
    conversionId: l.conversionId,
    transactionId: l.transactionId,
    occurredAt: l.occurredAt.toISOString(),
    amount: minorToMajor(l.amountMinor, currency),
    commission: minorToMajor(l.commissionMinor, currency),
  };
}

statementsApi.openapi(
  createRoute({
    method: 'post',
    path: '/statements/run',
    tags: ['Statements'],
    summary: "Make a month's statements",
    description:
      'For one partner or every partner (admin). The month (of `REPORT_TIMEZONE`) must be over. Idempotent: a partner gets one statement per month, none when it has nothing to state; running again answers the same statements. A conversion is on the statement of the month it occurred in when it is approved by then, else on the first statement made after its approval (`late`); commission taken back from a conversion already stated goes on the next statement (`adjustment`).',
    security: bearer,
    request: { body: jsonBody(statementRunSchema) },
    responses: { 200: jsonOk(statementRunResultSchema, "The month's statements."), ...errorResponses },
  }),
  async (c) => {
    requireAdmin(c);
    const body = c.req.valid('json');
    const made = await runStatements(c.env, body);
    const nowMs = Date.now();
    return c.json(
      {
        month: body.month,
        made: made.filter((m) => m.made).length,
        data: made.map((m) => presentStatement(m.statement, nowMs)),
      },
      200,
    );
  },
);

statementsApi.openapi(
  createRoute({
    method: 'get',
    path: '/statements',
    tags: ['Statements'],
    summary: 'List statements',
    description:
      'Newest first, by partner, month and status (`overdue`: issued and past due). A partner key sees its own.',
    security: bearer,
    request: { query: paginationQuery.merge(statementListQuery) },
    responses: { 200: jsonOk(listOf(statementSchema, 'StatementList'), 'Newest first.'), ...errorResponses },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const nowMs = Date.now();
    const rows = await listVisibleStatements(
      c.env,
      scopeOf(c),
      { ...pageRequest(q), month: q.month, status: q.status },
      nowMs,
    );
    return c.json(
      page(rows, q.limit, (s) => presentStatement(s, nowMs)),
      200,
    );
  },
);

// `/statements/{id}.csv` is documented below but routed by hand: Hono would read `:id.csv` as a
// parameter named `id.csv`, so the route takes the whole segment ending in `.csv` instead, and it
// comes before `/statements/{id}`, which would match it too.
statementsApi.get('/statements/:file{[^/]+\\.csv}', async (c) => {
  const id = c.req.param('file').slice(0, -'.csv'.length);
  const { statement, lines } = await visibleStatement(c.env, scopeOf(c), id);
  const major = (minor: number) => minorToMajor(minor, statement.currency);
  const total = (kind: string, minor: number) => ({ kind, commission: major(minor), currency: statement.currency });
  return csvResponse(
    `${statement.number}.csv`,
    ['kind', 'transactionId', 'conversionId', 'occurredAt', 'amount', 'commission', 'currency'],
    [
      ...lines.map((l) => ({ ...presentLine(l, statement.currency), currency: statement.currency })),
      total('commission_total', statement.commissionMinor),
      total('adjustments_total', statement.adjustmentsMinor),
      total('total_excl_vat', statement.totalExclVatMinor),
      { ...total('vat', statement.vatMinor), amount: statement.vatRateBp / 100 },
      total('total_incl_vat', statement.totalInclVatMinor),
    ],
  );
});
statementsApi.openAPIRegistry.registerPath({
  method: 'get',
  path: '/statements/{id}.csv',
  tags: ['Statements'],
  summary: 'A statement as CSV',
  description:
    'One header line, one line per statement line, then the totals: `commission_total`, `adjustments_total`, `total_excl_vat`, `vat` (its rate in percent under `amount`) and `total_incl_vat`, each under `commission`.',
  security: bearer,
  request: { params: idParam },
  responses: {
    200: { description: 'The statement as a CSV file.', content: { 'text/csv': { schema: z.string() } } },
    ...errorResponses,
  },
});

statementsApi.openapi(
  createRoute({
    method: 'get',
    path: '/statements/{id}',
    tags: ['Statements'],
    summary: 'Get a statement with its lines',
    security: bearer,
    request: { params: idParam },
    responses: { 200: jsonOk(statementWithLinesSchema, 'The statement and its lines.'), ...errorResponses },
  }),
  async (c) => {
    const { statement, lines } = await visibleStatement(c.env, scopeOf(c), c.req.valid('param').id);
    return c.json({ ...presentStatement(statement), lines: lines.map((l) => presentLine(l, statement.currency)) }, 200);
  },
);

statementsApi.openapi(
  createRoute({
    method: 'post',
    path: '/statements/{id}/paid',
    tags: ['Statements'],
    summary: 'Mark a statement paid',
    description:
      'Admin. The only change an issued statement takes. Marking it again with the same `paidAt` changes nothing; with another, 409 `already_paid`.',
    security: bearer,
    request: { params: idParam, body: jsonBody(statementPaidSchema) },
    responses: { 200: jsonOk(statementSchema, 'The statement, paid.'), ...errorResponses, ...conflictResponse },
  }),
  async (c) => {
    requireAdmin(c);
    const statement = await markPaid(c.env, c.req.valid('param').id, c.req.valid('json').paidAt);
    return c.json(presentStatement(statement), 200);
  },
);

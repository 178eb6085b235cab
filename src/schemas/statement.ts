// Monthly statement resources: validation, types and OpenAPI from one set of schemas.
import { z } from '@hono/zod-openapi';
import { isCalendarMonth } from '../domain/calendar';
import { STATEMENT_FILTERS, STATEMENT_LINE_KINDS, STATEMENT_STATUSES } from '../domain/statements';
import { isoDate, isoDateTime } from './common';

export const monthSchema = z
  .string()
  .refine(isCalendarMonth, { message: 'must be a month written YYYY-MM, e.g. 2026-11' })
  .openapi({ description: 'A month of the programme’s time zone (`REPORT_TIMEZONE`).', example: '2026-11' });

export const statementRunSchema = z
  .object({
    month: monthSchema,
    partnerId: z.string().min(1).max(64).optional().openapi({ description: 'One partner; default: every partner.' }),
  })
  .strict()
  .openapi('StatementRun');

export const statementListQuery = z.object({
  partnerId: z.string().optional(),
  month: monthSchema.optional(),
  status: z.enum(STATEMENT_FILTERS).optional().openapi({
    description: '`overdue`: issued statements past their due date, not yet paid.',
  }),
});

export const statementPaidSchema = z
  .object({
    paidAt: z.union([isoDateTime, isoDate]).openapi({
      description:
        'When the payment was received: an ISO 8601 time, or a date meaning its start in the programme’s zone. Not in the future.',
      example: '2026-12-15T09:30:00Z',
    }),
  })
  .strict()
  .openapi('StatementPaid');

const money = (description: string) =>
  z.number().openapi({ description: `${description} Major units of \`currency\`.`, example: 104.4 });

export const billedToSchema = z
  .object({
    name: z.string().nullable(),
    legalName: z.string().nullable(),
    address: z.string().nullable(),
    vatNumber: z.string().nullable(),
  })
  .openapi('StatementBilledTo', {
    description: 'The partner’s legal identity as it was when the statement was issued.',
  });

export const issuedBySchema = z
  .object({
    name: z.string().nullable(),
    address: z.string().nullable(),
    vatNumber: z.string().nullable(),
    registration: z.string().nullable().openapi({ description: 'The company registration (SIREN, SIRET or RCS).' }),
  })
  .nullable()
  .openapi('StatementIssuedBy', {
    description:
      'The programme’s own legal identity (the seller) when the statement was issued, from the ISSUER_* settings; null on statements issued before they existed.',
  });

export const statementSchema = z
  .object({
    id: z.string(),
    number: z.string().openapi({
      description: '`REL-YYYY-NNNN`: the year of issue, then the place in that year’s sequence, without gaps.',
      example: 'REL-2026-0001',
    }),
    partnerId: z.string(),
    month: z.string().openapi({ example: '2026-11' }),
    currency: z.string().openapi({ description: 'The partner’s reporting currency.', example: 'EUR' }),
    commission: money('Commission of the month’s conversions approved by the time the statement was made.'),
    adjustments: money(
      'Corrections of earlier months: conversions approved or converted since (positive), commission taken back by refunds and reversals (negative).',
    ),
    totalExclVat: money('`commission + adjustments`.'),
    vatRate: z.number().openapi({ description: 'Percent.', example: 20 }),
    vat: money('VAT on `totalExclVat`, rounded half away from zero.'),
    totalInclVat: money('`totalExclVat + vat`.'),
    status: z.enum(STATEMENT_STATUSES),
    issuedAt: z.string(),
    dueAt: z.string().openapi({ description: '`issuedAt` plus the partner’s payment terms (30 days by default).' }),
    overdue: z.boolean().openapi({ description: 'Issued, not paid, and past `dueAt`.' }),
    paidAt: z.string().nullable(),
    billedTo: billedToSchema,
    issuedBy: issuedBySchema,
  })
  .openapi('Statement');

export const statementLineSchema = z
  .object({
    kind: z.enum(STATEMENT_LINE_KINDS).openapi({
      description:
        '`commission`: a conversion of the month; `late`: of an earlier month, approved or converted after that month was stated; `adjustment`: commission taken back (or given) on a conversion already stated.',
    }),
    conversionId: z.string(),
    transactionId: z.string(),
    occurredAt: z.string(),
    amount: money('What remains of the sale after refunds, when the line was written.'),
    commission: money('What this line adds to the statement (negative when taken back).'),
  })
  .openapi('StatementLine');

export const statementWithLinesSchema = statementSchema
  .extend({ lines: z.array(statementLineSchema) })
  .openapi('StatementWithLines');

export const statementRunResultSchema = z
  .object({
    month: z.string(),
    made: z.number().int().openapi({ description: 'Statements this run issued; those there already are listed too.' }),
    data: z.array(statementSchema),
  })
  .openapi('StatementRunResult');

export type StatementView = z.infer<typeof statementSchema>;
export type StatementLineView = z.infer<typeof statementLineSchema>;

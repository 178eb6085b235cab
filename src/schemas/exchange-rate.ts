// Exchange-rate resource: one day's quotes against one base currency, as posted and as stored.
import { z } from '@hono/zod-openapi';
import { isCalendarDate } from '../domain/calendar';
import { EXCHANGE_RATE_SOURCES, rateValueSchema } from '../domain/exchange';
import { currencyCodeSchema } from '../domain/money';

/** More codes than ISO 4217 has in use is not a day's rates. */
export const MAX_RATES_PER_DAY = 200;

const dateSchema = z
  .string()
  .refine(isCalendarDate, { message: 'must be a calendar date written YYYY-MM-DD' })
  .openapi({ format: 'date', example: '2026-11-24' });

// Through z.string(): the domain's schema is plain zod, without `.openapi()`.
const codeSchema = z.string().pipe(currencyCodeSchema).openapi({ example: 'EUR' });

export const exchangeRatesInputSchema = z
  .object({
    date: dateSchema.openapi({
      description: 'The day the rates apply to: conversions that occurred that day (in `REPORT_TIMEZONE`) use them.',
    }),
    base: codeSchema,
    rates: z
      .record(z.string(), z.unknown())
      // Counted first: a body of thousands of bad codes gets one issue, not thousands.
      .refine((rates) => Object.keys(rates).length <= MAX_RATES_PER_DAY, {
        message: `must quote at most ${MAX_RATES_PER_DAY} currencies`,
      })
      .pipe(
        z
          .record(currencyCodeSchema, rateValueSchema)
          .refine((rates) => Object.keys(rates).length > 0, { message: 'must quote at least one currency' }),
      )
      .openapi({
        description:
          '1 `base` = n of each code (ISO 4217, upper case), a positive decimal of at most 10 significant digits.',
        example: { USD: 1.0856, GBP: 0.8523, CHF: 0.9312 },
        // What the pipe above checks, for readers of the document (it would show values of any type).
        additionalProperties: { type: 'number', exclusiveMinimum: 0 },
        minProperties: 1,
        maxProperties: MAX_RATES_PER_DAY,
      }),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (Object.hasOwn(body.rates, body.base)) {
      ctx.addIssue({
        code: 'custom',
        path: ['rates', body.base],
        message: 'the base is worth 1 of itself: leave it out',
      });
    }
  })
  .openapi('ExchangeRatesInput');

export const exchangeRatesQuery = z.object({
  date: dateSchema.openapi({ param: { name: 'date', in: 'query' } }),
  base: codeSchema.optional().openapi({
    param: { name: 'base', in: 'query' },
    description: 'The base the rates are quoted against. Default `EUR` (the base of the ECB’s rates).',
  }),
});

export const exchangeRatesSchema = z
  .object({
    date: z.string(),
    base: z.string(),
    rates: z.record(z.string(), z.number()).openapi({ description: '1 `base` = n of each code.' }),
    sources: z.record(z.string(), z.enum(EXCHANGE_RATE_SOURCES)).openapi({
      description: 'Where each rate came from: `api` (posted by an admin) or `ecb` (the ECB’s reference rates).',
    }),
  })
  .openapi('ExchangeRates');

export type ExchangeRatesInput = z.infer<typeof exchangeRatesInputSchema>;
export type ExchangeRatesView = z.infer<typeof exchangeRatesSchema>;

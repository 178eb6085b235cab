// /api/v1/exchange-rates: a day's rates against a base, posted by admins and read by any key.
import { createRoute } from '@hono/zod-openapi';
import { dbOf } from '../../db/client';
import { requireAdmin } from '../../http/auth';
import { bearer, errorResponses, jsonBody, jsonOk, router } from '../../http/validation';
import { exchangeRatesInputSchema, exchangeRatesQuery, exchangeRatesSchema } from '../../schemas/exchange-rate';
import { exchangeRatesOf, postExchangeRates } from '../../services/exchange-rates';

export const exchangeRatesApi = router();

exchangeRatesApi.openapi(
  createRoute({
    method: 'post',
    path: '/exchange-rates',
    tags: ['Exchange rates'],
    summary: "Store a day's exchange rates",
    description:
      "Stores the day's rates against `base` (1 base = n of each code), replacing rates of the same codes already stored for that day and base (those fetched from the ECB too) and keeping the others. Conversions of that day (in `REPORT_TIMEZONE`) waiting for a rate are converted at once, up to a few hundred; the reconciliation (every 15 minutes) converts any left, and rebuilds the aggregated days they change. A conversion already converted keeps the rate it was converted at. Answers the day's rates against `base` as now stored.",
    security: bearer,
    request: { body: jsonBody(exchangeRatesInputSchema) },
    responses: { 200: jsonOk(exchangeRatesSchema, 'The day’s rates against the base, as stored.'), ...errorResponses },
  }),
  async (c) => {
    requireAdmin(c);
    const day = await postExchangeRates(c.env, dbOf(c.env), c.req.valid('json'));
    return c.json(day, 200);
  },
);

exchangeRatesApi.openapi(
  createRoute({
    method: 'get',
    path: '/exchange-rates',
    tags: ['Exchange rates'],
    summary: "A day's exchange rates",
    description:
      'The rates stored for `date` against `base` (default `EUR`): posted by admins or fetched from the ECB. 404 `not_found` when that day has none against that base. Any key may read them.',
    security: bearer,
    request: { query: exchangeRatesQuery },
    responses: { 200: jsonOk(exchangeRatesSchema, 'The day’s rates against the base.'), ...errorResponses },
  }),
  async (c) => {
    const q = c.req.valid('query');
    return c.json(await exchangeRatesOf(dbOf(c.env), q.date, q.base ?? 'EUR'), 200);
  },
);

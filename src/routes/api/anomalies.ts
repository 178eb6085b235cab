// /api/v1/anomalies: what reconciliation flagged, for a person to review and resolve.
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { type Anomaly, getAnomaly, listAnomalies, setResolved } from '../../db/anomalies';
import { dbOf } from '../../db/client';
import { assertVisible, requireAdmin } from '../../http/auth';
import type { AppEnv } from '../../http/context';
import { notFound } from '../../http/errors';
import { page, scopedPage } from '../../http/pagination';
import { bearer, errorResponses, jsonBody, jsonOk, router } from '../../http/validation';
import { anomalyListQuery, anomalySchema, anomalyUpdateSchema } from '../../schemas/anomaly';
import { idParam, iso, listOf, paginationQuery } from '../../schemas/common';

export const anomaliesApi = router();

const presentAnomaly = (a: Anomaly) => ({
  id: a.id,
  partnerId: a.partnerId,
  kind: a.kind as 'fast_conversion',
  subjectId: a.subjectId,
  conversionId: a.conversionId,
  clickId: a.clickId,
  details: a.details,
  resolved: a.resolvedAt !== null,
  resolvedAt: iso(a.resolvedAt),
  createdAt: iso(a.createdAt) as string,
});

async function visibleAnomaly(c: Context<AppEnv>, id: string): Promise<Anomaly> {
  const anomaly = await getAnomaly(dbOf(c.env), id);
  if (!anomaly) throw notFound('anomaly');
  assertVisible(c, anomaly.partnerId, 'anomaly');
  return anomaly;
}

anomaliesApi.openapi(
  createRoute({
    method: 'get',
    path: '/anomalies',
    tags: ['Anomalies'],
    summary: 'List flagged anomalies',
    description: 'Flags never change a conversion: they are for review. `resolved=false` lists those still open.',
    security: bearer,
    request: { query: paginationQuery.merge(anomalyListQuery) },
    responses: { 200: jsonOk(listOf(anomalySchema, 'AnomalyList'), 'Newest first.'), ...errorResponses },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const rows = await listAnomalies(dbOf(c.env), {
      ...scopedPage(c, q),
      kind: q.kind,
      resolved: q.resolved,
    });
    return c.json(page(rows, q.limit, presentAnomaly), 200);
  },
);

anomaliesApi.openapi(
  createRoute({
    method: 'get',
    path: '/anomalies/{id}',
    tags: ['Anomalies'],
    summary: 'Get an anomaly',
    security: bearer,
    request: { params: idParam },
    responses: { 200: jsonOk(anomalySchema, 'The anomaly.'), ...errorResponses },
  }),
  async (c) => c.json(presentAnomaly(await visibleAnomaly(c, c.req.valid('param').id)), 200),
);

anomaliesApi.openapi(
  createRoute({
    method: 'patch',
    path: '/anomalies/{id}',
    tags: ['Anomalies'],
    summary: 'Resolve an anomaly (or open it again)',
    security: bearer,
    request: { params: idParam, body: jsonBody(anomalyUpdateSchema) },
    responses: { 200: jsonOk(anomalySchema, 'The updated anomaly.'), ...errorResponses },
  }),
  async (c) => {
    requireAdmin(c);
    const anomaly = await visibleAnomaly(c, c.req.valid('param').id);
    const { resolved } = c.req.valid('json');
    // Resolving twice keeps the first resolution time.
    if (resolved === (anomaly.resolvedAt !== null)) return c.json(presentAnomaly(anomaly), 200);
    return c.json(presentAnomaly(await setResolved(dbOf(c.env), anomaly.id, resolved)), 200);
  },
);

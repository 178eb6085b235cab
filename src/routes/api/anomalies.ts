// /api/v1/anomalies: what reconciliation flagged, for a person to review and resolve.
import { createRoute } from '@hono/zod-openapi';
import type { Anomaly } from '../../db/anomalies';
import { requireAdmin, scopeOf } from '../../http/auth';
import { page, pageRequest } from '../../http/pagination';
import { bearer, errorResponses, jsonBody, jsonOk, router } from '../../http/validation';
import { anomalyListQuery, anomalySchema, anomalyUpdateSchema } from '../../schemas/anomaly';
import { idParam, iso, listOf, paginationQuery } from '../../schemas/common';
import { listVisibleAnomalies, resolveAnomaly, visibleAnomaly } from '../../services/anomalies';

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
    const rows = await listVisibleAnomalies(c.env, scopeOf(c), {
      ...pageRequest(q),
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
  async (c) => {
    const anomaly = await visibleAnomaly(c.env, scopeOf(c), c.req.valid('param').id);
    return c.json(presentAnomaly(anomaly), 200);
  },
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
    const { resolved } = c.req.valid('json');
    const anomaly = await resolveAnomaly(c.env, scopeOf(c), c.req.valid('param').id, resolved);
    return c.json(presentAnomaly(anomaly), 200);
  },
);

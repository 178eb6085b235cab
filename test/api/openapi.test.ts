import { describe, expect, it } from 'vitest';
import { api, call } from '../support/http';

describe('GET /api/v1/openapi.json', () => {
  it('is a public OpenAPI 3.1 document of the API', async () => {
    const res = await api('GET', '/api/v1/openapi.json', { key: null, expect: 200 });
    expect(res.body.openapi).toBe('3.1.0');
    for (const path of [
      '/api/v1/partners',
      '/api/v1/partners/{id}',
      '/api/v1/partners/{id}/rotate-secrets',
      '/api/v1/partners/{id}/rotate-push-secret',
      '/api/v1/partners/{id}/commission-plans',
      '/api/v1/partners/{id}/commission-plans/{planId}',
      '/api/v1/links',
      '/api/v1/keys',
      '/api/v1/coupons',
      '/api/v1/referral-codes',
      '/api/v1/reports/orphans',
      '/api/v1/privacy/erasures',
      '/api/v1/privacy/export',
    ]) {
      expect(Object.keys(res.body.paths)).toContain(path);
    }
    expect(res.body.components.schemas.PartnerCreate.required).toEqual(
      expect.arrayContaining(['name', 'status', 'integration', 'category', 'allowedDomains', 'commissionRules']),
    );
    expect(res.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});

describe('GET /docs', () => {
  it('serves the API reference page', async () => {
    const res = await call('GET', '/docs', { key: null });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('/api/v1/openapi.json');
  });
});

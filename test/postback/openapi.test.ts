import { describe, expect, it } from 'vitest';
import { api } from '../support/http';

describe('OpenAPI document', () => {
  it('describes postbacks, events, conversions and the postback log', async () => {
    const res = await api('GET', '/api/v1/openapi.json', { key: null, expect: 200 });
    const paths = res.body.paths;
    expect(Object.keys(paths['/pb/{partnerSlug}'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(paths['/e'])).toEqual(expect.arrayContaining(['get', 'post']));
    for (const path of [
      '/api/v1/conversions',
      '/api/v1/conversions/{id}',
      '/api/v1/conversions/{id}/attribute',
      '/api/v1/postbacks',
      '/api/v1/postbacks/{id}/replay',
      '/api/v1/postbacks/failures',
      '/api/v1/events',
      '/api/v1/clicks/{id}/events',
    ]) {
      expect(Object.keys(paths)).toContain(path);
    }
    expect(paths['/pb/{partnerSlug}'].post.responses).toHaveProperty('429');
    expect(paths['/e'].post.responses).toHaveProperty('429');
    expect(paths['/api/v1/postbacks/failures'].get.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/PostbackFailureCountList',
    });
    expect(res.body.components.schemas.PostbackAnswer.required).toEqual(
      expect.arrayContaining(['status', 'conversionId', 'attribution', 'commission']),
    );
  });

  it('documents the GET token header', async () => {
    const { paths } = (await api('GET', '/api/v1/openapi.json', { key: null, expect: 200 })).body;
    const params = paths['/pb/{partnerSlug}'].get.parameters as { name: string; in: string }[];
    expect(params).toContainEqual(expect.objectContaining({ name: 'authorization', in: 'header' }));
    expect(params).toContainEqual(expect.objectContaining({ name: 'token', in: 'query', required: false }));
  });

  it('documents the signed dry-run id', async () => {
    const { paths } = (await api('GET', '/api/v1/openapi.json', { key: null, expect: 200 })).body;
    const dryRun = (paths['/pb/{partnerSlug}'].post.parameters as { name: string; description: string }[]).find(
      (p) => p.name === 'dryRun',
    );
    expect(dryRun?.description).toContain('dryrun_');
    expect(paths['/pb/{partnerSlug}'].post.responses['400'].description).toContain('dry_run_id');
  });
});

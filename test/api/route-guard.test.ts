// Every route of the management API needs a caller, whatever its path spells; partner keys write nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { createKey, createPartner } from '../support/builders';
import { api, call } from '../support/http';

type Route = { method: string; path: string };

/** Every method and path of the management API in the OpenAPI document, but the document itself. */
async function documentedRoutes(): Promise<Route[]> {
  const doc = (await api('GET', '/api/v1/openapi.json', { key: null, expect: 200 })).body as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/api/v1/') && path !== '/api/v1/openapi.json')
    .flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })));
}

/**
 * Each route with placeholder ids: an id of no resource, and `openapi.json`, which once let a
 * request past authentication whatever route it reached.
 */
function urlsOf(route: Route): string[] {
  if (!route.path.includes('{')) return [route.path];
  return ['zz_placeholder', 'openapi.json'].map((id) => route.path.replace(/\{[^}]+\}/g, id));
}

async function expectError(res: Response, status: number, code: string, what: string) {
  expect(res.status, `${what} answered ${res.status}`).toBe(status);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code, what).toBe(code);
  expect(typeof body.error.message, what).toBe('string');
}

describe('GET /api/v1/openapi.json', () => {
  it('is the one route answered without a key', async () => {
    expect((await call('GET', '/api/v1/openapi.json', { key: null })).status).toBe(200);
  });

  it('is that exact path: anything else ending in openapi.json needs a key', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/links/openapi.json'],
      ['DELETE', '/api/v1/keys/openapi.json'],
      ['PATCH', '/api/v1/partners/openapi.json'],
      ['DELETE', '/api/v1/openapi.json'],
      ['POST', '/api/v1/openapi.json'],
      ['GET', '/api/v1/nothing-here/openapi.json'],
    ] as const) {
      const body = method === 'GET' ? undefined : {};
      await expectError(await call(method, path, { key: null, body }), 401, 'unauthorized', `${method} ${path}`);
    }
  });

  it('answers 401, not 404, for an unknown /api/v1 path without a key', async () => {
    await expectError(await call('GET', '/api/v1/nothing-here', { key: null }), 401, 'unauthorized', 'unknown path');
  });
});

describe('every route of the OpenAPI document', () => {
  let partnerKey: string;
  beforeAll(async () => {
    partnerKey = (await createKey('partner', (await createPartner()).id)).key;
  });

  it('answers 401 with the contract body without a key', async () => {
    const routes = await documentedRoutes();
    expect(routes.length).toBeGreaterThan(30);
    for (const route of routes) {
      for (const url of urlsOf(route)) {
        const res = await call(route.method, url, { key: null, body: route.method === 'GET' ? undefined : {} });
        await expectError(res, 401, 'unauthorized', `${route.method} ${url}`);
        expect(res.headers.get('www-authenticate'), `${route.method} ${url}`).toContain('Bearer');
      }
    }
  });

  it('answers 401 for a key that does not exist', async () => {
    for (const route of await documentedRoutes()) {
      for (const url of urlsOf(route)) {
        const res = await call(route.method, url, {
          key: 'rl_partner_nope',
          body: route.method === 'GET' ? undefined : {},
        });
        await expectError(res, 401, 'unauthorized', `${route.method} ${url}`);
      }
    }
  });

  it('answers 403 with the contract body to every write with a partner key', async () => {
    for (const route of await documentedRoutes()) {
      if (route.method === 'GET') continue;
      for (const url of urlsOf(route)) {
        const res = await call(route.method, url, { key: partnerKey, body: {} });
        await expectError(res, 403, 'forbidden', `${route.method} ${url}`);
      }
    }
  });
});

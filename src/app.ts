// Builds the Hono app: routes mounted, the one error handler, the OpenAPI document and its page.
import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { consoleApp } from './console/app';
import type { AppEnv } from './http/context';
import { AppError } from './http/errors';
import { validationHook } from './http/validation';
import { apiRouter } from './routes/api';
import { docsPage } from './routes/docs';
import { eventRoutes } from './routes/events';
import { notFoundPage } from './routes/pages';
import { postbackRoutes } from './routes/postback';

export const OPENAPI_PATH = '/api/v1/openapi.json';

const HTTP_CODES: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/** Renders any error as the contract's body; unknown errors are logged and answered 500. */
export function errorResponse(err: unknown): Response {
  if (err instanceof AppError) {
    return Response.json(err.toBody(), { status: err.status, headers: err.headers });
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code = HTTP_CODES[status] ?? (status >= 500 ? 'internal_error' : 'invalid_request');
    const message = status === 400 ? `The request is not valid: ${err.message}` : err.message || code;
    return Response.json({ error: { code, message } }, { status });
  }
  console.error('unhandled error', err instanceof Error ? (err.stack ?? err.message) : err);
  return Response.json(
    { error: { code: 'internal_error', message: 'Something went wrong on our side; it was logged.' } },
    { status: 500 },
  );
}

export function buildApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.onError((err) => errorResponse(err));
  app.notFound((c) => {
    if (c.req.path.startsWith('/api/')) {
      return c.json({ error: { code: 'not_found', message: `No route ${c.req.method} ${c.req.path}.` } }, 404);
    }
    return notFoundPage();
  });

  app.get('/health', (c) => c.json({ status: 'ok' }));
  // The one route under /api/v1 open to anyone, registered before the API router so that it
  // answers before authentication: that exact path and method, nothing else ending like it.
  app.doc31(OPENAPI_PATH, (c) => ({
    openapi: '3.1.0',
    info: {
      title: 'Relais API',
      version: '1.0.0',
      description:
        'Management API of Relais, the click redirector and affiliate tracker. Errors always have the body `{"error": {"code", "message", "details"}}`.',
    },
    servers: [{ url: new URL(c.req.url).origin }],
  }));
  app.route('/api/v1', apiRouter);
  // Public endpoints of partners' servers and pages; each reads its body under a size limit.
  app.route('/', postbackRoutes);
  app.route('/', eventRoutes);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An admin key (every right) or a partner key (read-only, its own data).',
  });
  app.get('/docs', (c) => docsPage(c, OPENAPI_PATH));
  app.route('/console', consoleApp);
  return app;
}

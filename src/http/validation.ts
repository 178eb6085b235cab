// Turns zod failures into the contract's 400 and builds OpenAPI route pieces from schemas.

import type { Hook } from '@hono/zod-openapi';
import { OpenAPIHono, type z } from '@hono/zod-openapi';
import { errorSchema } from '../schemas/common';
import type { AppEnv } from './context';
import { invalidRequest } from './errors';

type Issue = { path: PropertyKey[]; message: string; code?: string };

/** zod issues as they appear in `details`: path, message and code only. */
export function issuesOf(error: { issues: readonly Issue[] }) {
  return error.issues.map((i) => ({ path: i.path.map(String), message: i.message, code: i.code }));
}

// biome-ignore lint/suspicious/noExplicitAny: the hook is shared by routes of every shape
export const validationHook: Hook<any, AppEnv, any, any> = (result) => {
  if (!result.success) {
    const where = result.target === 'json' ? 'body' : result.target;
    throw invalidRequest(`The request ${where} is not valid.`, issuesOf(result.error));
  }
};

/** A router whose validation failures all go through the one error path. */
export const router = () => new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

export const jsonOk = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorSchema } },
});

/** The error answers every authenticated route can give. */
export const errorResponses = {
  400: errorResponse('Invalid input (`invalid_request`, zod issues in `details`).'),
  401: errorResponse('Missing, unknown or revoked key.'),
  403: errorResponse('The key may not do this (partner keys are read-only).'),
  404: errorResponse('No such resource (or not visible to this key).'),
  429: {
    ...errorResponse('Too many requests with this key (`rate_limited`): wait as `Retry-After` says.'),
    headers: {
      'Retry-After': { description: 'Seconds to wait before the next request.', schema: { type: 'integer' as const } },
    },
  },
};

export const conflictResponse = { 409: errorResponse('Conflicts with the current state.') };
export const bearer = [{ bearer: [] }];

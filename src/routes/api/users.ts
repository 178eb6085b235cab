// /api/v1/users: people of the console, invited by an admin (admin keys only).
import { createRoute } from '@hono/zod-openapi';
import { requireAdmin } from '../../http/auth';
import { decodeCursor, page } from '../../http/pagination';
import { bearer, conflictResponse, errorResponses, jsonBody, jsonOk, router } from '../../http/validation';
import { idParam, iso, listOf, paginationQuery } from '../../schemas/common';
import { invitationSchema, userCreateSchema, userSchema, userWithInviteSchema } from '../../schemas/user';
import { type ConsoleUserRecord, createUser, listUsers, reinviteUser, removeUser } from '../../services/console-users';

export const usersApi = router();

const presentUser = (u: ConsoleUserRecord) => ({
  id: u.id,
  email: u.email,
  role: u.role,
  partnerId: u.partnerId,
  status: u.status,
  createdAt: iso(u.createdAt) as string,
  lastSignInAt: iso(u.lastSignInAt),
});

/** Links of the console are on the origin the admin reached: that is where the console answers. */
const originOf = (url: string) => new URL(url).origin;

usersApi.openapi(
  createRoute({
    method: 'post',
    path: '/users',
    tags: ['Console users'],
    summary: 'Invite a console user',
    description:
      'Stores the person without a password and answers a single-use `inviteUrl` (valid 7 days, shown once) ' +
      'where they choose one. 409 `email_in_use` when the email is taken, whatever its case.',
    security: bearer,
    request: { body: jsonBody(userCreateSchema) },
    responses: { 201: jsonOk(userWithInviteSchema, 'Invited.'), ...errorResponses, ...conflictResponse },
  }),
  async (c) => {
    requireAdmin(c);
    const { inviteUrl, ...user } = await createUser(c.env, c.req.valid('json'), originOf(c.req.url));
    return c.json({ ...presentUser(user), inviteUrl }, 201);
  },
);

usersApi.openapi(
  createRoute({
    method: 'get',
    path: '/users',
    tags: ['Console users'],
    summary: 'List console users',
    security: bearer,
    request: { query: paginationQuery },
    responses: { 200: jsonOk(listOf(userSchema, 'UserList'), 'Newest first.'), ...errorResponses },
  }),
  async (c) => {
    requireAdmin(c);
    const q = c.req.valid('query');
    const rows = await listUsers(c.env, { limit: q.limit, before: decodeCursor(q.cursor) });
    return c.json(page(rows, q.limit, presentUser), 200);
  },
);

usersApi.openapi(
  createRoute({
    method: 'delete',
    path: '/users/{id}',
    tags: ['Console users'],
    summary: 'Remove a console user',
    description: 'Signs the person out everywhere at once; their unused invitations stop working.',
    security: bearer,
    request: { params: idParam },
    responses: { 204: { description: 'Removed.' }, ...errorResponses },
  }),
  async (c) => {
    requireAdmin(c);
    await removeUser(c.env, c.req.valid('param').id);
    return c.body(null, 204);
  },
);

usersApi.openapi(
  createRoute({
    method: 'post',
    path: '/users/{id}/invitations',
    tags: ['Console users'],
    summary: 'Invite a console user again',
    description:
      'A fresh single-use `inviteUrl` (valid 7 days); earlier invitations of the person stop working. ' +
      'For someone who has a password, accepting it sets a new one.',
    security: bearer,
    request: { params: idParam },
    responses: { 201: jsonOk(invitationSchema, 'Invited again.'), ...errorResponses },
  }),
  async (c) => {
    requireAdmin(c);
    return c.json(await reinviteUser(c.env, c.req.valid('param').id, originOf(c.req.url)), 201);
  },
);

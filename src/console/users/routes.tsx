// The console's users pages (admins only): invite, list, invite again, remove.
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { AppError } from '../../http/errors';
import { decodeCursor, encodeCursor } from '../../http/pagination';
import { consoleUser, createUser, listUsers, reinviteUser, removeUser } from '../../services/console-users';
import type { ConsoleEnv } from '../context';
import { partnerOptionsOf } from '../partner-options';
import { ProblemPage } from '../ui/problem-page';
import { type InviteErrors, type InviteForm, UsersPage, userProblem } from './pages';

export const usersRoutes = new Hono<ConsoleEnv>();

/** Rows a page lists. */
const PAGE = 50;

/** The users page, with an invitation just made, or an invitation form sent back with what was wrong. */
async function usersPage(
  c: Context<ConsoleEnv>,
  shown: { invitation?: { email: string; url: string }; form?: InviteForm; errors?: InviteErrors } = {},
) {
  const cursor = c.req.method === 'GET' ? c.req.query('cursor') : undefined;
  const [partners, users] = await Promise.all([
    partnerOptionsOf(c.env, c.get('session').scope),
    listUsers(c.env, { limit: PAGE, before: decodeCursor(cursor) }),
  ]);
  const rows = users.slice(0, PAGE);
  return (
    <UsersPage
      // A form's answer is the users page: the language switch comes back to that page, not the form's address.
      ui={{ ...c.get('ui'), here: c.req.method === 'GET' ? c.get('ui').here : '/console/users' }}
      partners={partners}
      users={rows}
      nextCursor={users.length > PAGE ? encodeCursor(rows[PAGE - 1]?.id ?? '') : null}
      removed={c.req.query('done') === 'removed'}
      {...shown}
    />
  );
}

/** The console's links are on the origin the admin reached it on: that is where it answers. */
const originOf = (c: Context) => new URL(c.req.url).origin;

usersRoutes.get('/', async (c) => c.html(await usersPage(c)));

const inviteForm = z.object({
  email: z.email().max(254),
  role: z.enum(['admin', 'partner']),
});

usersRoutes.post('/', async (c) => {
  const ui = c.get('ui');
  const body = await c.req.parseBody();
  const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string).trim() : '');
  const form: InviteForm = { email: text('email'), role: text('role'), partner: text('partner') };
  const errors: InviteErrors = {};
  const parsed = inviteForm.safeParse(form);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.path[0] === 'email') errors.email = userProblem(ui, 'badEmail');
      if (issue.path[0] === 'role') errors.role = userProblem(ui, 'badRole');
    }
  }
  if (form.role === 'partner' && !form.partner) errors.partner = userProblem(ui, 'choosePartner');
  if (!parsed.success || Object.keys(errors).length > 0) return c.html(await usersPage(c, { form, errors }), 400);
  const { email, role } = parsed.data;
  try {
    // An admin sees every partner: a partner left chosen in the form is not theirs.
    const input = role === 'partner' ? { email, role, partnerId: form.partner } : { email, role };
    const user = await createUser(c.env, input, originOf(c));
    return c.html(await usersPage(c, { invitation: { email: user.email, url: user.inviteUrl } }));
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (err.code === 'email_in_use') errors.email = userProblem(ui, 'emailInUse');
    else if (err.status === 404) errors.partner = userProblem(ui, 'unknownPartner');
    else if (err.status === 400) errors.partner = err.message;
    else throw err;
    return c.html(await usersPage(c, { form, errors }), err.status === 409 ? 409 : 400);
  }
});

usersRoutes.post('/:id/invite', async (c) => {
  const user = await consoleUser(c.env, c.req.param('id'));
  const { inviteUrl } = await reinviteUser(c.env, user.id, originOf(c));
  return c.html(await usersPage(c, { invitation: { email: user.email, url: inviteUrl } }));
});

usersRoutes.post('/:id/remove', async (c) => {
  const ui = c.get('ui');
  // Removing oneself would sign oneself out for good, perhaps the last admin with it.
  if (c.req.param('id') === c.get('session').user.id) {
    return c.html(<ProblemPage ui={ui} status={400} message={userProblem(ui, 'notYourself')} />, 400);
  }
  await removeUser(c.env, c.req.param('id'));
  return c.redirect('/console/users?done=removed', 303);
});

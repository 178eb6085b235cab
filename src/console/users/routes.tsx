// The console's users pages.
import { Hono } from 'hono';
import type { ConsoleEnv } from '../context';
import { Layout } from '../ui/layout';

export const usersRoutes = new Hono<ConsoleEnv>();

usersRoutes.get('/', (c) => {
  const ui = c.get('ui');
  return c.html(<Layout ui={ui} title={ui.lang === 'fr' ? 'Utilisateurs' : 'Users'} />);
});

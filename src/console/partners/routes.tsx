// The console's partners pages.
import { Hono } from 'hono';
import type { ConsoleEnv } from '../context';
import { Layout } from '../ui/layout';

export const partnersRoutes = new Hono<ConsoleEnv>();

partnersRoutes.get('/', (c) => {
  const ui = c.get('ui');
  return c.html(<Layout ui={ui} title={ui.lang === 'fr' ? 'Partenaires' : 'Partners'} />);
});

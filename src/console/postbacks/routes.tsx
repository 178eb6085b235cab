// The console's postbacks pages.
import { Hono } from 'hono';
import type { ConsoleEnv } from '../context';
import { Layout } from '../ui/layout';

export const postbacksRoutes = new Hono<ConsoleEnv>();

postbacksRoutes.get('/', (c) => {
  const ui = c.get('ui');
  return c.html(<Layout ui={ui} title={ui.lang === 'fr' ? 'Journal des postbacks' : 'Postback log'} />);
});

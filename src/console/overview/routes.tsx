// The console's overview pages.
import { Hono } from 'hono';
import type { ConsoleEnv } from '../context';
import { Layout } from '../ui/layout';

export const overviewRoutes = new Hono<ConsoleEnv>();

overviewRoutes.get('/', (c) => {
  const ui = c.get('ui');
  return c.html(<Layout ui={ui} title={ui.lang === 'fr' ? "Vue d'ensemble" : 'Overview'} />);
});

// The console's reports pages.
import { Hono } from 'hono';
import type { ConsoleEnv } from '../context';
import { Layout } from '../ui/layout';

export const reportsRoutes = new Hono<ConsoleEnv>();

reportsRoutes.get('/', (c) => {
  const ui = c.get('ui');
  return c.html(<Layout ui={ui} title={ui.lang === 'fr' ? 'Rapports' : 'Reports'} />);
});

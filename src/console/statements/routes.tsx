// The console's statements pages.
import { Hono } from 'hono';
import type { ConsoleEnv } from '../context';
import { Layout } from '../ui/layout';

export const statementsRoutes = new Hono<ConsoleEnv>();

statementsRoutes.get('/', (c) => {
  const ui = c.get('ui');
  return c.html(<Layout ui={ui} title={ui.lang === 'fr' ? 'Relevés' : 'Statements'} />);
});

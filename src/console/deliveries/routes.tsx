// The console's deliveries pages.
import { Hono } from 'hono';
import type { ConsoleEnv } from '../context';
import { Layout } from '../ui/layout';

export const deliveriesRoutes = new Hono<ConsoleEnv>();

deliveriesRoutes.get('/', (c) => {
  const ui = c.get('ui');
  return c.html(<Layout ui={ui} title={ui.lang === 'fr' ? 'Envois' : 'Deliveries'} />);
});

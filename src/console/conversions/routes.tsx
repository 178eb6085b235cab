// The console's conversions pages.
import { Hono } from 'hono';
import type { ConsoleEnv } from '../context';
import { Layout } from '../ui/layout';

export const conversionsRoutes = new Hono<ConsoleEnv>();

conversionsRoutes.get('/', (c) => {
  const ui = c.get('ui');
  return c.html(<Layout ui={ui} title={ui.lang === 'fr' ? 'Conversions' : 'Conversions'} />);
});

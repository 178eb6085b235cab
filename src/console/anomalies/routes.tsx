// The console's anomalies pages.
import { Hono } from 'hono';
import type { ConsoleEnv } from '../context';
import { Layout } from '../ui/layout';

export const anomaliesRoutes = new Hono<ConsoleEnv>();

anomaliesRoutes.get('/', (c) => {
  const ui = c.get('ui');
  return c.html(<Layout ui={ui} title={ui.lang === 'fr' ? 'Anomalies' : 'Anomalies'} />);
});

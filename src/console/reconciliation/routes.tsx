// The console's reconciliation pages.
import { Hono } from 'hono';
import type { ConsoleEnv } from '../context';
import { Layout } from '../ui/layout';

export const reconciliationRoutes = new Hono<ConsoleEnv>();

reconciliationRoutes.get('/', (c) => {
  const ui = c.get('ui');
  return c.html(<Layout ui={ui} title={ui.lang === 'fr' ? 'Rapprochement' : 'Reconciliation'} />);
});

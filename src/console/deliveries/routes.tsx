// The console's deliveries: the daily pushes to partners, each with its attempts, and an admin's retry.
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { DELIVERY_STATUSES } from '../../domain/delivery-status';
import { AppError } from '../../http/errors';
import { listVisibleDeliveries, retryDelivery, visibleDeliveryWithAttempts } from '../../services/delivery-log';
import { partnerNamesInReach } from '../../services/partner-names';
import type { ConsoleEnv } from '../context';
import { listPage } from '../list-page';
import { adminOnly } from '../session';
import { DeliveriesPage, type DeliveryFilters, DeliveryPage } from './deliveries-page';

export const deliveriesRoutes = new Hono<ConsoleEnv>();

const listQuery = z.object({
  partnerId: z.string().max(80).optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
  cursor: z.string().max(200).optional(),
});

deliveriesRoutes.get('/', (c) => {
  const { scope } = c.get('session');
  const asked = c.req.query();
  const filters: DeliveryFilters = { partnerId: asked.partnerId, status: asked.status };
  return listPage(
    c,
    listQuery,
    (q, page) => listVisibleDeliveries(c.env, scope, { ...page, partnerId: q.partnerId, status: q.status }),
    (view) => <DeliveriesPage ui={c.get('ui')} filters={filters} {...view} />,
  );
});

async function showDelivery(c: Context<ConsoleEnv>, refused?: 'noWebhook') {
  const { scope } = c.get('session');
  const { delivery, attempts } = await visibleDeliveryWithAttempts(c.env, scope, c.req.param('id') ?? '');
  const partners = await partnerNamesInReach(c.env, scope);
  const partnerName = partners.find((p) => p.id === delivery.partnerId)?.name ?? delivery.partnerId;
  return c.html(
    <DeliveryPage
      ui={c.get('ui')}
      delivery={delivery}
      attempts={attempts}
      partnerName={partnerName}
      done={c.req.query('done')}
      refused={refused}
    />,
    refused ? 409 : 200,
  );
}

deliveriesRoutes.get('/:id', (c) => showDelivery(c));

// Partners' users only read their deliveries: sending again is an admin's.
deliveriesRoutes.use('/:id/*', adminOnly);

deliveriesRoutes.post('/:id/retry', async (c) => {
  const id = c.req.param('id');
  try {
    await retryDelivery(c.env, c.get('session').scope, id);
  } catch (err) {
    if (err instanceof AppError && err.code === 'no_webhook_url') return showDelivery(c, 'noWebhook');
    throw err;
  }
  return c.redirect(`/console/deliveries/${encodeURIComponent(id)}?done=retried`, 303);
});

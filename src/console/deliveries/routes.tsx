// The console's deliveries: the daily pushes to partners, each with its attempts, and an admin's retry.
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { DELIVERY_STATUSES } from '../../domain/delivery-status';
import { AppError } from '../../http/errors';
import { decodeCursor } from '../../http/pagination';
import { listVisibleDeliveries, retryDelivery, visibleDeliveryWithAttempts } from '../../services/delivery-log';
import { partnerNamesInReach } from '../../services/partner-names';
import type { ConsoleEnv } from '../context';
import { PAGE_SIZE, pageOf, readFilters } from '../query-fields';
import { adminOnly } from '../session';
import { DeliveriesPage, type DeliveryFilters, DeliveryPage } from './deliveries-page';

export const deliveriesRoutes = new Hono<ConsoleEnv>();

const listQuery = z.object({
  partnerId: z.string().max(80).optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
  cursor: z.string().max(200).optional(),
});

deliveriesRoutes.get('/', async (c) => {
  const ui = c.get('ui');
  const { scope } = c.get('session');
  const asked = c.req.query();
  const filters: DeliveryFilters = { partnerId: asked.partnerId, status: asked.status };
  const partners = await partnerNamesInReach(c.env, scope);
  const read = readFilters(listQuery, asked, ui.lang);
  if (!read.ok) {
    const errors = read.errors;
    return c.html(
      <DeliveriesPage ui={ui} partners={partners} filters={filters} errors={errors} rows={[]} nextCursor={null} />,
      400,
    );
  }
  const q = read.data;
  const shown = pageOf(
    await listVisibleDeliveries(c.env, scope, {
      limit: PAGE_SIZE,
      before: decodeCursor(q.cursor),
      partnerId: q.partnerId,
      status: q.status,
    }),
  );
  return c.html(
    <DeliveriesPage
      ui={ui}
      partners={partners}
      filters={filters}
      errors={{}}
      rows={shown.rows}
      nextCursor={shown.nextCursor}
    />,
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

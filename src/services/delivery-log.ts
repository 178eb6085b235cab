// Pushes to partners as the API shows them: listed and read within reach, and sent again on request.
import { type Db, dbOf } from '../db/client';
import { attemptsOf, type DeliveryAttempt, getDelivery, listDeliveries } from '../db/deliveries';
import type { PageOptions } from '../db/paging';
import { getPartner } from '../db/partners';
import type { Delivery } from '../db/schema';
import { type CallerScope, canSee, partnerFilterOf } from '../domain/visibility';
import { AppError, notFound } from '../http/errors';
import { queueDailyPush } from './deliveries';

export type { Delivery, DeliveryAttempt };

/** Deliveries newest first, `limit + 1` of them; a partner key lists only its own partner's. */
export function listVisibleDeliveries(
  env: Env,
  scope: CallerScope,
  q: PageOptions & { status?: Delivery['status'] },
): Promise<Delivery[]> {
  const filter = partnerFilterOf(scope, q.partnerId);
  if (!filter) throw notFound('partner');
  return listDeliveries(dbOf(env), { ...q, ...filter });
}

/** A delivery with every attempt made, oldest first; 404 when it does not exist or is not the caller's. */
export async function visibleDeliveryWithAttempts(
  env: Env,
  scope: CallerScope,
  id: string,
): Promise<{ delivery: Delivery; attempts: DeliveryAttempt[] }> {
  const db = dbOf(env);
  const delivery = await visibleDelivery(db, scope, id);
  return { delivery, attempts: await attemptsOf(db, delivery.id) };
}

/**
 * Queues the delivery's day again, with its current figures, to the partner's current webhookUrl
 * and a fresh retry schedule, as a new message; 409 when the partner has no webhookUrl.
 */
export async function retryDelivery(env: Env, scope: CallerScope, id: string): Promise<Delivery> {
  const db = dbOf(env);
  const delivery = await visibleDelivery(db, scope, id);
  const partner = await getPartner(db, delivery.partnerId);
  if (!partner?.webhookUrl) throw new AppError(409, 'no_webhook_url', 'The partner has no webhookUrl.');
  // Never null: the partner has a webhookUrl.
  return (await queueDailyPush(env, partner, delivery.date, { force: true })) as Delivery;
}

async function visibleDelivery(db: Db, scope: CallerScope, id: string): Promise<Delivery> {
  const delivery = await getDelivery(db, id);
  if (!delivery || !canSee(scope, delivery.partnerId)) throw notFound('delivery');
  return delivery;
}

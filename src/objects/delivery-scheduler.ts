// DeliveryScheduler: one per partner, it makes the partner's pushes when due and retries them on alarms.
import { DurableObject } from 'cloudflare:workers';
import { dbOf } from '../db/client';
import { nextDueAt } from '../db/deliveries';
import { REFUSED_ALARM_RETRY_MS, refusalOf } from '../isolate/configuration';
import { runDueDeliveries } from '../services/deliveries';

/** After an alarm that failed, or when D1 cannot be read to find the next due time, look again after this. */
const REARM_ON_ERROR_MS = 60_000;

/**
 * The deliveries themselves live in D1; the object only holds its partner's id and an alarm
 * set to the earliest pending attempt. Delivery is at least once: a crash after a POST and
 * before its record means the POST is made again, with the same `webhook-id`.
 */
export class DeliveryScheduler extends DurableObject<Env> {
  /** Sets the alarm to the partner's next due delivery (now, for one just queued). */
  async wake(partnerId: string): Promise<void> {
    const refusal = refusalOf(this.env);
    if (refusal !== null) throw refusal;
    await this.ctx.storage.put('partnerId', partnerId);
    await this.arm(partnerId);
  }

  override async alarm(): Promise<void> {
    const refusal = refusalOf(this.env);
    if (refusal !== null) {
      // Nothing is signed or sent without the settings; the due pushes wait for a sound deploy.
      console.error(`delivery alarm skipped. ${refusal.message}`);
      await this.ctx.storage.setAlarm(Date.now() + REFUSED_ALARM_RETRY_MS);
      return;
    }
    const partnerId = await this.ctx.storage.get<string>('partnerId');
    let failed = false;
    try {
      if (partnerId) await runDueDeliveries(this.env, partnerId);
    } catch (err) {
      // Logged rather than thrown: the re-arm below decides when to try again, not the runtime's alarm retries.
      failed = true;
      console.error('delivery alarm failed', partnerId, err instanceof Error ? (err.stack ?? err.message) : err);
    } finally {
      // After a failure, a delivery still due must not be retried at once, in a loop.
      if (partnerId) await this.arm(partnerId, failed ? REARM_ON_ERROR_MS : 0);
    }
  }

  private async arm(partnerId: string, minDelayMs = 0): Promise<void> {
    let at: Date | null;
    try {
      at = await nextDueAt(dbOf(this.env), partnerId);
    } catch {
      await this.ctx.storage.setAlarm(Date.now() + REARM_ON_ERROR_MS);
      return;
    }
    if (at) await this.ctx.storage.setAlarm(Math.max(at.getTime(), Date.now() + minDelayMs));
    else await this.ctx.storage.deleteAlarm();
  }
}

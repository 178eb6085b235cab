// DeliveryScheduler Durable Object.
import { DurableObject } from 'cloudflare:workers';

export class DeliveryScheduler extends DurableObject<Env> {}

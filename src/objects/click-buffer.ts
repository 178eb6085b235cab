// ClickBuffer Durable Object.
import { DurableObject } from 'cloudflare:workers';

export class ClickBuffer extends DurableObject<Env> {}

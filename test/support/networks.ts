// Helpers for tests of affiliate network syncs: the stand-in networks of test/support/network-server.ts, driven over HTTP.
import { inject } from 'vitest';
import { createPartner } from './builders';
import { api } from './http';
import type { ReceivedRequest, ScriptedAnswer } from './network-server';

/** The origin of the stand-in networks (plain http to a loopback address: allowed in development). */
export const NETWORK_ORIGIN = inject('networkOrigin');
/** The access token tests give their networks. */
export const NETWORK_TOKEN = 'awin-token-1f6c2e9a-3b7d-4c55-9e21-6a0f8d7b4c13';
/** The advertiser of the Awin fixtures (test/fixtures/awin/). */
export const AWIN_ADVERTISER = '7052';
/** The click id the fixtures carry (`clickRefs.clickRef`, `subid`). */
export const FIXTURE_CLICK_ID = '01JD8Z6N1Q3W9X2V4B7C5M0K1A';

/**
 * A network account no other test uses: the stand-in keeps answers and requests per account, for
 * every test file at once (random: the clock is faked alike in several files).
 */
export const newAccount = () => `9${crypto.getRandomValues(new Uint32Array(2)).join('')}`.slice(0, 15);

/** Sets the answers the stand-in gives `account`, in order, and forgets the calls it received. */
export async function scriptNetwork(account: string, answers: ScriptedAnswer[]): Promise<void> {
  const res = await fetch(`${NETWORK_ORIGIN}/__script/${account}`, {
    method: 'POST',
    body: JSON.stringify({ answers }),
  });
  if (res.status !== 204) throw new Error(`scripting the network stand-in failed: ${res.status}`);
}

/** The calls the stand-in received for `account`, oldest first. */
export async function receivedRequests(account: string): Promise<ReceivedRequest[]> {
  return (await fetch(`${NETWORK_ORIGIN}/__requests/${account}`)).json();
}

/** A partner on Awin, connected to the stand-in through `PATCH /partners/:id`; rules: 8% of every sale. */
export async function awinPartner(network: Record<string, unknown> = {}) {
  const partner = await createPartner({ integration: 'affiliate_platform', commissionRules: [{ percent: 8 }] });
  const publisherId = newAccount();
  const { body } = await api('PATCH', `/api/v1/partners/${partner.id}`, {
    body: {
      network: {
        type: 'awin',
        publisherId,
        advertiserId: AWIN_ADVERTISER,
        accessToken: NETWORK_TOKEN,
        apiBase: NETWORK_ORIGIN,
        ...network,
      },
    },
    expect: 200,
  });
  return { ...partner, publisherId, view: body };
}

/** `POST /partners/:id/network-sync`, expecting 200. */
export async function syncNow(partnerId: string, range: { from?: string; to?: string } = NOVEMBER) {
  return (await api('POST', `/api/v1/partners/${partnerId}/network-sync`, { body: range, expect: 200 })).body;
}

/** The month the fixtures' transactions fall in. */
export const NOVEMBER = { from: '2026-11-01T00:00:00Z', to: '2026-11-30T00:00:00Z' };

/** The partner's conversions, oldest transaction first. */
export async function conversionsOf(partnerId: string) {
  const { body } = await api('GET', `/api/v1/conversions?partnerId=${partnerId}&limit=500`, { expect: 200 });
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers loosely and assert exact values
  return (body.data as any[]).sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
}

/** One conversion with its history. */
export async function conversionWithHistory(id: string) {
  return (await api('GET', `/api/v1/conversions/${id}`, { expect: 200 })).body;
}

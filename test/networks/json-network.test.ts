import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLink, createPartner } from '../support/builders';
import { freshStorage } from '../support/fresh-worker';
import { api } from '../support/http';
import {
  conversionsOf,
  FIXTURE_CLICK_ID,
  NETWORK_ORIGIN,
  NETWORK_TOKEN,
  newAccount,
  receivedRequests,
  scriptNetwork,
  syncNow,
} from '../support/networks';
import { insertClick } from '../support/rows';

beforeEach(async () => {
  await freshStorage();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.parse('2026-11-30T12:00:00Z'));
});
afterEach(() => vi.useRealTimers());

/**
 * A network shaped like Effiliation's: the key in the query, dates as dd/MM/yyyy, sales under
 * `ventes`, French field names and statuses, amounts with a decimal comma.
 */
const effiliationLike = (account: string) => ({
  type: 'json',
  accessToken: NETWORK_TOKEN,
  urlTemplate: `${NETWORK_ORIGIN}/json/${account}/transactions?key={token}&start={from}&end={to}&type=datetran`,
  dateFormat: 'dmy',
  authHeader: null,
  listPath: 'ventes',
  fields: {
    transactionId: 'id_vente',
    amount: 'montant',
    commission: 'commission',
    currency: 'devise',
    status: 'etat',
    clickId: 'subid',
    occurredAt: 'date',
  },
  statusMap: { Attente: 'pending', Validé: 'approved', Refusé: 'rejected' },
});

async function jsonPartner() {
  const partner = await createPartner({ integration: 'affiliate_platform', commissionRules: [{ percent: 8 }] });
  const account = newAccount();
  const { body } = await api('PATCH', `/api/v1/partners/${partner.id}`, {
    body: { network: effiliationLike(account) },
    expect: 200,
  });
  return { ...partner, account, view: body };
}

describe('a network read through a JSON mapping (Effiliation-like)', () => {
  it('answers its mapping, never its token', async () => {
    const p = await jsonPartner();
    const { accessToken: _token, ...mapping } = effiliationLike(p.account);
    expect(p.view.network).toEqual(mapping);
    expect(JSON.stringify(p.view)).not.toContain(NETWORK_TOKEN);
  });

  it('imports the sales it lists, with the network commission, attributed by the mapped click id', async () => {
    const p = await jsonPartner();
    const link = await createLink(p.id);
    await insertClick({ id: link.id, partnerId: p.id }, '2026-11-18T13:00:00Z', { id: FIXTURE_CLICK_ID });
    await scriptNetwork(p.account, [{ fixture: 'networks/effiliation-sales.json' }]);

    expect(await syncNow(p.id)).toMatchObject({ imported: 2, updated: 0, unchanged: 0, failed: 0 });
    expect(await conversionsOf(p.id)).toMatchObject([
      {
        transactionId: 'EFF-9001',
        status: 'pending',
        rawStatus: 'Attente',
        amount: 84.9,
        commission: 6.79,
        occurredAt: '2026-11-18T14:02:00.000Z',
        attribution: { method: 'click_id', clickId: FIXTURE_CLICK_ID },
      },
      { transactionId: 'EFF-9002', status: 'approved', amount: 42, commission: 3.36, attribution: { method: 'none' } },
    ]);
    expect(await receivedRequests(p.account)).toEqual([
      {
        path: `/json/${p.account}/transactions`,
        query: { key: NETWORK_TOKEN, start: '01/11/2026', end: '30/11/2026', type: 'datetran' },
        authorization: null,
      },
    ]);
  });

  it('applies a later status from the status map', async () => {
    const p = await jsonPartner();
    await scriptNetwork(p.account, [{ fixture: 'networks/effiliation-sales.json' }]);
    await syncNow(p.id);
    await scriptNetwork(p.account, [{ fixture: 'networks/effiliation-refused.json' }]);
    expect(await syncNow(p.id)).toMatchObject({ imported: 0, updated: 1, unchanged: 0, failed: 0 });
    const [refused] = await conversionsOf(p.id);
    expect(refused).toMatchObject({
      transactionId: 'EFF-9001',
      status: 'rejected',
      rawStatus: 'Refusé',
      commission: 0,
    });
  });

  it('refuses a mapping without a transaction id or an amount', async () => {
    const partner = await createPartner();
    const network = { ...effiliationLike(newAccount()), fields: { transactionId: 'id_vente' } };
    const res = await api('PATCH', `/api/v1/partners/${partner.id}`, { body: { network } });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toMatchObject([{ path: ['network', 'fields'] }]);
  });
});

import { describe, expect, it } from 'vitest';
import { createKey, createPartner } from '../support/builders';
import { api, call } from '../support/http';
import { insertConversion } from '../support/rows';

const csvHeaders = { 'content-type': 'text/csv; charset=utf-8' };

async function platformPartner() {
  const partner = await createPartner({
    integration: 'affiliate_platform',
    reportColumns: { transactionId: 'N° commande', amount: 'Montant TTC', status: 'Statut', occurredAt: 'Date' },
    statusMap: { Validée: 'approved', Annulée: 'rejected', 'En attente': 'pending' },
  });
  await insertConversion(partner.id, '2026-03-10T09:00:00Z', { transactionId: 'A-1', amountMinor: 10_000 });
  await insertConversion(partner.id, '2026-03-10T10:00:00Z', {
    transactionId: 'B-2',
    amountMinor: 5_000,
    status: 'pending',
  });
  await insertConversion(partner.id, '2026-03-11T10:00:00Z', { transactionId: 'C-3', amountMinor: 2_000 });
  await insertConversion(partner.id, '2026-04-01T10:00:00Z', { transactionId: 'D-4', amountMinor: 2_000 });
  return partner;
}

const REPORT = [
  '\uFEFFN° commande;Montant TTC;Statut;Date',
  'A-1;100,00;Validée;10/03/2026 09:01',
  'B-2;"45,00";Validée;10/03/2026',
  'Z-9;30,00;"Validée";11/03/2026',
  ';12,00;Validée;11/03/2026',
  '',
].join('\r\n');

describe('POST /api/v1/partners/:id/reports', () => {
  it('lists what is missing on either side and every mismatch', async () => {
    const partner = await platformPartner();
    const res = await api('POST', `/api/v1/partners/${partner.id}/reports`, {
      body: REPORT,
      headers: csvHeaders,
      expect: 201,
    });
    expect(res.body).toMatchObject({
      partnerId: partner.id,
      rows: 4,
      summary: {
        theirRows: 3,
        matched: 2,
        missingHere: 1,
        missingThere: 1,
        amountMismatches: 1,
        statusMismatches: 1,
        invalidRows: 1,
        issues: [{ line: 5, message: 'No transaction id.' }],
        period: { from: '2026-03-10', to: '2026-03-11' },
      },
    });
    const found = res.body.discrepancies.map((d: { kind: string; transactionId: string }) => [d.kind, d.transactionId]);
    expect(found).toEqual([
      ['amount_mismatch', 'B-2'],
      ['status_mismatch', 'B-2'],
      ['missing_here', 'Z-9'],
      ['missing_there', 'C-3'],
    ]);
    expect(res.body.discrepancies[0]).toMatchObject({
      ours: { event: 'sale', status: 'pending', amount: 50, currency: 'EUR' },
      theirs: { line: 3, status: 'approved', rawStatus: 'Validée', amount: 45, currency: 'EUR' },
    });

    const stored = await api('GET', `/api/v1/partner-reports/${res.body.id}`, { expect: 200 });
    expect(stored.body).toEqual({ ...res.body, createdAt: stored.body.createdAt });
    const onlyMissing = await api('GET', `/api/v1/partner-reports/${res.body.id}?kind=missing_there`, { expect: 200 });
    expect(onlyMissing.body.discrepancies.map((d: { transactionId: string }) => d.transactionId)).toEqual(['C-3']);
    const list = await api('GET', `/api/v1/partner-reports?partnerId=${partner.id}`, { expect: 200 });
    expect(list.body.data.map((r: { id: string }) => r.id)).toEqual([res.body.id]);
  });

  it('exports the discrepancies as CSV', async () => {
    const partner = await platformPartner();
    const res = await api('POST', `/api/v1/partners/${partner.id}/reports`, {
      body: REPORT,
      headers: csvHeaders,
      expect: 201,
    });
    const csv = await call('GET', `/api/v1/partner-reports/${res.body.id}?format=csv&kind=amount_mismatch`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const ourId = res.body.discrepancies[0].ours.conversionId;
    expect(await csv.text()).toBe(
      'kind,transactionId,ourConversionId,ourEvent,ourStatus,ourAmount,ourCurrency,theirLine,theirEvent,theirStatus,theirRawStatus,theirAmount,theirCurrency\r\n' +
        `amount_mismatch,B-2,${ourId},sale,pending,50,EUR,3,,approved,Validée,45,EUR\r\n`,
    );
  });

  it('takes the period from the query when given', async () => {
    const partner = await platformPartner();
    const res = await api('POST', `/api/v1/partners/${partner.id}/reports?from=2026-03-01&to=2026-04-30`, {
      body: 'N° commande,Montant TTC\nA-1,"100,00"\n',
      headers: csvHeaders,
      expect: 201,
    });
    expect(res.body.discrepancies.map((d: { transactionId: string }) => d.transactionId).sort()).toEqual([
      'B-2',
      'C-3',
      'D-4',
    ]);
  });

  it('refuses what it cannot read', async () => {
    const partner = await platformPartner();
    const post = (body: string, headers: Record<string, string> = csvHeaders) =>
      call('POST', `/api/v1/partners/${partner.id}/reports`, { body, headers });
    const noColumn = await post('order,amount\n1,2\n');
    expect(noColumn.status).toBe(400);
    expect((await noColumn.json<{ error: { message: string } }>()).error.message).toMatch(/N° commande/);
    expect((await post('N° commande\n"open\n')).status).toBe(400);
    expect((await post('{"a":1}', { 'content-type': 'application/json' })).status).toBe(415);
    expect((await post(`N° commande\n${'x'.repeat(5 * 1024 * 1024)}\n`)).status).toBe(413);
  });

  it('is for admins only, and needs a known partner', async () => {
    const partner = await platformPartner();
    const key = await createKey('partner', partner.id);
    const res = await call('POST', `/api/v1/partners/${partner.id}/reports`, {
      key: key.key,
      body: REPORT,
      headers: csvHeaders,
    });
    expect(res.status).toBe(403);
    expect(
      (await call('POST', '/api/v1/partners/ptn_nope/reports', { body: REPORT, headers: csvHeaders })).status,
    ).toBe(404);
  });
});

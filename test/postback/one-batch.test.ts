import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import { dbOf } from '../../src/db/client';
import { historyOf, insertConversionOnce, updateConversionIf } from '../../src/db/conversions';
import { insertPostbackLog } from '../../src/db/postback-log';
import { newId } from '../../src/domain/ids';
import { createPartner } from '../support/builders';
import { json, newTxn, postSigned } from './client';

const db = dbOf(env);

const countOf = async (sql: string, ...params: unknown[]) =>
  (
    await env.DB.prepare(sql)
      .bind(...params)
      .first<{ n: number }>()
  )?.n;

/** What a partner's postbacks left in D1: conversions, their history, log entries, kept answers. */
const storedFor = async (partnerId: string) => ({
  conversions: await countOf('SELECT count(*) AS n FROM conversions WHERE partner_id = ?', partnerId),
  history: await countOf(
    'SELECT count(*) AS n FROM conversion_history h JOIN conversions c ON c.id = h.conversion_id WHERE c.partner_id = ?',
    partnerId,
  ),
  receipts: await countOf('SELECT count(*) AS n FROM webhook_receipts WHERE partner_id = ?', partnerId),
  log: (
    await env.DB.prepare(
      'SELECT outcome, http_status AS httpStatus, conversion_id AS conversionId FROM postback_log WHERE partner_id = ? ORDER BY id',
    )
      .bind(partnerId)
      .all()
  ).results,
});

let trigger: string | null = null;

/** Makes D1 itself refuse every history row of `partnerId`'s conversions, as a failed write would. */
async function refuseHistoryOf(partnerId: string) {
  trigger = `refuse_history_${partnerId.toLowerCase()}`;
  await env.DB.prepare(
    `CREATE TRIGGER ${trigger} BEFORE INSERT ON conversion_history
     WHEN (SELECT partner_id FROM conversions WHERE id = NEW.conversion_id) = '${partnerId}'
     BEGIN SELECT RAISE(ABORT, 'history refused'); END`,
  ).run();
}

afterEach(async () => {
  if (trigger) await env.DB.prepare(`DROP TRIGGER IF EXISTS ${trigger}`).run();
  trigger = null;
});

describe('POST /pb/:partnerSlug, one batch', () => {
  it('writes the conversion, its history, its log entry and its kept answer together', async () => {
    const p = await createPartner();
    const body = await json(await postSigned(p.slug, p.signingSecret, { transactionId: newTxn(), amount: '10.00' }));
    expect(await storedFor(p.id)).toEqual({
      conversions: 1,
      history: 1,
      receipts: 1,
      log: [{ outcome: 'recorded', httpStatus: 200, conversionId: body.conversionId }],
    });
  });

  it('answers 500 and keeps none of them when D1 refuses the batch, and a retry then records it', async () => {
    const p = await createPartner();
    await refuseHistoryOf(p.id);
    const txn = newTxn();
    const id = `msg_refused_${txn}`;
    const refused = await postSigned(p.slug, p.signingSecret, { transactionId: txn, amount: '10.00' }, { id });
    expect(refused.status).toBe(500);
    // Only the refusal is logged, apart from the batch.
    expect(await storedFor(p.id)).toEqual({
      conversions: 0,
      history: 0,
      receipts: 0,
      log: [{ outcome: 'rejected', httpStatus: 500, conversionId: null }],
    });

    await env.DB.prepare(`DROP TRIGGER ${trigger}`).run();
    const retried = await json(
      await postSigned(p.slug, p.signingSecret, { transactionId: txn, amount: '10.00' }, { id }),
    );
    expect(retried).toMatchObject({ status: 'recorded', transactionId: txn });
    expect(await storedFor(p.id)).toMatchObject({ conversions: 1, history: 1, receipts: 1 });
  });

  it('keeps a conversion unchanged, with no history, when D1 refuses a status change', async () => {
    const p = await createPartner();
    const txn = newTxn();
    const first = await json(await postSigned(p.slug, p.signingSecret, { transactionId: txn, amount: 10 }));
    await refuseHistoryOf(p.id);
    const res = await postSigned(p.slug, p.signingSecret, { transactionId: txn, amount: 10, status: 'approved' });
    expect(res.status).toBe(500);
    const row = await env.DB.prepare('SELECT status FROM conversions WHERE id = ?').bind(first.conversionId).first();
    expect(row?.status).toBe('pending');
    expect((await storedFor(p.id)).log.map((e) => e.outcome)).toEqual(['recorded', 'rejected']);
  });
});

describe('insertConversionOnce with a trail', () => {
  const conversionOf = (partnerId: string) => ({
    id: newId('cnv'),
    partnerId,
    transactionId: newTxn(),
    event: 'sale' as const,
    status: 'pending' as const,
    attributionMethod: 'none' as const,
    occurredAt: new Date(),
  });
  const logRow = (partnerId: string, id = newId('pbl')) => ({
    id,
    partnerId,
    partnerSlug: 'any',
    method: 'POST',
    outcome: 'recorded',
    httpStatus: 200,
  });

  it('inserts nothing, neither conversion nor history, when its log row conflicts', async () => {
    const p = await createPartner();
    const taken = logRow(p.id);
    await insertPostbackLog(db, taken);
    const row = conversionOf(p.id);
    await expect(
      insertConversionOnce(db, row, { toStatus: 'pending', source: 'postback' }, { log: logRow(p.id, taken.id) }),
    ).rejects.toThrow();
    expect(await countOf('SELECT count(*) AS n FROM conversions WHERE id = ?', row.id)).toBe(0);
    expect(await historyOf(db, row.id)).toEqual([]);
  });

  it('writes no log row when the conversion was stored already', async () => {
    const p = await createPartner();
    const row = conversionOf(p.id);
    await insertConversionOnce(db, row, { toStatus: 'pending', source: 'postback' });
    const log = logRow(p.id);
    const again = await insertConversionOnce(
      db,
      { ...row, id: newId('cnv') },
      { toStatus: 'pending', source: 'postback' },
      { log },
    );
    expect(again).toMatchObject({ inserted: undefined, stored: { id: row.id } });
    expect(await countOf('SELECT count(*) AS n FROM postback_log WHERE id = ?', log.id)).toBe(0);
  });
});

describe('updateConversionIf with a trail', () => {
  it('writes the log row only with the change', async () => {
    const p = await createPartner();
    const row = {
      id: newId('cnv'),
      partnerId: p.id,
      transactionId: newTxn(),
      event: 'sale' as const,
      status: 'pending' as const,
      attributionMethod: 'none' as const,
      occurredAt: new Date(),
    };
    await insertConversionOnce(db, row, { toStatus: 'pending', source: 'postback' });
    const history = { fromStatus: 'pending' as const, toStatus: 'approved' as const, source: 'postback' as const };
    const applied = {
      id: newId('pbl'),
      partnerId: p.id,
      partnerSlug: 'any',
      method: 'POST',
      outcome: 'updated',
      httpStatus: 200,
    };
    const late = { ...applied, id: newId('pbl') };
    expect(
      await updateConversionIf(db, row.id, { status: 'pending' }, { status: 'approved' }, history, { log: applied }),
    ).toMatchObject({
      status: 'approved',
    });
    expect(
      await updateConversionIf(db, row.id, { status: 'pending' }, { status: 'approved' }, history, { log: late }),
    ).toBeUndefined();
    const logged = await env.DB.prepare('SELECT id FROM postback_log WHERE id IN (?, ?)')
      .bind(applied.id, late.id)
      .all();
    expect(logged.results.map((r) => r.id)).toEqual([applied.id]);
  });
});

import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { dbOf } from '../../src/db/client';
import { historyOf, insertConversionOnce, updateConversionIf } from '../../src/db/conversions';
import { newId } from '../../src/domain/ids';
import { createPartner } from '../support/builders';
import { newTxn } from './client';

const db = dbOf(env);

async function stored() {
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
  const { inserted } = await insertConversionOnce(db, row, { toStatus: 'pending', source: 'postback' });
  if (!inserted) throw new Error('not inserted');
  return { row, inserted };
}

describe('insertConversionOnce', () => {
  it('inserts nothing, history included, when the transaction is already stored', async () => {
    const { row } = await stored();
    const again = await insertConversionOnce(
      db,
      { ...row, id: newId('cnv') },
      { toStatus: 'pending', source: 'postback' },
    );
    expect(again.inserted).toBeUndefined();
    expect(again.stored?.id).toBe(row.id);
    expect(await historyOf(db, row.id)).toHaveLength(1);
  });
});

describe('updateConversionIf', () => {
  it('changes the conversion and writes history while its status is the one expected', async () => {
    const { row } = await stored();
    const history = { fromStatus: 'pending' as const, toStatus: 'approved' as const, source: 'api' as const };
    const updated = await updateConversionIf(db, row.id, { status: 'pending' }, { status: 'approved' }, history);
    expect(updated?.status).toBe('approved');
    expect((await historyOf(db, row.id)).map((h) => h.toStatus)).toEqual(['pending', 'approved']);
  });

  it('changes nothing and writes no history once the status moved on', async () => {
    const { row } = await stored();
    const history = { fromStatus: 'pending' as const, toStatus: 'rejected' as const, source: 'api' as const };
    await updateConversionIf(
      db,
      row.id,
      { status: 'pending' },
      { status: 'approved' },
      { ...history, toStatus: 'approved' },
    );
    const late = await updateConversionIf(db, row.id, { status: 'pending' }, { status: 'rejected' }, history);
    expect(late).toBeUndefined();
    expect((await historyOf(db, row.id)).map((h) => h.toStatus)).toEqual(['pending', 'approved']);
  });

  it('checks the attribution method when asked', async () => {
    const { row } = await stored();
    const history = { fromStatus: 'pending' as const, toStatus: 'pending' as const, source: 'api' as const };
    const patch = { attributionMethod: 'click_id' as const };
    expect(
      await updateConversionIf(db, row.id, { status: 'pending', attributionMethod: 'coupon' }, patch, history),
    ).toBeUndefined();
    expect(
      await updateConversionIf(db, row.id, { status: 'pending', attributionMethod: 'none' }, patch, history),
    ).toMatchObject({ id: row.id, attributionMethod: 'click_id' });
    expect(await historyOf(db, row.id)).toHaveLength(2);
  });
});

// The pieces of the console's filtered lists, without a browser: reading a query, cutting a page, the fields.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { badFieldsOf, pageOf, readFields } from '../../src/console/query-fields';
import { durationOf } from '../../src/console/ui/duration';
import { DateFilter, SelectFilter } from '../../src/console/ui/filter-fields';
import { formatOf } from '../../src/console/ui/locale';
import { AppError, invalidRequest } from '../../src/http/errors';
import { decodeCursor } from '../../src/http/pagination';

describe('readFields', () => {
  const schema = z.object({ status: z.enum(['pending', 'approved']).optional(), page: z.coerce.number().optional() });

  it('leaves blank fields out: an empty choice means any', () => {
    expect(readFields(schema, { status: '', page: ' ' })).toEqual({ ok: true, data: {} });
    expect(readFields(schema, { status: 'approved' })).toEqual({ ok: true, data: { status: 'approved' } });
  });

  it('names each bad field once', () => {
    expect(readFields(schema, { status: 'paid', page: 'x' })).toEqual({ ok: false, bad: ['status', 'page'] });
  });
});

describe('badFieldsOf', () => {
  it('reads the fields a bad-input error names, and nothing else', () => {
    const err = invalidRequest('`from` must not be after `to`.', [{ path: ['from'], message: 'after to' }]);
    expect(badFieldsOf(err)).toEqual([
      { field: 'from', detail: 'after to', message: '`from` must not be after `to`.' },
    ]);
    expect(badFieldsOf(invalidRequest('Bad.'))).toBeNull();
    expect(badFieldsOf(new AppError(409, 'invalid_refund', 'No.', [{ path: ['x'] }]))).toBeNull();
    expect(badFieldsOf(new Error('boom'))).toBeNull();
  });
});

describe('pageOf', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `row_${i}` }));

  it('shows every row and no next page when the extra row is missing', () => {
    expect(pageOf(rows(3), 3)).toEqual({ rows: rows(3), nextCursor: null });
  });

  it('cuts the extra row and points the next page after the last row shown', () => {
    const page = pageOf(rows(4), 3);
    expect(page.rows).toEqual(rows(3));
    expect(decodeCursor(page.nextCursor ?? '')).toBe('row_2');
  });
});

describe('durationOf', () => {
  const en = formatOf('en', 'UTC');
  const fr = formatOf('fr', 'UTC');

  it('says a duration in the largest units that say it', () => {
    expect(durationOf(en, 1_200)).toBe('1 s');
    expect(durationOf(en, 59_400)).toBe('59 s');
    expect(durationOf(en, 125_000)).toBe('2 min');
    expect(durationOf(en, 4_500_000)).toBe('1 h 15 min');
    expect(durationOf(en, 26 * 3_600_000)).toBe('1 d 2 h');
    expect(durationOf(fr, 26 * 3_600_000)).toBe('1 j 2 h');
  });
});

describe('filter fields', () => {
  it('label each field, select the value given, and tie an error to its field', () => {
    const html = String(
      <SelectFilter
        id="status"
        label="Status"
        anyLabel="Any status"
        value="approved"
        options={[
          { value: 'pending', label: 'Pending' },
          { value: 'approved', label: 'Approved' },
        ]}
        error="Choose one of the listed values."
      />,
    );
    expect(html).toBe(
      '<div class="field"><label for="status">Status</label><select id="status" name="status" aria-invalid="true" aria-describedby="status-error"><option value="">Any status</option><option value="pending">Pending</option><option value="approved" selected="">Approved</option></select><p class="hint bad" id="status-error">Choose one of the listed values.</p></div>',
    );
    expect(String(<DateFilter id="from" label="From" value={undefined} />)).toBe(
      '<div class="field"><label for="from">From</label><input type="date" id="from" name="from" value=""/></div>',
    );
  });
});

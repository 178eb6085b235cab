// Inserts that happen only when a condition holds inside the same batch: INSERT ... SELECT <row> WHERE <condition>.
import { getTableColumns, is, SQL, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './client';

/**
 * An insert of `row` into `table` that writes nothing unless `condition` is true when it runs.
 * In a `db.batch`, this ties a row to what an earlier statement of the batch did (a conversion
 * inserted, a status changed) without a round trip to find out. Values are encoded by their
 * columns and missing ones take their column defaults, as a plain insert would.
 * @example db.batch([insertConversion, insertIf(db, postbackLog, logRow, sql`EXISTS (...)`)])
 */
export function insertIf<T extends SQLiteTable>(db: Db, table: T, row: T['$inferInsert'], condition: SQL) {
  const given = row as Record<string, unknown>;
  const values = Object.entries(getTableColumns(table))
    // The columns drizzle names in an insert, in the same order.
    .filter(([, column]) => !column.generated)
    .map(([key, column]) => {
      const value =
        given[key] !== undefined ? given[key] : (column.default ?? column.defaultFn?.() ?? column.onUpdateFn?.());
      if (value === undefined || value === null) return sql`null`;
      return is(value, SQL) ? value : sql.param(value, column);
    });
  return db.insert(table).select(sql`SELECT ${sql.join(values, sql`, `)} WHERE ${condition}`);
}

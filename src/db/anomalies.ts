// Anomalies flagged by reconciliation: recorded once per kind and subject, resolved by a person, never deleted.
import { desc, eq, isNotNull, isNull } from 'drizzle-orm';
import type { Db } from './client';
import { pageWhere } from './paging';
import { anomalies } from './schema';

export type Anomaly = typeof anomalies.$inferSelect;
export type NewAnomaly = typeof anomalies.$inferInsert;

/** Records findings; one already recorded (same kind and subject) is left as it is. */
export async function recordAnomalies(db: Db, rows: NewAnomaly[]): Promise<void> {
  // Seven columns a row: 14 rows stay under D1's 100 bound values per statement.
  for (let i = 0; i < rows.length; i += 14) {
    await db
      .insert(anomalies)
      .values(rows.slice(i, i + 14))
      .onConflictDoNothing()
      .run();
  }
}

export async function getAnomaly(db: Db, id: string): Promise<Anomaly | undefined> {
  return db.select().from(anomalies).where(eq(anomalies.id, id)).get();
}

export async function listAnomalies(
  db: Db,
  opts: { limit: number; before?: string; partnerId?: string; kind?: string; resolved?: boolean },
): Promise<Anomaly[]> {
  return db
    .select()
    .from(anomalies)
    .where(
      pageWhere(
        anomalies.id,
        anomalies.partnerId,
        opts,
        opts.kind ? eq(anomalies.kind, opts.kind) : undefined,
        opts.resolved === undefined
          ? undefined
          : opts.resolved
            ? isNotNull(anomalies.resolvedAt)
            : isNull(anomalies.resolvedAt),
      ),
    )
    .orderBy(desc(anomalies.id))
    .limit(opts.limit + 1)
    .all();
}

/** Marks an anomaly resolved (now) or open again. */
export async function setResolved(db: Db, id: string, resolved: boolean): Promise<Anomaly> {
  return (await db
    .update(anomalies)
    .set({ resolvedAt: resolved ? new Date() : null })
    .where(eq(anomalies.id, id))
    .returning()
    .get()) as Anomaly;
}

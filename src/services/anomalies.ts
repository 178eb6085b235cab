// Anomalies' use cases: what reconciliation flagged, read within reach and resolved by an admin.
import { type Anomaly, getAnomaly, listAnomalies, setResolved } from '../db/anomalies';
import { type Db, dbOf } from '../db/client';
import type { PageOptions } from '../db/paging';
import { type CallerScope, canSee, partnerFilterOf } from '../domain/visibility';
import { notFound } from '../http/errors';

export type { Anomaly };

/** Anomalies newest first, `limit + 1` of them; a partner key lists only its own partner's. */
export function listVisibleAnomalies(
  env: Env,
  scope: CallerScope,
  q: PageOptions & { kind?: string; resolved?: boolean },
): Promise<Anomaly[]> {
  const filter = partnerFilterOf(scope, q.partnerId);
  if (!filter) throw notFound('partner');
  return listAnomalies(dbOf(env), { ...q, ...filter });
}

/** The anomaly, or 404 when it does not exist or is not the caller's partner's. */
export function visibleAnomaly(env: Env, scope: CallerScope, id: string): Promise<Anomaly> {
  return anomalyInReach(dbOf(env), scope, id);
}

async function anomalyInReach(db: Db, scope: CallerScope, id: string): Promise<Anomaly> {
  const anomaly = await getAnomaly(db, id);
  if (!anomaly || !canSee(scope, anomaly.partnerId)) throw notFound('anomaly');
  return anomaly;
}

/** Resolves an anomaly (now) or opens it again; resolving twice keeps the first resolution time. */
export async function resolveAnomaly(env: Env, scope: CallerScope, id: string, resolved: boolean): Promise<Anomaly> {
  const db = dbOf(env);
  const anomaly = await anomalyInReach(db, scope, id);
  if (resolved === (anomaly.resolvedAt !== null)) return anomaly;
  return setResolved(db, anomaly.id, resolved);
}

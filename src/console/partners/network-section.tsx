// A partner's affiliate network on its page: the connection, how the last sync went, and the admins' "Sync now".
import type { NetworkView } from '../../services/partner-overview';
import { ActionForm, Notice } from '../ui/components';
import { isAdmin, type Ui } from '../ui/ui';
import { m, NETWORK_TYPE_LABELS } from './messages';

/** What a sync asked from the page did, as its redirect carries it. */
export type SyncDone = {
  ok: boolean;
  counts: { imported: number; updated: number; unchanged: number; failed: number };
};

const COUNTS = ['imported', 'updated', 'unchanged', 'failed'] as const;

/**
 * The query a sync's redirect carries, so that the page it leads to can say what it did.
 * @example syncDoneQuery({ ok: true, counts: { imported: 2, updated: 0, unchanged: 0, failed: 0 } })
 * // 'sync=ok&imported=2&updated=0&unchanged=0&failed=0'
 */
export function syncDoneQuery(done: SyncDone): string {
  const params = new URLSearchParams({ sync: done.ok ? 'ok' : 'failed' });
  for (const key of COUNTS) params.set(key, String(done.counts[key]));
  return params.toString();
}

/** The sync a page's query reports, or undefined when it reports none (or something unreadable). */
export function readSyncDone(query: Record<string, string>): SyncDone | undefined {
  if (query.sync !== 'ok' && query.sync !== 'failed') return undefined;
  const counts = { imported: 0, updated: 0, unchanged: 0, failed: 0 };
  for (const key of COUNTS) {
    const value = query[key] ?? '';
    if (!/^\d{1,9}$/.test(value)) return undefined;
    counts[key] = Number(value);
  }
  return { ok: query.sync === 'ok', counts };
}

/** The notice of a sync just done: its counts, and whether it went through. */
export function SyncNotice(props: { ui: Ui; done: SyncDone }) {
  const { ui, done } = props;
  const t = m[ui.lang];
  const [imported, updated, unchanged, failed] = COUNTS.map((k) => ui.fmt.number(done.counts[k])) as [
    string,
    string,
    string,
    string,
  ];
  return done.ok ? (
    <Notice>{t.synced(imported, updated, unchanged, failed)}</Notice>
  ) : (
    <Notice kind="error">{t.syncStopped(imported, updated, unchanged, failed)}</Notice>
  );
}

/**
 * The network section. The access token is not in `network` at all: it is write-only, and the
 * page is also shown to the partner's own users.
 */
export function NetworkSection(props: { ui: Ui; partnerId: string; network: NetworkView | null }) {
  const { ui, network } = props;
  const t = m[ui.lang];
  return (
    <section aria-labelledby="network">
      <h2 id="network">{t.network}</h2>
      <p class="hint">{t.networkHint}</p>
      {network === null ? (
        <>
          <p>{t.notConnected}</p>
          <p>
            {t.connectThroughApi} <code>{`PATCH /api/v1/partners/${props.partnerId}`}</code> {t.withNetwork}
          </p>
        </>
      ) : (
        <>
          <dl class="facts">
            <dt>{t.connection}</dt>
            <dd>
              <span class="badge good">{t.connected}</span>
            </dd>
            <dt>{t.networkType}</dt>
            <dd>{NETWORK_TYPE_LABELS[ui.lang][network.type] ?? network.type}</dd>
            <dt>{t.publisherId}</dt>
            <dd>{network.publisherId ? <code>{network.publisherId}</code> : t.none}</dd>
            <dt>{t.advertiserId}</dt>
            <dd>{network.advertiserId ? <code>{network.advertiserId}</code> : t.none}</dd>
            <dt>{t.apiBase}</dt>
            <dd>{network.apiBase ? <code>{network.apiBase}</code> : t.none}</dd>
            <dt>{t.accessToken}</dt>
            <dd>{t.tokenWriteOnly}</dd>
            <dt>{t.lastSync}</dt>
            <dd>
              {network.lastSync === null ? (
                t.neverSynced
              ) : (
                <>
                  {ui.fmt.dateTime(network.lastSync.at)}{' '}
                  {network.lastSync.ok ? (
                    <span class="badge good">{t.syncOk}</span>
                  ) : (
                    <span class="badge bad">{t.syncFailed}</span>
                  )}
                </>
              )}
            </dd>
            {network.lastSync && !network.lastSync.ok && network.lastSync.error && (
              <>
                <dt>{t.syncError}</dt>
                <dd>{network.lastSync.error}</dd>
              </>
            )}
            {network.retryAfter && (
              <>
                <dt>{t.retryAfter}</dt>
                <dd>{ui.fmt.dateTime(network.retryAfter)}</dd>
              </>
            )}
          </dl>
          {isAdmin(ui) && (
            <ActionForm ui={ui} action={`/console/partners/${props.partnerId}/network-sync`} class="actions">
              <button type="submit">{t.syncNow}</button>
              <span class="hint">{t.syncNowHint}</span>
            </ActionForm>
          )}
        </>
      )}
    </section>
  );
}

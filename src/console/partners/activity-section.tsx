// What a partner's page shows of recent work done for it: the latest daily pushes and link checks.
import type { PartnerOverview } from '../../services/partner-overview';
import type { Ui } from '../ui/ui';
import { CHECK_STATUS_LABELS, DELIVERY_STATUS_LABELS, m } from './messages';

export function DeliveriesSection(props: {
  ui: Ui;
  partnerId: string;
  webhookUrl: string | null;
  deliveries: PartnerOverview['deliveries'];
}) {
  const { ui } = props;
  const t = m[ui.lang];
  const statuses = DELIVERY_STATUS_LABELS[ui.lang];
  return (
    <section aria-labelledby="deliveries">
      <h2 id="deliveries">{t.deliveries}</h2>
      {props.webhookUrl === null ? (
        <p>{t.noWebhook}</p>
      ) : (
        <dl class="facts">
          <dt>{t.webhookUrl}</dt>
          <dd>
            <code>{props.webhookUrl}</code>
          </dd>
        </dl>
      )}
      {props.deliveries.length === 0 ? (
        <p>{t.noDeliveries}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption>{t.deliveries}</caption>
            <thead>
              <tr>
                <th scope="col">{t.date}</th>
                <th scope="col">{t.status}</th>
                <th scope="col" class="num">
                  {t.attempts}
                </th>
                <th scope="col" class="num">
                  {t.lastStatusCode}
                </th>
                <th scope="col">{t.nextAttempt}</th>
              </tr>
            </thead>
            <tbody>
              {props.deliveries.map((d) => (
                <tr>
                  <th scope="row">
                    <a href={`/console/deliveries/${d.id}`}>{ui.fmt.date(d.date)}</a>
                  </th>
                  <td>
                    <span class="badge">{statuses[d.status]}</span>
                  </td>
                  <td class="num">{ui.fmt.number(d.attempts)}</td>
                  <td class="num">{d.lastStatusCode ?? '—'}</td>
                  <td>{d.nextAttemptAt ? ui.fmt.dateTime(d.nextAttemptAt) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p>
        <a href={`/console/deliveries?partnerId=${encodeURIComponent(props.partnerId)}`}>{t.allDeliveries}</a>
      </p>
    </section>
  );
}

export function LinkHealthSection(props: { ui: Ui; checks: PartnerOverview['linkChecks'] }) {
  const { ui } = props;
  const t = m[ui.lang];
  const statuses = CHECK_STATUS_LABELS[ui.lang];
  return (
    <section aria-labelledby="link-health">
      <h2 id="link-health">{t.linkHealth}</h2>
      <p class="hint">{t.linkHealthHint}</p>
      {props.checks.length === 0 ? (
        <p>{t.noChecks}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption>{t.linkHealth}</caption>
            <thead>
              <tr>
                <th scope="col">{t.date}</th>
                <th scope="col">{t.link}</th>
                <th scope="col">{t.status}</th>
                <th scope="col" class="num">
                  {t.lastStatusCode}
                </th>
                <th scope="col">{t.landing}</th>
              </tr>
            </thead>
            <tbody>
              {props.checks.map((check) => (
                <tr>
                  <td>{ui.fmt.date(check.date)}</td>
                  <th scope="row">
                    <a href={`/console/links/${check.linkId}`}>
                      <code>{check.linkId}</code>
                    </a>
                  </th>
                  <td>
                    <span
                      class={check.status === 'ok' ? 'badge good' : check.status === 'checking' ? 'badge' : 'badge bad'}
                    >
                      {statuses[check.status] ?? check.status}
                    </span>
                  </td>
                  <td class="num">{check.statusCode ?? '—'}</td>
                  <td>
                    <code>{check.error ?? check.finalUrl ?? '—'}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

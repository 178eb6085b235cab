// The admins' list of partners: lifecycle status and the figures of recent days, filtered by status.
import { PARTNER_STATUSES, type PartnerStatus } from '../../domain/partnership';
import type { PartnerFigures } from '../../services/partner-figures';
import { Pager } from '../ui/components';
import { Layout } from '../ui/layout';
import type { Ui } from '../ui/ui';
import { INTEGRATION_LABELS, m, STATUS_LABELS } from './messages';

/** A partner as the list shows it. */
export type ListedPartner = {
  id: string;
  name: string;
  slug: string;
  status: PartnerStatus;
  integration: keyof (typeof INTEGRATION_LABELS)['en'];
  currency: string;
};

export function PartnersListPage(props: {
  ui: Ui;
  partners: ListedPartner[];
  figures: Map<string, PartnerFigures>;
  range: { from: string; to: string };
  status: PartnerStatus | undefined;
  nextCursor: string | null;
}) {
  const { ui } = props;
  const t = m[ui.lang];
  const fmt = ui.fmt;
  const statuses = STATUS_LABELS[ui.lang];
  return (
    <Layout ui={ui} title={t.partners}>
      <p class="actions">
        <a class="button secondary" href="/console/partners/new">
          {t.newPartner}
        </a>
      </p>
      <form class="filters" method="get" action="/console/partners">
        <div>
          <label for="status">{t.status}</label>
          <select id="status" name="status">
            <option value="">{t.allStatuses}</option>
            {PARTNER_STATUSES.map((s) => (
              <option value={s} selected={props.status === s}>
                {statuses[s]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t.filter}</button>
      </form>
      {props.partners.length === 0 ? (
        <p>{t.noPartners}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption>{t.figuresCaption(fmt.date(props.range.from), fmt.date(props.range.to))}</caption>
            <thead>
              <tr>
                <th scope="col">{t.partner}</th>
                <th scope="col">{t.status}</th>
                <th scope="col">{t.integration}</th>
                <th scope="col" class="num">
                  {t.clicks}
                </th>
                <th scope="col" class="num">
                  {t.conversions}
                </th>
                <th scope="col" class="num">
                  {t.revenue}
                </th>
                <th scope="col" class="num">
                  {t.commission}
                </th>
              </tr>
            </thead>
            <tbody>
              {props.partners.map((p) => {
                const f = props.figures.get(p.id);
                return (
                  <tr>
                    <th scope="row">
                      <a href={`/console/partners/${p.id}`}>{p.name}</a> <span class="muted">{p.slug}</span>
                    </th>
                    <td>
                      <span class="badge">{statuses[p.status]}</span>
                    </td>
                    <td>{INTEGRATION_LABELS[ui.lang][p.integration]}</td>
                    <td class="num">{fmt.number(f?.clicks ?? 0)}</td>
                    <td class="num">{fmt.number(f?.conversions ?? 0)}</td>
                    <td class="num">{fmt.money(f?.revenueMinor ?? 0, p.currency)}</td>
                    <td class="num">{fmt.money(f?.commissionMinor ?? 0, p.currency)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Pager ui={ui} nextCursor={props.nextCursor} />
    </Layout>
  );
}

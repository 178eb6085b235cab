// The conversions table: filtered by partner, status, attribution method and days, newest first, a page at a time.
import { ATTRIBUTION_METHODS } from '../../domain/attribution';
import { CONVERSION_STATUSES } from '../../domain/conversion-status';
import type { Conversion } from '../../services/conversion-review';
import type { PartnerName } from '../../services/partner-names';
import type { FieldErrors } from '../query-fields';
import { Pager } from '../ui/components';
import { DateFilter, FilterForm, PartnerFilter, partnerOptions, SelectFilter } from '../ui/filter-fields';
import { Layout } from '../ui/layout';
import { messages } from '../ui/messages';
import { isAdmin, type Ui } from '../ui/ui';
import { EVENT_LABELS, METHOD_LABELS, STATUS_LABELS, statusClass } from './labels';

const m = messages(
  {
    title: 'Conversions',
    status: 'Status',
    anyStatus: 'Any status',
    method: 'Attribution',
    anyMethod: 'Any method',
    from: 'From',
    to: 'To',
    occurredAt: 'Occurred',
    partner: 'Partner',
    transaction: 'Transaction',
    event: 'Event',
    amount: 'Amount',
    commission: 'Commission',
    caption: 'Conversions, newest first',
    none: 'No conversion matches these filters.',
  },
  {
    title: 'Conversions',
    status: 'Statut',
    anyStatus: 'Tous les statuts',
    method: 'Attribution',
    anyMethod: 'Toutes les méthodes',
    from: 'Du',
    to: 'Au',
    occurredAt: 'Date',
    partner: 'Partenaire',
    transaction: 'Transaction',
    event: 'Événement',
    amount: 'Montant',
    commission: 'Commission',
    caption: 'Conversions, les plus récentes en premier',
    none: 'Aucune conversion ne correspond à ces filtres.',
  },
);

/** A conversion as a row of the table. */
export type ConversionRow = Pick<
  Conversion,
  | 'id'
  | 'partnerId'
  | 'transactionId'
  | 'event'
  | 'status'
  | 'attributionMethod'
  | 'amountMinor'
  | 'commissionMinor'
  | 'currency'
  | 'occurredAt'
>;

export type ConversionFilters = { partnerId?: string; status?: string; method?: string; from?: string; to?: string };

export function ConversionsPage(props: {
  ui: Ui;
  partners: readonly PartnerName[];
  filters: ConversionFilters;
  errors: FieldErrors;
  rows: readonly ConversionRow[];
  nextCursor: string | null;
}) {
  const { ui, filters, errors } = props;
  const t = m[ui.lang];
  const admin = isAdmin(ui);
  const partners = partnerOptions(ui, props.partners);
  const nameOf = new Map(partners.map((p) => [p.id, p.name]));
  return (
    <Layout ui={ui} title={t.title}>
      <FilterForm ui={ui} action="/console/conversions">
        <PartnerFilter ui={ui} partners={partners} value={filters.partnerId} error={errors.partnerId} />
        <SelectFilter
          id="status"
          label={t.status}
          anyLabel={t.anyStatus}
          value={filters.status}
          options={CONVERSION_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[ui.lang][s] }))}
          error={errors.status}
        />
        <SelectFilter
          id="method"
          label={t.method}
          anyLabel={t.anyMethod}
          value={filters.method}
          options={ATTRIBUTION_METHODS.map((s) => ({ value: s, label: METHOD_LABELS[ui.lang][s] }))}
          error={errors.method}
        />
        <DateFilter id="from" label={t.from} value={filters.from} error={errors.from} />
        <DateFilter id="to" label={t.to} value={filters.to} error={errors.to} />
      </FilterForm>
      {props.rows.length === 0 ? (
        <p>{t.none}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption>{t.caption}</caption>
            <thead>
              <tr>
                <th scope="col">{t.occurredAt}</th>
                <th scope="col">{t.transaction}</th>
                {admin && <th scope="col">{t.partner}</th>}
                <th scope="col">{t.event}</th>
                <th scope="col">{t.status}</th>
                <th scope="col">{t.method}</th>
                <th scope="col" class="num">
                  {t.amount}
                </th>
                <th scope="col" class="num">
                  {t.commission}
                </th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((c) => (
                <tr>
                  <td>{ui.fmt.dateTime(c.occurredAt)}</td>
                  <th scope="row">
                    <a href={`/console/conversions/${c.id}`}>{c.transactionId}</a>
                  </th>
                  {admin && <td>{nameOf.get(c.partnerId) ?? c.partnerId}</td>}
                  <td>{EVENT_LABELS[ui.lang][c.event]}</td>
                  <td>
                    <span class={statusClass(c.status)}>{STATUS_LABELS[ui.lang][c.status]}</span>
                  </td>
                  <td>{METHOD_LABELS[ui.lang][c.attributionMethod]}</td>
                  <td class="num">{ui.fmt.money(c.amountMinor, c.currency)}</td>
                  <td class="num">{ui.fmt.money(c.commissionMinor, c.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager ui={ui} nextCursor={props.nextCursor} />
    </Layout>
  );
}

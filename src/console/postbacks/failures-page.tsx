// Postbacks refused before their sender proved who it is: counted per partner, address, reason and minute, not logged.
import type { PartnerName } from '../../services/partner-names';
import type { PostbackFailureRow } from '../../services/postback-failures';
import type { FieldErrors } from '../query-fields';
import { Pager } from '../ui/components';
import { FilterForm, PartnerFilter, partnerOptions, SelectFilter } from '../ui/filter-fields';
import { Layout } from '../ui/layout';
import { messages } from '../ui/messages';
import { isAdmin, type Ui } from '../ui/ui';
import { FAILURE_CODES, FAILURE_LABELS } from './labels';

const m = messages(
  {
    title: 'Refused postbacks',
    intro:
      'Postbacks refused before their sender proved who it is (unknown address, wrong token or signature...) are only counted, a row a minute, so that a flood of forged ones costs nothing.',
    back: 'The postback log',
    reason: 'Reason',
    anyReason: 'Any reason',
    minute: 'Minute',
    partner: 'Partner',
    unknown: (slug: string) => `no partner (/pb/${slug})`,
    address: 'Address (hashed)',
    status: 'HTTP status',
    count: 'Attempts',
    lastAt: 'Last',
    caption: 'Refused attempts, newest minute first',
    none: 'No refused postback matches these filters.',
  },
  {
    title: 'Postbacks refusés',
    intro:
      "Les postbacks refusés avant que leur expéditeur ait prouvé qui il est (adresse inconnue, jeton ou signature erronés...) sont seulement comptés, une ligne par minute, pour qu'un flot de faux ne coûte rien.",
    back: 'Le journal des postbacks',
    reason: 'Motif',
    anyReason: 'Tous les motifs',
    minute: 'Minute',
    partner: 'Partenaire',
    unknown: (slug: string) => `aucun partenaire (/pb/${slug})`,
    address: 'Adresse (hachée)',
    status: 'Statut HTTP',
    count: 'Tentatives',
    lastAt: 'Dernière',
    caption: 'Tentatives refusées, la minute la plus récente en premier',
    none: 'Aucun postback refusé ne correspond à ces filtres.',
  },
);

export type FailureFilters = { partnerId?: string; errorCode?: string };

export function PostbackFailuresPage(props: {
  ui: Ui;
  partners: readonly PartnerName[];
  filters: FailureFilters;
  errors: FieldErrors;
  rows: readonly PostbackFailureRow[];
  nextCursor: string | null;
}) {
  const { ui, filters, errors } = props;
  const t = m[ui.lang];
  const admin = isAdmin(ui);
  const partners = partnerOptions(ui, props.partners);
  const nameOf = new Map(partners.map((p) => [p.id, p.name]));
  const reason = (code: string) => FAILURE_LABELS[ui.lang][code as keyof (typeof FAILURE_LABELS)['en']] ?? code;
  return (
    <Layout ui={ui} title={t.title}>
      <p class="no-print">
        <a href="/console/postbacks">{t.back}</a>
      </p>
      <p>{t.intro}</p>
      <FilterForm ui={ui} action="/console/postbacks/failures">
        <PartnerFilter ui={ui} partners={partners} value={filters.partnerId} error={errors.partnerId} />
        <SelectFilter
          id="errorCode"
          label={t.reason}
          anyLabel={t.anyReason}
          value={filters.errorCode}
          options={FAILURE_CODES.map((code) => ({ value: code, label: reason(code) }))}
          error={errors.errorCode}
        />
      </FilterForm>
      {props.rows.length === 0 ? (
        <p>{t.none}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption>{t.caption}</caption>
            <thead>
              <tr>
                <th scope="col">{t.minute}</th>
                {admin && <th scope="col">{t.partner}</th>}
                <th scope="col">{t.reason}</th>
                <th scope="col" class="num">
                  {t.status}
                </th>
                <th scope="col" class="num">
                  {t.count}
                </th>
                <th scope="col">{t.lastAt}</th>
                {/* Address hashes say which attempts came from one sender: an admin's to read. */}
                {admin && <th scope="col">{t.address}</th>}
              </tr>
            </thead>
            <tbody>
              {props.rows.map((f) => (
                <tr>
                  <th scope="row">{ui.fmt.dateTime(f.minute)}</th>
                  {admin && (
                    <td>{f.partnerId ? (nameOf.get(f.partnerId) ?? f.partnerSlug) : t.unknown(f.partnerSlug)}</td>
                  )}
                  <td>
                    {reason(f.errorCode)} <code class="muted">{f.errorCode}</code>
                  </td>
                  <td class="num">{f.httpStatus}</td>
                  <td class="num">{ui.fmt.number(f.count)}</td>
                  <td>{ui.fmt.dateTime(f.lastAt)}</td>
                  {admin && (
                    <td>
                      <code>{f.ipHash ? f.ipHash.slice(0, 12) : ''}</code>
                    </td>
                  )}
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

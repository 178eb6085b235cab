// The postback log: every postback that proved who sent it, accepted or refused, newest first, a page at a time.
import { POSTBACK_OUTCOMES } from '../../domain/postback-outcome';
import type { PartnerName } from '../../services/partner-names';
import type { PostbackLogRow } from '../../services/postback-log';
import type { FieldErrors } from '../query-fields';
import { Pager } from '../ui/components';
import { FilterForm, PartnerFilter, partnerOptions, SelectFilter } from '../ui/filter-fields';
import { Layout } from '../ui/layout';
import { messages } from '../ui/messages';
import { isAdmin, type Ui } from '../ui/ui';
import { OUTCOME_LABELS, outcomeClass } from './labels';

const m = messages(
  {
    title: 'Postback log',
    intro: 'Every postback that passed authentication, accepted or refused, with what was read from it.',
    failures: 'Postbacks refused before authentication are counted apart',
    outcome: 'Outcome',
    anyOutcome: 'Any outcome',
    receivedAt: 'Received',
    partner: 'Partner',
    method: 'Method',
    status: 'HTTP status',
    transaction: 'Transaction',
    error: 'Error',
    replayOf: 'Replay',
    caption: 'Postbacks received, newest first',
    none: 'No postback matches these filters.',
  },
  {
    title: 'Journal des postbacks',
    intro: 'Chaque postback authentifié, accepté ou refusé, avec ce qui en a été lu.',
    failures: "Les postbacks refusés avant l'authentification sont comptés à part",
    outcome: 'Résultat',
    anyOutcome: 'Tous les résultats',
    receivedAt: 'Reçu',
    partner: 'Partenaire',
    method: 'Méthode',
    status: 'Statut HTTP',
    transaction: 'Transaction',
    error: 'Erreur',
    replayOf: 'Rejeu',
    caption: 'Postbacks reçus, les plus récents en premier',
    none: 'Aucun postback ne correspond à ces filtres.',
  },
);

export type PostbackFilters = { partnerId?: string; outcome?: string };

/** The transaction id a postback carried, as read from it. */
export const transactionOf = (entry: Pick<PostbackLogRow, 'parsed'>): string | null => {
  const parsed = entry.parsed as { transactionId?: unknown } | null;
  return typeof parsed?.transactionId === 'string' ? parsed.transactionId : null;
};

export function PostbackLogPage(props: {
  ui: Ui;
  partners: readonly PartnerName[];
  filters: PostbackFilters;
  errors: FieldErrors;
  rows: readonly PostbackLogRow[];
  nextCursor: string | null;
}) {
  const { ui, filters, errors } = props;
  const t = m[ui.lang];
  const admin = isAdmin(ui);
  const partners = partnerOptions(ui, props.partners);
  const nameOf = new Map(partners.map((p) => [p.id, p.name]));
  const outcome = (o: string) => OUTCOME_LABELS[ui.lang][o as keyof (typeof OUTCOME_LABELS)['en']] ?? o;
  return (
    <Layout ui={ui} title={t.title}>
      <p>{t.intro}</p>
      <p>
        <a href="/console/postbacks/failures">{t.failures}</a>
      </p>
      <FilterForm ui={ui} action="/console/postbacks">
        <PartnerFilter ui={ui} partners={partners} value={filters.partnerId} error={errors.partnerId} />
        <SelectFilter
          id="outcome"
          label={t.outcome}
          anyLabel={t.anyOutcome}
          value={filters.outcome}
          options={POSTBACK_OUTCOMES.map((o) => ({ value: o, label: outcome(o) }))}
          error={errors.outcome}
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
                <th scope="col">{t.receivedAt}</th>
                {admin && <th scope="col">{t.partner}</th>}
                <th scope="col">{t.method}</th>
                <th scope="col">{t.outcome}</th>
                <th scope="col" class="num">
                  {t.status}
                </th>
                <th scope="col">{t.transaction}</th>
                <th scope="col">{t.error}</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((e) => (
                <tr>
                  <th scope="row">
                    <a href={`/console/postbacks/${e.id}`}>{ui.fmt.dateTime(e.createdAt)}</a>
                    {e.replayOf && <span class="muted"> ({t.replayOf})</span>}
                  </th>
                  {admin && <td>{(e.partnerId && nameOf.get(e.partnerId)) ?? e.partnerSlug}</td>}
                  <td>{e.method}</td>
                  <td>
                    <span class={outcomeClass(e.outcome)}>{outcome(e.outcome)}</span>
                  </td>
                  <td class="num">{e.httpStatus}</td>
                  <td>{transactionOf(e) ?? ''}</td>
                  <td>{e.errorCode ?? ''}</td>
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

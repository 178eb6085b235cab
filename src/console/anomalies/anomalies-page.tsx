// What reconciliation flagged for a person to look at, newest first; an admin resolves each one or opens it again.
import { ANOMALY_KINDS, type AnomalyKind } from '../../domain/anomalies';
import type { Anomaly } from '../../services/anomalies';
import type { PartnerName } from '../../services/partner-names';
import type { FieldErrors } from '../query-fields';
import { ActionForm, Notice, Pager } from '../ui/components';
import { durationOf } from '../ui/duration';
import { FilterForm, PartnerFilter, partnerOptions, SelectFilter } from '../ui/filter-fields';
import { Layout } from '../ui/layout';
import { messages } from '../ui/messages';
import type { Ui } from '../ui/ui';

const KIND_LABELS: Record<'en' | 'fr', Record<AnomalyKind, string>> = {
  en: {
    fast_conversion: 'Conversion too fast',
    bot_click: 'Conversion on a bot’s click',
    click_reused: 'Click reused',
    amount_outlier: 'Unusual amount',
    missing_rate: 'Exchange rate missing',
    commission_mismatch: 'Network commission differs',
    network_sync_failing: 'Network sync failing',
    network_transaction_refused: 'Network transaction not recorded',
    network_disagreement: 'Network says otherwise',
  },
  fr: {
    fast_conversion: 'Conversion trop rapide',
    bot_click: "Conversion sur le clic d'un robot",
    click_reused: 'Clic réutilisé',
    amount_outlier: 'Montant inhabituel',
    missing_rate: 'Taux de change manquant',
    commission_mismatch: 'Commission du réseau différente',
    network_sync_failing: 'Synchronisation du réseau en échec',
    network_transaction_refused: 'Transaction du réseau non enregistrée',
    network_disagreement: 'Le réseau indique autre chose',
  },
};

const m = messages(
  {
    title: 'Anomalies',
    intro: 'Flags never change a conversion: they are for someone to review, then resolve.',
    kind: 'Kind',
    anyKind: 'Any kind',
    state: 'State',
    anyState: 'Open and resolved',
    open: 'Open',
    resolved: 'Resolved',
    resolvedAt: (at: string) => `Resolved ${at}`,
    flaggedAt: 'Flagged',
    partner: 'Partner',
    subject: 'About',
    conversion: 'Conversion',
    click: (id: string) => `Click ${id}`,
    what: 'What was seen',
    action: 'Action',
    resolve: 'Resolve',
    resolveSure: 'Mark this anomaly resolved?',
    reopen: 'Open again',
    reopenSure: 'Open this anomaly again?',
    caption: 'Anomalies, newest first',
    none: 'No anomaly matches these filters.',
    doneResolved: 'The anomaly is resolved.',
    doneReopened: 'The anomaly is open again.',
    fast: (after: string, limit: string) => `Converted ${after} after its click (less than ${limit}).`,
    bot: (clickId: string) => `Its click ${clickId} was made by a bot.`,
    reused: (count: string, limit: string) => `${count} conversions on one click (more than ${limit}).`,
    outlier: (ratio: string) => `An amount ${ratio} times the partner’s median sale.`,
    missingRate: (from: string, to: string, date: string) => `No ${from} to ${to} rate for ${date} yet.`,
  },
  {
    title: 'Anomalies',
    intro: 'Les signalements ne changent jamais une conversion : ils sont à examiner, puis à clore.',
    kind: 'Type',
    anyKind: 'Tous les types',
    state: 'État',
    anyState: 'Ouvertes et closes',
    open: 'Ouverte',
    resolved: 'Close',
    resolvedAt: (at: string) => `Close le ${at}`,
    flaggedAt: 'Signalée',
    partner: 'Partenaire',
    subject: 'Objet',
    conversion: 'Conversion',
    click: (id: string) => `Clic ${id}`,
    what: 'Constat',
    action: 'Action',
    resolve: 'Clore',
    resolveSure: 'Clore cette anomalie ?',
    reopen: 'Rouvrir',
    reopenSure: 'Rouvrir cette anomalie ?',
    caption: 'Anomalies, les plus récentes en premier',
    none: 'Aucune anomalie ne correspond à ces filtres.',
    doneResolved: "L'anomalie est close.",
    doneReopened: "L'anomalie est rouverte.",
    fast: (after: string, limit: string) => `Convertie ${after} après son clic (moins de ${limit}).`,
    bot: (clickId: string) => `Son clic ${clickId} a été fait par un robot.`,
    reused: (count: string, limit: string) => `${count} conversions sur un même clic (plus de ${limit}).`,
    outlier: (ratio: string) => `Un montant de ${ratio} fois la vente médiane du partenaire.`,
    missingRate: (from: string, to: string, date: string) => `Pas encore de taux ${from} vers ${to} pour le ${date}.`,
  },
);

export type AnomalyFilters = { partnerId?: string; kind?: string; state?: string };

/** What an anomaly's details say, in a sentence; details of another shape are shown as they are. */
function whatOf(ui: Ui, a: Anomaly): string {
  const t = m[ui.lang];
  const d = (a.details ?? {}) as Record<string, unknown>;
  const n = (key: string) => (typeof d[key] === 'number' ? (d[key] as number) : null);
  const s = (key: string) => (typeof d[key] === 'string' ? (d[key] as string) : null);
  const fast = n('clickToConversionMs');
  const conversions = n('conversions');
  const amount = n('amountMinor');
  const median = n('medianMinor');
  if (a.kind === 'fast_conversion' && fast !== null) {
    return t.fast(durationOf(ui.fmt, fast), durationOf(ui.fmt, n('thresholdMs') ?? 5000));
  }
  if (a.kind === 'bot_click') return t.bot(s('clickId') ?? a.clickId ?? '');
  if (a.kind === 'click_reused' && conversions !== null) {
    return t.reused(ui.fmt.number(conversions), ui.fmt.number(n('threshold') ?? 3));
  }
  if (a.kind === 'amount_outlier' && amount !== null && median) {
    return t.outlier(ui.fmt.number(Math.round((amount / median) * 10) / 10));
  }
  if (a.kind === 'missing_rate') {
    const date = s('date');
    return t.missingRate(s('currency') ?? '', s('reportingCurrency') ?? '', date ? ui.fmt.date(date) : '');
  }
  return JSON.stringify(a.details);
}

export function AnomaliesPage(props: {
  ui: Ui;
  partners: readonly PartnerName[];
  filters: AnomalyFilters;
  errors: FieldErrors;
  rows: readonly Anomaly[];
  nextCursor: string | null;
  done?: string;
}) {
  const { ui, filters, errors } = props;
  const t = m[ui.lang];
  const partners = partnerOptions(ui, props.partners);
  const nameOf = new Map(partners.map((p) => [p.id, p.name]));
  const kind = (k: string) => KIND_LABELS[ui.lang][k as AnomalyKind] ?? k;
  return (
    <Layout ui={ui} title={t.title}>
      {props.done === 'resolved' && <Notice>{t.doneResolved}</Notice>}
      {props.done === 'reopened' && <Notice>{t.doneReopened}</Notice>}
      <p>{t.intro}</p>
      <FilterForm ui={ui} action="/console/anomalies">
        <PartnerFilter ui={ui} partners={partners} value={filters.partnerId} error={errors.partnerId} />
        <SelectFilter
          id="kind"
          label={t.kind}
          anyLabel={t.anyKind}
          value={filters.kind}
          options={ANOMALY_KINDS.map((k) => ({ value: k, label: kind(k) }))}
          error={errors.kind}
        />
        <SelectFilter
          id="state"
          label={t.state}
          anyLabel={t.anyState}
          value={filters.state}
          options={[
            { value: 'open', label: t.open },
            { value: 'resolved', label: t.resolved },
          ]}
          error={errors.state}
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
                <th scope="col">{t.flaggedAt}</th>
                <th scope="col">{t.kind}</th>
                <th scope="col">{t.partner}</th>
                <th scope="col">{t.subject}</th>
                <th scope="col">{t.what}</th>
                <th scope="col">{t.state}</th>
                <th scope="col">{t.action}</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((a) => (
                <tr>
                  <td>{ui.fmt.dateTime(a.createdAt)}</td>
                  <th scope="row">{kind(a.kind)}</th>
                  <td>{nameOf.get(a.partnerId) ?? a.partnerId}</td>
                  <td>
                    {a.conversionId ? (
                      <a href={`/console/conversions/${a.conversionId}`}>{t.conversion}</a>
                    ) : (
                      a.clickId && <code>{t.click(a.clickId)}</code>
                    )}
                  </td>
                  <td>{whatOf(ui, a)}</td>
                  <td>
                    {a.resolvedAt ? (
                      <span class="badge good">{t.resolvedAt(ui.fmt.dateTime(a.resolvedAt))}</span>
                    ) : (
                      <span class="badge bad">{t.open}</span>
                    )}
                  </td>
                  <td>
                    <ActionForm
                      ui={ui}
                      action={`/console/anomalies/${a.id}/${a.resolvedAt ? 'reopen' : 'resolve'}`}
                      confirm={a.resolvedAt ? t.reopenSure : t.resolveSure}
                    >
                      <input type="hidden" name="back" value={ui.here} />
                      <button
                        type="submit"
                        class="secondary"
                        aria-label={`${a.resolvedAt ? t.reopen : t.resolve}: ${kind(a.kind)}, ${ui.fmt.dateTime(a.createdAt)}`}
                      >
                        {a.resolvedAt ? t.reopen : t.resolve}
                      </button>
                    </ActionForm>
                  </td>
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

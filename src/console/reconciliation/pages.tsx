// The reconciliation pages: upload a partner's own report, the past comparisons, one comparison's differences.
import type { ConversionStatus } from '../../domain/conversion-status';
import { DISCREPANCY_KINDS, type Discrepancy, type DiscrepancyKind, type ReportField } from '../../domain/report-diff';
import type { ReportSummary, visiblePartnerReport } from '../../services/partner-reports';
import { type PartnerOption, partnerNameOf } from '../partner-options';
import { ActionForm, Field, Notice, Pager, Tiles } from '../ui/components';
import { describedBy, FieldError } from '../ui/field-error';
import { Layout } from '../ui/layout';
import { messages } from '../ui/messages';
import { PartnerSelect } from '../ui/partner-select';
import { isAdmin, type Ui } from '../ui/ui';

type Stored = Awaited<ReturnType<typeof visiblePartnerReport>>;
export type StoredReport = Stored['report'];
export type Difference = Stored['discrepancies'][number];

const m = messages(
  {
    title: 'Reconciliation',
    intro:
      "Compare a partner's own conversion report with the conversions recorded here: what is missing on either side, and every amount or status that differs.",
    upload: 'Compare a report',
    file: "Partner's report (CSV)",
    fileHint: (limitMb: number) =>
      `A CSV file with a header line, comma or semicolon separated, at most ${limitMb} MB, its columns named as set on the partner's page (report columns).`,
    fileHintColumns: (limitMb: number, columns: string) =>
      `A CSV file with a header line, comma or semicolon separated, at most ${limitMb} MB. Columns read: ${columns}.`,
    from: 'First day covered (optional)',
    fromHint: "Default: the report's earliest date.",
    to: 'Last day covered (optional)',
    toHint: "Default: the report's latest date.",
    compare: 'Compare with our conversions',
    past: 'Past comparisons',
    show: 'Show',
    comparisonsOf: 'Comparisons of',
    none: 'No report compared yet.',
    uploaded: 'Uploaded',
    partner: 'Partner',
    period: 'Days covered',
    noPeriod: 'No dates',
    rows: 'Rows',
    theirRows: 'Their rows',
    matched: 'Matched',
    duplicates: 'Repeated rows',
    invalidRows: 'Unreadable rows',
    pageTitle: (when: string) => `Comparison of ${when}`,
    done: (count: number) =>
      count === 0 ? 'Report compared: no difference.' : `Report compared: ${count} difference(s) found.`,
    failed: 'The report could not be compared.',
    choosePartner: 'Choose the partner whose report this is.',
    chooseFile: 'Choose the CSV file of the report.',
    tooLarge: (limitMb: number) => `This file is over ${limitMb} MB.`,
    fromAfterTo: 'The first day comes after the last.',
    notADate: 'Not a date.',
    differences: 'Differences',
    kind: 'Difference',
    allKinds: 'All differences',
    transaction: 'Transaction',
    ourStatus: 'Our status',
    ourAmount: 'Our amount',
    theirLine: 'Their line',
    theirStatus: 'Their status',
    theirAmount: 'Their amount',
    noDifference: 'No difference.',
    issues: 'Rows that could not be read',
    line: 'Line',
    problem: 'Problem',
    someIssues: (shown: number, total: number) => `The first ${shown} of ${total} are listed.`,
    back: 'All comparisons',
    notUnderstood: 'not understood',
  },
  {
    title: 'Rapprochement',
    intro:
      "Comparez le rapport de conversions d'un partenaire avec les conversions enregistrées ici : ce qui manque d'un côté ou de l'autre, et chaque montant ou statut qui diffère.",
    upload: 'Comparer un rapport',
    file: 'Rapport du partenaire (CSV)',
    fileHint: (limitMb: number) =>
      `Un fichier CSV avec une ligne d'en-tête, séparé par des virgules ou des points-virgules, de ${limitMb} Mo au plus, ses colonnes nommées comme indiqué sur la page du partenaire (colonnes du rapport).`,
    fileHintColumns: (limitMb: number, columns: string) =>
      `Un fichier CSV avec une ligne d'en-tête, séparé par des virgules ou des points-virgules, de ${limitMb} Mo au plus. Colonnes lues : ${columns}.`,
    from: 'Premier jour couvert (facultatif)',
    fromHint: 'Par défaut : la date la plus ancienne du rapport.',
    to: 'Dernier jour couvert (facultatif)',
    toHint: 'Par défaut : la date la plus récente du rapport.',
    compare: 'Comparer avec nos conversions',
    past: 'Comparaisons passées',
    show: 'Afficher',
    comparisonsOf: 'Comparaisons de',
    none: "Aucun rapport comparé pour l'instant.",
    uploaded: 'Envoyé le',
    partner: 'Partenaire',
    period: 'Jours couverts',
    noPeriod: 'Sans dates',
    rows: 'Lignes',
    theirRows: 'Leurs lignes',
    matched: 'Rapprochées',
    duplicates: 'Lignes répétées',
    invalidRows: 'Lignes illisibles',
    pageTitle: (when: string) => `Comparaison du ${when}`,
    done: (count: number) =>
      count === 0 ? 'Rapport comparé : aucune différence.' : `Rapport comparé : ${count} différence(s) trouvée(s).`,
    failed: "Le rapport n'a pas pu être comparé.",
    choosePartner: 'Choisissez le partenaire dont c’est le rapport.',
    chooseFile: 'Choisissez le fichier CSV du rapport.',
    tooLarge: (limitMb: number) => `Ce fichier dépasse ${limitMb} Mo.`,
    fromAfterTo: 'Le premier jour vient après le dernier.',
    notADate: "Ce n'est pas une date.",
    differences: 'Différences',
    kind: 'Différence',
    allKinds: 'Toutes les différences',
    transaction: 'Transaction',
    ourStatus: 'Notre statut',
    ourAmount: 'Notre montant',
    theirLine: 'Leur ligne',
    theirStatus: 'Leur statut',
    theirAmount: 'Leur montant',
    noDifference: 'Aucune différence.',
    issues: "Lignes qui n'ont pas pu être lues",
    line: 'Ligne',
    problem: 'Problème',
    someIssues: (shown: number, total: number) => `Les ${shown} premières sur ${total} sont listées.`,
    back: 'Toutes les comparaisons',
    notUnderstood: 'non reconnu',
  },
);

/** What each kind of difference means, in a few words. */
const kinds = messages(
  {
    missing_here: 'In their report only',
    missing_there: 'In ours only',
    amount_mismatch: 'Amount differs',
    status_mismatch: 'Status differs',
  } satisfies Record<DiscrepancyKind, string>,
  {
    missing_here: 'Dans leur rapport seulement',
    missing_there: 'Chez nous seulement',
    amount_mismatch: 'Montant différent',
    status_mismatch: 'Statut différent',
  },
);

const statuses = messages(
  { pending: 'Pending', approved: 'Approved', rejected: 'Rejected', reversed: 'Reversed' } satisfies Record<
    ConversionStatus,
    string
  >,
  { pending: 'En attente', approved: 'Approuvée', rejected: 'Rejetée', reversed: 'Annulée' },
);

const columns = messages(
  {
    transactionId: 'transaction id',
    amount: 'amount',
    currency: 'currency',
    status: 'status',
    event: 'event',
    occurredAt: 'date',
  } satisfies Record<ReportField, string>,
  {
    transactionId: 'identifiant de transaction',
    amount: 'montant',
    currency: 'devise',
    status: 'statut',
    event: 'événement',
    occurredAt: 'date',
  },
);

/** What the upload form was sent with, kept when it is shown again. */
export type UploadForm = { partner?: string; from?: string; to?: string };
/** What was wrong with it, by field (`report` is the file); `general` when it is not one field's fault. */
export type UploadErrors = Partial<Record<'partner' | 'report' | 'from' | 'to' | 'general', string>>;
/** A problem with the upload that the page words itself. */
export type UploadProblem = 'choosePartner' | 'chooseFile' | 'tooLarge' | 'fromAfterTo' | 'notADate';

/** The words of an upload problem in the page's language. */
export function uploadProblem(ui: Ui, problem: UploadProblem, limitMb: number): string {
  const t = m[ui.lang];
  return problem === 'tooLarge' ? t.tooLarge(limitMb) : t[problem];
}

/** The column names a partner's report is read with: theirs where set, else the canonical ones. */
export function reportColumnsText(ui: Ui, reportColumns: Readonly<Record<string, string>>): string {
  const names = columns[ui.lang];
  return (Object.keys(names) as ReportField[])
    .map((field) => `${names[field]} = "${reportColumns[field] ?? field}"`)
    .join(', ');
}

/**
 * The reconciliation page: the upload form (an admin chooses the partner, a partner's user
 * uploads its own) and the past comparisons, newest first.
 */
export function ReconciliationPage(props: {
  ui: Ui;
  partners: readonly PartnerOption[];
  /** For a partner's user: its report's column names, as `reportColumnsText` words them. */
  columns?: string;
  maxBytes: number;
  reports: readonly StoredReport[];
  nextCursor: string | null;
  filterPartner?: string;
  form?: UploadForm;
  errors?: UploadErrors;
}) {
  const { ui } = props;
  const t = m[ui.lang];
  const admin = isAdmin(ui);
  const errors = props.errors ?? {};
  const form = props.form ?? {};
  const limitMb = Math.round(props.maxBytes / (1024 * 1024));
  const fileHint = props.columns ? t.fileHintColumns(limitMb, props.columns) : t.fileHint(limitMb);
  const hasErrors = Object.keys(errors).length > 0;
  return (
    <Layout ui={ui} title={t.title}>
      {hasErrors && <Notice kind="error">{errors.general ?? t.failed}</Notice>}
      <p>{t.intro}</p>
      <section aria-labelledby="upload-title">
        <h2 id="upload-title">{t.upload}</h2>
        <ActionForm ui={ui} action="/console/reconciliation" enctype="multipart/form-data">
          {admin && (
            <PartnerSelect
              ui={ui}
              id="partner"
              options={props.partners}
              selected={form.partner}
              required
              error={errors.partner}
            />
          )}
          <Field id="report" label={t.file} hint={fileHint}>
            <input
              type="file"
              id="report"
              name="report"
              accept=".csv,text/csv"
              required
              aria-invalid={errors.report ? 'true' : undefined}
              aria-describedby={describedBy('report', { hint: true, error: errors.report })}
            />
            {errors.report && <FieldError id="report" message={errors.report} />}
          </Field>
          <DateField id="from" label={t.from} hint={t.fromHint} value={form.from} error={errors.from} />
          <DateField id="to" label={t.to} hint={t.toHint} value={form.to} error={errors.to} />
          <button type="submit">{t.compare}</button>
        </ActionForm>
      </section>
      <section aria-labelledby="past-title">
        <h2 id="past-title">{t.past}</h2>
        {admin && (
          <form method="get" action="/console/reconciliation" class="filters">
            <PartnerSelect
              ui={ui}
              id="filter-partner"
              name="partner"
              label={t.comparisonsOf}
              options={props.partners}
              selected={props.filterPartner}
            />
            <button type="submit" class="secondary">
              {t.show}
            </button>
          </form>
        )}
        {props.reports.length === 0 ? (
          <p class="muted">{t.none}</p>
        ) : (
          <div class="table-wrap">
            <table id="reports">
              <thead>
                <tr>
                  <th scope="col">{t.uploaded}</th>
                  {admin && <th scope="col">{t.partner}</th>}
                  <th scope="col">{t.period}</th>
                  <th scope="col" class="num">
                    {t.theirRows}
                  </th>
                  <th scope="col" class="num">
                    {t.matched}
                  </th>
                  {DISCREPANCY_KINDS.map((kind) => (
                    <th scope="col" class="num">
                      {kinds[ui.lang][kind]}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {props.reports.map((report) => {
                  const summary = summaryOf(report);
                  return (
                    <tr>
                      <th scope="row">
                        <a href={`/console/reconciliation/${report.id}`}>{ui.fmt.dateTime(report.createdAt)}</a>
                      </th>
                      {admin && <td>{partnerNameOf(props.partners, report.partnerId)}</td>}
                      <td>{periodText(ui, summary)}</td>
                      <td class="num">{ui.fmt.number(summary.theirRows)}</td>
                      <td class="num">{ui.fmt.number(summary.matched)}</td>
                      {DISCREPANCY_KINDS.map((kind) => (
                        <td class="num">{ui.fmt.number(countOf(summary, kind))}</td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <Pager ui={ui} nextCursor={props.nextCursor} />
      </section>
    </Layout>
  );
}

function DateField(props: { id: string; label: string; hint: string; value?: string; error?: string }) {
  return (
    <Field id={props.id} label={props.label} hint={props.hint}>
      <input
        type="date"
        id={props.id}
        name={props.id}
        value={props.value}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(props.id, { hint: true, error: props.error })}
      />
      {props.error && <FieldError id={props.id} message={props.error} />}
    </Field>
  );
}

/** A stored comparison's summary, as `comparePartnerReport` wrote it. */
const summaryOf = (report: StoredReport) => report.summary as ReportSummary;

function countOf(summary: ReportSummary, kind: DiscrepancyKind): number {
  switch (kind) {
    case 'missing_here':
      return summary.missingHere;
    case 'missing_there':
      return summary.missingThere;
    case 'amount_mismatch':
      return summary.amountMismatches;
    case 'status_mismatch':
      return summary.statusMismatches;
  }
}

function periodText(ui: Ui, summary: ReportSummary): string {
  if (summary.period === null) return m[ui.lang].noPeriod;
  const { from, to } = summary.period;
  return from === to ? ui.fmt.date(from) : `${ui.fmt.date(from)} – ${ui.fmt.date(to)}`;
}

/** The number of differences a comparison found. */
export function differencesOf(report: StoredReport): number {
  const summary = summaryOf(report);
  return DISCREPANCY_KINDS.reduce((sum, kind) => sum + countOf(summary, kind), 0);
}

/**
 * One comparison: what was read, the counts, the rows that could not be read, and the
 * differences (of one kind when chosen), a page at a time.
 */
export function ReportPage(props: {
  ui: Ui;
  report: StoredReport;
  partnerName: string;
  differences: readonly Difference[];
  kind?: DiscrepancyKind;
  nextCursor: string | null;
  done?: boolean;
}) {
  const { ui, report } = props;
  const t = m[ui.lang];
  const k = kinds[ui.lang];
  const summary = summaryOf(report);
  const fmt = ui.fmt;
  return (
    <Layout ui={ui} title={t.pageTitle(fmt.dateTime(report.createdAt))}>
      {props.done && <Notice>{t.done(differencesOf(report))}</Notice>}
      <p class="no-print">
        <a href="/console/reconciliation">{t.back}</a>
      </p>
      <dl class="facts">
        <dt>{t.partner}</dt>
        <dd>{props.partnerName}</dd>
        <dt>{t.uploaded}</dt>
        <dd>{fmt.dateTime(report.createdAt)}</dd>
        <dt>{t.period}</dt>
        <dd>{periodText(ui, summary)}</dd>
        <dt>{t.rows}</dt>
        <dd>{fmt.number(report.rows)}</dd>
      </dl>
      <Tiles
        items={[
          { label: t.theirRows, value: fmt.number(summary.theirRows) },
          { label: t.matched, value: fmt.number(summary.matched) },
          ...DISCREPANCY_KINDS.map((kind) => ({ label: k[kind], value: fmt.number(countOf(summary, kind)) })),
          { label: t.duplicates, value: fmt.number(summary.duplicates) },
          { label: t.invalidRows, value: fmt.number(summary.invalidRows) },
        ]}
      />
      {summary.issues.length > 0 && (
        <section aria-labelledby="issues-title">
          <h2 id="issues-title">{t.issues}</h2>
          {summary.invalidRows > summary.issues.length && (
            <p class="muted">{t.someIssues(summary.issues.length, summary.invalidRows)}</p>
          )}
          <div class="table-wrap">
            <table id="issues">
              <thead>
                <tr>
                  <th scope="col" class="num">
                    {t.line}
                  </th>
                  <th scope="col">{t.problem}</th>
                </tr>
              </thead>
              <tbody>
                {summary.issues.map((issue) => (
                  <tr>
                    <td class="num">{fmt.number(issue.line)}</td>
                    <td>{issue.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      <section aria-labelledby="differences-title">
        <h2 id="differences-title">{t.differences}</h2>
        <form method="get" action={`/console/reconciliation/${report.id}`} class="filters">
          <Field id="kind" label={t.kind}>
            <select id="kind" name="kind">
              <option value="">{t.allKinds}</option>
              {DISCREPANCY_KINDS.map((kind) => (
                <option value={kind} selected={kind === props.kind}>
                  {k[kind]}
                </option>
              ))}
            </select>
          </Field>
          <button type="submit" class="secondary">
            {t.show}
          </button>
        </form>
        {props.differences.length === 0 ? (
          <p class="muted">{t.noDifference}</p>
        ) : (
          <div class="table-wrap">
            <table id="differences">
              <thead>
                <tr>
                  <th scope="col">{t.transaction}</th>
                  <th scope="col">{t.kind}</th>
                  <th scope="col">{t.ourStatus}</th>
                  <th scope="col" class="num">
                    {t.ourAmount}
                  </th>
                  <th scope="col" class="num">
                    {t.theirLine}
                  </th>
                  <th scope="col">{t.theirStatus}</th>
                  <th scope="col" class="num">
                    {t.theirAmount}
                  </th>
                </tr>
              </thead>
              <tbody>
                {props.differences.map((d) => (
                  <DifferenceRow ui={ui} difference={d} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager ui={ui} nextCursor={props.nextCursor} />
      </section>
    </Layout>
  );
}

function DifferenceRow(props: { ui: Ui; difference: Difference }) {
  const { ui, difference: d } = props;
  const t = m[ui.lang];
  const ours = d.ours as Discrepancy['ours'];
  const theirs = d.theirs as Discrepancy['theirs'];
  const status = (s: string | null | undefined) => (s ? (statuses[ui.lang][s as ConversionStatus] ?? s) : undefined);
  const theirStatus = theirs?.rawStatus
    ? theirs.status
      ? `${status(theirs.status)} (${theirs.rawStatus})`
      : `${theirs.rawStatus} (${t.notUnderstood})`
    : '';
  return (
    <tr>
      <th scope="row">
        {ours ? <a href={`/console/conversions/${ours.conversionId}`}>{d.transactionId}</a> : d.transactionId}
      </th>
      <td>{kinds[ui.lang][d.kind as DiscrepancyKind] ?? d.kind}</td>
      <td>{ours ? status(ours.status) : ''}</td>
      <td class="num">{ours ? ui.fmt.money(ours.amountMinor, ours.currency) : ''}</td>
      <td class="num">{theirs ? ui.fmt.number(theirs.line) : ''}</td>
      <td>{theirStatus}</td>
      <td class="num">
        {theirs && theirs.amountMinor !== null ? ui.fmt.money(theirs.amountMinor, theirs.currency) : ''}
      </td>
    </tr>
  );
}

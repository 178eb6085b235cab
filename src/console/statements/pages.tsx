// The statements pages: the list with its filters, and one statement as the printable invoice it is.
import { dateIn } from '../../domain/calendar';
import { isOverdue, STATEMENT_FILTERS, type StatementFilter, type StatementLineKind } from '../../domain/statements';
import type { visibleStatement } from '../../services/statements';
import type { PartnerOption } from '../partner-options';
import { ActionForm, Field, Notice, Pager } from '../ui/components';
import { describedBy, FieldError } from '../ui/field-error';
import { Layout } from '../ui/layout';
import type { Lang } from '../ui/locale';
import { messages } from '../ui/messages';
import { PartnerSelect } from '../ui/partner-select';
import type { Ui } from '../ui/ui';

type Stored = Awaited<ReturnType<typeof visibleStatement>>;
export type StatementRow = Stored['statement'];
export type StatementLineRow = Stored['lines'][number];

const DAY_MS = 86_400_000;

const m = messages(
  {
    title: 'Statements',
    intro:
      "Each month's commission statement of each partner: issued once the month is over, numbered without gaps, never changed but for being marked paid.",
    month: 'Month',
    monthHint: 'For example 2026-11.',
    status: 'Status',
    anyStatus: 'Any status',
    show: 'Show',
    none: 'No statement matches.',
    number: 'Number',
    partner: 'Partner',
    totalExclVat: 'Total excl. VAT',
    vat: 'VAT',
    totalInclVat: 'Total incl. VAT',
    due: 'Due by',
    notAMonth: 'Not a month: write it YYYY-MM, e.g. 2026-11.',
    pageTitle: (number: string) => `Statement ${number}`,
    back: 'All statements',
    issuedBy: 'Issued by',
    billedTo: 'Billed to',
    vatNumber: (n: string) => `VAT number: ${n}`,
    registration: (r: string) => `Registration: ${r}`,
    noIssuer: 'The issuer was not set when this statement was issued.',
    details: 'Statement',
    monthStated: 'Month stated',
    issuedOn: 'Issued on',
    terms: 'Payment terms',
    termsDays: (days: number, due: string) => `${days} day(s): due by ${due}`,
    paidOn: 'Paid on',
    lines: 'Lines',
    noLines: 'No line.',
    kind: 'Line',
    transaction: 'Transaction',
    occurred: 'Occurred',
    amount: 'Sale amount',
    commission: 'Commission',
    totals: 'Totals',
    adjustments: 'Adjustments',
    vatAt: (rate: string) => `VAT at ${rate}`,
    markPaid: 'Mark paid',
    paidAt: 'Payment received on',
    paidAtHint: 'The day the payment reached the account; not after today.',
    confirmPaid: (number: string) => `Mark statement ${number} paid? A statement marked paid stays paid.`,
    markedPaid: 'Statement marked paid.',
    notADate: 'Not a date.',
    inFuture: 'A payment cannot have been received after today.',
    print: 'To print this statement or save it as PDF, use your browser’s Print command.',
  },
  {
    title: 'Relevés',
    intro:
      'Le relevé de commissions de chaque partenaire pour chaque mois : émis une fois le mois terminé, numéroté sans trou, jamais modifié sauf pour être marqué payé.',
    month: 'Mois',
    monthHint: 'Par exemple 2026-11.',
    status: 'Statut',
    anyStatus: 'Tous les statuts',
    show: 'Afficher',
    none: 'Aucun relevé ne correspond.',
    number: 'Numéro',
    partner: 'Partenaire',
    totalExclVat: 'Total HT',
    vat: 'TVA',
    totalInclVat: 'Total TTC',
    due: 'Échéance',
    notAMonth: "Ce n'est pas un mois : écrivez-le AAAA-MM, par exemple 2026-11.",
    pageTitle: (number: string) => `Relevé ${number}`,
    back: 'Tous les relevés',
    issuedBy: 'Émis par',
    billedTo: 'Facturé à',
    vatNumber: (n: string) => `N° de TVA : ${n}`,
    registration: (r: string) => `Immatriculation : ${r}`,
    noIssuer: "L'émetteur n'était pas renseigné quand ce relevé a été émis.",
    details: 'Relevé',
    monthStated: 'Mois concerné',
    issuedOn: 'Émis le',
    terms: 'Conditions de paiement',
    termsDays: (days: number, due: string) => `${days} jour(s) : à régler au plus tard le ${due}`,
    paidOn: 'Payé le',
    lines: 'Lignes',
    noLines: 'Aucune ligne.',
    kind: 'Ligne',
    transaction: 'Transaction',
    occurred: 'Date',
    amount: 'Montant de la vente',
    commission: 'Commission',
    totals: 'Totaux',
    adjustments: 'Régularisations',
    vatAt: (rate: string) => `TVA à ${rate}`,
    markPaid: 'Marquer payé',
    paidAt: 'Paiement reçu le',
    paidAtHint: "Le jour où le paiement est arrivé sur le compte ; pas après aujourd'hui.",
    confirmPaid: (number: string) => `Marquer le relevé ${number} comme payé ? Un relevé marqué payé le reste.`,
    markedPaid: 'Relevé marqué payé.',
    notADate: "Ce n'est pas une date.",
    inFuture: "Un paiement ne peut pas avoir été reçu après aujourd'hui.",
    print: "Pour imprimer ce relevé ou l'enregistrer en PDF, utilisez la commande Imprimer du navigateur.",
  },
);

const statusNames = messages(
  { issued: 'Issued', paid: 'Paid', overdue: 'Overdue' } satisfies Record<StatementFilter, string>,
  { issued: 'Émis', paid: 'Payé', overdue: 'En retard' },
);

const lineKinds = messages(
  { commission: 'Commission', late: 'Approved late', adjustment: 'Adjustment' } satisfies Record<
    StatementLineKind,
    string
  >,
  { commission: 'Commission', late: 'Validée après coup', adjustment: 'Régularisation' },
);

const monthFormats = new Map<Lang, Intl.DateTimeFormat>();
/** A month `YYYY-MM` as written in the language ("March 2041", "mars 2041"). */
export function monthName(lang: Lang, month: string): string {
  let format = monthFormats.get(lang);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    });
    monthFormats.set(lang, format);
  }
  return format.format(new Date(`${month}-01T00:00:00Z`));
}

/** The day of an instant in the programme's zone, as written in the language: due and paid dates are days. */
const dayOf = (ui: Ui, at: Date) => ui.fmt.date(dateIn(at.getTime(), ui.fmt.timeZone));

/** Where a statement stands at `nowMs`: paid, overdue (issued and past due) or issued. */
export const standingOf = (s: StatementRow, nowMs: number): StatementFilter =>
  isOverdue({ status: s.status, dueAtMs: s.dueAt.getTime() }, nowMs) ? 'overdue' : s.status;

/** A statement's standing as a badge that says it in words, not in colour only. */
function Standing(props: { ui: Ui; statement: StatementRow; nowMs: number }) {
  const standing = standingOf(props.statement, props.nowMs);
  const cls = standing === 'overdue' ? 'badge bad' : standing === 'paid' ? 'badge good' : 'badge';
  return <span class={cls}>{statusNames[props.ui.lang][standing]}</span>;
}

export type StatementFilters = { partner?: string; month?: string; status?: StatementFilter };

/** The list of statements, newest first, filtered by partner, month and status. */
export function StatementsPage(props: {
  ui: Ui;
  partners: readonly PartnerOption[];
  filters: StatementFilters;
  /** The month field as typed, kept when it is not a month. */
  monthText?: string;
  monthError?: boolean;
  statements: readonly StatementRow[];
  nextCursor: string | null;
  nowMs: number;
}) {
  const { ui, filters } = props;
  const t = m[ui.lang];
  const money = (minor: number, s: StatementRow) => ui.fmt.money(minor, s.currency);
  return (
    <Layout ui={ui} title={t.title}>
      {props.monthError && <Notice kind="error">{t.notAMonth}</Notice>}
      <p>{t.intro}</p>
      <form method="get" action="/console/statements" class="filters">
        <PartnerSelect ui={ui} id="partner" options={props.partners} selected={filters.partner} />
        <Field id="month" label={t.month} hint={t.monthHint}>
          <input
            type="month"
            id="month"
            name="month"
            value={props.monthText ?? filters.month}
            aria-invalid={props.monthError ? 'true' : undefined}
            aria-describedby={describedBy('month', { hint: true, error: props.monthError })}
          />
          {props.monthError && <FieldError id="month" message={t.notAMonth} />}
        </Field>
        <Field id="status" label={t.status}>
          <select id="status" name="status">
            <option value="">{t.anyStatus}</option>
            {STATEMENT_FILTERS.map((s) => (
              <option value={s} selected={s === filters.status}>
                {statusNames[ui.lang][s]}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" class="secondary">
          {t.show}
        </button>
      </form>
      {props.statements.length === 0 ? (
        <p class="muted">{t.none}</p>
      ) : (
        <div class="table-wrap">
          <table id="statements">
            <thead>
              <tr>
                <th scope="col">{t.number}</th>
                <th scope="col">{t.partner}</th>
                <th scope="col">{t.month}</th>
                <th scope="col" class="num">
                  {t.totalExclVat}
                </th>
                <th scope="col" class="num">
                  {t.vat}
                </th>
                <th scope="col" class="num">
                  {t.totalInclVat}
                </th>
                <th scope="col">{t.status}</th>
                <th scope="col">{t.due}</th>
              </tr>
            </thead>
            <tbody>
              {props.statements.map((s) => (
                <tr>
                  <th scope="row">
                    <a href={`/console/statements/${s.id}`}>{s.number}</a>
                  </th>
                  <td>{s.billedTo.name ?? s.partnerId}</td>
                  <td>{monthName(ui.lang, s.month)}</td>
                  <td class="num">{money(s.totalExclVatMinor, s)}</td>
                  <td class="num">{money(s.vatMinor, s)}</td>
                  <td class="num">{money(s.totalInclVatMinor, s)}</td>
                  <td>
                    <Standing ui={ui} statement={s} nowMs={props.nowMs} />
                  </td>
                  <td>{dayOf(ui, s.dueAt)}</td>
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

/** Lines of an address as written, one a line. */
function Lines(props: { text: string | null | undefined }) {
  const lines = (props.text ?? '').split(/\r?\n/).filter((l) => l.trim() !== '');
  return (
    <>
      {lines.map((line, i) => (
        <>
          {i > 0 && <br />}
          {line}
        </>
      ))}
    </>
  );
}

/**
 * One statement as the invoice it is: the seller and the partner's legal identities, the month,
 * dates and payment terms, every line, the totals with VAT; and, on screen only, marking it paid.
 */
export function StatementPage(props: {
  ui: Ui;
  statement: StatementRow;
  lines: readonly StatementLineRow[];
  nowMs: number;
  /** The date field of "Mark paid": today in the programme's zone, or what was sent. */
  paidAt: string;
  paidAtError?: string;
  done?: boolean;
}) {
  const { ui, statement: s } = props;
  const t = m[ui.lang];
  const fmt = ui.fmt;
  const money = (minor: number) => fmt.money(minor, s.currency);
  const issuer = s.issuedBy;
  const billed = s.billedTo;
  const termsDays = Math.round((s.dueAt.getTime() - s.issuedAt.getTime()) / DAY_MS);
  const vatRate = fmt.percent(s.vatRateBp / 10_000);
  return (
    <Layout ui={ui} title={t.pageTitle(s.number)}>
      {props.done && <Notice>{t.markedPaid}</Notice>}
      {props.paidAtError && <Notice kind="error">{props.paidAtError}</Notice>}
      <div class="no-print">
        <p>
          <a href="/console/statements">{t.back}</a>
        </p>
        <p class="muted">{t.print}</p>
      </div>
      <div class="grid">
        <section aria-labelledby="issuer-title">
          <h2 id="issuer-title">{t.issuedBy}</h2>
          {issuer?.name ? (
            <address>
              <strong>{issuer.name}</strong>
              <br />
              <Lines text={issuer.address} />
              {issuer.vatNumber && (
                <>
                  <br />
                  {t.vatNumber(issuer.vatNumber)}
                </>
              )}
              {issuer.registration && (
                <>
                  <br />
                  {t.registration(issuer.registration)}
                </>
              )}
            </address>
          ) : (
            <p class="muted">{t.noIssuer}</p>
          )}
        </section>
        <section aria-labelledby="billed-title">
          <h2 id="billed-title">{t.billedTo}</h2>
          <address>
            <strong>{billed.legalName ?? billed.name ?? s.partnerId}</strong>
            {billed.legalName && billed.name && billed.name !== billed.legalName && (
              <>
                <br />
                {billed.name}
              </>
            )}
            {billed.address && (
              <>
                <br />
                <Lines text={billed.address} />
              </>
            )}
            {billed.vatNumber && (
              <>
                <br />
                {t.vatNumber(billed.vatNumber)}
              </>
            )}
          </address>
        </section>
      </div>
      <section aria-labelledby="details-title">
        <h2 id="details-title">{t.details}</h2>
        <dl class="facts">
          <dt>{t.number}</dt>
          <dd>{s.number}</dd>
          <dt>{t.monthStated}</dt>
          <dd>{monthName(ui.lang, s.month)}</dd>
          <dt>{t.issuedOn}</dt>
          <dd>{dayOf(ui, s.issuedAt)}</dd>
          <dt>{t.terms}</dt>
          <dd>{t.termsDays(termsDays, dayOf(ui, s.dueAt))}</dd>
          <dt>{t.status}</dt>
          <dd>
            <Standing ui={ui} statement={s} nowMs={props.nowMs} />
          </dd>
          {s.paidAt && (
            <>
              <dt>{t.paidOn}</dt>
              <dd>{dayOf(ui, s.paidAt)}</dd>
            </>
          )}
        </dl>
      </section>
      <section aria-labelledby="lines-title">
        <h2 id="lines-title">{t.lines}</h2>
        {props.lines.length === 0 ? (
          <p class="muted">{t.noLines}</p>
        ) : (
          <div class="table-wrap">
            <table id="lines">
              <thead>
                <tr>
                  <th scope="col">{t.transaction}</th>
                  <th scope="col">{t.kind}</th>
                  <th scope="col">{t.occurred}</th>
                  <th scope="col" class="num">
                    {t.amount}
                  </th>
                  <th scope="col" class="num">
                    {t.commission}
                  </th>
                </tr>
              </thead>
              <tbody>
                {props.lines.map((line) => (
                  <tr>
                    <th scope="row">
                      <a href={`/console/conversions/${line.conversionId}`}>{line.transactionId}</a>
                    </th>
                    <td>{lineKinds[ui.lang][line.kind]}</td>
                    <td>{fmt.dateTime(line.occurredAt)}</td>
                    <td class="num">{money(line.amountMinor)}</td>
                    <td class="num">{money(line.commissionMinor)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="totals-title">
        <h2 id="totals-title">{t.totals}</h2>
        <div class="table-wrap">
          <table id="totals">
            <tbody>
              <tr>
                <th scope="row">{t.commission}</th>
                <td class="num">{money(s.commissionMinor)}</td>
              </tr>
              <tr>
                <th scope="row">{t.adjustments}</th>
                <td class="num">{money(s.adjustmentsMinor)}</td>
              </tr>
              <tr>
                <th scope="row">{t.totalExclVat}</th>
                <td class="num">{money(s.totalExclVatMinor)}</td>
              </tr>
              <tr>
                <th scope="row">{t.vatAt(vatRate)}</th>
                <td class="num">{money(s.vatMinor)}</td>
              </tr>
              <tr>
                <th scope="row">{t.totalInclVat}</th>
                <td class="num">
                  <strong>{money(s.totalInclVatMinor)}</strong>
                </td>
              </tr>
            </tbody>
          </table>
        </div>
      </section>
      {s.status === 'issued' && (
        <section aria-labelledby="paid-title" class="no-print">
          <h2 id="paid-title">{t.markPaid}</h2>
          <ActionForm ui={ui} action={`/console/statements/${s.id}/paid`} confirm={t.confirmPaid(s.number)}>
            <Field id="paidAt" label={t.paidAt} hint={t.paidAtHint}>
              <input
                type="date"
                id="paidAt"
                name="paidAt"
                value={props.paidAt}
                required
                aria-invalid={props.paidAtError ? 'true' : undefined}
                aria-describedby={describedBy('paidAt', { hint: true, error: props.paidAtError })}
              />
              {props.paidAtError && <FieldError id="paidAt" message={props.paidAtError} />}
            </Field>
            <button type="submit">{t.markPaid}</button>
          </ActionForm>
        </section>
      )}
    </Layout>
  );
}

/** What is wrong with the date a payment was received on, in the page's language. */
export const paidAtProblem = (ui: Ui, problem: 'notADate' | 'inFuture') => m[ui.lang][problem];

// One conversion: its amounts and commission, attribution, commission lines, refunds and history;
// an admin approves, rejects or records a refund from here.
import { majorToMinor, minorToMajor, minorUnitsOf } from '../../domain/money';
import type { ConversionReview } from '../../services/conversion-review';
import type { CommissionDetail, DetailLine } from '../../services/conversions';
import { ActionForm, Field, Notice } from '../ui/components';
import { durationOf } from '../ui/duration';
import { FieldError } from '../ui/field-error';
import { Layout } from '../ui/layout';
import { messages } from '../ui/messages';
import { isAdmin, type Ui } from '../ui/ui';
import { EVENT_LABELS, METHOD_LABELS, SOURCE_LABELS, STATUS_LABELS, statusClass } from './labels';

const m = messages(
  {
    title: (transactionId: string) => `Conversion ${transactionId}`,
    back: 'All conversions',
    money: 'Amounts and commission',
    amount: 'Amount',
    refunded: 'Refunded so far',
    commission: 'Commission',
    earned: 'Commission before refunds',
    inReporting: (currency: string) => `In the partner’s currency (${currency})`,
    reportingAmount: 'Amount',
    reportingCommission: 'Commission',
    rate: 'Exchange rate',
    rateOf: (from: string, rate: string, to: string) => `1 ${from} = ${rate} ${to}`,
    waitingRate: 'Waiting for the exchange rate of the day it occurred.',
    details: 'Details',
    partner: 'Partner',
    transaction: 'Transaction id',
    event: 'Event',
    status: 'Status',
    rawStatus: (raw: string) => `partner’s status: ${raw}`,
    category: 'Category',
    occurredAt: 'Occurred',
    recordedAt: 'Recorded',
    approvedAt: 'Approved',
    reason: 'Reason',
    attribution: 'Attribution',
    method: 'Method',
    confidence: 'Confidence',
    click: 'Click',
    clickAt: (id: string, at: string) => `${id}, ${at}`,
    link: 'Link',
    toConvert: 'Click to conversion',
    signals: 'Signals received',
    reportedClickId: 'Click id sent',
    coupon: 'Coupon',
    referralCode: 'Referral code',
    customer: 'App user id (hashed)',
    visitor: 'Visitor cookie',
    fingerprint: 'Fingerprint',
    present: 'yes',
    absent: 'no',
    none: '—',
    lines: 'Commission lines',
    lineCaption: 'Order lines and what each earns',
    noLines: 'No commission detail was kept for this conversion.',
    sku: 'SKU',
    quantity: 'Quantity',
    rule: 'Rule',
    noRule: 'no rule',
    fixed: (fee: string) => `${fee} fixed`,
    takenBack: 'Taken back',
    refunds: 'Refunds',
    refundedTotal: 'Refunded total',
    takenBackTotal: 'Commission taken back',
    refundCaption: 'Refunds recorded, oldest first',
    noRefund: 'Nothing refunded.',
    history: 'History',
    historyCaption: 'Every change, oldest first',
    when: 'When',
    change: 'Change',
    created: (to: string) => `Recorded as ${to}`,
    moved: (from: string, to: string) => `${from} → ${to}`,
    sameStatus: (status: string) => `${status} (refund)`,
    commissionAfter: 'Commission',
    by: 'By',
    review: 'Review',
    approve: 'Approve',
    approveSure: 'Approve this conversion? Its commission becomes payable.',
    reject: 'Reject',
    rejectReason: 'Reason for rejecting',
    rejectSure: 'Reject this conversion? It will earn nothing, and this cannot be undone.',
    refund: 'Record the refund',
    refundField: (currency: string) => `Refunded total (${currency})`,
    refundHint:
      'The total refunded so far, not only this refund. Less than the amount: the commission is computed again on what remains; the whole amount reverses the conversion.',
    refundSure: 'Record this refunded total? The commission will be computed again.',
    reasonNeeded: 'Say why the conversion is rejected (500 characters at most).',
    notAmount: 'Enter an amount, such as 12.50.',
    negative: 'Enter an amount of zero or more.',
    aboveAmount: (amount: string) => `The refunded total cannot be more than the amount, ${amount}.`,
    belowRefunded: (refunded: string) =>
      `${refunded} is refunded already: enter the total refunded so far, that much or more.`,
    refused: (status: string) => `This conversion is ${status} now: that change is no longer possible.`,
    doneApproved: 'The conversion is approved.',
    doneRejected: 'The conversion is rejected.',
    doneRefunded: 'The refund is recorded.',
  },
  {
    title: (transactionId: string) => `Conversion ${transactionId}`,
    back: 'Toutes les conversions',
    money: 'Montants et commission',
    amount: 'Montant',
    refunded: 'Remboursé à ce jour',
    commission: 'Commission',
    earned: 'Commission avant remboursements',
    inReporting: (currency: string) => `Dans la devise du partenaire (${currency})`,
    reportingAmount: 'Montant',
    reportingCommission: 'Commission',
    rate: 'Taux de change',
    rateOf: (from: string, rate: string, to: string) => `1 ${from} = ${rate} ${to}`,
    waitingRate: 'En attente du taux de change du jour où elle a eu lieu.',
    details: 'Détails',
    partner: 'Partenaire',
    transaction: 'Identifiant de transaction',
    event: 'Événement',
    status: 'Statut',
    rawStatus: (raw: string) => `statut du partenaire : ${raw}`,
    category: 'Catégorie',
    occurredAt: 'Date',
    recordedAt: 'Enregistrée',
    approvedAt: 'Validée',
    reason: 'Motif',
    attribution: 'Attribution',
    method: 'Méthode',
    confidence: 'Confiance',
    click: 'Clic',
    clickAt: (id: string, at: string) => `${id}, ${at}`,
    link: 'Lien',
    toConvert: 'Du clic à la conversion',
    signals: 'Signaux reçus',
    reportedClickId: 'Identifiant de clic envoyé',
    coupon: 'Code promo',
    referralCode: 'Code de parrainage',
    customer: "Identifiant d'utilisateur (haché)",
    visitor: 'Cookie visiteur',
    fingerprint: 'Empreinte',
    present: 'oui',
    absent: 'non',
    none: '—',
    lines: 'Lignes de commission',
    lineCaption: 'Lignes de commande et ce que chacune rapporte',
    noLines: "Aucun détail de commission n'a été conservé pour cette conversion.",
    sku: 'Référence',
    quantity: 'Quantité',
    rule: 'Règle',
    noRule: 'aucune règle',
    fixed: (fee: string) => `${fee} fixe`,
    takenBack: 'Reprise',
    refunds: 'Remboursements',
    refundedTotal: 'Total remboursé',
    takenBackTotal: 'Commission reprise',
    refundCaption: 'Remboursements enregistrés, les plus anciens en premier',
    noRefund: 'Rien de remboursé.',
    history: 'Historique',
    historyCaption: 'Chaque changement, le plus ancien en premier',
    when: 'Quand',
    change: 'Changement',
    created: (to: string) => `Enregistrée : ${to}`,
    moved: (from: string, to: string) => `${from} → ${to}`,
    sameStatus: (status: string) => `${status} (remboursement)`,
    commissionAfter: 'Commission',
    by: 'Par',
    review: 'Décision',
    approve: 'Valider',
    approveSure: 'Valider cette conversion ? Sa commission devient due.',
    reject: 'Refuser',
    rejectReason: 'Motif du refus',
    rejectSure: 'Refuser cette conversion ? Elle ne rapportera rien, et ce sera définitif.',
    refund: 'Enregistrer le remboursement',
    refundField: (currency: string) => `Total remboursé (${currency})`,
    refundHint:
      'Le total remboursé à ce jour, pas seulement ce remboursement. Moins que le montant : la commission est recalculée sur ce qui reste ; le montant entier annule la conversion.',
    refundSure: 'Enregistrer ce total remboursé ? La commission sera recalculée.',
    reasonNeeded: 'Indiquez pourquoi la conversion est refusée (500 caractères au plus).',
    notAmount: 'Saisissez un montant, par exemple 12,50.',
    negative: 'Saisissez un montant positif ou nul.',
    aboveAmount: (amount: string) => `Le total remboursé ne peut pas dépasser le montant, ${amount}.`,
    belowRefunded: (refunded: string) =>
      `${refunded} est déjà remboursé : saisissez le total remboursé à ce jour, au moins autant.`,
    refused: (status: string) => `Cette conversion est maintenant « ${status} » : ce changement n'est plus possible.`,
    doneApproved: 'La conversion est validée.',
    doneRejected: 'La conversion est refusée.',
    doneRefunded: 'Le remboursement est enregistré.',
  },
);

/** What an admin just did, as the page is told after it (`?done=`). */
const DONE = { approved: 'doneApproved', rejected: 'doneRejected', refunded: 'doneRefunded' } as const;

/** What was wrong with a refunded total sent. */
export type RefundProblem = 'notAmount' | 'negative' | 'aboveAmount' | 'belowRefunded';

/** What the review forms were sent with and what was wrong with it, to show them again. */
export type ReviewForms = {
  reason?: string;
  refundedAmount?: string;
  errors?: { reason?: 'needed'; refundedAmount?: RefundProblem };
  /** A change of status the rules refused (from a page shown before another change, say). */
  refused?: boolean;
};

/** A value as a plain decimal in major units, as the refund field takes it. */
const plainMajor = (minor: number, currency: string) => minorToMajor(minor, currency).toFixed(minorUnitsOf(currency));

export function ConversionPage(props: {
  ui: Ui;
  review: ConversionReview;
  partnerName: string;
  done?: string;
  forms?: ReviewForms;
}) {
  const { ui, review } = props;
  const { conversion: c, history, click, link } = review;
  const t = m[ui.lang];
  const fmt = ui.fmt;
  const money = (minor: number) => fmt.money(minor, c.currency);
  const admin = isAdmin(ui);
  const forms = props.forms ?? {};
  const done = props.done && Object.hasOwn(DONE, props.done) ? t[DONE[props.done as keyof typeof DONE]] : undefined;
  const detail = c.commissionDetail as CommissionDetail | null;
  const status = (s: string) => STATUS_LABELS[ui.lang][s as keyof (typeof STATUS_LABELS)['en']] ?? s;
  const takenBack = detail?.refund?.takenBackMinor ?? c.earnedCommissionMinor - c.commissionMinor;
  const refunds = refundsOf(history);
  const canApprove = admin && c.status === 'pending';
  const canRefund = admin && (c.status === 'pending' || c.status === 'approved');
  const reasonError = forms.errors?.reason && t.reasonNeeded;
  const refundProblem = forms.errors?.refundedAmount;
  const refundError =
    refundProblem === 'aboveAmount'
      ? t.aboveAmount(money(c.amountMinor))
      : refundProblem === 'belowRefunded'
        ? t.belowRefunded(money(c.refundedAmountMinor))
        : refundProblem && t[refundProblem];
  return (
    <Layout ui={ui} title={t.title(c.transactionId)}>
      <p class="no-print">
        <a href="/console/conversions">{t.back}</a>
      </p>
      {done && <Notice>{done}</Notice>}
      {forms.refused && <Notice kind="error">{t.refused(status(c.status).toLocaleLowerCase(ui.lang))}</Notice>}

      <h2>{t.money}</h2>
      <dl class="facts">
        <dt>{t.amount}</dt>
        <dd>{money(c.amountMinor)}</dd>
        <dt>{t.refunded}</dt>
        <dd>{money(c.refundedAmountMinor)}</dd>
        <dt>{t.commission}</dt>
        <dd>{money(c.commissionMinor)}</dd>
        <dt>{t.earned}</dt>
        <dd>{money(c.earnedCommissionMinor)}</dd>
      </dl>
      {c.currency !== c.reportingCurrency && (
        <>
          <h3>{t.inReporting(c.reportingCurrency)}</h3>
          {c.exchangeRate === null || c.reportingAmountMinor === null || c.reportingCommissionMinor === null ? (
            <p>{t.waitingRate}</p>
          ) : (
            <dl class="facts">
              <dt>{t.reportingAmount}</dt>
              <dd>{fmt.money(c.reportingAmountMinor, c.reportingCurrency)}</dd>
              <dt>{t.reportingCommission}</dt>
              <dd>{fmt.money(c.reportingCommissionMinor, c.reportingCurrency)}</dd>
              <dt>{t.rate}</dt>
              <dd>{t.rateOf(c.currency, fmt.number(Number(c.exchangeRate)), c.reportingCurrency)}</dd>
            </dl>
          )}
        </>
      )}

      {admin && (canApprove || canRefund) && (
        <section aria-labelledby="review" class="no-print">
          <h2 id="review">{t.review}</h2>
          {canApprove && (
            <div class="actions">
              <ActionForm ui={ui} action={`/console/conversions/${c.id}/approve`} confirm={t.approveSure}>
                <button type="submit">{t.approve}</button>
              </ActionForm>
            </div>
          )}
          {canApprove && (
            <ActionForm ui={ui} action={`/console/conversions/${c.id}/reject`} confirm={t.rejectSure}>
              <Field id="reason" label={t.rejectReason}>
                <input
                  type="text"
                  id="reason"
                  name="reason"
                  required
                  maxlength={500}
                  value={forms.reason ?? ''}
                  aria-invalid={reasonError ? 'true' : undefined}
                  aria-describedby={reasonError ? 'reason-error' : undefined}
                />
                <FieldError id="reason" message={reasonError} />
              </Field>
              <p>
                <button type="submit" class="danger">
                  {t.reject}
                </button>
              </p>
            </ActionForm>
          )}
          {canRefund && (
            <ActionForm ui={ui} action={`/console/conversions/${c.id}/refund`} confirm={t.refundSure}>
              <Field id="refundedAmount" label={t.refundField(c.currency)} hint={t.refundHint}>
                <input
                  type="text"
                  id="refundedAmount"
                  name="refundedAmount"
                  inputmode="decimal"
                  required
                  value={forms.refundedAmount ?? plainMajor(c.refundedAmountMinor, c.currency)}
                  aria-invalid={refundError ? 'true' : undefined}
                  aria-describedby={refundError ? 'refundedAmount-error refundedAmount-hint' : 'refundedAmount-hint'}
                />
                <FieldError id="refundedAmount" message={refundError} />
              </Field>
              <p>
                <button type="submit" class="secondary">
                  {t.refund}
                </button>
              </p>
            </ActionForm>
          )}
        </section>
      )}

      <h2>{t.details}</h2>
      <dl class="facts">
        {admin && (
          <>
            <dt>{t.partner}</dt>
            <dd>
              <a href={`/console/partners/${c.partnerId}`}>{props.partnerName}</a>
            </dd>
          </>
        )}
        <dt>{t.transaction}</dt>
        <dd>
          <code>{c.transactionId}</code>
        </dd>
        <dt>{t.event}</dt>
        <dd>{EVENT_LABELS[ui.lang][c.event]}</dd>
        <dt>{t.status}</dt>
        <dd>
          <span class={statusClass(c.status)}>{status(c.status)}</span>
          {c.rawStatus && <span class="muted"> ({t.rawStatus(c.rawStatus)})</span>}
        </dd>
        {c.category && (
          <>
            <dt>{t.category}</dt>
            <dd>{c.category}</dd>
          </>
        )}
        <dt>{t.occurredAt}</dt>
        <dd>{fmt.dateTime(c.occurredAt)}</dd>
        <dt>{t.recordedAt}</dt>
        <dd>{fmt.dateTime(c.createdAt)}</dd>
        {c.approvedAt && (
          <>
            <dt>{t.approvedAt}</dt>
            <dd>{fmt.dateTime(c.approvedAt)}</dd>
          </>
        )}
        {c.reversalReason && (
          <>
            <dt>{t.reason}</dt>
            <dd>{c.reversalReason}</dd>
          </>
        )}
      </dl>

      <h2>{t.attribution}</h2>
      <dl class="facts">
        <dt>{t.method}</dt>
        <dd>{METHOD_LABELS[ui.lang][c.attributionMethod]}</dd>
        {c.attributionConfidence !== null && (
          <>
            <dt>{t.confidence}</dt>
            <dd>{fmt.percent(c.attributionConfidence)}</dd>
          </>
        )}
        <dt>{t.click}</dt>
        <dd>
          {click ? (
            <code>{t.clickAt(click.id, fmt.dateTime(click.createdAt))}</code>
          ) : c.clickId ? (
            <code>{c.clickId}</code>
          ) : (
            t.none
          )}
        </dd>
        <dt>{t.link}</dt>
        <dd>{link ? <a href={`/console/links/${link.id}`}>{link.slug}</a> : (c.linkId ?? t.none)}</dd>
        {c.clickToConversionMs !== null && (
          <>
            <dt>{t.toConvert}</dt>
            <dd>{durationOf(fmt, c.clickToConversionMs)}</dd>
          </>
        )}
      </dl>
      <h3>{t.signals}</h3>
      <dl class="facts">
        <dt>{t.reportedClickId}</dt>
        <dd>{c.reportedClickId ? <code>{c.reportedClickId}</code> : t.none}</dd>
        <dt>{t.coupon}</dt>
        <dd>{c.coupon ? <code>{c.coupon}</code> : t.none}</dd>
        <dt>{t.referralCode}</dt>
        <dd>{c.referralCode ? <code>{c.referralCode}</code> : t.none}</dd>
        {/* The keyed hashes are ours to attribute with: a partner is not told which it sent. */}
        {admin && (
          <>
            <dt>{t.customer}</dt>
            <dd>{c.customerHash ? t.present : t.absent}</dd>
            <dt>{t.visitor}</dt>
            <dd>{c.visitorId ? t.present : t.absent}</dd>
            <dt>{t.fingerprint}</dt>
            <dd>{c.fingerprint ? t.present : t.absent}</dd>
          </>
        )}
      </dl>

      <h2>{t.lines}</h2>
      <CommissionLines ui={ui} review={review} detail={detail} />

      <h2>{t.refunds}</h2>
      <dl class="facts">
        <dt>{t.refundedTotal}</dt>
        <dd>{money(c.refundedAmountMinor)}</dd>
        <dt>{t.takenBackTotal}</dt>
        <dd>{money(takenBack)}</dd>
      </dl>
      {refunds.length === 0 ? (
        <p>{t.noRefund}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption>{t.refundCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{t.when}</th>
                <th scope="col" class="num">
                  {t.refundedTotal}
                </th>
                <th scope="col" class="num">
                  {t.commissionAfter}
                </th>
                <th scope="col">{t.by}</th>
              </tr>
            </thead>
            <tbody>
              {refunds.map((h) => (
                <tr>
                  <th scope="row">{fmt.dateTime(h.createdAt)}</th>
                  <td class="num">{money(h.refundedAmountMinor ?? 0)}</td>
                  <td class="num">{h.commissionMinor === null ? t.none : money(h.commissionMinor)}</td>
                  <td>{SOURCE_LABELS[ui.lang][h.source]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>{t.history}</h2>
      <div class="table-wrap">
        <table>
          <caption>{t.historyCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.when}</th>
              <th scope="col">{t.change}</th>
              <th scope="col" class="num">
                {t.commissionAfter}
              </th>
              <th scope="col" class="num">
                {t.refundedTotal}
              </th>
              <th scope="col">{t.reason}</th>
              <th scope="col">{t.by}</th>
            </tr>
          </thead>
          <tbody>
            {history.map((h) => (
              <tr>
                <th scope="row">{fmt.dateTime(h.createdAt)}</th>
                <td>
                  {h.fromStatus === null
                    ? t.created(status(h.toStatus))
                    : h.fromStatus === h.toStatus
                      ? t.sameStatus(status(h.toStatus))
                      : t.moved(status(h.fromStatus), status(h.toStatus))}
                </td>
                <td class="num">
                  {h.commissionMinor === null
                    ? t.none
                    : h.commissionBeforeMinor !== null && h.commissionBeforeMinor !== h.commissionMinor
                      ? `${money(h.commissionBeforeMinor)} → ${money(h.commissionMinor)}`
                      : money(h.commissionMinor)}
                </td>
                <td class="num">{h.refundedAmountMinor === null ? t.none : money(h.refundedAmountMinor)}</td>
                <td>{h.reason ?? ''}</td>
                <td>
                  {SOURCE_LABELS[ui.lang][h.source]}
                  {h.actor !== null && review.actorEmails.has(h.actor) && ` (${review.actorEmails.get(h.actor)})`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

/** The history rows that changed the refunded total. */
function refundsOf(history: ConversionReview['history']) {
  let before = 0;
  return history.filter((h) => {
    const total = h.refundedAmountMinor ?? before;
    const isRefund = total !== before;
    before = total;
    return isRefund;
  });
}

/** The order lines beside what each earned: the commission detail's priced lines, else the lines as posted. */
function CommissionLines(props: { ui: Ui; review: ConversionReview; detail: CommissionDetail | null }) {
  const { ui, detail } = props;
  const c = props.review.conversion;
  const t = m[ui.lang];
  const money = (minor: number) => ui.fmt.money(minor, c.currency);
  const items = c.items ?? [];
  const priced: (DetailLine | undefined)[] = Array.isArray(detail?.lines) ? detail.lines : [];
  const count = Math.max(items.length, priced.length);
  if (count === 0) return <p>{t.noLines}</p>;
  const ruleOf = (line: DetailLine | undefined) => {
    if (!line) return t.none;
    const rule = line.rule;
    if (!rule) return t.noRule;
    if (rule.percent !== undefined) return `${ui.fmt.number(rule.percent)} %`;
    const currency = rule.currency ?? c.currency;
    return t.fixed(ui.fmt.money(majorToMinor(rule.fixed ?? 0, currency), currency));
  };
  return (
    <div class="table-wrap">
      <table>
        <caption>{t.lineCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{t.category}</th>
            <th scope="col">{t.sku}</th>
            <th scope="col" class="num">
              {t.quantity}
            </th>
            <th scope="col" class="num">
              {t.amount}
            </th>
            <th scope="col" class="num">
              {t.refunded}
            </th>
            <th scope="col">{t.rule}</th>
            <th scope="col" class="num">
              {t.commission}
            </th>
            <th scope="col" class="num">
              {t.takenBack}
            </th>
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: count }, (_, i) => {
            const item = items[i];
            const line = priced[i];
            const amount = item?.amountMinor ?? line?.amountMinor ?? 0;
            const refunded =
              item?.refundedAmountMinor ??
              line?.refundedAmountMinor ??
              (items.length === 0 && count === 1 ? c.refundedAmountMinor : 0);
            return (
              <tr>
                <th scope="row">{item?.category ?? line?.category ?? c.category ?? t.none}</th>
                <td>{item?.sku ?? ''}</td>
                <td class="num">{item?.quantity === undefined ? '' : ui.fmt.number(item.quantity)}</td>
                <td class="num">{money(amount)}</td>
                <td class="num">{money(refunded)}</td>
                <td>{ruleOf(line)}</td>
                <td class="num">{line ? money(line.commissionMinor) : t.none}</td>
                <td class="num">{line?.takenBackMinor === undefined ? money(0) : money(line.takenBackMinor)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

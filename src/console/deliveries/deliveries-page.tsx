// The daily pushes to partners, newest first, filtered by status and partner; and one push with its attempts.
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../domain/delivery-status';
import type { Delivery, DeliveryAttempt } from '../../services/delivery-log';
import type { PartnerName } from '../../services/partner-names';
import type { FieldErrors } from '../query-fields';
import { ActionForm, Notice, Pager } from '../ui/components';
import { FilterForm, PartnerFilter, partnerOptions, SelectFilter } from '../ui/filter-fields';
import { Layout } from '../ui/layout';
import { messages } from '../ui/messages';
import { isAdmin, type Ui } from '../ui/ui';

const STATUS_LABELS: Record<'en' | 'fr', Record<DeliveryStatus, string>> = {
  en: { pending: 'To send', delivered: 'Delivered', failed: 'Failed' },
  fr: { pending: 'À envoyer', delivered: 'Livré', failed: 'Échec' },
};

const statusClass = (status: DeliveryStatus) =>
  status === 'delivered' ? 'badge good' : status === 'failed' ? 'badge bad' : 'badge';

const m = messages(
  {
    title: 'Deliveries',
    intro: 'Each day’s figures are pushed to partners with a webhook URL, signed, and retried until acknowledged.',
    status: 'Status',
    anyStatus: 'Any status',
    day: 'Day',
    partner: 'Partner',
    attempts: 'Attempts',
    lastCode: 'Last answer',
    nextAttempt: 'Next attempt',
    deliveredAt: 'Delivered',
    caption: 'Pushes, newest first',
    none: 'No delivery matches these filters.',
    pageTitle: (day: string) => `Delivery of ${day}`,
    back: 'All deliveries',
    url: 'Sent to',
    webhookId: 'Message id (webhook-id)',
    lastError: 'Last error',
    createdAt: 'Queued',
    attemptLog: 'Attempts',
    attemptCaption: 'Every attempt, oldest first',
    attempt: 'Attempt',
    when: 'When',
    answer: 'Answer',
    error: 'Error',
    duration: 'Duration',
    noAnswer: 'no answer',
    noAttempt: 'Not tried yet.',
    retry: 'Send again',
    retryIntro:
      'Queues this day again now, with its current figures, to the partner’s current webhook URL: a new message with a fresh retry schedule.',
    retrySure: 'Send this day’s figures to the partner again?',
    retried: 'The delivery is queued again.',
    noWebhook: 'The partner has no webhook URL any more: set one on its page first.',
  },
  {
    title: 'Envois',
    intro:
      "Les chiffres de chaque jour sont envoyés aux partenaires qui ont une URL de webhook, signés, et renvoyés jusqu'à accusé de réception.",
    status: 'Statut',
    anyStatus: 'Tous les statuts',
    day: 'Jour',
    partner: 'Partenaire',
    attempts: 'Tentatives',
    lastCode: 'Dernière réponse',
    nextAttempt: 'Prochaine tentative',
    deliveredAt: 'Livré',
    caption: 'Envois, les plus récents en premier',
    none: 'Aucun envoi ne correspond à ces filtres.',
    pageTitle: (day: string) => `Envoi du ${day}`,
    back: 'Tous les envois',
    url: 'Envoyé à',
    webhookId: 'Identifiant du message (webhook-id)',
    lastError: 'Dernière erreur',
    createdAt: 'Mis en file',
    attemptLog: 'Tentatives',
    attemptCaption: 'Chaque tentative, la plus ancienne en premier',
    attempt: 'Tentative',
    when: 'Quand',
    answer: 'Réponse',
    error: 'Erreur',
    duration: 'Durée',
    noAnswer: 'pas de réponse',
    noAttempt: 'Pas encore tenté.',
    retry: 'Renvoyer',
    retryIntro:
      "Remet ce jour en file maintenant, avec ses chiffres actuels, vers l'URL de webhook actuelle du partenaire : un nouveau message, avec de nouvelles tentatives.",
    retrySure: 'Renvoyer au partenaire les chiffres de ce jour ?',
    retried: "L'envoi est remis en file.",
    noWebhook: "Le partenaire n'a plus d'URL de webhook : renseignez-en une sur sa page d'abord.",
  },
);

export type DeliveryFilters = { partnerId?: string; status?: string };

export function DeliveriesPage(props: {
  ui: Ui;
  partners: readonly PartnerName[];
  filters: DeliveryFilters;
  errors: FieldErrors;
  rows: readonly Delivery[];
  nextCursor: string | null;
}) {
  const { ui, filters, errors } = props;
  const t = m[ui.lang];
  const admin = isAdmin(ui);
  const partners = partnerOptions(ui, props.partners);
  const nameOf = new Map(partners.map((p) => [p.id, p.name]));
  return (
    <Layout ui={ui} title={t.title}>
      <p>{t.intro}</p>
      <FilterForm ui={ui} action="/console/deliveries">
        <PartnerFilter ui={ui} partners={partners} value={filters.partnerId} error={errors.partnerId} />
        <SelectFilter
          id="status"
          label={t.status}
          anyLabel={t.anyStatus}
          value={filters.status}
          options={DELIVERY_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[ui.lang][s] }))}
          error={errors.status}
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
                <th scope="col">{t.day}</th>
                {admin && <th scope="col">{t.partner}</th>}
                <th scope="col">{t.status}</th>
                <th scope="col" class="num">
                  {t.attempts}
                </th>
                <th scope="col" class="num">
                  {t.lastCode}
                </th>
                <th scope="col">{t.nextAttempt}</th>
                <th scope="col">{t.deliveredAt}</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((d) => (
                <tr>
                  <th scope="row">
                    <a href={`/console/deliveries/${d.id}`}>{ui.fmt.date(d.date)}</a>
                  </th>
                  {admin && <td>{nameOf.get(d.partnerId) ?? d.partnerId}</td>}
                  <td>
                    <span class={statusClass(d.status)}>{STATUS_LABELS[ui.lang][d.status]}</span>
                  </td>
                  <td class="num">{ui.fmt.number(d.attempts)}</td>
                  <td class="num">{d.lastStatusCode ?? ''}</td>
                  <td>{d.nextAttemptAt ? ui.fmt.dateTime(d.nextAttemptAt) : ''}</td>
                  <td>{d.deliveredAt ? ui.fmt.dateTime(d.deliveredAt) : ''}</td>
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

export function DeliveryPage(props: {
  ui: Ui;
  delivery: Delivery;
  attempts: readonly DeliveryAttempt[];
  partnerName: string;
  done?: string;
  /** Why sending it again was refused. */
  refused?: 'noWebhook';
}) {
  const { ui, delivery: d } = props;
  const t = m[ui.lang];
  const admin = isAdmin(ui);
  return (
    <Layout ui={ui} title={t.pageTitle(ui.fmt.date(d.date))}>
      <p class="no-print">
        <a href="/console/deliveries">{t.back}</a>
      </p>
      {props.done === 'retried' && <Notice>{t.retried}</Notice>}
      {props.refused === 'noWebhook' && <Notice kind="error">{t.noWebhook}</Notice>}
      <dl class="facts">
        {admin && (
          <>
            <dt>{t.partner}</dt>
            <dd>
              <a href={`/console/partners/${d.partnerId}`}>{props.partnerName}</a>
            </dd>
          </>
        )}
        <dt>{t.day}</dt>
        <dd>{ui.fmt.date(d.date)}</dd>
        <dt>{t.status}</dt>
        <dd>
          <span class={statusClass(d.status)}>{STATUS_LABELS[ui.lang][d.status]}</span>
        </dd>
        <dt>{t.url}</dt>
        <dd>
          <code>{d.url}</code>
        </dd>
        <dt>{t.webhookId}</dt>
        <dd>
          <code>{d.webhookId}</code>
        </dd>
        <dt>{t.attempts}</dt>
        <dd>{ui.fmt.number(d.attempts)}</dd>
        {d.lastStatusCode !== null && (
          <>
            <dt>{t.lastCode}</dt>
            <dd>{d.lastStatusCode}</dd>
          </>
        )}
        {d.lastError && (
          <>
            <dt>{t.lastError}</dt>
            <dd>{d.lastError}</dd>
          </>
        )}
        {d.nextAttemptAt && (
          <>
            <dt>{t.nextAttempt}</dt>
            <dd>{ui.fmt.dateTime(d.nextAttemptAt)}</dd>
          </>
        )}
        {d.deliveredAt && (
          <>
            <dt>{t.deliveredAt}</dt>
            <dd>{ui.fmt.dateTime(d.deliveredAt)}</dd>
          </>
        )}
        <dt>{t.createdAt}</dt>
        <dd>{ui.fmt.dateTime(d.createdAt)}</dd>
      </dl>
      {admin && (
        <section aria-labelledby="retry" class="no-print">
          <h2 id="retry">{t.retry}</h2>
          <p>{t.retryIntro}</p>
          <div class="actions">
            <ActionForm ui={ui} action={`/console/deliveries/${d.id}/retry`} confirm={t.retrySure}>
              <button type="submit">{t.retry}</button>
            </ActionForm>
          </div>
        </section>
      )}
      <h2>{t.attemptLog}</h2>
      {props.attempts.length === 0 ? (
        <p>{t.noAttempt}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption>{t.attemptCaption}</caption>
            <thead>
              <tr>
                <th scope="col" class="num">
                  {t.attempt}
                </th>
                <th scope="col">{t.when}</th>
                <th scope="col" class="num">
                  {t.answer}
                </th>
                <th scope="col">{t.error}</th>
                <th scope="col" class="num">
                  {t.duration}
                </th>
              </tr>
            </thead>
            <tbody>
              {props.attempts.map((a) => (
                <tr>
                  <th scope="row" class="num">
                    {a.attempt}
                  </th>
                  <td>{ui.fmt.dateTime(a.createdAt)}</td>
                  <td class="num">{a.statusCode ?? t.noAnswer}</td>
                  <td>{a.error ?? ''}</td>
                  <td class="num">{`${ui.fmt.number(a.durationMs)} ms`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

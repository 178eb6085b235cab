// One partner's page: identity, figures, lifecycle, commission plan, domains, postback setup, network, secrets, pushes, link health.
import { PARTNER_STATUSES, type PartnerStatus } from '../../domain/partnership';
import type { PartnerFigures } from '../../services/partner-figures';
import type { PartnerOverview } from '../../services/partner-overview';
import type { TestPostback } from '../../services/postback-test';
import { ActionForm, Field, Notice, Tiles } from '../ui/components';
import { Layout } from '../ui/layout';
import { isAdmin, type Ui } from '../ui/ui';
import { DeliveriesSection, LinkHealthSection } from './activity-section';
import type { PlanTyped, Typed } from './forms';
import { DONE, type Done, INTEGRATION_LABELS, m, STATUS_LABELS } from './messages';
import { NetworkSection, type SyncDone, SyncNotice } from './network-section';
import { PlanSection } from './plan-section';
import { PostbackSection } from './postback-section';

/** Forms of the page as typed, shown again with what is wrong. */
export type PartnerForms = { status?: Typed; domains?: Typed; plan?: PlanTyped };

export type PartnerPageProps = {
  ui: Ui;
  /** Where postbacks are sent: the public origin. */
  origin: string;
  overview: PartnerOverview;
  figures: { range: { from: string; to: string }; values: PartnerFigures };
  /** The programme's today, the earliest start of a new plan. */
  today: string;
  /** The plan form as first offered: the rules in force, and empty rows. */
  planForm: PlanTyped;
  done?: Done;
  test?: TestPostback;
  forms?: PartnerForms;
  /** What "Sync now" just did. */
  synced?: SyncDone;
  /** Why "Sync now" was refused (not connected, or the network asked to wait). */
  syncRefused?: string;
};

export function PartnerPage(props: PartnerPageProps) {
  const { ui, overview } = props;
  const { partner } = overview;
  const t = m[ui.lang];
  const admin = isAdmin(ui);
  return (
    <Layout ui={ui} title={partner.name}>
      {admin && (
        <p>
          <a href="/console/partners">{t.allPartners}</a>
        </p>
      )}
      {props.done && <Notice>{DONE[ui.lang][props.done]}</Notice>}
      {props.synced && <SyncNotice ui={ui} done={props.synced} />}
      {props.syncRefused && <Notice kind="error">{props.syncRefused}</Notice>}
      <IdentitySection ui={ui} partner={partner} />
      <section aria-labelledby="figures">
        <h2 id="figures">{t.figuresOf(ui.fmt.date(props.figures.range.from), ui.fmt.date(props.figures.range.to))}</h2>
        <FigureTiles ui={ui} figures={props.figures.values} currency={partner.currency} />
      </section>
      <LifecycleSection ui={ui} partnerId={partner.id} status={partner.status} form={props.forms?.status} />
      <PlanSection
        ui={ui}
        partnerId={partner.id}
        currency={partner.currency}
        plans={overview.plans}
        form={props.forms?.plan ?? props.planForm}
        today={props.today}
      />
      <DomainsSection ui={ui} partnerId={partner.id} domains={partner.allowedDomains} form={props.forms?.domains} />
      <ConsentSection ui={ui} partnerId={partner.id} requiresConsent={partner.requiresConsent} />
      <PostbackSection ui={ui} origin={props.origin} partner={partner} test={props.test} />
      <NetworkSection ui={ui} partnerId={partner.id} network={overview.network} />
      {admin && <SecretsSection ui={ui} partner={partner} />}
      <DeliveriesSection
        ui={ui}
        partnerId={partner.id}
        webhookUrl={partner.webhookUrl}
        deliveries={overview.deliveries}
      />
      <LinkHealthSection ui={ui} checks={overview.linkChecks} />
    </Layout>
  );
}

type Partner = PartnerOverview['partner'];

function IdentitySection(props: { ui: Ui; partner: Partner }) {
  const { ui, partner } = props;
  const t = m[ui.lang];
  return (
    <section aria-labelledby="identity">
      <h2 id="identity">{t.identity}</h2>
      <dl class="facts">
        <dt>{t.status}</dt>
        <dd>
          <span class="badge">{STATUS_LABELS[ui.lang][partner.status]}</span>
        </dd>
        <dt>{t.slug}</dt>
        <dd>
          <code>{partner.slug}</code>
        </dd>
        <dt>{t.id}</dt>
        <dd>
          <code>{partner.id}</code>
        </dd>
        <dt>{t.integration}</dt>
        <dd>{INTEGRATION_LABELS[ui.lang][partner.integration]}</dd>
        <dt>{t.category}</dt>
        <dd>{partner.category}</dd>
        <dt>{t.website}</dt>
        <dd>{partner.websiteUrl ? <a href={partner.websiteUrl}>{partner.websiteUrl}</a> : t.none}</dd>
        <dt>{t.currency}</dt>
        <dd>{partner.currency}</dd>
        <dt>{t.createdAt}</dt>
        <dd>{ui.fmt.dateTime(partner.createdAt)}</dd>
        {/* The admins' own comments: never shown to the partner (as its API keys do not see them). */}
        {isAdmin(ui) && partner.notes && (
          <>
            <dt>{t.notes}</dt>
            <dd>{partner.notes}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

export function FigureTiles(props: { ui: Ui; figures: PartnerFigures; currency: string }) {
  const { ui, figures } = props;
  const t = m[ui.lang];
  return (
    <Tiles
      items={[
        { label: t.clicks, value: ui.fmt.number(figures.clicks) },
        { label: t.uniqueClicks, value: ui.fmt.number(figures.uniqueClicks) },
        { label: t.conversions, value: ui.fmt.number(figures.conversions) },
        { label: t.revenue, value: ui.fmt.money(figures.revenueMinor, props.currency) },
        { label: t.commission, value: ui.fmt.money(figures.commissionMinor, props.currency) },
      ]}
    />
  );
}

function LifecycleSection(props: { ui: Ui; partnerId: string; status: PartnerStatus; form?: Typed }) {
  const { ui } = props;
  const t = m[ui.lang];
  const labels = STATUS_LABELS[ui.lang];
  const action = `/console/partners/${props.partnerId}/status`;
  // Ending is offered apart, behind a confirmation: it cannot be undone.
  const choices = PARTNER_STATUSES.filter((s) => s !== props.status && s !== 'ended');
  return (
    <section aria-labelledby="lifecycle">
      <h2 id="lifecycle">{t.lifecycle}</h2>
      <p>
        {t.currentStatus}: <strong>{labels[props.status]}</strong>
      </p>
      <p class="hint">{t.statusHint}</p>
      {props.status === 'ended' ? (
        <p>{t.endedIsFinal}</p>
      ) : (
        isAdmin(ui) && (
          <div class="actions">
            <ActionForm ui={ui} action={action}>
              <Field id="status" label={t.newStatus}>
                <select
                  id="status"
                  name="status"
                  aria-invalid={props.form?.error ? 'true' : undefined}
                  aria-describedby={props.form?.error ? 'status-error' : undefined}
                >
                  {choices.map((s) => (
                    <option value={s} selected={props.form?.value === s}>
                      {labels[s]}
                    </option>
                  ))}
                </select>
                {props.form?.error && (
                  <p class="hint bad" id="status-error">
                    {props.form.error}
                  </p>
                )}
              </Field>
              <button type="submit">{t.changeStatus}</button>
            </ActionForm>
            <ActionForm ui={ui} action={action} confirm={t.confirmEnd}>
              <input type="hidden" name="status" value="ended" />
              <button type="submit" class="danger">
                {`${t.changeStatus}: ${labels.ended}`}
              </button>
            </ActionForm>
          </div>
        )
      )}
    </section>
  );
}

function DomainsSection(props: { ui: Ui; partnerId: string; domains: string[]; form?: Typed }) {
  const { ui } = props;
  const t = m[ui.lang];
  return (
    <section aria-labelledby="domains">
      <h2 id="domains">{t.allowedDomains}</h2>
      {props.domains.length === 0 ? (
        <p>{t.noDomains}</p>
      ) : (
        <ul>
          {props.domains.map((d) => (
            <li>
              <code>{d}</code>
            </li>
          ))}
        </ul>
      )}
      {isAdmin(ui) && (
        <ActionForm ui={ui} action={`/console/partners/${props.partnerId}/domains`}>
          <Field id="allowedDomains" label={t.allowedDomains} hint={t.allowedDomainsHint}>
            <textarea
              id="allowedDomains"
              name="allowedDomains"
              rows={4}
              aria-describedby={props.form?.error ? 'allowedDomains-error allowedDomains-hint' : 'allowedDomains-hint'}
              aria-invalid={props.form?.error ? 'true' : undefined}
            >
              {props.form?.value ?? props.domains.join('\n')}
            </textarea>
            {props.form?.error && (
              <p class="hint bad" id="allowedDomains-error">
                {props.form.error}
              </p>
            )}
          </Field>
          <button type="submit">{t.saveDomains}</button>
        </ActionForm>
      )}
    </section>
  );
}

function ConsentSection(props: { ui: Ui; partnerId: string; requiresConsent: boolean }) {
  const { ui } = props;
  const t = m[ui.lang];
  return (
    <section aria-labelledby="consent">
      <h2 id="consent">{t.consent}</h2>
      <p>{props.requiresConsent ? t.consentRequired : t.consentNotRequired}</p>
      {isAdmin(ui) && (
        <ActionForm ui={ui} action={`/console/partners/${props.partnerId}/consent`}>
          <p class="hint" id="requiresConsent-hint">
            {t.requiresConsentHint}
          </p>
          <label class="inline" for="requiresConsent">
            <input
              type="checkbox"
              id="requiresConsent"
              name="requiresConsent"
              value="1"
              checked={props.requiresConsent}
              aria-describedby="requiresConsent-hint"
            />
            {t.requiresConsentField}
          </label>
          <button type="submit">{t.saveConsent}</button>
        </ActionForm>
      )}
    </section>
  );
}

function SecretsSection(props: { ui: Ui; partner: Partner }) {
  const { ui, partner } = props;
  const t = m[ui.lang];
  const now = Date.now();
  const previousUntil = partner.previousSecretExpiresAt;
  const previousPushUntil = partner.previousPushSecretExpiresAt;
  return (
    <section aria-labelledby="secrets">
      <h2 id="secrets">{t.secrets}</h2>
      <p class="hint">{t.secretsHint}</p>
      {previousUntil && previousUntil.getTime() > now && <p>{t.previousValidUntil(ui.fmt.dateTime(previousUntil))}</p>}
      {previousPushUntil && previousPushUntil.getTime() > now && (
        <p>{t.previousPushUntil(ui.fmt.dateTime(previousPushUntil))}</p>
      )}
      <ActionForm
        ui={ui}
        action={`/console/partners/${partner.id}/rotate-secrets`}
        confirm={t.confirmRotateSecrets}
        class="actions"
      >
        <button type="submit" class="secondary">
          {t.rotateSecrets}
        </button>
        <span class="hint">{t.rotateSecretsHint}</span>
      </ActionForm>
      <ActionForm
        ui={ui}
        action={`/console/partners/${partner.id}/rotate-push-secret`}
        confirm={t.confirmRotatePush}
        class="actions"
      >
        <button type="submit" class="secondary">
          {t.rotatePush}
        </button>
        <span class="hint">{t.rotatePushHint}</span>
      </ActionForm>
    </section>
  );
}

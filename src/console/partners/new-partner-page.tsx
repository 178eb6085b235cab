// The admins' form for a new partner: who it is, where it stands, and its first commission rate.
import { INTEGRATIONS, PARTNER_STATUSES } from '../../domain/partnership';
import { ActionForm, Field } from '../ui/components';
import { Layout } from '../ui/layout';
import type { Ui } from '../ui/ui';
import { INTEGRATION_LABELS, m, STATUS_LABELS } from './messages';

/** The form's fields as typed. */
export type NewPartnerTyped = {
  name: string;
  slug: string;
  status: string;
  integration: string;
  category: string;
  allowedDomains: string;
  percent: string;
};

export type NewPartnerErrors = Partial<Record<keyof NewPartnerTyped, string>>;

export const BLANK_PARTNER: NewPartnerTyped = {
  name: '',
  slug: '',
  status: 'prospect',
  integration: 'direct_api',
  category: '',
  allowedDomains: '',
  percent: '',
};

export function NewPartnerPage(props: { ui: Ui; typed: NewPartnerTyped; errors: NewPartnerErrors }) {
  const { ui, typed, errors } = props;
  const t = m[ui.lang];
  /** The attributes that tie a field to its error, when it has one. */
  const problem = (name: keyof NewPartnerTyped, hint?: boolean) => {
    const ids = [errors[name] ? `${name}-error` : '', hint ? `${name}-hint` : ''].filter(Boolean).join(' ');
    return {
      'aria-invalid': errors[name] ? ('true' as const) : undefined,
      'aria-describedby': ids || undefined,
    };
  };
  const error = (name: keyof NewPartnerTyped) =>
    errors[name] && (
      <p class="hint bad" id={`${name}-error`}>
        {errors[name]}
      </p>
    );
  return (
    <Layout ui={ui} title={t.newPartner}>
      <p>
        <a href="/console/partners">{t.allPartners}</a>
      </p>
      <ActionForm ui={ui} action="/console/partners">
        <Field id="name" label={t.name}>
          <input type="text" id="name" name="name" required maxlength={120} value={typed.name} {...problem('name')} />
          {error('name')}
        </Field>
        <Field id="slug" label={t.slug} hint={t.slugHint}>
          <input type="text" id="slug" name="slug" maxlength={64} value={typed.slug} {...problem('slug', true)} />
          {error('slug')}
        </Field>
        <Field id="status" label={t.status}>
          <select id="status" name="status">
            {PARTNER_STATUSES.filter((s) => s !== 'ended').map((s) => (
              <option value={s} selected={typed.status === s}>
                {STATUS_LABELS[ui.lang][s]}
              </option>
            ))}
          </select>
        </Field>
        <Field id="integration" label={t.integration}>
          <select id="integration" name="integration">
            {INTEGRATIONS.map((i) => (
              <option value={i} selected={typed.integration === i}>
                {INTEGRATION_LABELS[ui.lang][i]}
              </option>
            ))}
          </select>
        </Field>
        <Field id="category" label={t.category} hint={t.categoryHint}>
          <input
            type="text"
            id="category"
            name="category"
            required
            maxlength={60}
            value={typed.category}
            {...problem('category', true)}
          />
          {error('category')}
        </Field>
        <Field id="allowedDomains" label={t.allowedDomains} hint={t.allowedDomainsHint}>
          <textarea id="allowedDomains" name="allowedDomains" rows={3} {...problem('allowedDomains', true)}>
            {typed.allowedDomains}
          </textarea>
          {error('allowedDomains')}
        </Field>
        <Field id="percent" label={t.defaultPercent}>
          <input
            type="text"
            inputmode="decimal"
            id="percent"
            name="percent"
            required
            value={typed.percent}
            {...problem('percent')}
          />
          {error('percent')}
        </Field>
        <p class="actions">
          <button type="submit">{t.createPartner}</button>
        </p>
      </ActionForm>
    </Layout>
  );
}

// The form that creates or changes a link: every setting the API takes, refusals shown beside their fields.
import type { Child } from 'hono/jsx';
import { DEFAULT_UTM } from '../../domain/destination';
import { QUICK_DEVICES } from '../../domain/device';
import { ActionForm } from '../ui/components';
import { Layout } from '../ui/layout';
import type { Ui } from '../ui/ui';
import { type FieldError, type FieldErrors, type LinkFormValues, UTM_FIELDS } from './link-form-data';
import { linkMessages } from './messages';

type Texts = (typeof linkMessages)[keyof typeof linkMessages];

export type LinkFormProps = {
  ui: Ui;
  values: LinkFormValues;
  errors: FieldErrors;
} & (
  | { mode: 'create'; partners: { id: string; name: string }[] }
  | { mode: 'edit'; link: { id: string; slug: string }; partnerName: string }
);

/** The id of a field's input, from its name: `targets.0.countries` -> `link-targets-0-countries`. */
export const fieldId = (name: string) => `link-${name.replace(/\./g, '-')}`;

/** What a refusal says, in the page's language. */
export function errorText(t: Texts, error: FieldError): string {
  switch (error.kind) {
    case 'url':
      return error.problem ? t[`errUrl${error.problem}`] : t.errUrl;
    case 'partner':
      return t.errPartner;
    case 'slug':
      return t.errSlug;
    case 'slugReserved':
      return t.errSlugReserved;
    case 'slugTaken':
      return t.errSlugTaken;
    case 'tooLong':
      return t.errTooLong(error.detail ?? '');
    case 'paramName':
      return t.errParamName;
    case 'paramNameMissing':
      return t.errParamNameMissing;
    case 'paramTwice':
      return t.errParamTwice;
    case 'dateTime':
      return t.errDateTime;
    case 'targetEmpty':
      return t.errTargetEmpty;
    case 'countries':
      return t.errCountries;
    case 'languages':
      return t.errLanguages;
    case 'os':
      return t.errOs;
    case 'ruleId':
      return t.errRuleId;
    case 'ruleIdTwice':
      return t.errRuleIdTwice;
    case 'weight':
      return t.errWeight;
    case 'other':
      return error.detail ?? '';
  }
}

/** What a field is called in the list of refusals at the top of the form. */
function fieldLabel(t: Texts, name: string, zone: string): string {
  const [group, row, field] = name.split('.');
  const n = Number(row) + 1;
  if (group === 'utm') return `utm_${row}`;
  if (group === 'params') return field === 'name' ? t.paramName(n) : t.paramValue(n);
  if (group === 'targets' || group === 'variants') {
    if (row === undefined) return t[group];
    const where = group === 'targets' ? t.rule(n) : t.variant(n);
    if (field === undefined) return where;
    const names: Record<string, string> = {
      id: t.name,
      countries: t.countries,
      devices: t.devices,
      os: t.os,
      languages: t.languages,
      destination: t.destination,
      weight: t.weight,
    };
    return `${where}, ${names[field] ?? field}`;
  }
  const top: Record<string, string> = {
    partnerId: t.partner,
    destination: t.destination,
    slug: t.slug,
    title: t.title,
    placement: t.placement,
    fallbackUrl: t.fallbackUrl,
    expiresAt: t.expiresField(zone),
    forwardQuery: t.forwardQueryField,
    requiresConsent: t.requiresConsentField,
  };
  return top[name] ?? name;
}

/** The anchor a refusal in the list leads to: the field, or the group of a whole rule. */
const anchorOf = (name: string) => `#${fieldId(name)}`;

export function LinkFormPage(props: LinkFormProps) {
  const { ui, values, errors } = props;
  const t = linkMessages[ui.lang];
  const zone = ui.fmt.timeZone;
  const isEdit = props.mode === 'edit';
  const title = isEdit ? t.editTitle(props.link.slug) : t.newLink;
  const action = isEdit ? `/console/links/${encodeURIComponent(props.link.id)}/edit` : '/console/links/new';
  const cancel = isEdit ? `/console/links/${encodeURIComponent(props.link.id)}` : '/console/links';
  const refused = Object.entries(errors);
  const field = (name: string) => ({ name, error: errors[name], t });
  const utmFallback: Record<string, string> = { ...DEFAULT_UTM, campaign: t.theSlug };
  return (
    <Layout ui={ui} title={title}>
      {refused.length > 0 && (
        <div class="notice error" role="alert">
          <p>{t.notSaved}</p>
          <ul>
            {refused.map(([name, error]) => (
              <li>
                <a href={anchorOf(name)}>{fieldLabel(t, name, zone)}</a>
                {t.colon}
                {errorText(t, error)}
              </li>
            ))}
          </ul>
        </div>
      )}
      <ActionForm ui={ui} action={action}>
        <fieldset>
          <legend>{t.linkGroup}</legend>
          {props.mode === 'create' ? (
            <Labelled {...field('partnerId')} label={t.partner}>
              {(attrs) => (
                <select {...attrs} required>
                  <option value="">{t.choosePartner}</option>
                  {props.partners.map((p) => (
                    <option value={p.id} selected={p.id === values.partnerId}>
                      {p.name}
                    </option>
                  ))}
                </select>
              )}
            </Labelled>
          ) : (
            <dl class="facts">
              <dt>{t.partner}</dt>
              <dd>{props.partnerName}</dd>
            </dl>
          )}
          <Text
            {...field('destination')}
            label={t.destination}
            value={values.destination}
            type="url"
            required
            max={4000}
          />
          <Text
            {...field('slug')}
            label={t.slug}
            value={values.slug}
            hint={isEdit ? t.slugHintEdit : t.slugHintNew}
            max={64}
          />
          <Text {...field('title')} label={t.title} value={values.title} hint={t.titleHint} max={200} />
          <Text {...field('placement')} label={t.placement} value={values.placement} hint={t.placementHint} max={100} />
        </fieldset>

        <fieldset>
          <legend>{t.utm}</legend>
          <div class="grid">
            {UTM_FIELDS.map((name) => (
              <Text
                {...field(`utm.${name}`)}
                label={`utm_${name}`}
                value={values.utm[name]}
                hint={utmFallback[name] ? t.utmHint(name, utmFallback[name]) : t.utmHintFree(name)}
                max={200}
              />
            ))}
          </div>
        </fieldset>

        <fieldset id={fieldId('params')}>
          <legend>{t.params}</legend>
          <p class="hint">{t.paramsHint}</p>
          {values.params.map((row, i) => (
            <div class="grid">
              <Text {...field(`params.${i}.name`)} label={t.paramName(i + 1)} value={row.name} max={64} />
              <Text {...field(`params.${i}.value`)} label={t.paramValue(i + 1)} value={row.value} max={500} />
            </div>
          ))}
        </fieldset>

        <fieldset>
          <legend>{t.visitorGroup}</legend>
          <p class="hint" id={`${fieldId('forwardQuery')}-hint`}>
            {t.visitorHint}
          </p>
          <label class="inline" for={fieldId('forwardQuery')}>
            <input
              type="checkbox"
              id={fieldId('forwardQuery')}
              name="forwardQuery"
              value="1"
              checked={values.forwardQuery}
              aria-describedby={`${fieldId('forwardQuery')}-hint`}
            />
            {t.forwardQueryField}
          </label>
        </fieldset>

        <fieldset>
          <legend>{t.consentGroup}</legend>
          <p class="hint" id={`${fieldId('requiresConsent')}-hint`}>
            {t.consentHint}
          </p>
          <label class="inline" for={fieldId('requiresConsent')}>
            <input
              type="checkbox"
              id={fieldId('requiresConsent')}
              name="requiresConsent"
              value="1"
              checked={values.requiresConsent}
              aria-describedby={`${fieldId('requiresConsent')}-hint`}
            />
            {t.requiresConsentField}
          </label>
        </fieldset>

        <fieldset id={fieldId('targets')}>
          <legend>{t.targets}</legend>
          <p class="hint">{t.targetsHint}</p>
          {values.targets.map((row, i) => {
            const rowError = errors[`targets.${i}`];
            const prefix = `targets.${i}`;
            return (
              <fieldset id={fieldId(prefix)}>
                <legend>{t.rule(i + 1)}</legend>
                {rowError && (
                  <p class="hint bad" id={`${fieldId(prefix)}-error`}>
                    {errorText(t, rowError)}
                  </p>
                )}
                <div class="grid">
                  <Text {...field(`${prefix}.id`)} label={t.ruleName} value={row.id} max={64} />
                  <Text
                    {...field(`${prefix}.countries`)}
                    label={t.countries}
                    value={row.countries}
                    hint={t.countriesHint}
                  />
                  <Text {...field(`${prefix}.os`)} label={t.os} value={row.os} hint={t.osHint} />
                  <Text
                    {...field(`${prefix}.languages`)}
                    label={t.languages}
                    value={row.languages}
                    hint={t.languagesHint}
                  />
                </div>
                <fieldset id={fieldId(`${prefix}.devices`)}>
                  <legend>{t.devices}</legend>
                  {QUICK_DEVICES.map((device) => (
                    <label class="inline" for={fieldId(`${prefix}.device.${device}`)}>
                      <input
                        type="checkbox"
                        id={fieldId(`${prefix}.device.${device}`)}
                        name={`${prefix}.device.${device}`}
                        value="1"
                        checked={row.devices.includes(device)}
                      />
                      {t[device]}
                    </label>
                  ))}
                </fieldset>
                <Text
                  {...field(`${prefix}.destination`)}
                  label={t.destination}
                  value={row.destination}
                  type="url"
                  max={4000}
                />
              </fieldset>
            );
          })}
        </fieldset>

        <fieldset id={fieldId('variants')}>
          <legend>{t.variants}</legend>
          <p class="hint">{t.variantsHint}</p>
          {values.variants.map((row, i) => {
            const prefix = `variants.${i}`;
            return (
              <fieldset id={fieldId(prefix)}>
                <legend>{t.variant(i + 1)}</legend>
                <div class="grid">
                  <Text {...field(`${prefix}.id`)} label={t.ruleName} value={row.id} max={64} />
                  <Text
                    {...field(`${prefix}.destination`)}
                    label={t.destination}
                    value={row.destination}
                    type="url"
                    max={4000}
                  />
                  <Text {...field(`${prefix}.weight`)} label={t.weight} value={row.weight} type="number" />
                </div>
              </fieldset>
            );
          })}
        </fieldset>

        <fieldset>
          <legend>{t.expiryGroup}</legend>
          <Text
            {...field('expiresAt')}
            label={t.expiresField(zone)}
            value={values.expiresAt}
            type="datetime-local"
            hint={t.expiresHint}
          />
          <Text
            {...field('fallbackUrl')}
            label={t.fallbackUrl}
            value={values.fallbackUrl}
            type="url"
            hint={t.fallbackHint}
            max={4000}
          />
        </fieldset>

        <p class="actions">
          <button type="submit">{isEdit ? t.saveButton : t.createButton}</button>
          <a class="button secondary" href={cancel}>
            {t.cancel}
          </a>
        </p>
      </ActionForm>
    </Layout>
  );
}

type FieldAttrs = {
  id: string;
  name: string;
  'aria-describedby'?: string;
  'aria-invalid'?: 'true';
};

/** A labelled control with its hint and its refusal, both read out with it. */
function Labelled(props: {
  name: string;
  label: string;
  hint?: string;
  error?: FieldError;
  t: Texts;
  children: (attrs: FieldAttrs) => Child;
}) {
  const id = fieldId(props.name);
  const described = [props.hint && `${id}-hint`, props.error && `${id}-error`].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.children({
        id,
        name: props.name,
        ...(described !== '' && { 'aria-describedby': described }),
        ...(props.error && { 'aria-invalid': 'true' as const }),
      })}
      {props.hint && (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="hint bad" id={`${id}-error`}>
          {errorText(props.t, props.error)}
        </p>
      )}
    </div>
  );
}

function Text(props: {
  name: string;
  label: string;
  value: string;
  hint?: string;
  error?: FieldError;
  t: Texts;
  type?: 'text' | 'url' | 'number' | 'datetime-local';
  required?: boolean;
  max?: number;
}) {
  const type = props.type ?? 'text';
  // A time with seconds is refused by a field that steps by minutes (its default).
  const step = type === 'datetime-local' && props.value.length > 16 ? 1 : type === 'number' ? 1 : undefined;
  return (
    <Labelled name={props.name} label={props.label} hint={props.hint} error={props.error} t={props.t}>
      {(attrs) => (
        <input
          {...attrs}
          type={type}
          value={props.value}
          required={props.required}
          maxlength={props.max}
          step={step}
          min={type === 'number' ? 1 : undefined}
          max={type === 'number' ? 1_000_000 : undefined}
          inputmode={type === 'number' ? 'numeric' : undefined}
        />
      )}
    </Labelled>
  );
}

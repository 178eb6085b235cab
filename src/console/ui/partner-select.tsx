// A labelled choice of partner, for filters (any partner) and for forms (one must be chosen).
import { Field } from './components';
import { describedBy, FieldError } from './field-error';
import { messages } from './messages';
import type { Ui } from './ui';

const m = messages(
  { partner: 'Partner', all: 'All partners', choose: 'Choose a partner' },
  { partner: 'Partenaire', all: 'Tous les partenaires', choose: 'Choisissez un partenaire' },
);

/**
 * A select of partners by name. As a filter (`required` unset) its empty choice means every
 * partner; in a form it asks for one.
 * @example <PartnerSelect ui={ui} id="partner" options={partners} selected={q.partner} />
 */
export function PartnerSelect(props: {
  ui: Ui;
  id: string;
  /** The form field's name; `id` when unset. */
  name?: string;
  /** "Partner" unless a page with two partner fields tells them apart. */
  label?: string;
  options: readonly { id: string; name: string }[];
  selected?: string;
  required?: boolean;
  hint?: string;
  error?: string;
}) {
  const t = m[props.ui.lang];
  return (
    <Field id={props.id} label={props.label ?? t.partner} hint={props.hint}>
      <select
        id={props.id}
        name={props.name ?? props.id}
        required={props.required}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(props.id, props)}
      >
        <option value="">{props.required ? t.choose : t.all}</option>
        {props.options.map((p) => (
          <option value={p.id} selected={p.id === props.selected}>
            {p.name}
          </option>
        ))}
      </select>
      {props.error && <FieldError id={props.id} message={props.error} />}
    </Field>
  );
}

// The GET forms that filter a list (the URL is the list's state) and their labelled fields, each
// with the message of a bad value beside it.
import type { Child } from 'hono/jsx';
import { FieldError } from './field-error';
import { messages } from './messages';
import type { Ui } from './ui';

const m = messages(
  {
    apply: 'Filter',
    clear: 'Clear filters',
    filters: 'Filters',
    partner: 'Partner',
    allPartners: 'All partners',
    deletedPartner: (name: string) => `${name} (deleted)`,
  },
  {
    apply: 'Filtrer',
    clear: 'Effacer les filtres',
    filters: 'Filtres',
    partner: 'Partenaire',
    allPartners: 'Tous les partenaires',
    deletedPartner: (name: string) => `${name} (supprimé)`,
  },
);

/** What makes a field announce its error: invalid, and described by the message. */
const errorAttributes = (id: string, error: string | undefined) =>
  error ? { 'aria-invalid': 'true' as const, 'aria-describedby': `${id}-error` } : {};

/** A choice among values, the first option meaning "any". */
export function SelectFilter(props: {
  id: string;
  name?: string;
  label: string;
  anyLabel: string;
  value: string | undefined;
  options: readonly { value: string; label: string }[];
  error?: string;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.name ?? props.id} {...errorAttributes(props.id, props.error)}>
        <option value="">{props.anyLabel}</option>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldError id={props.id} message={props.error} />
    </div>
  );
}

/** A calendar day (`YYYY-MM-DD`), as browsers' date pickers send it. */
export function DateFilter(props: { id: string; label: string; value: string | undefined; error?: string }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        type="date"
        id={props.id}
        name={props.id}
        value={props.value ?? ''}
        {...errorAttributes(props.id, props.error)}
      />
      <FieldError id={props.id} message={props.error} />
    </div>
  );
}

/** Partners as filters and tables name them, deleted ones said so. */
export const partnerOptions = (ui: Ui, partners: readonly { id: string; name: string; isDeleted: boolean }[]) =>
  partners.map((p) => ({ id: p.id, name: p.isDeleted ? m[ui.lang].deletedPartner(p.name) : p.name }));

/** The partner filter of an admin's list; a partner's user sees its own partner only, so none. */
export function PartnerFilter(props: {
  ui: Ui;
  partners: readonly { id: string; name: string }[];
  value: string | undefined;
  error?: string;
}) {
  if (props.ui.viewer?.role !== 'admin') return null;
  const t = m[props.ui.lang];
  return (
    <SelectFilter
      id="partnerId"
      label={t.partner}
      anyLabel={t.allPartners}
      value={props.value}
      options={props.partners.map((p) => ({ value: p.id, label: p.name }))}
      error={props.error}
    />
  );
}

/** The filter form of a list: its fields, a submit button and a link back to the whole list. */
export function FilterForm(props: { ui: Ui; action: string; children?: Child }) {
  const t = m[props.ui.lang];
  return (
    <form class="filters" method="get" action={props.action} aria-label={t.filters}>
      {props.children}
      <div class="field">
        <button type="submit">{t.apply}</button>
      </div>
      <div class="field">
        <a href={props.action}>{t.clear}</a>
      </div>
    </form>
  );
}

// The link form's data: read from a posted form or a stored link, turned into the API's body by the
// API's own schema, and the schema's or the service's refusals pinned to the fields they concern.
import { wallClockIn, wallTimeIn } from '../../domain/calendar';
import { QUICK_DEVICES, type QuickDevice } from '../../domain/device';
import { MAX_TARGETS, MAX_VARIANTS } from '../../domain/targeting';
import { AppError } from '../../http/errors';
import { type LinkCreate, type LinkUpdate, linkCreateSchema, linkUpdateSchema } from '../../schemas/link';
import type { Link } from '../../services/link-directory';

export const UTM_FIELDS = ['source', 'medium', 'campaign', 'term', 'content'] as const;
export type UtmField = (typeof UTM_FIELDS)[number];

/** Blank rows of each repeated group the form offers: enough for most links, without a script to add more. */
export const BLANK_ROWS = 3;
/** Extra parameters a posted form is read for: far more than any link has, few enough to read at once. */
const MAX_PARAM_ROWS = 500;

export type TargetRow = {
  id: string;
  /** Written as people type them: `FR, BE`. */
  countries: string;
  devices: QuickDevice[];
  os: string;
  languages: string;
  destination: string;
};
export type VariantRow = { id: string; destination: string; weight: string };
export type ParamRow = { name: string; value: string };

/** The form's fields as typed (or as the stored link reads), ready to be shown again. */
export type LinkFormValues = {
  partnerId: string;
  destination: string;
  slug: string;
  title: string;
  utm: Record<UtmField, string>;
  params: ParamRow[];
  fallbackUrl: string;
  /** A `datetime-local` value, a wall-clock time of the programme's zone. */
  expiresAt: string;
  placement: string;
  forwardQuery: boolean;
  requiresConsent: boolean;
  targets: TargetRow[];
  variants: VariantRow[];
};

/** Why a URL was refused, as `urlProblem` (src/domain/url-policy.ts) says it. */
export const URL_PROBLEMS = {
  'must be an absolute URL': 'absolute',
  'must not carry credentials': 'credentials',
  'must use https': 'https',
  'must not point to a loopback address': 'loopback',
  'must not point to a private or reserved address': 'private',
  'must use a host name, not an IP address': 'ipLiteral',
  'must not point to a host that': 'internalHost',
} as const;
export type UrlProblem = (typeof URL_PROBLEMS)[keyof typeof URL_PROBLEMS];

/** What is wrong with one field, in terms the page explains in its language. */
export type FieldError =
  | { kind: 'url'; problem?: UrlProblem }
  | {
      kind:
        | 'partner'
        | 'slug'
        | 'slugReserved'
        | 'slugTaken'
        | 'tooLong'
        | 'paramName'
        | 'paramNameMissing'
        | 'paramTwice'
        | 'dateTime'
        | 'targetEmpty'
        | 'countries'
        | 'languages'
        | 'os'
        | 'ruleId'
        | 'ruleIdTwice'
        | 'weight'
        | 'other';
      /** The longest value allowed, for `tooLong`; the refusal as the API words it, for `other`. */
      detail?: string;
    };

/** Refusals by field name (`destination`, `utm.source`, `targets.0.countries`, `targets.0` for a whole rule...). */
export type FieldErrors = Record<string, FieldError>;

export type ParsedLinkForm<B> = { ok: true; body: B; rows: RowIndex } | { ok: false; errors: FieldErrors };

/** Which form row each item of the body's lists came from: blank rows are left out of the body. */
export type RowIndex = { targets: number[]; variants: number[]; params: Map<string, number> };

const blankUtm = (): Record<UtmField, string> => ({ source: '', medium: '', campaign: '', term: '', content: '' });
const blankTarget = (): TargetRow => ({ id: '', countries: '', devices: [], os: '', languages: '', destination: '' });
const blankVariant = (): VariantRow => ({ id: '', destination: '', weight: '' });
const blankParam = (): ParamRow => ({ name: '', value: '' });

/** The fields of a new link, of `partnerId` when one is chosen already. */
export function blankLinkValues(partnerId = ''): LinkFormValues {
  return withBlankRows({
    partnerId,
    destination: '',
    slug: '',
    title: '',
    utm: blankUtm(),
    params: [],
    fallbackUrl: '',
    expiresAt: '',
    placement: '',
    forwardQuery: true,
    requiresConsent: false,
    targets: [],
    variants: [],
  });
}

/** A stored link's settings as the form shows them, `expiresAt` on the wall clock of `timeZone`. */
export function linkFormValues(link: Link, timeZone: string): LinkFormValues {
  const list = (values: readonly string[] | undefined) => (values ?? []).join(', ');
  return withBlankRows({
    partnerId: link.partnerId,
    destination: link.destination,
    slug: link.slug,
    title: link.title ?? '',
    utm: { ...blankUtm(), ...link.utm },
    params: Object.entries(link.params).map(([name, value]) => ({ name, value })),
    fallbackUrl: link.fallbackUrl ?? '',
    expiresAt: link.expiresAt ? shortWallClock(wallClockIn(link.expiresAt.getTime(), timeZone)) : '',
    placement: link.placement ?? '',
    forwardQuery: link.forwardQuery,
    requiresConsent: link.requiresConsent,
    targets: (link.rules.targets ?? []).map((t) => ({
      id: t.id ?? '',
      countries: list(t.countries),
      devices: QUICK_DEVICES.filter((d) => t.devices?.includes(d)),
      os: list(t.os),
      languages: list(t.languages),
      destination: t.destination,
    })),
    variants: (link.rules.variants ?? []).map((v) => ({
      id: v.id ?? '',
      destination: v.destination,
      weight: String(v.weight),
    })),
  });
}

/** `HH:MM` when the seconds are 0, which is what a `datetime-local` field shows by default. */
const shortWallClock = (wall: string) => (wall.endsWith(':00') ? wall.slice(0, -3) : wall);

/** The rows a group shows: the filled ones, then blank ones up to `BLANK_ROWS` rows and at least one more. */
function padRows<R>(rows: R[], blank: () => R, max: number): R[] {
  const count = Math.min(max, Math.max(BLANK_ROWS, rows.length + 1));
  return [...rows, ...Array.from({ length: Math.max(0, count - rows.length) }, blank)];
}

function withBlankRows(values: LinkFormValues): LinkFormValues {
  return {
    ...values,
    params: padRows(values.params, blankParam, MAX_PARAM_ROWS),
    targets: padRows(values.targets, blankTarget, MAX_TARGETS),
    variants: padRows(values.variants, blankVariant, MAX_VARIANTS),
  };
}

/** The fields of a posted form (`hono`'s `parseBody()`: one string per name), rows as many as posted. */
export function postedLinkValues(form: Record<string, unknown>): LinkFormValues {
  const text = (name: string) => {
    const value = form[name];
    return typeof value === 'string' ? value.trim() : '';
  };
  // Rows up to the last one posted are read, whether the ones before it were posted or not: a
  // client that leaves out a blank row's fields must not have the rows after it ignored.
  const rowsOf = <R>(prefix: string, max: number, read: (at: (field: string) => string) => R): R[] => {
    let count = 0;
    for (const name of Object.keys(form)) {
      const row = name.startsWith(`${prefix}.`) ? Number.parseInt(name.slice(prefix.length + 1), 10) : Number.NaN;
      if (row >= count && row < max) count = row + 1;
    }
    return Array.from({ length: count }, (_, i) => read((field) => text(`${prefix}.${i}.${field}`)));
  };
  const utm = blankUtm();
  for (const field of UTM_FIELDS) utm[field] = text(`utm.${field}`);
  return withBlankRows({
    partnerId: text('partnerId'),
    destination: text('destination'),
    slug: text('slug'),
    title: text('title'),
    utm,
    params: trimmed(
      rowsOf('params', MAX_PARAM_ROWS, (at) => ({ name: at('name'), value: at('value') })),
      (row) => row.name === '' && row.value === '',
    ),
    fallbackUrl: text('fallbackUrl'),
    expiresAt: text('expiresAt'),
    placement: text('placement'),
    forwardQuery: text('forwardQuery') !== '',
    requiresConsent: text('requiresConsent') !== '',
    targets: trimmed(
      rowsOf('targets', MAX_TARGETS, (at) => ({
        id: at('id'),
        countries: at('countries'),
        devices: QUICK_DEVICES.filter((d) => at(`device.${d}`) !== ''),
        os: at('os'),
        languages: at('languages'),
        destination: at('destination'),
      })),
      isBlankTarget,
    ),
    variants: trimmed(
      rowsOf('variants', MAX_VARIANTS, (at) => ({
        id: at('id'),
        destination: at('destination'),
        weight: at('weight'),
      })),
      isBlankVariant,
    ),
  });
}

/** The rows without the blank ones at the end; a blank row between filled ones keeps its place, so refusals keep theirs. */
function trimmed<R>(rows: R[], isBlank: (row: R) => boolean): R[] {
  let end = rows.length;
  while (end > 0 && isBlank(rows[end - 1]!)) end--;
  return rows.slice(0, end);
}

const isBlankVariant = (row: VariantRow) => row.id === '' && row.destination === '' && row.weight === '';

const isBlankTarget = (row: TargetRow) =>
  row.id === '' &&
  row.countries === '' &&
  row.devices.length === 0 &&
  row.os === '' &&
  row.languages === '' &&
  row.destination === '';

/** `FR, BE` or `FR BE` as a list; nothing typed as no list at all. */
function listOf(typed: string): string[] | undefined {
  const items = typed.split(/[\s,;]+/).filter((item) => item !== '');
  return items.length > 0 ? items : undefined;
}

/**
 * The form as the API's body, checked by the API's own schema (a new link's, or a change's, which
 * sets every field the form shows: an emptied field is cleared). Blank rows are left out.
 * @example parseLinkForm(values, 'create', 'Europe/Paris') // { ok: true, body: { partnerId, destination, ... }, rows }
 */
export function parseLinkForm(values: LinkFormValues, mode: 'create', timeZone: string): ParsedLinkForm<LinkCreate>;
export function parseLinkForm(values: LinkFormValues, mode: 'edit', timeZone: string): ParsedLinkForm<LinkUpdate>;
export function parseLinkForm(
  values: LinkFormValues,
  mode: 'create' | 'edit',
  timeZone: string,
): ParsedLinkForm<LinkCreate | LinkUpdate> {
  const errors: FieldErrors = {};
  const rows: RowIndex = { targets: [], variants: [], params: new Map() };
  const isEdit = mode === 'edit';
  // An emptied optional field is cleared on a change (null) and simply not set on a new link.
  const optional = (typed: string) => (typed !== '' ? typed : isEdit ? null : undefined);

  const params: Record<string, string> = {};
  values.params.forEach((row, i) => {
    if (row.name === '' && row.value === '') return;
    if (row.name === '') errors[`params.${i}.name`] = { kind: 'paramNameMissing' };
    else if (rows.params.has(row.name)) errors[`params.${i}.name`] = { kind: 'paramTwice' };
    else {
      params[row.name] = row.value;
      rows.params.set(row.name, i);
    }
  });

  const utm: Partial<Record<UtmField, string>> = {};
  for (const field of UTM_FIELDS) if (values.utm[field] !== '') utm[field] = values.utm[field];

  const targets = values.targets.flatMap((row, i) => {
    if (isBlankTarget(row)) return [];
    rows.targets.push(i);
    return [
      {
        ...(row.id !== '' && { id: row.id }),
        ...(listOf(row.countries) && { countries: listOf(row.countries) }),
        ...(row.devices.length > 0 && { devices: row.devices }),
        ...(listOf(row.os) && { os: listOf(row.os) }),
        ...(listOf(row.languages) && { languages: listOf(row.languages) }),
        destination: row.destination,
      },
    ];
  });
  const variants = values.variants.flatMap((row, i) => {
    if (isBlankVariant(row)) return [];
    rows.variants.push(i);
    // Only digits make a weight: `Number('')` would be 0 and `Number('1e3')` 1000, neither typed as such.
    const weight = /^\d{1,7}$/.test(row.weight) ? Number(row.weight) : row.weight;
    return [{ ...(row.id !== '' && { id: row.id }), destination: row.destination, weight }];
  });

  const body = {
    ...(!isEdit && { partnerId: values.partnerId }),
    destination: values.destination,
    slug: values.slug !== '' ? values.slug : undefined,
    title: optional(values.title),
    utm: isEdit || Object.keys(utm).length > 0 ? utm : undefined,
    params: isEdit || rows.params.size > 0 ? params : undefined,
    fallbackUrl: optional(values.fallbackUrl),
    expiresAt: values.expiresAt !== '' ? instantOf(values.expiresAt, timeZone) : isEdit ? null : undefined,
    rules:
      isEdit || targets.length > 0 || variants.length > 0
        ? { ...(targets.length > 0 && { targets }), ...(variants.length > 0 && { variants }) }
        : undefined,
    placement: optional(values.placement),
    forwardQuery: values.forwardQuery,
    requiresConsent: isEdit || values.requiresConsent ? values.requiresConsent : undefined,
  };
  const parsed = (isEdit ? linkUpdateSchema : linkCreateSchema).safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOf(issue.path, rows, issue.code === 'invalid_key');
      errors[field] ??= errorOf(field, issue.message);
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, body: parsed.data, rows };
}

/** A `datetime-local` value read on the wall clock of `timeZone`, as ISO 8601; anything else as typed, for the schema to refuse. */
function instantOf(typed: string, timeZone: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)$/.exec(typed);
  if (!match) return typed;
  try {
    return new Date(wallTimeIn(match[1]!, match[2]!, timeZone)).toISOString();
  } catch {
    return typed;
  }
}

/** The form field an issue's path names: `['rules', 'targets', 2, 'countries', 0]` -> `targets.<its row>.countries`. */
function fieldOf(path: readonly PropertyKey[], rows: RowIndex, isKey: boolean): string {
  const [top, second, third, fourth] = path.map(String);
  if (top === 'rules' && (second === 'targets' || second === 'variants') && third !== undefined) {
    const row = rows[second][Number(third)] ?? Number(third);
    return fourth === undefined ? `${second}.${row}` : `${second}.${row}.${fourth}`;
  }
  if (top === 'rules') return second === 'variants' ? 'variants' : 'targets';
  if (top === 'params' && second !== undefined) {
    const row = rows.params.get(second);
    return row === undefined ? 'params' : `params.${row}.${isKey ? 'name' : 'value'}`;
  }
  if (top === 'utm' && second !== undefined) return `utm.${second}`;
  return top ?? '';
}

const URL_FIELDS = /^(destination|fallbackUrl|(targets|variants)\.\d+\.destination)$/;
const LONGEST: Record<string, string> = { title: '200', placement: '100', params: '500' };

/** The refusal of `field` in the page's terms; `message` is the schema's or the service's own words. */
function errorOf(field: string, message: string): FieldError {
  if (URL_FIELDS.test(field)) {
    const problem = Object.entries(URL_PROBLEMS).find(([words]) => message.includes(words))?.[1];
    return problem ? { kind: 'url', problem } : { kind: 'url' };
  }
  if (field === 'partnerId') return { kind: 'partner' };
  if (field === 'slug') {
    if (message.includes('reserved')) return { kind: 'slugReserved' };
    return { kind: 'slug' };
  }
  if (field === 'title' || field === 'placement') return { kind: 'tooLong', detail: LONGEST[field] };
  if (field.startsWith('utm.')) return { kind: 'tooLong', detail: '200' };
  if (/^params\.\d+\.name$/.test(field)) return { kind: 'paramName' };
  if (/^params\.\d+\.value$/.test(field)) return { kind: 'tooLong', detail: LONGEST.params };
  if (field === 'expiresAt') return { kind: 'dateTime' };
  if (/^targets\.\d+$/.test(field)) return { kind: 'targetEmpty' };
  if (/\.countries$/.test(field)) return { kind: 'countries' };
  if (/\.languages$/.test(field)) return { kind: 'languages' };
  if (/\.os$/.test(field)) return { kind: 'os' };
  if (/\.devices$/.test(field)) return { kind: 'other', detail: message };
  if (/\.id$/.test(field)) return message.startsWith('Duplicate') ? { kind: 'ruleIdTwice' } : { kind: 'ruleId' };
  if (/\.weight$/.test(field)) return { kind: 'weight' };
  return { kind: 'other', detail: message };
}

/**
 * The service's refusal of a body the schema accepted (a URL its policy refuses, a reserved or
 * taken slug, an unknown partner) as field errors; null for any other error, which is not the form's.
 */
export function fieldErrorsOfRefusal(err: unknown, rows: RowIndex): FieldErrors | null {
  if (!(err instanceof AppError)) return null;
  if (err.status === 409 && err.code === 'slug_taken') return { slug: { kind: 'slugTaken' } };
  if (err.status !== 400 || !Array.isArray(err.details)) return null;
  const errors: FieldErrors = {};
  for (const detail of err.details as { path?: unknown; message?: unknown }[]) {
    if (!Array.isArray(detail.path)) continue;
    const field = fieldOf(detail.path, rows, false);
    errors[field] ??= errorOf(field, typeof detail.message === 'string' ? detail.message : err.message);
  }
  return Object.keys(errors).length > 0 ? errors : null;
}

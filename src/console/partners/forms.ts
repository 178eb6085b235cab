// The partners pages' forms: read from the posted fields, checked, and kept as typed for a page shown again.
import { isCalendarDate } from '../../domain/calendar';
import { type CommissionRule, commissionRuleSchema } from '../../domain/commission';
import { CONVERSION_EVENTS } from '../../domain/conversion-event';
import { PARTNER_STATUSES, type PartnerStatus } from '../../domain/partnership';
import { domainSchema } from '../../schemas/common';
import { MAX_COMMISSION_RULES } from '../../schemas/partner';
import { m } from './messages';

type Lang = 'en' | 'fr';
type Body = Record<string, unknown>;

/** A posted field as text ('' when absent or a file). */
export const fieldOf = (body: Body, name: string): string => {
  const value = body[name];
  return typeof value === 'string' ? value : '';
};

/** A form shown again: what was typed, and what is wrong with it. */
export type Typed = { value: string; error?: string };

export function readStatus(body: Body, lang: Lang): { status: PartnerStatus } | { error: Typed } {
  const value = fieldOf(body, 'status');
  return (PARTNER_STATUSES as readonly string[]).includes(value)
    ? { status: value as PartnerStatus }
    : { error: { value, error: m[lang].badStatus } };
}

/** Most domains a partner may have (the API's limit). */
const MAX_DOMAINS = 50;

/** One domain a line (commas and spaces separate too); each must be a host name such as autodoc.fr. */
export function readDomains(body: Body, lang: Lang): { domains: string[] } | { error: Typed } {
  const value = fieldOf(body, 'allowedDomains');
  const entries = value
    .split(/[\s,]+/)
    .map((d) => d.trim())
    .filter(Boolean);
  const domains: string[] = [];
  const bad: string[] = [];
  for (const entry of entries) {
    const parsed = domainSchema.safeParse(entry);
    if (parsed.success) domains.push(parsed.data);
    else bad.push(entry);
  }
  if (bad.length > 0) return { error: { value, error: m[lang].badDomains(bad.join(', ')) } };
  if (domains.length > MAX_DOMAINS) return { error: { value, error: m[lang].tooManyDomains } };
  return { domains: [...new Set(domains)] };
}

/**
 * Rows the plan form offers: every rule of the plan in force and two more, up to what a plan may
 * hold. Fewer would drop the rules past them when the form is saved, since it replaces them all.
 */
export const MAX_RULE_ROWS = MAX_COMMISSION_RULES;

export type RuleRow = { category: string; event: string; percent: string; fixed: string; currency: string };
export type PlanTyped = { effectiveFrom: string; rows: RuleRow[]; dateError?: string; rulesError?: string };

const EMPTY_ROW: RuleRow = { category: '', event: '', percent: '', fixed: '', currency: '' };

/** The form's rows for a plan's rules, with `extra` empty ones to add rules. */
export function rowsOf(rules: readonly CommissionRule[], extra = 2): RuleRow[] {
  const rows = rules.map((r) => ({
    category: r.category ?? '',
    event: r.event ?? '',
    percent: r.percent === undefined ? '' : String(r.percent),
    fixed: r.fixed === undefined ? '' : String(r.fixed),
    currency: r.currency ?? '',
  }));
  return [...rows, ...Array.from({ length: extra }, () => EMPTY_ROW)].slice(0, MAX_RULE_ROWS);
}

/** A decimal as people type it: `10,5` as well as `10.5`. */
const decimalOf = (text: string): number => Number(text.trim().replace(',', '.'));

/**
 * The plan form: a start date and rows of rules; a row with neither percent nor fixed amount
 * is left out. Each rule is checked by the API's own schema.
 */
export function readPlan(
  body: Body,
  lang: Lang,
): { effectiveFrom: string; rules: CommissionRule[] } | { error: PlanTyped } {
  const t = m[lang];
  const effectiveFrom = fieldOf(body, 'effectiveFrom').trim();
  const rows: RuleRow[] = [];
  for (let i = 0; i < MAX_RULE_ROWS && `rule${i}_percent` in body; i++) {
    rows.push({
      category: fieldOf(body, `rule${i}_category`),
      event: fieldOf(body, `rule${i}_event`),
      percent: fieldOf(body, `rule${i}_percent`),
      fixed: fieldOf(body, `rule${i}_fixed`),
      currency: fieldOf(body, `rule${i}_currency`),
    });
  }
  const typed: PlanTyped = { effectiveFrom, rows };
  if (!isCalendarDate(effectiveFrom)) typed.dateError = t.badDate;
  const rules: CommissionRule[] = [];
  for (const [i, row] of rows.entries()) {
    if (row.percent.trim() === '' && row.fixed.trim() === '') continue;
    const candidate = {
      category: row.category.trim() || undefined,
      event: (CONVERSION_EVENTS as readonly string[]).includes(row.event) ? row.event : undefined,
      percent: row.percent.trim() === '' ? undefined : decimalOf(row.percent),
      fixed: row.fixed.trim() === '' ? undefined : decimalOf(row.fixed),
      currency: row.currency.trim().toUpperCase() || undefined,
    };
    const parsed = commissionRuleSchema.safeParse(candidate);
    if (!parsed.success) {
      typed.rulesError ??= t.badRule(i + 1);
      continue;
    }
    rules.push(parsed.data);
  }
  if (rules.length === 0 && typed.rulesError === undefined) typed.rulesError = t.noRules;
  if (typed.dateError || typed.rulesError) return { error: typed };
  return { effectiveFrom, rules };
}

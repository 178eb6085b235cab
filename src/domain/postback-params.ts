// Finds a postback's fields among the partner's raw parameters: mapped names, loose spellings, repeated values, order lines.
import { ITEM_FIELDS, type ItemField } from './postback-schema';

// Base names of indexed order lines (`ItemCategory1`, `ItemSubTotal[0]`) when the partner maps none:
// Impact's, the most common form of line-level postbacks.
const DEFAULT_ITEM_BASES: Record<ItemField, string> = {
  category: 'ItemCategory',
  amount: 'ItemSubTotal',
  refundedAmount: 'ItemRefundedAmount',
  sku: 'ItemSku',
  quantity: 'ItemQuantity',
};

export type Found = { name: string; value: unknown };

/** Where a reader reports a problem: the canonical field's path and a message naming the partner's parameter. */
export type Issue = (path: string, message: string) => void;

/** Finds each canonical field's value in the raw parameters under the name the partner uses. */
export class ParamReader {
  private readonly tolerant = new Map<string, string>();

  constructor(
    private readonly raw: Record<string, unknown>,
    private readonly params: Record<string, string>,
    private readonly canonicalToo = false,
  ) {
    for (const key of Object.keys(raw)) {
      const loose = looseName(key);
      if (!this.tolerant.has(loose)) this.tolerant.set(loose, key);
    }
  }

  /** The value of a field, or undefined when absent or empty. */
  field(field: string): Found | undefined {
    const alternatives = this.alternatives(field);
    if (alternatives) {
      for (const name of alternatives) {
        if (Object.hasOwn(this.raw, name) && !isEmpty(this.raw[name])) return { name, value: this.raw[name] };
      }
      if (!this.canonicalToo) return undefined;
    }
    const name = Object.hasOwn(this.raw, field) ? field : this.tolerant.get(looseName(field));
    return name !== undefined && !isEmpty(this.raw[name]) ? { name, value: this.raw[name] } : undefined;
  }

  /** The partner's name(s) for a field, for messages: `"OrderId"` or `"Amount" or "SaleAmount"`. */
  describe(field: string): string {
    return (this.alternatives(field) ?? [field]).map((name) => `"${name}"`).join(' or ');
  }

  /**
   * The order lines, from an `items` value (a JSON array, a JSON string of one, a single
   * object) or else from indexed parameters (`ItemCategory1`, `ItemSubTotal[0]`, `items[0][amount]`).
   */
  items(issue: Issue): Partial<Record<ItemField, Found>>[] | undefined {
    const found = this.field('items');
    if (found) {
      let value = Array.isArray(found.value) && found.value.length === 1 ? found.value[0] : found.value;
      if (typeof value === 'string') {
        try {
          value = JSON.parse(value);
        } catch {
          issue('items', `must be a JSON array of order lines (parameter "${found.name}")`);
          return undefined;
        }
      }
      if (isRecord(value)) value = Object.keys(value).every((k) => /^[0-9]+$/.test(k)) ? byIndex(value) : [value];
      if (!Array.isArray(value) || !value.every(isRecord)) {
        issue('items', `must be a list of order lines (parameter "${found.name}")`);
        return undefined;
      }
      return value.map((line) => {
        // A line object is most often written in our own format, so canonical keys are read as well.
        const lineReader = new ParamReader(line, this.itemParams(), true);
        return Object.fromEntries(
          ITEM_FIELDS.flatMap((f) => {
            const fieldFound = lineReader.field(f);
            return fieldFound ? [[f, fieldFound]] : [];
          }),
        );
      });
    }
    return this.indexedItems();
  }

  private indexedItems(): Partial<Record<ItemField, Found>>[] | undefined {
    const lines = new Map<number, Partial<Record<ItemField, Found>>>();
    const itemsNames = this.alternatives('items');
    const mapped = (f: ItemField) => this.alternatives(`items.${f}`);
    for (const [key, value] of Object.entries(this.raw)) {
      if (isEmpty(value)) continue;
      const hit = this.indexedField(key, itemsNames, mapped);
      if (!hit) continue;
      const line = lines.get(hit.index) ?? {};
      line[hit.field] ??= { name: key, value };
      lines.set(hit.index, line);
    }
    if (lines.size === 0) return undefined;
    return [...lines.entries()].sort(([a], [b]) => a - b).map(([, line]) => line);
  }

  private indexedField(
    key: string,
    itemsNames: string[] | undefined,
    mapped: (f: ItemField) => string[] | undefined,
  ): { field: ItemField; index: number } | undefined {
    // items[0][amount], items[0].amount, items.0.amount
    const nested = /^(.+?)(?:\[([0-9]{1,4})\]|\.([0-9]{1,4}))(?:\[([A-Za-z_]+)\]|\.([A-Za-z_]+))$/.exec(key);
    if (nested) {
      const [, base = '', i1, i2, f1, f2] = nested;
      const field = ITEM_FIELDS.find((f) => looseName(f) === looseName(f1 ?? f2 ?? ''));
      const isItems = itemsNames ? itemsNames.includes(base) : looseName(base) === 'items';
      if (field && isItems) return { field, index: Number(i1 ?? i2) };
    }
    // ItemSubTotal1, ItemSubTotal[0]
    const flat = /^(.+?)(?:\[([0-9]{1,4})\]|([0-9]{1,4}))$/.exec(key);
    if (!flat) return undefined;
    const [, base = '', i1, i2] = flat;
    for (const field of ITEM_FIELDS) {
      const names = mapped(field);
      const matches = names ? names.includes(base) : looseName(base) === looseName(DEFAULT_ITEM_BASES[field]);
      if (matches) return { field, index: Number(i1 ?? i2) };
    }
    return undefined;
  }

  /** The item-level mapping (`items.amount` -> `amount`), for reading one line object. */
  private itemParams(): Record<string, string> {
    const params: Record<string, string> = {};
    for (const f of ITEM_FIELDS) {
      const names = this.alternatives(`items.${f}`);
      if (names) params[f] = names.join('|');
    }
    return params;
  }

  private alternatives(field: string): string[] | undefined {
    const mapped = Object.hasOwn(this.params, field) ? this.params[field] : undefined;
    const names = mapped
      ?.split('|')
      .map((n) => n.trim())
      .filter(Boolean);
    return names?.length ? names : undefined;
  }
}

/** One value of a parameter: a query string may repeat a name, which is only fine when the copies agree. */
export function single(found: Found, path: string, issue: Issue): unknown {
  if (!Array.isArray(found.value)) return found.value;
  const values = [
    ...new Set(found.value.filter((v) => !isEmpty(v)).map((v) => (typeof v === 'string' ? v.trim() : v))),
  ];
  if (values.length > 1) {
    issue(path, `was sent more than once with different values (parameter "${found.name}")`);
    return undefined;
  }
  return values[0];
}

/** A parameter's value as text: a number is written out, a blank is absent, anything else is refused. */
export function scalarText(found: Found, path: string, issue: Issue): string | undefined {
  const value = single(found, path, issue);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return value.trim() || undefined;
  if (value !== undefined) issue(path, `must be text (parameter "${found.name}")`);
  return undefined;
}

function byIndex(record: Record<string, unknown>): unknown[] {
  return Object.keys(record)
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => record[k]);
}

function looseName(name: string): string {
  return name.toLowerCase().replace(/[_\-\s]/g, '');
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

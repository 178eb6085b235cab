// Which destination a visitor gets: targeting rules first, then a sticky weighted A/B split, else the link's own.
import { z } from 'zod';
import { QUICK_DEVICES } from './device';
import { storedUrlSchema } from './stored-url';

export const MAX_TARGETS = 50;
export const MAX_VARIANTS = 20;
/** At most this many languages are kept from an Accept-Language header. */
export const MAX_LANGUAGES = 10;

const ruleId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, '1 to 64 letters, digits, ".", "-" or "_".');
const destination = storedUrlSchema(4000);

export const targetRuleSchema = z
  .object({
    id: ruleId.optional(),
    countries: z
      .array(
        z
          .string()
          .trim()
          .toUpperCase()
          .regex(/^[A-Z]{2}$/, 'An ISO 3166-1 alpha-2 country code such as FR.'),
      )
      .max(250)
      .optional(),
    // Read back as plain strings so that rules as stored (LinkRulesRow) are LinkRules as they are.
    devices: z
      .array(z.enum(QUICK_DEVICES).transform((device): string => device))
      .max(3)
      .optional(),
    os: z.array(z.string().trim().min(1).max(40)).max(20).optional(),
    languages: z
      .array(
        z
          .string()
          .trim()
          .toLowerCase()
          .regex(/^[a-z]{2,3}$/, 'A primary language subtag such as fr.'),
      )
      .max(50)
      .optional(),
    destination,
  })
  .strict()
  .refine((t) => [t.countries, t.devices, t.os, t.languages].some((list) => list && list.length > 0), {
    message: 'A target needs at least one of countries, devices, os or languages.',
  });

export const variantSchema = z
  .object({
    id: ruleId.optional(),
    destination,
    weight: z.number().int().positive().max(1_000_000),
  })
  .strict();

export const linkRulesSchema = z
  .object({
    targets: z.array(targetRuleSchema).max(MAX_TARGETS).optional(),
    variants: z.array(variantSchema).max(MAX_VARIANTS).optional(),
  })
  .strict()
  .superRefine((rules, ctx) => {
    // Ids name the served variant in click records and reports, so two rules may not share one.
    const seen = new Set<string>();
    const check = (list: { id?: string }[] | undefined, key: 'targets' | 'variants') => {
      list?.forEach((rule, index) => {
        if (rule.id === undefined) return;
        if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', message: 'Duplicate id.', path: [key, index, 'id'] });
        seen.add(rule.id);
      });
    };
    check(rules.targets, 'targets');
    check(rules.variants, 'variants');
  });

export type TargetRule = z.infer<typeof targetRuleSchema>;
export type Variant = z.infer<typeof variantSchema>;
export type LinkRules = z.infer<typeof linkRulesSchema>;

/** What is known of the visitor when choosing; `device` and `os` are needed only when `needsDevice(rules)`. */
export type TargetingContext = {
  country?: string | null;
  device?: string | null;
  os?: string | null;
  languages: readonly string[];
};

export type Choice = { destination: string | null; variant: string };

/**
 * The destination for this visitor: the first target whose every given condition matches
 * (variant = its id or `target:<index>`), else a weighted A/B variant picked from a hash of
 * `stickyKey` so the same key always gets the same variant (variant = its id or
 * `variant:<index>`), else `{ destination: null, variant: 'default' }` (use the link's own).
 * Within a condition, any listed value matches; OS names compare loosely (`macOS` = `Mac OS` =
 * `OS X`) and as user-agent parsers report them (an iPad runs `iOS`).
 * @example chooseDestination({ targets: [{ countries: ['BE'], destination: 'https://autodoc.be/' }] },
 *   { country: 'BE', languages: [] }, 'vid:lnk') // { destination: 'https://autodoc.be/', variant: 'target:0' }
 */
export function chooseDestination(rules: LinkRules, ctx: TargetingContext, stickyKey: string): Choice {
  const targets = rules.targets ?? [];
  for (let i = 0; i < targets.length; i++) {
    const target = targets[i]!;
    if (matches(target, ctx)) return { destination: target.destination, variant: target.id ?? `target:${i}` };
  }
  const variants = rules.variants ?? [];
  if (variants.length > 0) {
    let total = 0;
    for (const v of variants) total += v.weight;
    // Scaling the 32-bit hash (rather than taking a modulo) keeps every weight's share exact to 2^-32.
    let point = Math.floor((stickyHash(stickyKey) / 2 ** 32) * total);
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[i]!;
      if (point < variant.weight) return { destination: variant.destination, variant: variant.id ?? `variant:${i}` };
      point -= variant.weight;
    }
  }
  return { destination: null, variant: 'default' };
}

/**
 * Whether any target looks at the device or OS: only then is the user agent worth parsing.
 * @example needsDevice({ targets: [{ devices: ['mobile'], destination: 'https://m.autodoc.fr/' }] }) // true
 */
export function needsDevice(rules: LinkRules): boolean {
  return (rules.targets ?? []).some((t) => (t.devices?.length ?? 0) > 0 || (t.os?.length ?? 0) > 0);
}

/**
 * Primary language subtags of an Accept-Language header, most preferred first, without
 * duplicates, wildcards or refused (`q=0`) entries, at most `MAX_LANGUAGES`.
 * @example parseAcceptLanguage('fr-BE,fr;q=0.9,en-US;q=0.8,de;q=0.7') // ['fr', 'en', 'de']
 */
export function parseAcceptLanguage(header: string | null | undefined): string[] {
  if (!header) return [];
  const entries: { tag: string; q: number; order: number }[] = [];
  // Headers are client-controlled: only a bounded prefix is read.
  const parts = header.slice(0, 1000).split(',', 50);
  for (let order = 0; order < parts.length; order++) {
    const [rawTag = '', ...params] = parts[order]!.split(';');
    const tag = rawTag.trim().split('-')[0]!.toLowerCase();
    if (!/^[a-z]{2,3}$/.test(tag)) continue;
    let q = 1;
    for (const param of params) {
      const match = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(param);
      if (match) q = Math.min(1, Number(match[1]));
      else if (/^\s*q\s*=/i.test(param)) q = 0;
    }
    if (q > 0) entries.push({ tag, q, order });
  }
  entries.sort((a, b) => b.q - a.q || a.order - b.order);
  const languages: string[] = [];
  for (const { tag } of entries) {
    if (!languages.includes(tag)) languages.push(tag);
    if (languages.length === MAX_LANGUAGES) break;
  }
  return languages;
}

/**
 * A fast synchronous 32-bit hash (FNV-1a with a final avalanche), stable across runs and
 * platforms: the basis of sticky A/B assignment.
 * @example stickyHash('01JDQ7Z8V3K2M4N5P6Q7R8S9T0:lnk_01JDQ7') // an integer in [0, 2^32)
 */
export function stickyHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // FNV-1a alone spreads keys differing only in their last characters poorly over the high bits.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function matches(target: TargetRule, ctx: TargetingContext): boolean {
  if (target.countries?.length) {
    const country = ctx.country?.toUpperCase();
    if (!country || !target.countries.includes(country)) return false;
  }
  if (target.devices?.length) {
    const device = ctx.device?.toLowerCase();
    if (!device || !target.devices.includes(device)) return false;
  }
  if (target.os?.length) {
    const os = ctx.os ? osKey(ctx.os) : '';
    if (!os || !target.os.some((name) => osKey(name) === os)) return false;
  }
  if (target.languages?.length) {
    const wanted = target.languages;
    if (!ctx.languages.some((language) => wanted.includes(language.toLowerCase()))) return false;
  }
  return true;
}

const OS_ALIASES = new Map([
  ['macosx', 'macos'],
  ['osx', 'macos'],
  ['mac', 'macos'],
  ['iphoneos', 'ios'],
  ['chromiumos', 'chromeos'],
]);

/** OS names as people write them and as user-agent parsers spell them, reduced to one key. */
function osKey(name: string): string {
  const key = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return OS_ALIASES.get(key) ?? key;
}

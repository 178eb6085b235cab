// Partners' use cases: create, change settings under the lifecycle rule, delete, rotate secrets, read within reach.
import { type Db, dbOf } from '../db/client';
import { type PlanWrite, plansOf, plansOfPartners } from '../db/commission-plans';
import type { CommissionPlan } from '../db/intake';
import {
  clearSyncCursor,
  deleteNetwork,
  getNetwork,
  networksOf,
  type PartnerNetwork,
  saveNetwork,
} from '../db/networks';
import {
  getPartner,
  getPartnerWithPlans,
  insertPartner,
  listPartners,
  setCurrencyIfUnused,
  slugTaken,
  softDeletePartner,
  updatePartner,
} from '../db/partners';
import type { CommissionRuleRow, NewPartner, Partner } from '../db/schema';
import { timeZoneOf } from '../domain/calendar';
import { nextPlan, type PlanState, planInForce, planStart, plansAt } from '../domain/commission-plan';
import { keyedHash } from '../domain/hashing';
import { newId, randomToken, ulidTime } from '../domain/ids';
import { awinTrackingTemplate } from '../domain/networks/awin';
import { networkAccountKey, networkUrlIssues, storedSettings } from '../domain/networks/settings';
import { canChangeStatus } from '../domain/partner-lifecycle';
import { seal } from '../domain/secret-box';
import { ROTATION_OVERLAP_MS } from '../domain/secret-rotation';
import { partnerSlugCandidates, randomPartnerSlug } from '../domain/slug-candidates';
import { newSigningSecret } from '../domain/standard-webhooks';
import { partnerUrlIssues } from '../domain/url-checks';
import { type CallerScope, canSee } from '../domain/visibility';
import { AppError, invalidRequest, notFound } from '../http/errors';
import { invalidatePartnerLinks } from '../isolate/link-cache';
import type { PartnerCreate, PartnerUpdate } from '../schemas/partner';
import { issuePushSecret, rotatePushSecret } from './push-secrets';

/**
 * A partner as answered: `commissionRules` are those of the plan in force now, worked out from the
 * plans at each read (a scheduled plan takes over at its start without anything being written),
 * `scheduledPlan` is the next one to start, if any, and `network` its affiliate network, if any.
 */
export type PartnerRecord = Partner & {
  scheduledPlan: PlanState<CommissionPlan> | null;
  network: PartnerNetwork | null;
};

/** A partner with its new secrets in clear: they are answered this once and never again. */
export type PartnerWithSecrets = { partner: PartnerRecord; postbackToken: string; signingSecret: string };

/** A new partner with every one of its secrets in clear, the push signing secret included. */
export type CreatedPartner = PartnerWithSecrets & { pushSigningSecret: string };

/**
 * Fresh postback token and signing secret: the clear values to show once and what is stored.
 * @example const { stored } = await issuePartnerSecrets(env) // { postbackTokenHash, signingSecretEnc }
 */
export async function issuePartnerSecrets(env: Env) {
  const postbackToken = `pbt_${randomToken(24)}`;
  const signingSecret = newSigningSecret();
  return {
    postbackToken,
    signingSecret,
    stored: {
      postbackTokenHash: await keyedHash(env.HASH_KEY, 'postback-token', postbackToken),
      signingSecretEnc: await seal(env.SECRETS_KEY, signingSecret),
    },
  };
}

/**
 * Creates a partner with its first commission rules and its secrets (postback token, postback
 * signing secret, push signing secret); 400 on a refused URL, 409 on a slug taken.
 */
export async function createPartner(env: Env, body: PartnerCreate): Promise<CreatedPartner> {
  checkUrls(env, body);
  const db = dbOf(env);
  const secrets = await issuePartnerSecrets(env);
  const push = await issuePushSecret(env);
  const partner = await insertPartner(db, {
    ...settingsOf(body),
    id: newId('ptn'),
    slug: await uniqueSlug(db, body.slug, body.name),
    name: body.name,
    status: body.status,
    integration: body.integration,
    category: body.category,
    allowedDomains: [...new Set(body.allowedDomains)],
    commissionRules: body.commissionRules,
    postbackParams: body.postbackParams ?? {},
    statusMap: body.statusMap ?? {},
    affiliateParams: body.affiliateParams ?? {},
    reportColumns: body.reportColumns ?? {},
    ipAllowlist: body.ipAllowlist ?? [],
    ...secrets.stored,
    pushSecretEnc: push.pushSecretEnc,
  });
  return {
    partner: { ...partner, scheduledPlan: null, network: null },
    postbackToken: secrets.postbackToken,
    signingSecret: secrets.signingSecret,
    pushSigningSecret: push.pushSigningSecret,
  };
}

/**
 * Changes a partner's settings. New commission rules start a new plan, at once or from the start
 * of `effectiveFrom` (today or later) in the programme's time zone; past commissions keep theirs.
 * An ended partnership stays ended (409), and the reporting currency stays once the partner has
 * conversions (409). Its links are served with the change at once.
 */
export async function editPartner(
  env: Env,
  scope: CallerScope,
  id: string,
  body: PartnerUpdate,
): Promise<PartnerRecord> {
  const db = dbOf(env);
  const current = await visiblePartner(db, scope, id);
  checkUrls(env, body);
  if (!canChangeStatus(current.status, body.status)) {
    throw new AppError(409, 'invalid_transition', 'An ended partnership cannot be reopened; create a new partner.', {
      from: current.status,
      to: body.status,
    });
  }
  const timeZone = timeZoneOf(env.REPORT_TIMEZONE);
  const now = new Date();
  const patch = settingsOf(body);
  const plan = body.commissionRules
    ? await planWriteOf(db, current.id, body.commissionRules, body.effectiveFrom, now, timeZone)
    : undefined;
  // The column keeps the rules of the last change that took effect when made; answers work out
  // the rules in force from the plans (see PartnerRecord).
  if (plan && plan.plan.effectiveFrom.getTime() <= now.getTime()) patch.commissionRules = plan.plan.rules;
  if (body.slug && body.slug !== current.slug) patch.slug = await uniqueSlug(db, body.slug, current.name);
  if (
    body.currency &&
    body.currency !== current.currency &&
    !(await setCurrencyIfUnused(db, current.id, body.currency))
  ) {
    throw new AppError(
      409,
      'currency_in_use',
      'The partner has conversions whose figures are in its current currency; its reporting currency cannot change.',
      { currency: current.currency },
    );
  }
  const network = body.network === undefined ? undefined : await connectNetwork(env, current.id, body.network);
  // A network's own click URL, when the partner has no template yet, so that its click id comes back.
  const template =
    network && !current.trackingTemplate && body.trackingTemplate === undefined
      ? networkTrackingTemplate(network)
      : null;
  if (template) patch.trackingTemplate = template;
  const row = await updatePartner(db, current.id, patch, plan);
  invalidatePartnerLinks(current.id);
  return recordOf(
    row,
    await plansOf(db, current.id).all(),
    timeZone,
    new Date(),
    network === undefined ? ((await getNetwork(db, current.id)) ?? null) : network,
  );
}

/**
 * Connects the partner to its network, or changes how (its token sealed like signing secrets:
 * it is needed in clear to call the network, so it cannot be hashed), or disconnects it (null).
 * Another network or account starts its sync over, as a first one: the cursor said how far the
 * previous account was read, and nothing of the new one was.
 */
async function connectNetwork(
  env: Env,
  partnerId: string,
  input: PartnerUpdate['network'],
): Promise<PartnerNetwork | null> {
  const db = dbOf(env);
  if (!input) {
    await deleteNetwork(db, partnerId);
    return null;
  }
  const before = await getNetwork(db, partnerId);
  const saved = await saveNetwork(db, {
    partnerId,
    type: input.type,
    settings: storedSettings(input),
    accessTokenEnc: await seal(env.SECRETS_KEY, input.accessToken),
  });
  const isSameAccount =
    before !== undefined &&
    networkAccountKey(before.type, before.settings) === networkAccountKey(saved.type, saved.settings);
  if (!isSameAccount) await clearSyncCursor(db, partnerId);
  return saved;
}

/** The tracking template a network's clicks go through, when the network has one and it is known. */
function networkTrackingTemplate(network: PartnerNetwork): string | null {
  if (network.type !== 'awin') return null;
  const { publisherId, advertiserId } = network.settings as { publisherId: string; advertiserId?: string | null };
  return advertiserId ? awinTrackingTemplate({ publisherId, advertiserId }) : null;
}

/**
 * The write of new rules dated `effectiveFrom` (at once when not given); 400 for a date before
 * today in `timeZone`. Its id ranks it after every plan of the partner, so that it outranks
 * the plans of its day that it replaces even when they were made within the same millisecond.
 */
async function planWriteOf(
  db: Db,
  partnerId: string,
  rules: CommissionRuleRow[],
  effectiveFrom: string | undefined,
  now: Date,
  timeZone: string,
): Promise<PlanWrite> {
  const start = planStart(effectiveFrom, now, timeZone);
  if (!start) {
    const message = `effectiveFrom must be today (${timeZone}) or later.`;
    throw invalidRequest(message, [{ path: ['effectiveFrom'], message, code: 'custom' }]);
  }
  const plans = await plansOf(db, partnerId).all();
  const latestMs = Math.max(0, ...plans.map((p) => ulidTime(p.id.slice(4)) ?? 0));
  return {
    plan: {
      id: newId('pln', Math.max(now.getTime(), latestMs + 1)),
      partnerId,
      effectiveFrom: new Date(start.startMs),
      rules,
    },
    day: start.day,
    now,
  };
}

/** Deletes a partner softly: its links stop tracking, its clicks, conversions and reports stay. */
export async function removePartner(db: Db, scope: CallerScope, id: string): Promise<void> {
  const partner = await visiblePartner(db, scope, id);
  await softDeletePartner(db, partner.id);
  invalidatePartnerLinks(partner.id);
}

/**
 * Issues a new postback token and signing secret. The previous signing secret stays valid for
 * 24 hours so that the partner can switch without losing postbacks; the previous token stops at once.
 */
export async function rotatePartnerSecrets(env: Env, scope: CallerScope, id: string): Promise<PartnerWithSecrets> {
  const db = dbOf(env);
  const { partner: current, plans } = await visiblePartnerWithPlans(db, scope, id);
  const secrets = await issuePartnerSecrets(env);
  const partner = await updatePartner(db, current.id, {
    ...secrets.stored,
    previousSecretEnc: current.signingSecretEnc,
    previousSecretExpiresAt: new Date(Date.now() + ROTATION_OVERLAP_MS),
  });
  return {
    partner: recordOf(
      partner,
      plans,
      timeZoneOf(env.REPORT_TIMEZONE),
      new Date(),
      (await getNetwork(db, partner.id)) ?? null,
    ),
    postbackToken: secrets.postbackToken,
    signingSecret: secrets.signingSecret,
  };
}

/**
 * Issues a new push signing secret; the previous one keeps signing pushes beside it for 24 hours.
 * The postback token and signing secret are left as they are (see services/push-secrets.ts).
 */
export async function rotatePartnerPushSecret(
  env: Env,
  scope: CallerScope,
  id: string,
): Promise<{ partner: PartnerRecord; pushSigningSecret: string }> {
  const db = dbOf(env);
  const { partner, plans } = await visiblePartnerWithPlans(db, scope, id);
  const rotated = await rotatePushSecret(env, partner);
  const network = (await getNetwork(db, partner.id)) ?? null;
  return {
    partner: recordOf(rotated.partner, plans, timeZoneOf(env.REPORT_TIMEZONE), new Date(), network),
    pushSigningSecret: rotated.pushSigningSecret,
  };
}

/** The partner, or 404 when it does not exist or is not the caller's. */
export async function visiblePartner(db: Db, scope: CallerScope, id: string): Promise<Partner> {
  const partner = await getPartner(db, id);
  if (!partner || !canSee(scope, partner.id)) throw notFound('partner');
  return partner;
}

/** The partner and its commission plans (oldest first), or 404 as `visiblePartner`. */
export async function visiblePartnerWithPlans(
  db: Db,
  scope: CallerScope,
  id: string,
): Promise<{ partner: Partner; plans: CommissionPlan[] }> {
  const found = await getPartnerWithPlans(db, id);
  if (!found || !canSee(scope, found.partner.id)) throw notFound('partner');
  return found;
}

/** The partner as answered (its rules those in force now), or 404 as `visiblePartner`. */
export async function partnerRecord(env: Env, scope: CallerScope, id: string): Promise<PartnerRecord> {
  const db = dbOf(env);
  const { partner, plans } = await visiblePartnerWithPlans(db, scope, id);
  return recordOf(
    partner,
    plans,
    timeZoneOf(env.REPORT_TIMEZONE),
    new Date(),
    (await getNetwork(db, partner.id)) ?? null,
  );
}

/** Partners newest first, `limit + 1` of them, as answered; a partner key lists only its own. */
export async function listVisiblePartners(
  env: Env,
  scope: CallerScope,
  q: { limit: number; before?: string; status?: string; integration?: string },
): Promise<PartnerRecord[]> {
  const db = dbOf(env);
  const rows = await listPartners(db, {
    limit: q.limit,
    before: q.before,
    status: q.status,
    integration: q.integration,
    onlyId: scope.partnerId ?? undefined,
  });
  const ids = rows.map((p) => p.id);
  const [plans, networks] = await Promise.all([plansOfPartners(db, ids), networksOf(db, ids)]);
  const timeZone = timeZoneOf(env.REPORT_TIMEZONE);
  const now = new Date();
  return rows.map((p) => recordOf(p, plans.get(p.id) ?? [], timeZone, now, networks.get(p.id) ?? null));
}

/** The partner with the rules of the plan in force at `now`, the next plan to start and its network. */
function recordOf(
  partner: Partner,
  plans: CommissionPlan[],
  timeZone: string,
  now: Date,
  network: PartnerNetwork | null,
): PartnerRecord {
  const dated = plansAt(plans, now, timeZone);
  return {
    ...partner,
    commissionRules: planInForce(dated, now)?.rules ?? partner.commissionRules,
    scheduledPlan: nextPlan(dated, now) ?? null,
    network,
  };
}

function checkUrls(env: Env, body: PartnerUpdate) {
  const local = env.ENVIRONMENT === 'development';
  const issues = [...partnerUrlIssues(body, local), ...(body.network ? networkUrlIssues(body.network, local) : [])];
  if (issues.length) throw invalidRequest(issues.map((i) => i.message).join(' '), issues);
}

/** Settings columns shared by create and update (everything but identity, secrets and rules). */
function settingsOf(body: PartnerUpdate): Partial<NewPartner> {
  const out: Partial<NewPartner> = {};
  const keys = [
    'name',
    'status',
    'integration',
    'category',
    'allowedDomains',
    'cookieDays',
    'attributionWindowDays',
    'lockDays',
    'trackingTemplate',
    'postbackParams',
    'webhookUrl',
    'pushCorrections',
    'websiteUrl',
    'requiresConsent',
    'currency',
    'clickIdParam',
    'affiliateParams',
    'statusMap',
    'amountsInMinorUnits',
    'answerTemplate',
    'reportColumns',
    'acceptSignedPostbacks',
    'acceptTokenPostbacks',
    'ipAllowlist',
    'notes',
    'legalName',
    'address',
    'vatNumber',
    'paymentTermsDays',
  ] as const;
  for (const k of keys) if (body[k] !== undefined) (out as Record<string, unknown>)[k] = body[k];
  if (out.allowedDomains) out.allowedDomains = [...new Set(out.allowedDomains)];
  // A percent with at most two decimals, kept as exact basis points.
  if (body.vatRate !== undefined) out.vatRateBp = body.vatRate === null ? null : Math.round(body.vatRate * 100);
  return out;
}

/** The slug asked for (409 when taken), else the first free candidate of the name. */
async function uniqueSlug(db: Db, wanted: string | undefined, name: string): Promise<string> {
  if (wanted) {
    if (await slugTaken(db, wanted)) throw new AppError(409, 'slug_taken', `The slug "${wanted}" is already used.`);
    return wanted;
  }
  for (const candidate of partnerSlugCandidates(name)) {
    if (!(await slugTaken(db, candidate))) return candidate;
  }
  return randomPartnerSlug(name);
}

// Seeds the demo partners, links and their past activity; safe to run any number of times (matched by slug).
import { anyClickOf } from '../db/clicks';
import { dbOf } from '../db/client';
import { insertLink, linkSlugTaken, linksWithSlugs } from '../db/links';
import { getPartnerBySlug, insertPartner } from '../db/partners';
import type { Partner } from '../db/schema';
import { newId } from '../domain/ids';
import { issuePartnerSecrets } from '../services/partners';
import { issuePushSecret } from '../services/push-secrets';
import { seedDemoActivity } from './activity';
import { SEED_LINKS, SEED_PARTNERS } from './partners';

/** What a run of the seed added. */
export type SeedCounts = { partnersAdded: number; linksAdded: number; clicksAdded: number; conversionsAdded: number };

/**
 * Inserts what is missing of the demo data; answers what it added. The demo links get their past
 * activity while none of them has a click: a click of any (the activity, or a real one) stops it.
 */
export async function seedDemo(env: Env): Promise<SeedCounts> {
  const db = dbOf(env);
  let partnersAdded = 0;
  let linksAdded = 0;
  const ids = new Map<string, string>();
  const partners = new Map<string, Partner>();
  for (const p of SEED_PARTNERS) {
    const existing = await getPartnerBySlug(db, p.slug);
    if (existing) {
      ids.set(p.slug, existing.id);
      partners.set(existing.id, existing);
      continue;
    }
    const secrets = await issuePartnerSecrets(env);
    // Demo partners' secrets are never shown: rotate-secrets and rotate-push-secret issue ones to use.
    const { pushSecretEnc } = await issuePushSecret(env);
    const row = await insertPartner(db, {
      id: newId('ptn'),
      slug: p.slug,
      name: p.name,
      status: p.status,
      integration: p.integration,
      category: p.category,
      websiteUrl: `https://www.${p.domain}/`,
      allowedDomains: [p.domain],
      commissionRules: p.rules,
      postbackParams: {},
      statusMap: {},
      affiliateParams: { aff_id: 'assistant-auto-ultime' },
      reportColumns: {},
      ipAllowlist: [],
      notes: p.notes,
      ...secrets.stored,
      pushSecretEnc,
    });
    ids.set(p.slug, row.id);
    partners.set(row.id, row);
    partnersAdded++;
  }
  for (const l of SEED_LINKS) {
    const partnerId = ids.get(l.partner);
    if (!partnerId || (await linkSlugTaken(db, l.slug))) continue;
    await insertLink(db, {
      id: newId('lnk'),
      slug: l.slug,
      partnerId,
      destination: l.destination,
      title: l.title,
      placement: l.placement,
      utm: { campaign: l.slug },
      params: {},
      rules: {},
    });
    linksAdded++;
  }
  const links = await linksWithSlugs(
    db,
    SEED_LINKS.map((l) => l.slug),
  );
  // Only links of the demo partners: a slug taken by another partner's link is not the demo's.
  const demoLinks = links.filter((l) => partners.has(l.partnerId));
  const activity =
    demoLinks.length > 0 &&
    !(await anyClickOf(
      db,
      demoLinks.map((l) => l.id),
    ))
      ? await seedDemoActivity(env, demoLinks, partners)
      : { clicksAdded: 0, conversionsAdded: 0 };
  return { partnersAdded, linksAdded, ...activity };
}

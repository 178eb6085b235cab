// Seeds the demo partners and links; safe to run any number of times (matched by slug).
import { dbOf } from '../db/client';
import { insertLink, linkSlugTaken } from '../db/links';
import { getPartnerBySlug, insertPartner } from '../db/partners';
import { newId } from '../domain/ids';
import { issuePartnerSecrets } from '../services/partners';
import { issuePushSecret } from '../services/push-secrets';
import { SEED_LINKS, SEED_PARTNERS } from './partners';

/** Inserts what is missing of the demo data; answers how many partners and links it added. */
export async function seedDemo(env: Env): Promise<{ partnersAdded: number; linksAdded: number }> {
  const db = dbOf(env);
  let partnersAdded = 0;
  let linksAdded = 0;
  const ids = new Map<string, string>();
  for (const p of SEED_PARTNERS) {
    const existing = await getPartnerBySlug(db, p.slug);
    if (existing) {
      ids.set(p.slug, existing.id);
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
  return { partnersAdded, linksAdded };
}

// Clicks written straight to D1, so that conversion tests do not depend on the redirect's buffered recording.
import { env } from 'cloudflare:workers';
import { dbOf } from '../../src/db/client';
import { type Click, clicks, type NewClick } from '../../src/db/schema';
import { newClickId, newUlid } from '../../src/domain/ids';

/** A human click made an hour ago unless told otherwise; `partnerId` and `linkId` are required. */
export async function insertClick(
  overrides: Partial<NewClick> & { partnerId: string; linkId: string },
): Promise<Click> {
  const createdAt = overrides.createdAt ?? new Date(Date.now() - 3600_000);
  const row: NewClick = {
    id: newClickId(createdAt.getTime()),
    // A ULID, as the redirect mints them: the visitor cookie holds nothing else.
    visitorId: newUlid(createdAt.getTime()),
    isBot: false,
    isUnique: true,
    destination: 'https://www.autodoc.fr/freinage',
    ...overrides,
    createdAt,
  };
  return (await dbOf(env).insert(clicks).values(row).returning().get()) as Click;
}

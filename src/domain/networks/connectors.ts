// The connector of a partner's network, from the type and settings stored for it.
import { awinConnector } from './awin';
import type { NetworkConnector } from './connector';
import { jsonConnector } from './json-mapping';
import type { AwinSettings, JsonSettings, NetworkType } from './settings';

/**
 * The connector a stored network names; null for a type this version does not know.
 * @example connectorFor('awin', { publisherId: '45628' })?.maxWindowDays // 31
 */
export function connectorFor(type: string, settings: Record<string, unknown>): NetworkConnector | null {
  switch (type as NetworkType) {
    case 'awin':
      return awinConnector(settings as AwinSettings);
    case 'json':
      return jsonConnector(settings as unknown as JsonSettings);
    default:
      return null;
  }
}

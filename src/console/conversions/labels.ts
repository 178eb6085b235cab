// How a conversion's closed values read in each language: statuses, attribution methods, events, sources of changes.
import type { AttributionMethod } from '../../domain/attribution';
import type { ConversionEvent } from '../../domain/conversion-event';
import type { ConversionStatus, StatusChangeSource } from '../../domain/conversion-status';
import type { Lang } from '../ui/locale';

export const STATUS_LABELS: Record<Lang, Record<ConversionStatus, string>> = {
  en: { pending: 'Pending', approved: 'Approved', rejected: 'Rejected', reversed: 'Reversed' },
  fr: { pending: 'En attente', approved: 'Validée', rejected: 'Refusée', reversed: 'Annulée' },
};

export const METHOD_LABELS: Record<Lang, Record<AttributionMethod, string>> = {
  en: {
    click_id: 'Click id',
    cookie: 'Visitor cookie',
    referral_code: 'Referral code',
    coupon: 'Coupon',
    user: 'App user (cross-device)',
    fingerprint: 'Fingerprint',
    none: 'Not attributed',
  },
  fr: {
    click_id: 'Identifiant de clic',
    cookie: 'Cookie visiteur',
    referral_code: 'Code de parrainage',
    coupon: 'Code promo',
    user: "Utilisateur de l'app (multi-appareils)",
    fingerprint: 'Empreinte',
    none: 'Non attribuée',
  },
};

export const EVENT_LABELS: Record<Lang, Record<ConversionEvent, string>> = {
  en: { lead: 'Lead', add_to_cart: 'Add to cart', sale: 'Sale' },
  fr: { lead: 'Prospect', add_to_cart: 'Ajout au panier', sale: 'Vente' },
};

export const SOURCE_LABELS: Record<Lang, Record<StatusChangeSource, string>> = {
  en: { postback: 'Partner postback', api: 'Admin', reconcile: 'Reconciliation', network: 'Affiliate network' },
  fr: { postback: 'Postback du partenaire', api: 'Admin', reconcile: 'Rapprochement', network: "Réseau d'affiliation" },
};

/** A badge's class by status: the words say it, the colour only repeats it. */
export const statusClass = (status: ConversionStatus) =>
  status === 'approved' ? 'badge good' : status === 'pending' ? 'badge' : 'badge bad';

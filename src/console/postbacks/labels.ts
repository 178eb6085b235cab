// How the postback log's closed values read in each language: outcomes and the codes of refused attempts.
import type { PostbackOutcome } from '../../domain/postback-outcome';
import type { Lang } from '../ui/locale';

export const OUTCOME_LABELS: Record<Lang, Record<PostbackOutcome, string>> = {
  en: { recorded: 'Recorded', duplicate: 'Duplicate', updated: 'Updated', dry_run: 'Dry run', rejected: 'Refused' },
  fr: { recorded: 'Enregistré', duplicate: 'Doublon', updated: 'Mis à jour', dry_run: 'Essai', rejected: 'Refusé' },
};

/** A badge's class by outcome: the words say it, the colour only repeats it. */
export const outcomeClass = (outcome: string) =>
  outcome === 'rejected' ? 'badge bad' : outcome === 'recorded' || outcome === 'updated' ? 'badge good' : 'badge';

/** Why a postback was refused before its sender proved who it is (src/routes/api/postbacks.ts lists them). */
export const FAILURE_CODES = [
  'not_found',
  'invalid_token',
  'invalid_signature',
  'ip_not_allowed',
  'auth_method_disabled',
  'payload_too_large',
] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

export const FAILURE_LABELS: Record<Lang, Record<FailureCode, string>> = {
  en: {
    not_found: 'Unknown partner',
    invalid_token: 'Wrong token',
    invalid_signature: 'Wrong signature',
    ip_not_allowed: 'Address not allowed',
    auth_method_disabled: 'Method turned off',
    payload_too_large: 'Body too large',
  },
  fr: {
    not_found: 'Partenaire inconnu',
    invalid_token: 'Jeton erroné',
    invalid_signature: 'Signature erronée',
    ip_not_allowed: 'Adresse non autorisée',
    auth_method_disabled: 'Méthode désactivée',
    payload_too_large: 'Corps trop volumineux',
  },
};

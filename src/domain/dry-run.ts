// Dry runs of signed postbacks: told by a webhook-id the signature covers, so that none can be replayed as a real postback.
//
// `?dryRun=1` sits in the URL, which the Standard Webhooks signature does not cover: a signed dry
// run sent again without it would be a valid real postback. A dry run whose `webhook-id` starts
// with `dryrun_` carries the flag inside what is signed, and a real postback with such an id is
// refused. A dry run with any other id still works, but spends its id: the same id is refused to
// a real postback afterwards.

/** The prefix of the `webhook-id` of a signed dry run. */
export const DRY_RUN_ID_PREFIX = 'dryrun_';

/** Whether a `webhook-id` says, under the signature, that its postback is a dry run. */
export const isDryRunId = (webhookId: string | null | undefined) => webhookId?.startsWith(DRY_RUN_ID_PREFIX) ?? false;

/** Why a signed postback's dry-run flag and its `webhook-id` disagree. */
export type DryRunConflict = { code: 'dry_run_id' | 'dry_run_replay'; message: string };

/**
 * Checks a signed postback's `webhook-id` against its `?dryRun=1` flag: a real postback may use
 * neither a `dryrun_` id nor an id a dry run spent. Answers null when they agree.
 * @example dryRunConflict({ webhookId: 'dryrun_42', isDryRun: false, isIdSpentByDryRun: false })
 * // { code: 'dry_run_id', message: '...' }
 */
export function dryRunConflict(sent: {
  webhookId: string | null;
  isDryRun: boolean;
  isIdSpentByDryRun: boolean;
}): DryRunConflict | null {
  if (sent.isDryRun) return null;
  if (isDryRunId(sent.webhookId)) {
    return {
      code: 'dry_run_id',
      message: `A webhook-id starting with "${DRY_RUN_ID_PREFIX}" marks a dry run: add ?dryRun=1, or send the real postback with another webhook-id.`,
    };
  }
  if (sent.isIdSpentByDryRun) {
    return {
      code: 'dry_run_replay',
      message: `This webhook-id was used by a dry run: send the real postback with a new webhook-id (dry runs should use ids starting with "${DRY_RUN_ID_PREFIX}").`,
    };
  }
  return null;
}

// What came of a postback: the status its answer carries, and the outcome the postback log keeps.

/** The `status` of a postback's answer: a new conversion, the same one again, or a change to it. */
export const INTAKE_STATUSES = ['recorded', 'duplicate', 'updated'] as const;

/** Every outcome the postback log records: an answer's status, a dry run, or a refusal. */
export const POSTBACK_OUTCOMES = [...INTAKE_STATUSES, 'dry_run', 'rejected'] as const;
export type PostbackOutcome = (typeof POSTBACK_OUTCOMES)[number];

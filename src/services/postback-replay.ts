// Replays of logged postbacks by an admin: intake again from parsing on, with the partner's current settings.
import type { Db } from '../db/client';
import { readIntakeLookups } from '../db/intake';
import type { Partner } from '../db/schema';
import { answerOf, type PostbackAnswer } from '../domain/postback-answer';
import { type KeptSignals, type ParsedForLog, parsedForLog } from '../domain/postback-log-entry';
import { candidateQuery, hashSignals } from './attribution';
import { rateDayOf } from './exchange-rates';
import { assertMayPost, keyOf } from './postback-intake';
import { readPostback } from './postback-parse';
import { type IntakeResult, recordConversion } from './record-conversion';

/** What a replay by an admin answers, and what its log entry keeps. */
export type ReplayOutcome = { result: IntakeResult; answer: PostbackAnswer; parsed: ParsedForLog };

/**
 * Runs a logged postback through intake again, from parsing on: it passed authentication when
 * it came in. Hashes kept by the log entry stand in for the raw values it did not keep. The
 * caller logs the replay. Throws 403 for a partner that may not post, 400 naming every bad
 * field, 409 for a forbidden status change.
 */
export async function replayPostback(
  db: Db,
  env: Env,
  req: {
    partner: Partner;
    params: Record<string, unknown>;
    dryRun: boolean;
    receivedAt: Date;
    visitorId: string | null;
    kept?: KeptSignals;
  },
): Promise<ReplayOutcome> {
  const { partner, dryRun } = req;
  assertMayPost(partner, dryRun);
  const read = readPostback(partner, req.params, req.receivedAt);
  if (!read.ok) throw read.error;
  const { input } = read;
  const kept = req.kept ?? (await hashSignals(env, input));
  const rateDay = rateDayOf(env, partner, input);
  const lookups = await readIntakeLookups(
    db,
    keyOf(partner, input),
    candidateQuery(partner, input, kept, req.visitorId),
    true,
    rateDay,
  );
  const result = await recordConversion(db, partner, input, {
    dryRun,
    visitorId: req.visitorId,
    kept,
    plans: lookups.plans ?? [],
    lookups,
    rates: rateDay && { date: rateDay.date, quotes: lookups.quotes },
  });
  return {
    result,
    answer: answerOf(partner, result.conversion, result.status, dryRun),
    parsed: parsedForLog(input, kept, req.visitorId),
  };
}

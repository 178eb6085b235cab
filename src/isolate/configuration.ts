// Whether this isolate's settings let it serve: judged once per env object, logged once, asked for free.
//
// Every entry point asks (requests, redirects included, scheduled jobs, Durable Objects), so the
// answer must cost nothing on the redirect's hot path: workerd hands the same env object to every
// request of an isolate, and after the first call the answer is one identity comparison away.
import { misconfigurationMessage, settingProblems } from '../domain/settings';
import { AppError } from '../http/errors';

/**
 * When a Durable Object's alarm is skipped for want of settings, it looks again after this: what it
 * holds (clicks, pending pushes) waits, and is handled once a deploy with sound settings restarts it.
 */
export const REFUSED_ALARM_RETRY_MS = 15 * 60_000;

const verdicts = new WeakMap<object, AppError | null>();
let lastEnv: object | null = null;
let lastVerdict: AppError | null = null;

/**
 * The 500 `misconfigured` error every entry point answers with while a required secret is missing
 * or too short, or `REPORT_TIMEZONE` names no time zone (src/domain/settings.ts), or null when the
 * settings are sound. The error names the settings, never their values; it is logged the first
 * time an env object is judged.
 * @example const refusal = refusalOf(env); if (refusal) return errorResponse(refusal);
 */
export function refusalOf(env: Env): AppError | null {
  if (env === lastEnv) return lastVerdict;
  let verdict = verdicts.get(env);
  if (verdict === undefined) {
    verdict = judge(env);
    verdicts.set(env, verdict);
  }
  lastEnv = env;
  lastVerdict = verdict;
  return verdict;
}

function judge(env: Env): AppError | null {
  const problems = settingProblems(env);
  if (problems.length === 0) return null;
  const message = misconfigurationMessage(problems);
  console.error(`${message} Every request answers 500 and scheduled work is skipped until then.`);
  return new AppError(500, 'misconfigured', message, { settings: problems });
}

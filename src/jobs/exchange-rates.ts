// The daily fetch of the ECB's reference rates (FX_RATES_URL): stored as EUR-based rates, waiting conversions converted.
import { parseEcbRates } from '../domain/ecb-rates';
import { type FetchedRatesReport, storeReferenceRates } from '../services/exchange-rates';

/** The ECB's files are small (the 90-day one is about 50 KB); the whole history is about 8 MB. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 20_000;

export type RatesFetchReport =
  | { status: 'off' }
  | { status: 'failed'; reason: string }
  | ({ status: 'stored' } & FetchedRatesReport);

/**
 * Fetches `FX_RATES_URL` (nothing when it is empty) and stores the days it holds, as
 * `storeReferenceRates` does. A failure (network, HTTP status, a body that is not the ECB's
 * format) is logged and answered, never thrown: the next run fetches again, and since days
 * already stored are skipped, a file covering several days (the 90-day one) catches up on any
 * run that failed.
 */
export async function fetchReferenceRates(env: Env, nowMs: number): Promise<RatesFetchReport> {
  const url = env.FX_RATES_URL?.trim() ?? '';
  if (url === '') return { status: 'off' };
  const failed = (reason: string): RatesFetchReport => {
    console.error(`exchange rates not fetched from ${url}: ${reason}`);
    return { status: 'failed', reason };
  };
  let body: string;
  try {
    const res = await fetch(url, {
      headers: { accept: 'application/xml, text/xml' },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (!res.ok) {
      await res.body?.cancel();
      return failed(`HTTP ${res.status}`);
    }
    const declared = Number(res.headers.get('content-length') ?? 0);
    if (declared > MAX_BODY_BYTES) {
      await res.body?.cancel();
      return failed(`the body is ${declared} bytes, more than ${MAX_BODY_BYTES}`);
    }
    body = await res.text();
  } catch (err) {
    return failed(err instanceof Error ? err.message : String(err));
  }
  if (body.length > MAX_BODY_BYTES) return failed(`the body is more than ${MAX_BODY_BYTES} bytes`);
  const parsed = parseEcbRates(body);
  if (!parsed.ok) return failed(parsed.message);
  if (parsed.days.length === 0) return failed('the file holds no rate');
  try {
    return { status: 'stored', ...(await storeReferenceRates(env, parsed.days, nowMs)) };
  } catch (err) {
    return failed(`storing failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

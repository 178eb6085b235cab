// Waiting on a promise that another request may settle, within what workerd allows.
//
// The platform limit: workerd cancels, as hung, a request whose only pending work is a promise
// that another request's I/O will settle (a D1 load started by the first request for a cold
// link, the demo seed started by the first request after `npm start`). Once the request that
// owns that I/O has answered, the waiters can be left with nothing of their own to wait on.
// A timer of the waiting request's own, raced beside the shared promise, keeps it alive; when
// the timer wins the waiter decides what to do (load for itself, or wait again).
// Batches that outlive requests (the click recorder) avoid the problem differently: only the
// request that opened a batch waits for it, and every promise is settled in the request that
// made it.

/** What `waitShared` answers when its own timer fired before the shared promise settled. */
export const LATE: unique symbol = Symbol('late');

/**
 * The shared promise's value, or `LATE` once `timeoutMs` has passed without it (a rejection is
 * passed on). The timer is cleared either way.
 * @example
 * const value = await waitShared(loading, 1_000);
 * if (value === LATE) return loadForThisRequest();
 */
export function waitShared<T>(shared: Promise<T>, timeoutMs: number): Promise<T | typeof LATE> {
  // Set at once by the Promise executor, which runs synchronously; Workers' clearTimeout takes no undefined.
  let timer!: ReturnType<typeof setTimeout>;
  const late = new Promise<typeof LATE>((resolve) => {
    timer = setTimeout(() => resolve(LATE), timeoutMs);
  });
  return Promise.race([shared, late]).finally(() => clearTimeout(timer));
}

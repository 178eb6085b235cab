// Keeps the runtime objects of a tracked redirect out of V8's minor garbage collections.
//
// Why: V8's scavenger reclaims an "unmodified" API object (one still shaped as its constructor
// made it, such as the Request, Headers and Response of a request) as soon as it is unreachable,
// and workerd then destroys the C++ object behind each one, one by one, at the end of that
// collection. Under load that is thousands of requests' worth of objects per scavenge, and the
// redirect stalls for 30-50 ms several times a second. An object with a property of its own is
// "modified": it is promoted instead and freed with the rest at the next major collection,
// which is rarer and frees them in bulk. Measured with the A/B harness on the full Worker
// (same workerd, alternating rounds): p99 25 ms instead of 41 ms, 4% less CPU per request.
// Nothing depends on it for correctness: were V8 to change its heuristics, only speed would.

const TENURED = Symbol('relais.tenured');

/**
 * Marks a runtime object so that the scavenger leaves it to the major collector.
 * @example tenure(request); tenure(response);
 */
export function tenure(object: object): void {
  (object as { [TENURED]?: true })[TENURED] = true;
}

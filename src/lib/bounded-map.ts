// A Map with a size bound for the isolate's memos and caches: past the bound, the oldest entry goes first.
//
// Why insertion order rather than LRU: a Map already iterates in insertion order, so the
// oldest key is found and dropped in constant time with nothing to update on a hit. Reads stay
// the native `Map.prototype.get`, which matters on the redirect's path. Entries that fall out
// are simply computed or loaded again.

/**
 * @example
 * const osByAgent = new BoundedMap<string, string | null>(1_000);
 * const os = osByAgent.getOrSet(userAgent, (ua) => describeDevice(ua).os);
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(readonly maxSize: number) {
    super();
    if (!(maxSize >= 1)) throw new RangeError('A BoundedMap holds at least one entry.');
  }

  /** Sets `key`, first dropping the oldest entry when a new key would pass the bound. */
  override set(key: K, value: V): this {
    if (this.size >= this.maxSize && !this.has(key)) this.delete(this.keys().next().value as K);
    return super.set(key, value);
  }

  /** The value of `key`, computed by `make` and kept when absent (undefined is never kept). */
  getOrSet(key: K, make: (key: K) => V): V {
    let value = this.get(key);
    if (value === undefined) {
      value = make(key);
      this.set(key, value);
    }
    return value;
  }
}

/**
 * Coalesces concurrent loads of the same thing into one. Two kinds of joining:
 * - `join` shares whatever load is running for the key, for keys that already pin what may be
 *   returned (a course and its cache generation);
 * - `fresh` shares only a load that starts after the call, so a caller never gets an answer read
 *   before it asked: while one load runs, later callers queue behind it and share the next one.
 *   At most two loads per key are ever alive, however many callers there are.
 */
export class SingleFlight<K, V> {
  private readonly running = new Map<K, Promise<V>>();
  private readonly queued = new Map<K, Promise<V>>();

  join(key: K, load: () => Promise<V>): Promise<V> {
    return this.running.get(key) ?? this.start(key, load);
  }

  fresh(key: K, load: () => Promise<V>): Promise<V> {
    const queued = this.queued.get(key);
    if (queued) return queued;
    const running = this.running.get(key);
    if (!running) return this.start(key, load);
    const next = running
      .catch(() => undefined)
      .then(() => {
        this.queued.delete(key);
        return this.start(key, load);
      });
    this.queued.set(key, next);
    return next;
  }

  private start(key: K, load: () => Promise<V>): Promise<V> {
    const flight = load().finally(() => {
      if (this.running.get(key) === flight) this.running.delete(key);
    });
    this.running.set(key, flight);
    return flight;
  }
}

// A map that holds at most `capacity` entries and forgets the least recently used one first.
// The market engine keeps every per-instrument cache in one, so no sequence of requests can grow
// memory without bound or leave a full cache that stops caching (which once made every later
// quote recompute an hour of ticks).

export class BoundedCache<K, V> {
	readonly capacity: number;
	// A Map iterates in insertion order: re-inserting on use keeps the oldest entry first.
	readonly #entries = new Map<K, V>();

	/** @param capacity most entries kept (a positive integer) */
	constructor(capacity: number) {
		if (!Number.isInteger(capacity) || capacity < 1)
			throw new RangeError(`\`capacity\` must be a positive integer; got ${capacity}.`);
		this.capacity = capacity;
	}

	get size(): number {
		return this.#entries.size;
	}

	/** The value for `key`, marking it most recently used; undefined when absent. */
	get(key: K): V | undefined {
		const value = this.#entries.get(key);
		if (value !== undefined) {
			this.#entries.delete(key);
			this.#entries.set(key, value);
		}
		return value;
	}

	/** Stores `value` as the most recently used, evicting the least recently used when full. */
	set(key: K, value: V): void {
		this.#entries.delete(key);
		this.#entries.set(key, value);
		if (this.#entries.size > this.capacity)
			this.#entries.delete(this.#entries.keys().next().value as K);
	}

	/** The value for `key`, made by `make` and stored when absent. */
	getOrCreate(key: K, make: () => V): V {
		let value = this.get(key);
		if (value === undefined) this.set(key, (value = make()));
		return value;
	}

	clear(): void {
		this.#entries.clear();
	}
}

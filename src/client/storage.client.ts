// Reader state in localStorage, parsed defensively: versioned keys (`ch39:<widget>:v1`) hold an
// envelope `{ "version": n, "value": ... }`. Disabled storage, corrupt JSON, a wrong version, a
// value that fails its parser and a full quota all fall back quietly; nothing here throws.

export interface VersionedStoreOptions<T> {
	/** The localStorage key, e.g. `ch39:exercises:v1`. */
	key: string;
	version: number;
	/** The state to use when nothing valid is stored. */
	fallback: () => T;
	/** Turns a stored value into T, or undefined when it is not acceptable. */
	parse: (value: unknown) => T | undefined;
	/** Where to store (defaults to window.localStorage when it is usable). */
	storage?: () => Storage | undefined;
}

export interface VersionedStore<T> {
	/** The stored value, or the fallback when it is missing, unreadable or invalid. */
	read(): T;
	/** Stores value; false when storage is unavailable or full. */
	write(value: T): boolean;
	/** Removes the key; false when storage is unavailable. */
	clear(): boolean;
}

/** window.localStorage, or undefined where it is disabled (blocked cookies, sandboxed frames). */
export function browserStorage(): Storage | undefined {
	try {
		const storage = globalThis.localStorage;
		return storage ?? undefined;
	} catch {
		return undefined;
	}
}

/** A typed, versioned view of one localStorage key that never throws. */
export function createVersionedStore<T>(options: VersionedStoreOptions<T>): VersionedStore<T> {
	const { key, version, fallback, parse, storage = browserStorage } = options;
	const target = (): Storage | undefined => {
		try {
			return storage();
		} catch {
			return undefined;
		}
	};
	return {
		read(): T {
			try {
				const raw = target()?.getItem(key);
				if (raw == null) return fallback();
				const envelope: unknown = JSON.parse(raw);
				if (typeof envelope !== 'object' || envelope === null) return fallback();
				const record = envelope as { version?: unknown; value?: unknown };
				if (record.version !== version) return fallback();
				return parse(record.value) ?? fallback();
			} catch {
				return fallback();
			}
		},
		write(value: T): boolean {
			try {
				const store = target();
				if (!store) return false;
				store.setItem(key, JSON.stringify({ version, value }));
				return true;
			} catch {
				// QuotaExceededError or a storage that refuses writes: keep the page working.
				return false;
			}
		},
		clear(): boolean {
			try {
				const store = target();
				if (!store) return false;
				store.removeItem(key);
				return true;
			} catch {
				return false;
			}
		},
	};
}

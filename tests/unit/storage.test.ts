import { describe, expect, it } from 'vitest';
import { createVersionedStore } from '../../src/client/storage.client.ts';

/** A Storage backed by a Map; `quota` makes setItem throw like a full localStorage. */
function fakeStorage(
	options: { quota?: boolean; failReads?: boolean } = {},
): Storage & { map: Map<string, string> } {
	const map = new Map<string, string>();
	return {
		map,
		get length() {
			return map.size;
		},
		clear: () => map.clear(),
		key: (i: number) => [...map.keys()][i] ?? null,
		getItem: (key: string) => {
			if (options.failReads) throw new DOMException('denied', 'SecurityError');
			return map.get(key) ?? null;
		},
		setItem: (key: string, value: string) => {
			if (options.quota) throw new DOMException('full', 'QuotaExceededError');
			map.set(key, value);
		},
		removeItem: (key: string) => void map.delete(key),
	};
}

interface Answers {
	count: number;
}
const parse = (value: unknown): Answers | undefined =>
	typeof value === 'object' && value !== null && typeof (value as Answers).count === 'number'
		? { count: (value as Answers).count }
		: undefined;

function storeOn(storage: Storage | undefined | (() => never)) {
	return createVersionedStore<Answers>({
		key: 'ch39:test:v1',
		version: 1,
		fallback: () => ({ count: 0 }),
		parse,
		storage: typeof storage === 'function' ? storage : () => storage,
	});
}

describe('createVersionedStore', () => {
	it('round-trips a value inside a versioned envelope', () => {
		const storage = fakeStorage();
		const store = storeOn(storage);
		expect(store.read()).toEqual({ count: 0 });
		expect(store.write({ count: 3 })).toBe(true);
		expect(storage.map.get('ch39:test:v1')).toBe('{"version":1,"value":{"count":3}}');
		expect(store.read()).toEqual({ count: 3 });
		expect(store.clear()).toBe(true);
		expect(store.read()).toEqual({ count: 0 });
	});

	it('falls back on corrupt JSON, a wrong version and a value its parser rejects', () => {
		const storage = fakeStorage();
		const store = storeOn(storage);
		for (const raw of [
			'{not json',
			'null',
			'42',
			'{"version":2,"value":{"count":5}}',
			'{"version":1,"value":{"count":"5"}}',
		]) {
			storage.map.set('ch39:test:v1', raw);
			expect(store.read()).toEqual({ count: 0 });
		}
	});

	it('reports a full quota as false instead of throwing', () => {
		const store = storeOn(fakeStorage({ quota: true }));
		expect(store.write({ count: 1 })).toBe(false);
		expect(store.read()).toEqual({ count: 0 });
	});

	it('works without storage at all (disabled or throwing on access)', () => {
		for (const store of [
			storeOn(undefined),
			storeOn(() => {
				throw new DOMException('blocked', 'SecurityError');
			}),
			storeOn(fakeStorage({ failReads: true })),
		]) {
			expect(store.read()).toEqual({ count: 0 });
			expect(typeof store.write({ count: 1 })).toBe('boolean');
			expect(typeof store.clear()).toBe('boolean');
		}
	});
});

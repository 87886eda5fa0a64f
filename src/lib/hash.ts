// Small deterministic hashing used in place of Math.random: every "random" figure in the market
// is a pure function of a seed and a few integers, so the page, the server and the tests agree.

/** FNV-1a hash of a string, as an unsigned 32-bit integer. */
export function hashString(text: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return hash >>> 0;
}

/** Mixes integers into one well-distributed unsigned 32-bit integer (murmur3-style finaliser). */
export function mix(...values: number[]): number {
	let hash = 0x9e3779b9;
	for (const value of values) {
		// Fold values beyond 32 bits (window indices are around 2^31 and grow) into the state.
		const low = value | 0;
		const high = Math.floor(value / 4294967296) | 0;
		hash = Math.imul(hash ^ low, 0x85ebca6b);
		hash = (hash << 13) | (hash >>> 19);
		hash = Math.imul(hash ^ high, 0xc2b2ae35);
		hash = (hash << 11) | (hash >>> 21);
	}
	hash ^= hash >>> 16;
	hash = Math.imul(hash, 0x85ebca6b);
	hash ^= hash >>> 13;
	hash = Math.imul(hash, 0xc2b2ae35);
	hash ^= hash >>> 16;
	return hash >>> 0;
}

/** A uniform number in [0, 1) from the mixed integers. */
export function unit(...values: number[]): number {
	return mix(...values) / 4294967296;
}

/** A small seeded generator (mulberry32) for code that needs a sequence, e.g. jitter in tests. */
export function createRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

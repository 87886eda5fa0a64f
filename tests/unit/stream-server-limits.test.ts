// The stream server's rate limits over loopback with a clock the test moves by hand: the
// failed-key wait it states is enough and no longer, a refused message costs nothing, and a
// clock moved back (the render bench moves it by months) does not lock a connection out.
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Recorded } from '../support/ws-client.ts';
import { startStream, type StreamFixture } from '../support/stream-fixture.ts';

let fixture: StreamFixture | undefined;
const clients: Recorded[] = [];
afterEach(async () => {
	for (const c of clients.splice(0)) c.ws.close();
	await fixture?.close();
	fixture = undefined;
});

/** A clock the test moves by hand. */
function handClock(at = Date.UTC(2026, 0, 5, 4, 0, 0)) {
	const clock = { t: at, now: () => clock.t };
	return clock;
}

describe('failed-auth throttle, default limits (10 a minute)', () => {
	it('ten bad keys, a key 1 s later: "try again in 5 s", and 5 s later the key is accepted', async () => {
		const clock = handClock();
		fixture = await startStream({
			apiKey: 'secret',
			now: clock.now,
			limits: { authGraceMs: 600_000 },
		});
		const c = await connect(fixture.url, { localAddress: '127.0.0.21' });
		clients.push(c);
		for (let i = 0; i < 10; i++) c.send({ action: 'authenticate', api_key: `guess-${i}` });
		await c.next(() => c.frames.length >= 10);
		clock.t += 1000;
		c.send({ action: 'authenticate', api_key: 'secret' });
		const throttled = await c.next(() => c.frames.length >= 11);
		expect(throttled.message).toBe(
			'Too many failed authentications from your address; try again in 5 s',
		);
		clock.t += 5000;
		c.send({ action: 'authenticate', api_key: 'secret' });
		expect(await c.next((f) => f.type === 'auth')).toMatchObject({ status: 'success' });
	});
});

describe('message and byte buckets', () => {
	it('a message refused for bytes costs no message token, one refused for messages costs no bytes', async () => {
		const clock = handClock();
		fixture = await startStream({
			mount: 'site',
			now: clock.now,
			limits: {
				messageBurst: 3,
				messagesPerSecond: 1,
				byteBurst: 1000,
				bytesPerSecond: 1,
				floodCloseAfter: 1000,
			},
		});
		const c = await connect(fixture.url);
		clients.push(c);
		const ping = (id: string, padTo = 0) => {
			const base = { action: 'ping', _pingId: id, pad: '' };
			const size = JSON.stringify(base).length;
			return JSON.stringify({ ...base, pad: 'x'.repeat(Math.max(0, padTo - size)) });
		};
		const sent: string[] = [];
		const send = (text: string) => (sent.push(text), c.ws.send(text));
		send(ping('a', 600)); // admitted: 2 messages, 400 bytes left
		send(ping('b', 600)); // refused for bytes
		send(ping('c')); // admitted: 1 message left
		send(ping('d')); // admitted: 0 messages left
		send(ping('e', 100)); // refused for messages
		await c.next((f) => f.type === 'pong' && f._pingId === 'd');
		clock.t += 1000; // +1 message, +1 byte
		const left = 1000 - sent[0]!.length - sent[2]!.length - sent[3]!.length + 1;
		send(ping('f', left)); // admitted only if b took no message and e took no bytes
		await c.next((f) => f.type === 'pong' && f._pingId === 'f');
		const pongs = c.frames.filter((f) => f.type === 'pong').map((f) => f._pingId);
		expect(pongs).toEqual(['a', 'c', 'd', 'f']);
	});

	it('a server clock moved back 30 days does not lock a connection out', async () => {
		const clock = handClock(Date.UTC(2026, 11, 1));
		fixture = await startStream({
			mount: 'site',
			now: clock.now,
			limits: { messageBurst: 2, messagesPerSecond: 1 },
		});
		const c = await connect(fixture.url);
		clients.push(c);
		c.send({ action: 'ping', _pingId: 1 });
		c.send({ action: 'ping', _pingId: 2 });
		await c.next((f) => f._pingId === 2);
		clock.t -= 30 * 86_400_000;
		// Still empty at the moment of the jump (refused, as before 7ec842f)...
		c.send({ action: 'ping', _pingId: 3 });
		await c.next((f) => f.code === 'RATE_LIMITED');
		// ...and a token again one second later, not thirty days later.
		clock.t += 1000;
		c.send({ action: 'ping', _pingId: 4 });
		expect(await c.next((f) => f._pingId === 4, 2000)).toMatchObject({ type: 'pong' });
	});
});

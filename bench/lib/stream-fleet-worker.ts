// One shard of the stream benchmark's clients, on a worker thread (see connectThreads in
// stream-fleet.ts). Off the main thread, the busy receive loop cannot delay the main thread's
// timers that open and close the measuring window or its talk with the server process; with
// --client-threads above 1 the sockets are also read in parallel (on a 2-core machine that
// competes with the server for the cores, so the default is one thread).
import { parentPort, workerData } from 'node:worker_threads';
import {
	connectFleet,
	type Fleet,
	type FleetOptions,
	type ToShard,
	type FromShard,
} from './stream-fleet.ts';

const port = parentPort;
if (!port) throw new Error('stream-fleet-worker.ts runs only as a worker thread');
const options = workerData as Omit<FleetOptions, 'onProgress'>;
const post = (message: FromShard, transfer: ArrayBuffer[] = []): void =>
	port.postMessage(message, transfer);

let fleet: Fleet | undefined;
port.on('message', (message: ToShard) => {
	if (message.type === 'start') fleet?.startMeasuring(message.offsetMs);
	else if (message.type === 'stop') {
		const receipts = fleet?.stopMeasuring();
		if (!receipts) return post({ type: 'error', message: 'not connected' });
		// The histogram's buffer moves to the main thread rather than being copied.
		post({ type: 'receipts', ...receipts, closedEarly: fleet?.closedEarly() ?? 0 }, [
			receipts.histogram.buffer as ArrayBuffer,
		]);
	} else if (message.type === 'probe') {
		if (!fleet) return post({ type: 'error', message: 'not connected' });
		void fleet
			.probeFirstTicks(message.count, message.firstAddress)
			.then((firstTickMs) => post({ type: 'probed', firstTickMs }));
	} else if (message.type === 'close') {
		fleet?.close();
		post({ type: 'closed' });
	}
});

try {
	fleet = await connectFleet({
		...options,
		onProgress: (connected) => post({ type: 'progress', connected }),
	});
	post({ type: 'connected' });
} catch (error) {
	post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}

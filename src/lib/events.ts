// DOM events that widgets use to talk to each other (never globals). Everything here ships to
// the browser: keep it to names and types.

/** Fired by the subscribe-message builder when the reader presses "Send to the live stream". */
export const SEND_MESSAGE_EVENT = 'ch:send-message';

export interface SendMessageDetail {
	/** The message exactly as the reader built it, compact JSON (what goes on the wire). */
	text: string;
}

/** Fired by the live stream panel (on `document`) whenever its connection state changes. */
export const STREAM_STATE_EVENT = 'ch:stream-state';

export type StreamConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed' | 'simulated';

export interface StreamStateDetail {
	state: StreamConnectionState;
	/** Seconds until the next reconnect attempt, when `state` is `reconnecting`. */
	retryInSeconds?: number;
}

declare global {
	interface DocumentEventMap {
		[SEND_MESSAGE_EVENT]: CustomEvent<SendMessageDetail>;
		[STREAM_STATE_EVENT]: CustomEvent<StreamStateDetail>;
	}
}

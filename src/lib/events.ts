// DOM events that widgets use to talk to each other (never globals). Everything here ships to
// the browser: keep it to names and types.

/** Fired by the subscribe-message builder when the reader presses "Send to the live stream". */
export const SEND_MESSAGE_EVENT = 'ch:send-message';

export interface SendMessageDetail {
	/** The message exactly as the reader built it, compact JSON (what goes on the wire). */
	text: string;
}

declare global {
	interface DocumentEventMap {
		[SEND_MESSAGE_EVENT]: CustomEvent<SendMessageDetail>;
	}
}

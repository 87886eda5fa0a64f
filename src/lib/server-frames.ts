// The frames the server sends (protocol spec §3-§10), keys in the real server's order: their
// types, one builder per frame, and `parseServerFrame`, which checks a received frame's shape
// field by field before the page trusts it. The sender to protocol.ts's receiver, as ws splits
// sender.js from receiver.js. Ships to the browser. Over 400 lines only because each frame is
// written three times on purpose: its type, its builder, and the shape its reader checks.
import { isJsonObject } from './json-parse.ts';
import {
	protocolIssue,
	type IssueParams,
	type ProtocolErrorId,
	type WireErrorCode,
} from './protocol-errors.ts';
import {
	DEMO_USER,
	MOCK_BROKER,
	type Instrument,
	type ModeLabel,
	type ModeNumber,
} from './protocol.ts';

export interface ErrorFrame {
	status: 'error';
	code: WireErrorCode;
	message: string;
}
export interface AuthFrame {
	type: 'auth';
	status: 'success';
	message: string;
	broker: string;
	user_id: string;
	supported_features: { ltp: boolean; quote: boolean; depth: boolean };
}
export interface SubscriptionResult {
	symbol: string;
	exchange: string;
	status: 'success' | 'error';
	mode?: ModeLabel;
	depth?: number;
	message?: string;
	broker: string;
}
export interface SubscribeAckFrame {
	type: 'subscribe';
	status: 'success' | 'partial' | 'error';
	subscriptions: SubscriptionResult[];
	message: string;
	broker: string;
	request_id?: unknown;
}
export interface UnsubscribeResult {
	symbol: string;
	exchange: string;
	status: 'success' | 'error';
	message?: string;
	broker: string;
}
export interface UnsubscribeAckFrame {
	type: 'unsubscribe';
	status: 'success' | 'partial' | 'error';
	message: string;
	successful: UnsubscribeResult[];
	failed: UnsubscribeResult[];
	broker: string;
	request_id?: unknown;
}
export interface PongFrame {
	type: 'pong';
	status: 'success';
	server_timestamp: number;
	client_timestamp?: unknown;
	_pingId?: unknown;
}
export interface BrokerInfoFrame {
	type: 'broker_info';
	status: 'success';
	broker: string;
	adapter_status: string;
	user_id: string;
}
export interface SupportedBrokersFrame {
	type: 'supported_brokers';
	status: 'success';
	brokers: string[];
	count: number;
}
export interface MarketDataFrame {
	type: 'market_data';
	symbol: string;
	exchange: string;
	mode: ModeNumber;
	data: MarketDataPayload;
	broker: string;
}
export interface DepthPayloadLevel {
	price: number;
	quantity: number;
	orders: number;
}
export interface MarketDataPayload {
	ltp: number;
	open?: number;
	high?: number;
	low?: number;
	close?: number;
	volume?: number;
	last_trade_quantity?: number;
	avg_trade_price?: number;
	change?: number;
	change_percent?: number;
	depth?: { buy: DepthPayloadLevel[]; sell: DepthPayloadLevel[] };
	ltt: number;
	symbol: string;
	exchange: string;
	mode: ModeNumber;
	timestamp: number;
}

export type ServerFrame =
	| ErrorFrame
	| AuthFrame
	| SubscribeAckFrame
	| UnsubscribeAckFrame
	| PongFrame
	| BrokerInfoFrame
	| SupportedBrokersFrame
	| MarketDataFrame
	| HandshakeFrame;

/** Every frame but the error frame carries a `type`. */
type TypedFrame = Exclude<ServerFrame, ErrorFrame>;

export function errorFrame(code: WireErrorCode, message: string): ErrorFrame {
	return { status: 'error', code, message };
}

export function authSuccessFrame(
	broker: string = MOCK_BROKER,
	userId: string = DEMO_USER,
): AuthFrame {
	return {
		type: 'auth',
		status: 'success',
		message: 'Authentication successful',
		broker,
		user_id: userId,
		supported_features: { ltp: true, quote: true, depth: true },
	};
}

/** `success` when nothing failed, `error` when everything did, otherwise `partial`. */
function overallStatus(ok: number, failed: number): 'success' | 'partial' | 'error' {
	if (failed === 0) return 'success';
	return ok === 0 ? 'error' : 'partial';
}

export function subscribeAckFrame(
	subscriptions: SubscriptionResult[],
	broker: string = MOCK_BROKER,
	requestId?: { requestId?: unknown },
): SubscribeAckFrame {
	const failed = subscriptions.filter((s) => s.status === 'error').length;
	// `partial` as soon as one entry fails (spec §6); `error` when none went through.
	return {
		type: 'subscribe',
		status: overallStatus(subscriptions.length - failed, failed),
		subscriptions,
		message: 'Subscription processing complete',
		broker,
		...(requestId && 'requestId' in requestId ? { request_id: requestId.requestId } : {}),
	};
}

export function unsubscribeAckFrame(
	successful: UnsubscribeResult[],
	failed: UnsubscribeResult[],
	broker: string = MOCK_BROKER,
	requestId?: { requestId?: unknown },
): UnsubscribeAckFrame {
	return {
		type: 'unsubscribe',
		status: overallStatus(successful.length, failed.length),
		message: 'Unsubscription processing complete',
		successful,
		failed,
		broker,
		...(requestId && 'requestId' in requestId ? { request_id: requestId.requestId } : {}),
	};
}

export function pongFrame(
	serverTimestamp: number,
	request: { timestamp?: unknown; pingId?: unknown },
): PongFrame {
	return {
		type: 'pong',
		status: 'success',
		server_timestamp: serverTimestamp,
		...('timestamp' in request ? { client_timestamp: request.timestamp } : {}),
		...('pingId' in request ? { _pingId: request.pingId } : {}),
	};
}

export function brokerInfoFrame(
	broker: string = MOCK_BROKER,
	userId: string = DEMO_USER,
): BrokerInfoFrame {
	return {
		type: 'broker_info',
		status: 'success',
		broker,
		adapter_status: 'connected',
		user_id: userId,
	};
}

export function supportedBrokersFrame(brokers: string[] = [MOCK_BROKER]): SupportedBrokersFrame {
	return { type: 'supported_brokers', status: 'success', brokers, count: brokers.length };
}

export function marketDataFrame(
	instrument: Instrument,
	mode: ModeNumber,
	data: MarketDataPayload,
	broker: string = MOCK_BROKER,
): MarketDataFrame {
	return {
		type: 'market_data',
		symbol: instrument.symbol,
		exchange: instrument.exchange,
		mode,
		data,
		broker,
	};
}

/**
 * The page mount's `handshake` reply: the HTTP upgrade this connection made, as the server saw
 * it (only the WebSocket-relevant request headers, never cookies or credentials). Built by
 * server/handshake.ts from the request and ws's 101 lines.
 */
export interface HandshakeFrame {
	type: 'handshake';
	request: {
		method: string;
		path: string;
		httpVersion: string;
		headers: Record<string, string>;
	};
	response: {
		status: number;
		statusText: string;
		headers: Record<string, string>;
	};
}

/** Request headers a handshake frame may show: what a WebSocket upgrade is made of. */
export const HANDSHAKE_REQUEST_HEADERS: readonly string[] = [
	'host',
	'origin',
	'user-agent',
	'upgrade',
	'connection',
	'sec-websocket-key',
	'sec-websocket-version',
	'sec-websocket-extensions',
	'sec-websocket-protocol',
];

/** The error frame for a row of the protocol error table (see protocol-errors.ts). */
export function protocolErrorFrame<K extends ProtocolErrorId>(
	id: K,
	...params: IssueParams<K>
): ErrorFrame {
	const issue = protocolIssue(id, '', ...params);
	if (issue.code === 'MESSAGE_TOO_BIG')
		throw new TypeError('`messageTooBig` is a close (1009), never an error frame.');
	return errorFrame(issue.code, issue.message);
}

// ---------------------------------------------------------------------------------------------
// Reading frames back (the page's client). Every field the types declare is checked; unknown
// extra fields are allowed, as a newer server may send more.

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number =>
	typeof value === 'number' && Number.isFinite(value);
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
const optional =
	(check: (value: unknown) => boolean) =>
	(value: unknown): boolean =>
		value === undefined || check(value);
const oneOf =
	(...allowed: readonly unknown[]) =>
	(value: unknown): boolean =>
		allowed.includes(value);
const listOf =
	(check: (value: unknown) => boolean) =>
	(value: unknown): boolean =>
		Array.isArray(value) && value.every(check);
const recordOf =
	(check: (value: unknown) => boolean) =>
	(value: unknown): boolean =>
		isJsonObject(value) && Object.values(value).every(check);

type Shape = Readonly<Record<string, (value: unknown) => boolean>>;
const shaped =
	(shape: Shape) =>
	(value: unknown): boolean =>
		isJsonObject(value) && Object.entries(shape).every(([key, check]) => check(value[key]));

const isDepthLevel = shaped({ price: isNumber, quantity: isNumber, orders: isNumber });
const isMarketDataPayload = shaped({
	ltp: isNumber,
	open: optional(isNumber),
	high: optional(isNumber),
	low: optional(isNumber),
	close: optional(isNumber),
	volume: optional(isNumber),
	last_trade_quantity: optional(isNumber),
	avg_trade_price: optional(isNumber),
	change: optional(isNumber),
	change_percent: optional(isNumber),
	depth: optional(shaped({ buy: listOf(isDepthLevel), sell: listOf(isDepthLevel) })),
	ltt: isNumber,
	symbol: isString,
	exchange: isString,
	mode: oneOf(1, 2, 3),
	timestamp: isNumber,
});
const ackStatus = oneOf('success', 'partial', 'error');
const isSubscriptionResult = shaped({
	symbol: isString,
	exchange: isString,
	status: oneOf('success', 'error'),
	mode: optional(oneOf('LTP', 'Quote', 'Depth')),
	depth: optional(isNumber),
	message: optional(isString),
	broker: isString,
});
const isUnsubscribeResult = shaped({
	symbol: isString,
	exchange: isString,
	status: oneOf('success', 'error'),
	message: optional(isString),
	broker: isString,
});

/** The shape of each frame the server sends, by its `type`. */
const FRAME_SHAPES: Readonly<Record<TypedFrame['type'], Shape>> = {
	market_data: {
		symbol: isString,
		exchange: isString,
		mode: oneOf(1, 2, 3),
		data: isMarketDataPayload,
		broker: isString,
	},
	auth: {
		status: oneOf('success'),
		message: isString,
		broker: isString,
		user_id: isString,
		supported_features: shaped({ ltp: isBoolean, quote: isBoolean, depth: isBoolean }),
	},
	subscribe: {
		status: ackStatus,
		subscriptions: listOf(isSubscriptionResult),
		message: isString,
		broker: isString,
	},
	unsubscribe: {
		status: ackStatus,
		message: isString,
		successful: listOf(isUnsubscribeResult),
		failed: listOf(isUnsubscribeResult),
		broker: isString,
	},
	pong: { status: oneOf('success'), server_timestamp: isNumber },
	broker_info: {
		status: oneOf('success'),
		broker: isString,
		adapter_status: isString,
		user_id: isString,
	},
	supported_brokers: { status: oneOf('success'), brokers: listOf(isString), count: isNumber },
	handshake: {
		request: shaped({
			method: isString,
			path: isString,
			httpVersion: isString,
			headers: recordOf(isString),
		}),
		response: shaped({ status: isNumber, statusText: isString, headers: recordOf(isString) }),
	},
};

const isErrorFrame = shaped({ status: oneOf('error'), code: isString, message: isString });

/**
 * Parses a received text frame for the page's client. Undefined when it is not JSON, not an
 * object, of no known type, or missing (or mistyping) any field its type declares.
 */
export function parseServerFrame(text: string): ServerFrame | undefined {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return undefined;
	}
	if (!isJsonObject(value)) return undefined;
	// OpenAlgo's error frames carry no `type` (spec §3).
	if (value.type === undefined)
		return isErrorFrame(value) ? (value as unknown as ErrorFrame) : undefined;
	if (!isString(value.type) || !Object.hasOwn(FRAME_SHAPES, value.type)) return undefined;
	const shape = FRAME_SHAPES[value.type as TypedFrame['type']];
	// Checked field by field above: the cast only names what the checks established.
	return shaped(shape)(value) ? (value as unknown as ServerFrame) : undefined;
}

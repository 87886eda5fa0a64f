// The floor for the stream panel (issue 15): the least page that shows the same thing. No
// framework, no chapter around it: one WebSocket to the same stream server, EX 1's subscribe,
// a two-row price table with change, a capped on_tick console and a capped frame log, written
// with textContent once per animation frame. The panes are the cheapest tail the browser knows:
// lines appended at the end, the pane scrolled to the newest, the oldest dropped 50 at a time, so
// the lines already painted do not move (the panel's TailPane does the same; a newest-first pane
// with flex column-reverse moves every line on each insert, and costs about twice as much). It stamps the same data-* attributes as the panel
// (data-state, data-received, data-painted-tick-ms, data-painted-at-ms), so render.bench.ts
// measures both the same way.
import { createServer, type Server } from 'node:http';
import type { StreamServer } from '../../server/stream-server.ts';

/** The floor's font, set on the page's body (and on the floor's box in the chapter). */
export const FLOOR_FONT = '16px system-ui, sans-serif';

/** The floor's styles for its table and panes, without the page's body rule. */
const FLOOR_STYLE = `table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
td, th { padding: 0.3rem 0.6rem; text-align: end; }
.pane { height: 14rem; overflow: auto; font: 0.8rem monospace; border: 1px solid #ccc; list-style: none; }`;

/** The floor's markup: `<main id="floor">` with the table and the two panes, empty. */
const FLOOR_MARKUP = `<main id="floor" data-state="connecting" data-received="0">
<table><thead><tr><th>Symbol</th><th>LTP</th><th>Change</th></tr></thead><tbody id="rows"></tbody></table>
<div class="pane" id="console"></div>
<ol class="pane" id="log"></ol>
</main>`;

/**
 * The floor's parts: its markup, its styles (no body rule) and its script, which connects to
 * `/stream` on the page's own host and sends `firstMessage`, EX 1's subscribe as the panel sends
 * it. render.bench.ts also places them in the chapter, in the panel's place.
 */
export function floorParts(firstMessage: string): {
	markup: string;
	style: string;
	script: string;
} {
	return { markup: FLOOR_MARKUP, style: FLOOR_STYLE, script: floorScript(firstMessage) };
}

/** The floor page's HTML; `firstMessage` is EX 1's subscribe, as the panel sends it. */
export function floorPageHtml(firstMessage: string): string {
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Stream floor</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font: ${FLOOR_FONT}; margin: 1rem; }
${FLOOR_STYLE}
</style></head>
<body>
${FLOOR_MARKUP}
<script type="module">${floorScript(firstMessage)}</script>
</body></html>`;
}

/** The floor's script, plain JS on purpose: nothing between the stream and the page. */
function floorScript(firstMessage: string): string {
	return `
const CONSOLE_LINES = 200, LOG_ENTRIES = 150, SLACK = 50;
const root = document.getElementById('floor');
const rowsBody = document.getElementById('rows');
const consoleOut = document.getElementById('console');
const log = document.getElementById('log');
const first = ${JSON.stringify(firstMessage)};
const rows = new Map();
for (const { symbol } of JSON.parse(first).symbols) {
	const tr = document.createElement('tr');
	const cells = [0, 1, 2].map(() => tr.appendChild(document.createElement('td')));
	cells[0].textContent = symbol;
	rowsBody.append(tr);
	rows.set(symbol, { cells, first: undefined, ltp: undefined, dirty: false });
}
let lines = [], frames = [], received = 0, newest = 0, stamped = 0, pending = false;
const render = () => {
	pending = false;
	for (const row of rows.values()) {
		if (!row.dirty) continue;
		row.dirty = false;
		row.cells[1].textContent = row.ltp.toFixed(2);
		row.cells[2].textContent = (row.ltp - row.first).toFixed(2);
	}
	const tail = (pane, texts, tag, cap) => {
		if (!texts.length) return;
		for (const text of texts) { const line = document.createElement(tag); line.textContent = text; pane.append(line); }
		if (pane.childElementCount > cap + SLACK) {
			const range = document.createRange();
			range.setStartBefore(pane.firstElementChild);
			range.setEndAfter(pane.children[pane.childElementCount - cap - 1]);
			range.deleteContents();
		}
		pane.scrollTop = pane.scrollHeight;
	};
	tail(consoleOut, lines, 'div', CONSOLE_LINES);
	tail(log, frames, 'li', LOG_ENTRIES);
	lines = []; frames = [];
	root.dataset.received = String(received);
	if (newest !== stamped) { stamped = newest; root.dataset.paintedTickMs = String(newest); root.dataset.paintedAtMs = String(Date.now()); }
};
const socket = new WebSocket(\`\${location.protocol === 'https:' ? 'wss' : 'ws'}://\${location.host}/stream\`);
socket.onopen = () => { root.dataset.state = 'open'; socket.send(first); frames.push('sent ' + first); };
socket.onmessage = (event) => {
	received++;
	frames.push('received ' + event.data);
	if (frames.length > LOG_ENTRIES) frames.splice(0, frames.length - LOG_ENTRIES);
	const frame = JSON.parse(event.data);
	if (frame.type === 'market_data') {
		const row = rows.get(frame.symbol);
		if (row) { row.ltp = frame.data.ltp; row.first ??= row.ltp; row.dirty = true; }
		newest = Math.max(newest, frame.data.timestamp);
		lines.push(frame.symbol + ' is now ' + frame.data.ltp);
		if (lines.length > CONSOLE_LINES) lines.splice(0, lines.length - CONSOLE_LINES);
	}
	if (!pending) { pending = true; requestAnimationFrame(render); }
};
`;
}

/** Serves the floor page at / and hands upgrades on /stream to `stream`, on 127.0.0.1. */
export async function startFloorServer(
	stream: Pick<StreamServer, 'handleUpgrade'>,
	firstMessage: string,
): Promise<{ url: string; server: Server }> {
	const html = floorPageHtml(firstMessage);
	const server = createServer((_req, res) => {
		res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
		res.end(html);
	});
	server.on('upgrade', (req, socket, head) => {
		if ((req.url ?? '').split('?')[0] === '/stream') stream.handleUpgrade(req, socket, head);
		else socket.destroy();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	return { url: `http://127.0.0.1:${port}/`, server };
}

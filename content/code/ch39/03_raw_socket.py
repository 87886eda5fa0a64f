"""The chapter's ticks with a bare WebSocket: everything the OpenAlgo SDK does for you, by hand.

Start the mock stream first (`npm run stream` in the course project), then run:

    python3 03_raw_socket.py

It needs the websocket-client package: `pip install websocket-client`
(on Debian or Ubuntu: `sudo apt install python3-websocket`). Stop it with Ctrl+C.
OPENALGO_WS_URL and OPENALGO_API_KEY choose the server and the key.
"""

import json
import os
import sys
import time

import websocket  # the websocket-client package

WS_URL = os.environ.get("OPENALGO_WS_URL", "ws://127.0.0.1:8765")
API_KEY = os.environ.get("OPENALGO_API_KEY", "demo")

# The chapter's subscribe message, exactly as EX 1 prints it.
SUBSCRIBE = {
    "action": "subscribe",
    "mode": "ltp",
    "symbols": [
        {"symbol": "RELIANCE", "exchange": "NSE"},
        {"symbol": "TCS", "exchange": "NSE"},
    ],
}

# After a drop, wait 1 s before reconnecting, then 2, 4, 8, ... but never more than 30 s,
# so a server that is down for a while is not hammered with attempts.
FIRST_WAIT_S = 1
LONGEST_WAIT_S = 30

# The server pings every 20 s, and ticks come more often than that. Hearing nothing at all
# for this long means the connection is dead, even if no error has said so.
SILENCE_LIMIT_S = 45


def on_tick(tick):
    # The chapter's callback, unchanged.
    print(tick["symbol"], "is now", tick["ltp"])


class ConnectionLost(Exception):
    """The connection ended: the server closed it, or the network dropped it."""


def receive_message(ws):
    """Wait for the next whole message and return its text, answering pings on the way.

    On the wire a message travels in frames. Most messages are one text frame, but a
    long one may be split (a first frame, then "continuation" frames), and the server
    slips control frames in between: ping (are you there?) and close (goodbye).
    """
    parts = []
    while True:
        frame = ws.recv_frame()  # one frame, exactly as it came off the wire
        if frame.opcode == websocket.ABNF.OPCODE_PING:
            # Answer every ping with a pong carrying the same bytes (RFC 6455, 5.5.2),
            # or the server decides we are gone and drops us.
            ws.pong(frame.data)
            print("(ping from the server, answered with a pong)")
        elif frame.opcode == websocket.ABNF.OPCODE_CLOSE:
            # A close frame starts with a two-byte code, then an optional reason.
            code = int.from_bytes(frame.data[:2], "big") if len(frame.data) >= 2 else None
            reason = frame.data[2:].decode("utf-8", "replace")
            raise ConnectionLost(f"the server closed the connection: {code} {reason}".strip())
        elif frame.opcode == websocket.ABNF.OPCODE_PONG:
            pass  # an answer to a ping of ours; we send none
        else:
            # A text, binary or continuation frame: part of a message.
            parts.append(frame.data)
            if frame.fin:  # the last frame of this message
                return b"".join(parts).decode("utf-8")


def send(ws, message):
    """Send a dict as one JSON text frame."""
    ws.send(json.dumps(message))


def receive_reply(ws):
    """The next message as a dict (the server always sends JSON objects)."""
    return json.loads(receive_message(ws))


def start_stream(ws):
    """Authenticate and subscribe on a freshly opened connection."""
    # Step 2: authenticate. The server ignores everything else until we do.
    send(ws, {"action": "authenticate", "api_key": API_KEY})
    reply = receive_reply(ws)
    if reply.get("type") != "auth" or reply.get("status") != "success":
        # Retrying will not fix a wrong key, so stop instead of reconnecting.
        sys.exit(f"Authentication failed: {reply.get('message', reply)}. Check OPENALGO_API_KEY.")
    print("Authenticated")

    # Step 3: subscribe. The server answers with one acknowledgement (an "ack")
    # that has one entry per symbol, then the ticks start.
    send(ws, SUBSCRIBE)
    ack = receive_reply(ws)
    if ack.get("type") != "subscribe":
        sys.exit(f"Subscribe refused: {ack.get('message', ack)}")
    accepted = []
    for entry in ack.get("subscriptions", []):
        name = f"{entry['symbol']} on {entry['exchange']}"
        if entry.get("status") == "success":
            accepted.append(f"{name} ({entry.get('mode')})")
        else:
            print(f"Refused: {name}: {entry.get('message')}")
    if not accepted:
        sys.exit("No symbol was accepted; nothing to stream.")
    print("Subscribed:", ", ".join(accepted))


def listen(ws):
    """Turn every market_data frame into the chapter's simple tick and call on_tick."""
    while True:
        try:
            message = receive_reply(ws)
        except ValueError:
            print("Skipped a message that is not JSON")
            continue
        if message.get("type") == "market_data":
            # The frame carries the price under "data"; the chapter's tick is flat.
            on_tick({"symbol": message["symbol"], "ltp": message["data"]["ltp"]})
        elif message.get("status") == "error":
            print("The server says:", message.get("message"))


def main():
    print("Ctrl+C stops the stream.")
    wait_s = FIRST_WAIT_S
    while True:
        print(f"Connecting to {WS_URL}")
        ws = websocket.WebSocket()
        try:
            # Step 1: the handshake. An HTTP GET asking to "Upgrade: websocket";
            # the server agrees with status 101, and the same TCP connection
            # now carries WebSocket frames both ways.
            ws.connect(WS_URL, timeout=5)
            print(f"Handshake done: the server answered {ws.getstatus()} Switching Protocols")
            start_stream(ws)
            wait_s = FIRST_WAIT_S  # we got through: the next drop waits 1 s again
            ws.settimeout(SILENCE_LIMIT_S)
            listen(ws)
        except (ConnectionLost, OSError, websocket.WebSocketException) as problem:
            # Subscriptions live on the connection, so they are gone with it:
            # the next pass through the loop authenticates and subscribes again.
            what = "Connection lost" if ws.getstatus() == 101 else "Cannot connect"
            print(f"{what} ({problem}); reconnecting in {wait_s} s")
        finally:
            # Say goodbye with a close frame (code 1000, normal closure) if the
            # connection is still open, then release the socket.
            ws.close(timeout=1)
        time.sleep(wait_s)
        wait_s = min(wait_s * 2, LONGEST_WAIT_S)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("Stopped: connection closed.")

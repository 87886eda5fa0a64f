"""The chapter's on_tick, called by the OpenAlgo Python SDK on every tick.

Start the mock stream first (`npm run stream` in the course project), then run:

    pip install openalgo
    python3 02_on_tick_with_sdk.py

Stop it with Ctrl+C. OPENALGO_WS_URL and OPENALGO_API_KEY choose the server and the key.
"""

import os
import time

from openalgo import api

WS_URL = os.environ.get("OPENALGO_WS_URL", "ws://127.0.0.1:8765")
API_KEY = os.environ.get("OPENALGO_API_KEY", "demo")

INSTRUMENTS = [
    {"exchange": "NSE", "symbol": "RELIANCE"},
    {"exchange": "NSE", "symbol": "TCS"},
]


def on_tick(tick):
    # The chapter's callback, unchanged.
    print(tick["symbol"], "is now", tick["ltp"])


def on_data_received(frame):
    # The SDK passes the whole market_data frame, with the price under "data":
    # {"type": "market_data", "symbol": "RELIANCE", "exchange": "NSE", "mode": 1,
    #  "data": {"ltp": 1312.4, "timestamp": ...}}. Flatten it into the chapter's tick.
    # (The SDK hides any error raised in here: if nothing prints, check this line.)
    on_tick({"symbol": frame["symbol"], "ltp": frame["data"]["ltp"]})


# host is only used for the SDK's REST calls; the stream goes to ws_url.
client = api(api_key=API_KEY, host="http://127.0.0.1:5000", ws_url=WS_URL)

# connect() opens the socket and authenticates; it returns False if either fails.
if not client.connect():
    raise SystemExit(f"Could not connect and authenticate at {WS_URL}. Is `npm run stream` running?")

client.subscribe_ltp(INSTRUMENTS, on_data_received=on_data_received)
print(f"Subscribed to RELIANCE and TCS at {WS_URL}. Ctrl+C stops.")

try:
    # The SDK reads the socket on a background thread and calls on_data_received
    # from there. This loop keeps the script alive meanwhile; without it the
    # script would end here, and the stream with it.
    while True:
        time.sleep(1)
except KeyboardInterrupt:
    client.unsubscribe_ltp(INSTRUMENTS)
    client.disconnect()
    print("Unsubscribed and disconnected.")

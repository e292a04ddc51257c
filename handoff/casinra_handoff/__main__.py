"""`python -m casinra_handoff`: the gateway on the settings' host and port — how `make run`,
devstack and the tests start it.

uvicorn runs without its proxy-header rewriting (the gateway trusts `X-Forwarded-For` only from
`CASINRA_TRUSTED_PROXIES`, see `clientip.py`) and with the gateway's websocket protocol, which
answers an oversized message with an error frame before closing (`wsprotocol.py`), and without
permessage-deflate unless `CASINRA_WS_COMPRESSION` asks for it."""
from __future__ import annotations

import uvicorn

from .app import create_app, load_settings
from .wsprotocol import GatewayWebSocketProtocol


def main() -> None:
    settings = load_settings()
    uvicorn.run(create_app(settings), host=settings.gateway_host, port=settings.gateway_port, log_config=None,
                proxy_headers=False, ws=GatewayWebSocketProtocol, ws_max_size=settings.ws_max_bytes,
                ws_per_message_deflate=settings.ws_compression,
                access_log=False, server_header=False)


if __name__ == "__main__":
    main()

"""`python -m casinra_handoff` runs the gateway with uvicorn on GATEWAY_PORT."""
from __future__ import annotations

import os

import uvicorn

from .settings import Settings


def main() -> None:
    settings = Settings()
    uvicorn.run(
        "casinra_handoff.app:create_app", factory=True, host=os.environ.get("GATEWAY_HOST", "127.0.0.1"),
        port=settings.gateway_port, log_config=None, proxy_headers=True, ws_max_size=1024 * 1024,
    )


if __name__ == "__main__":
    main()

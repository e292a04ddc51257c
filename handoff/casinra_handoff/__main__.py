"""`python -m casinra_handoff`: the same app as `make run` starts, on the settings' host and port."""
from __future__ import annotations

import uvicorn

from .app import create_app, load_settings


def main() -> None:
    settings = load_settings()
    uvicorn.run(create_app(settings), host=settings.gateway_host, port=settings.gateway_port, log_config=None)


if __name__ == "__main__":
    main()

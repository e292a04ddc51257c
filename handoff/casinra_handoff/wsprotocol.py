"""uvicorn's websocket protocol (websockets, sans-I/O), with one change: a message larger than
`CASINRA_WS_MAX_BYTES` is answered with the `frame_too_large` error frame before the 1009 close
that the protocol layer sends by itself. The size is checked on the frame header, so an oversized
message is never buffered. `python -m casinra_handoff` runs uvicorn with this class."""
from __future__ import annotations

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import CloseCode, Frame, Opcode

from . import frames as F


class GatewayWebSocketProtocol(WebSocketsSansIOProtocol):
    def handle_parser_exception(self) -> None:
        close = self.conn.close_sent
        if close is not None and close.code == CloseCode.MESSAGE_TOO_BIG and self.handshake_complete:
            error = F.error("frame_too_large", details={"max_bytes": self.config.ws_max_size})
            self.transport.write(Frame(Opcode.TEXT, error.model_dump_json().encode()).serialize(mask=False))
        super().handle_parser_exception()

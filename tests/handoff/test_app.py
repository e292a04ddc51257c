"""The app's lifespan: a gateway with live sockets stops cleanly on SIGTERM."""
import asyncio
import signal

from .conftest import agent_login, is_type, open_ws, player_token


async def test_sigterm_with_open_sockets_exits_cleanly(gateway):
    token = agent_login(gateway, "ayse")
    ag = await open_ws(f"{gateway.ws_url}/ws/agent?token={token}")
    await ag.until(is_type("hello"))
    ws = await open_ws(f"{gateway.ws_url}/ws/player?token={player_token()}")
    await ws.until(is_type("welcome"))
    await ws.send({"type": "message", "id": "s1", "text": "merhaba"})
    await ws.until(lambda f: f.get("sender") == "bot")

    gateway.proc.send_signal(signal.SIGTERM)
    code = await asyncio.to_thread(gateway.proc.wait, 15)
    log = gateway.log.read_text()
    assert code in (0, -signal.SIGTERM), log  # uvicorn re-raises the signal after its shutdown
    assert '"msg": "gateway stopped"' in log, log
    assert "Traceback" not in log and '"level": "error"' not in log, log

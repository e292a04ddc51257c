"""rasa.RasaClient's HTTP stack: httpcore imports `sniffio` inside every lock it sets up, that is on
every request; without the package each of those imports fails anew and searches sys.path
(about 0.5–1 ms a request on the bench machine). The gateway's environment pins it."""
import asyncio
import builtins

import httpx


async def test_a_request_fails_no_import(monkeypatch):
    failed: list[str] = []
    real_import = builtins.__import__

    def recording(name, *args, **kwargs):
        try:
            return real_import(name, *args, **kwargs)
        except ImportError:
            failed.append(name)
            raise

    async def app(scope, receive, send):  # a minimal ASGI app served by uvicorn on loopback
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, lifespan="off"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        async with httpx.AsyncClient() as client:
            await client.get(f"http://127.0.0.1:{port}/")  # the first request imports what it needs
            monkeypatch.setattr(builtins, "__import__", recording)
            for _ in range(3):
                assert (await client.get(f"http://127.0.0.1:{port}/")).status_code == 200
    finally:
        monkeypatch.undo()
        server.should_exit = True
        await serving
    assert failed == []

"""Static pages and OpenAPI, in-process (no lifespan needed)."""
import warnings

from starlette.testclient import TestClient

from casinra_handoff.app import create_app
from casinra_handoff.settings import Settings

warnings.filterwarnings("ignore", category=DeprecationWarning)
SECRETS = {"jwt_secret": "j" * 32, "channel_secret": "c" * 32, "rasa_token": "r" * 32}


def test_serves_widget_folder(tmp_path):
    (tmp_path / "demo.html").write_text("<title>demo</title>", encoding="utf-8")
    (tmp_path / "console.html").write_text("<title>console</title>", encoding="utf-8")
    (tmp_path / "widget.js").write_text("customElements.define('casinra-chat', class extends HTMLElement {})")
    app = create_app(Settings(widget_dir=tmp_path, **SECRETS))
    c = TestClient(app)
    assert "demo" in c.get("/").text
    assert "console" in c.get("/console").text
    r = c.get("/widget/widget.js")
    assert r.status_code == 200 and "casinra-chat" in r.text
    assert c.get("/widget/../pyproject.toml").status_code == 404
    assert r.headers["x-content-type-options"] == "nosniff"


def test_missing_widget_pages_are_404(tmp_path):
    c = TestClient(create_app(Settings(widget_dir=tmp_path / "nope", **SECRETS)))
    assert c.get("/").status_code == 404
    assert c.get("/console").status_code == 404


def test_openapi_documents_rest():
    schema = TestClient(create_app(Settings(**SECRETS))).get("/openapi.json").json()
    for path in ("/api/agents/login", "/api/queue", "/api/canned", "/api/attachments", "/healthz", "/readyz"):
        assert path in schema["paths"]

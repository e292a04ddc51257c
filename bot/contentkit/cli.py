"""`python -m bot …`: the content team's command line (Türkçe ve English).

Every command prints for people by default; with `--json` it prints progress as JSON lines and
ends with one `{"result": …}` line (or `{"error": "…"}` and exit code 2 for a refused change),
which is how the gateway's content page runs the same commands.
"""
from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import textwrap
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from .progress import emit_result, reporter

DESCRIPTION = """\
Casinra içerik ekibinin komutları / the content team's commands.

  inbox        incelenecek oyuncu mesajları (maskeli, gruplu) / review inbox (masked, grouped)
  decide       inbox mesajı için karar: etiket, örnek, yoksay / decide on inbox messages
  workspace    içerik dalı: durum, fark, örnek ekle, cevap düzenle, kaydet / the content branch
  validate     eğitim verisini denetle (dosya:satır) / validate the training data (file:line)
  train        aday modeli eğit (ilerleme çubuğu) / train a candidate (progress bar)
  evaluate     adayı canlı modelle karşılaştır, HTML rapor / compare with the live model, HTML report
  journeys     konuşma yolculukları (yavaş, ayrı adım) / conversation journeys (slow, own step)
  models       canlı model, sürümler, geçmiş / live model, versions, history (gateway)
  promote      adayı canlıya al / put a candidate live on every Rasa replica (gateway)
  rollback     önceki modele dön / back to the previous model (gateway)

Örnek / example:
  python -m bot validate --project var/content/workspace
  python -m bot train --project var/content/workspace
  python -m bot evaluate --candidate aday-20260101-120000
"""


class Refused(Exception):
    """A change or request the kit refuses, with a Turkish message."""


HELP = "bu yardımı göster / show this help"


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-h", "--help", action="help", help=HELP)
    parser.add_argument("--json", action="store_true",
                        help="ilerleme ve sonuç JSON satırları olarak / progress and result as JSON lines")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=DESCRIPTION, add_help=False,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-h", "--help", action="help", help=HELP)
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMUT/COMMAND")

    p = sub.add_parser(add_help=False, name="inbox", help="incelenecek mesajlar / review inbox",
                       description="Rasa'nın kayıtlı konuşmaları ve arşivlenmiş sohbetlerden incelenecek mesajlar; "
                                   "kişisel veriler maskeli. / Messages worth a look from Rasa's trackers and "
                                   "archived chats; personal data masked.")
    p.add_argument("--redis-url", help="Rasa'nın tracker Redis'i / Rasa's tracker Redis (CASINRA_REDIS_URL)")
    p.add_argument("--db-url", help="arşivlenmiş sohbetler / archived chats (CASINRA_DB_URL)")
    p.add_argument("--export", type=Path, help="JSON olarak dosyaya yaz / write as JSON to this file")
    p.add_argument("--limit", type=int, default=200, help="en fazla grup / most groups (200)")
    _add_common(p)

    p = sub.add_parser(add_help=False, name="decide", help="inbox kararı / an inbox decision",
                       description="Bir inbox grubunun mesajları için karar. / A decision for an inbox group's messages.")
    p.add_argument("--keys", required=True, help="mesaj anahtarları, JSON listesi / message keys, a JSON list")
    p.add_argument("--action", required=True, choices=["label", "example", "confirm", "ignore"],
                   help="label: etiketle, example: eğitime ekle, confirm: güvenliği onayla, ignore: yoksay")
    p.add_argument("--intent", help="niyet / intent")
    p.add_argument("--text", help="eğitime eklenecek metin / the example's text")
    p.add_argument("--by", default=os.environ.get("USER", "editor"), help="kim / who")
    _add_common(p)

    p = sub.add_parser(add_help=False, name="workspace", help="içerik dalı / the content branch",
                       description="İçerik dalı (var/content/workspace, dal “content”): değişiklikler Git commit'i "
                                   "olur. / The content branch in its own worktree; changes become Git commits.")
    p.add_argument("action", choices=["status", "diff", "branch-diff", "info", "add-example", "edit-response",
                                      "commit", "discard", "sync"])
    p.add_argument("--intent")
    p.add_argument("--text")
    p.add_argument("--response", help="utter_… adı / name")
    p.add_argument("--index", type=int, default=0, help="cevabın kaçıncı metni (0'dan) / which text variant")
    p.add_argument("--message", help="commit açıklaması / commit message")
    p.add_argument("--author", help="editörün adı / the editor's name")
    p.add_argument("--email", help="editörün e-postası / the editor's e-mail")
    _add_common(p)

    p = sub.add_parser(add_help=False, name="validate", help="veriyi denetle / validate the data",
                       description="Rasa'nın ve bizim denetimlerimiz; her sorun dosya:satır ile. / Rasa's checks "
                                   "and ours, each problem with file:line.")
    p.add_argument("--project", type=Path, default=Path("."), help="proje klasörü / project folder (.)")
    p.add_argument("--no-rasa", action="store_true", help="Rasa'nın denetimleri olmadan / without Rasa's checks")
    _add_common(p)

    p = sub.add_parser(add_help=False, name="train", help="aday modeli eğit / train a candidate",
                       description="Projenin verisiyle aday modeli eğitir. / Trains a candidate from the project.")
    p.add_argument("--project", type=Path, default=Path("."))
    p.add_argument("--out", type=Path, help="modellerin klasörü / where models go (var/content/models)")
    p.add_argument("--name", help="model adı / model name (aday-<tarih>)")
    _add_common(p)

    p = sub.add_parser(add_help=False, name="evaluate", help="adayı canlı modelle karşılaştır / compare with the live model",
                       description="Ölçüm seti, güvenlik seti ve (çalıştırıldıysa) yolculuklar; niyet başına "
                                   "P/R/F1, farklar, karışıklık matrisi; HTML rapor. / Held-out, safety and journeys; "
                                   "per-intent P/R/F1 with deltas, confusion matrix; an HTML report.")
    p.add_argument("--candidate", required=True, help="aday: ad ya da dosya / candidate: name or file")
    p.add_argument("--live", type=Path, help="canlı model dosyası / live model file (the registry's)")
    p.add_argument("--project", type=Path, default=Path("."))
    _add_common(p)

    p = sub.add_parser(add_help=False, name="journeys", help="konuşma yolculukları / conversation journeys",
                       description="Modeli sunan bir deneme yığınında tests/journeys/ (birkaç dakika). / The journeys "
                                   "against a private stack serving the model (minutes).")
    p.add_argument("--model", required=True, help="ad, dosya ya da “live” / name, file or “live”")
    p.add_argument("--project", type=Path, default=Path("."))
    _add_common(p)

    for name, text in (("models", "canlı model ve geçmiş / live model and history"),
                       ("promote", "adayı canlıya al / promote a candidate"),
                       ("rollback", "önceki modele dön / roll back")):
        p = sub.add_parser(add_help=False, name=name, help=text, description=text + " (ağ geçidi üzerinden / through the gateway: "
                                                                "CASINRA_GATEWAY_URL, CASINRA_EDITOR_USER, "
                                                                "CASINRA_EDITOR_PASSWORD)")
        if name == "promote":
            p.add_argument("--candidate", required=True)
            p.add_argument("--force", action="store_true", help="korumaları aş / override the guards")
            p.add_argument("--reason", help="zorlama gerekçesi (denetlenir) / reason for forcing (audited)")
        if name == "rollback":
            p.add_argument("--to", help="model kimliği / model id (default: the previous live model)")
        _add_common(p)
    return parser


# ------------------------------------------------------------------------------------ commands
def cmd_inbox(args: argparse.Namespace, progress: Callable) -> Any:
    from casinra_contracts import stack

    from .inbox import Sources, build, load_decisions
    from .paths import ContentPaths

    paths = ContentPaths.from_env()
    progress(0.1, "Konuşmalar okunuyor")
    sources = Sources(redis_url=args.redis_url or stack.setting("CASINRA_REDIS_URL"),
                      db_url=args.db_url or stack.setting("CASINRA_DB_URL")).load()
    progress(0.6, f"{len(sources.trackers)} konuşma, {len(sources.transcripts)} arşivlenmiş sohbet")
    inbox = build(sources, load_decisions(paths.decisions))
    inbox["groups"] = inbox["groups"][: args.limit]
    if args.export:
        args.export.write_text(json.dumps(inbox, ensure_ascii=False, indent=1), encoding="utf-8")
    progress(1.0, f"{len(inbox['groups'])} grup")
    if not args.json:
        for g in inbox["groups"]:
            intents = ", ".join(f"{i['name']} %{i['confidence'] * 100:.0f}" for i in g["top_intents"])
            reasons = "; ".join(r["label"] for r in g["reasons"])
            print(f"{g['count']:>4} × “{g['text']}”\n       {reasons}\n       model: {intents or '—'}")
        return None
    return inbox


def cmd_decide(args: argparse.Namespace, progress: Callable) -> Any:
    from .inbox import decide
    from .paths import ContentPaths

    keys = json.loads(args.keys)
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys) or not keys:
        raise Refused("--keys bir metin listesi olmalı.")
    added = None
    if args.action in ("label", "example") and not args.intent:
        raise Refused("Bir niyet seçin.")
    if args.action == "example":
        added = _workspace().add_example(args.intent, args.text or "")
    decide(ContentPaths.from_env().decisions, keys, args.action, args.by, args.intent, args.text)
    return {"decided": len(keys), "action": args.action, "added": added}


def _workspace():  # type: ignore[no-untyped-def]
    from .paths import ContentPaths
    from .workspace import Workspace

    paths = ContentPaths.from_env()
    return Workspace(paths.repo, paths.workspace, paths.branch, paths.base).ensure()


def cmd_workspace(args: argparse.Namespace, progress: Callable) -> Any:
    ws = _workspace()
    action = args.action
    if action == "status":
        return ws.status()
    if action == "diff":
        return ws.diff()
    if action == "branch-diff":
        return ws.branch_diff()
    if action == "info":
        project = ws.project()
        from casinra_contracts.topics import intent_label

        intents = project.domain_intents()
        return {
            "intents": intents,
            "labels": {name: intent_label(name) for name in intents if intent_label(name)},
            "retrieval": sorted({e.intent for e in project.examples() if "/" in e.intent}),
            "responses": [{"name": r.name, "where": str(r.where), "texts": [v.text for v in r.variants]}
                          for r in project.responses().values()],
        }
    if action == "add-example":
        return ws.add_example(args.intent or "", args.text or "")
    if action == "edit-response":
        return ws.edit_response(args.response or "", args.index, args.text or "")
    if action == "commit":
        return ws.commit(args.message or "", args.author or "editör", args.email or "editor@casinra.local")
    if action == "discard":
        return {"changed": ws.discard()}
    return ws.sync()


def cmd_validate(args: argparse.Namespace, progress: Callable) -> Any:
    from . import checks
    from .project import Project

    problems = checks.validate(Project(args.project), run_rasa=not args.no_rasa, progress=progress)
    errors = checks.errors(problems)
    if not args.json:
        for p in problems:
            print(f"{'✗' if p.severity == checks.ERROR else '!'} {p}")
        print("Eğitim verisi geçerli." if not errors else f"{len(errors)} hata, {len(problems) - len(errors)} uyarı.")
        if errors:
            raise SystemExit(1)
        return None
    return {"ok": not errors, "errors": len(errors), "warnings": len(problems) - len(errors),
            "problems": [p.as_dict() for p in problems]}


def cmd_train(args: argparse.Namespace, progress: Callable) -> Any:
    from .paths import ContentPaths
    from .project import Project
    from .training import train

    out = args.out or ContentPaths.from_env().models
    model = train(Project(args.project), out, args.name, progress, log_file=out / ".last-train.log")
    meta = json.loads(model.with_suffix("").with_suffix(".json").read_text())
    if not args.json:
        print(f"Model: {model}")
        return None
    return {**meta, "path": str(model)}


def _model_file(value: str) -> Path:
    from .paths import ContentPaths

    paths = ContentPaths.from_env()
    if value == "live":
        live = paths.live_model()
        if live is None:
            raise Refused(f"Canlı model bulunamadı ({paths.registry}/live.json).")
        return live
    path = Path(value)
    if path.suffix == ".gz" and path.is_file():
        return path
    candidate = paths.candidate(value)
    if not candidate.is_file():
        raise Refused(f"“{value}” adında eğitilmiş bir aday yok ({paths.models}).")
    return candidate


def cmd_evaluate(args: argparse.Namespace, progress: Callable) -> Any:
    from .evaluation import evaluate, model_id
    from .paths import ContentPaths
    from .project import CODE_ROOT, Project

    paths = ContentPaths.from_env()
    candidate = _model_file(args.candidate)
    live = args.live or paths.live_model() or CODE_ROOT / "models" / "casinra.tar.gz"
    out = paths.report_dir(model_id(candidate))
    report = evaluate(Project(args.project), candidate, Path(live), out, paths.cache, progress)
    if not args.json:
        for fig in report["figures"]:
            c, l, d = fig["candidate"], fig["live"], fig["delta"]
            print(f"{fig['label']:<42} aday {_pct(c):>7}  canlı {_pct(l):>7}  fark {_pct(d, True):>8}")
        print(f"Rapor: {out / 'report.html'}")
        return None
    return {"candidate": report["candidate"]["id"], "live": report["live"]["id"], "report": str(out),
            "figures": report["figures"]}


def _pct(value: Optional[float], signed: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value * 100:+.1f}" if signed else f"{value * 100:.1f}"


def cmd_journeys(args: argparse.Namespace, progress: Callable) -> Any:
    from .journeys import run_journeys
    from .paths import ContentPaths
    from .project import Project

    paths = ContentPaths.from_env()
    summary = run_journeys(Project(args.project), _model_file(args.model), paths.cache,
                           paths.root / "journeys-stack", progress)
    if not args.json:
        print(f"{summary['turns_passed']}/{summary['turns']} tur doğru ({summary['turn_share'] * 100:.1f}%), "
              f"{summary['journeys_passed']}/{summary['journeys']} yolculuk sorunsuz")
        return None
    return summary


# ------------------------------------------------------------------------------------ gateway
class Gateway:
    """The gateway's model API, as an editor (CASINRA_EDITOR_USER / CASINRA_EDITOR_PASSWORD)."""

    def __init__(self) -> None:
        from casinra_contracts import stack

        self.url = (os.environ.get("CASINRA_GATEWAY_URL") or stack.setting("CASINRA_GATEWAY_URL")).rstrip("/")
        user = os.environ.get("CASINRA_EDITOR_USER") or input("Editör kullanıcı adı: ")
        password = os.environ.get("CASINRA_EDITOR_PASSWORD") or getpass.getpass("Şifre: ")
        self.token = self.call("POST", "/api/agents/login", {"username": user, "password": password})["token"]

    def call(self, method: str, path: str, body: Optional[dict] = None) -> Any:
        request = urllib.request.Request(self.url + path, method=method,
                                         data=json.dumps(body).encode() if body is not None else None)
        request.add_header("Content-Type", "application/json")
        if getattr(self, "token", None):
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            detail = json.loads(exc.read() or b"{}").get("detail")
            if isinstance(detail, dict):
                lines = [detail.get("message", "")] + [p.get("message", "") for p in detail.get("problems", [])]
                raise Refused("\n".join(filter(None, lines))) from None
            raise Refused(str(detail or exc)) from None
        except urllib.error.URLError as exc:
            raise Refused(f"Ağ geçidine ulaşılamadı ({self.url}): {exc.reason}") from None


def cmd_models(args: argparse.Namespace, progress: Callable) -> Any:
    gw = Gateway()
    data = {"registry": gw.call("GET", "/api/models"), "replicas": gw.call("GET", "/api/models/replicas")}
    if not args.json:
        live = data["registry"].get("live") or {}
        print(f"Canlı model: {live.get('id', '—')} ({live.get('name', '')})")
        for r in data["replicas"]["replicas"]:
            print(f"  {r['url']}: {r.get('model_id') or r.get('error') or '—'}")
        for h in data["registry"]["history"][:10]:
            print(f"  {h['action']:<9} {h['model']}  {h.get('actor') or ''}  {h.get('reason') or ''}")
        return None
    return data


def cmd_promote(args: argparse.Namespace, progress: Callable) -> Any:
    out = Gateway().call("POST", "/api/models/promote",
                         {"candidate": args.candidate, "force": args.force, "reason": args.reason or ""})
    if not args.json:
        print(f"Canlı model artık {out['live']['id']}.")
        return None
    return out


def cmd_rollback(args: argparse.Namespace, progress: Callable) -> Any:
    out = Gateway().call("POST", "/api/models/rollback", {"to": args.to})
    if not args.json:
        print(f"Canlı model artık {out['live']['id']}.")
        return None
    return out


COMMANDS: Dict[str, Callable] = {
    "inbox": cmd_inbox, "decide": cmd_decide, "workspace": cmd_workspace, "validate": cmd_validate,
    "train": cmd_train, "evaluate": cmd_evaluate, "journeys": cmd_journeys, "models": cmd_models,
    "promote": cmd_promote, "rollback": cmd_rollback,
}


def main(argv: Optional[List[str]] = None) -> None:
    from .training import TrainingFailed
    from .workspace import WorkspaceError

    args = build_parser().parse_args(argv)
    progress = reporter(args.json)
    try:
        result = COMMANDS[args.command](args, progress)
    except (Refused, WorkspaceError, TrainingFailed, ValueError) as exc:
        if args.json:
            print(json.dumps({"error": str(exc)}, ensure_ascii=False), flush=True)
        else:
            lines = [textwrap.fill(line, 100, subsequent_indent="  ") for line in str(exc).splitlines() if line]
            print("✗ " + "\n  ".join(lines), file=sys.stderr)
        raise SystemExit(2)
    if args.json:
        emit_result(result)
    elif result is not None:
        print(json.dumps(result, ensure_ascii=False, indent=1, default=str))

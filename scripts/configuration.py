"""docs/configuration.md: every `CASINRA_*` variable once, generated from the code that reads it.

The typed settings objects (one per service) are read with `ast`, so this runs on any Python with
no dependency: each field gives its variable, default and comment. Variables read outside those
objects (the stack's layout, the secrets, the tools) are described in `OTHERS` below. A variable
found in the code but described nowhere stops the script, so the page cannot fall behind.

    python3 scripts/configuration.py            # rewrite docs/configuration.md
    python3 scripts/configuration.py --check    # exit 1 if the page is not what the code says
"""
from __future__ import annotations

import argparse
import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Set, Tuple

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "configuration.md"
PREFIX = "CASINRA_"
# (service, file, class) of every typed settings object
SETTINGS = [
    ("Gateway (`python -m casinra_handoff`)", "handoff/casinra_handoff/settings.py", "Settings"),
    ("Rasa server (`rasa run`, `rasa shell`)", "bot/settings.py", "BotSettings"),
    ("Rasa's tracker and lock stores", "bot/stores.py", "StoreSettings"),
    ("Action server (`rasa run actions`)", "actions/settings.py", "ActionSettings"),
]
# where the code reads variables
SOURCES = ["handoff/casinra_handoff", "bot", "actions", "contracts/casinra_contracts", "scripts", "bench",
           "endpoints.yml", "Makefile"]
SECRET_HINT = "secret: the environment, else `var/<profile>/secrets.json` (written by `make run`), else refused"
# variables read outside the settings objects: name → (who reads it, what it means)
OTHERS: Dict[str, Tuple[str, str]] = {
    "CASINRA_PROFILE": ("every service (contracts/stack.py)",
                        "the local stack's profile: `dev` (default), `test`, `cluster`, `bench`; picks ports and state folder"),
    "CASINRA_PORT_OFFSET": ("every service (contracts/stack.py)", "added to every port of the profile (private stacks side by side)"),
    "CASINRA_STATE_DIR": ("every service (contracts/stack.py)",
                          "the profile's state folder (default `var/<profile>/`: Redis, back-office DB, secrets, logs)"),
    "CASINRA_GATEWAY_URL": ("tools (`python -m bot`, journeys)", "the gateway's base URL (default: the profile's)"),
    "CASINRA_ACTION_URL": ("Rasa (endpoints.yml), gateway `/readyz`", "the action server's webhook URL (default: the profile's)"),
    "CASINRA_ACTION_HOST": ("action server (actions/server.py)", "interface the action server binds (default `127.0.0.1`)"),
    "CASINRA_ACTION_TOKEN": ("Rasa → action server", f"token Rasa sends with every action call; {SECRET_HINT}"),
    "CASINRA_CHANNEL_SECRET": ("gateway, Rasa", f"HMAC secret of the gateway → Rasa channel; {SECRET_HINT}"),
    "CASINRA_RASA_TOKEN": ("gateway, Rasa", f"token of Rasa's HTTP API (`--auth-token`); {SECRET_HINT}"),
    "CASINRA_JWT_SECRET": ("gateway", f"signs player and agent tokens; {SECRET_HINT}"),
    "CASINRA_DEMO_AGENT_PASSWORD": ("gateway, seed", f"the demo users' password (demo mode only); {SECRET_HINT}"),
    "CASINRA_PG_PASSWORD": ("devstack (cluster, bench)", "the private PostgreSQL's `casinra` role; only in the secrets file and pgpass"),
    "CASINRA_PG_ADMIN_PASSWORD": ("devstack (cluster, bench)", "the private PostgreSQL's `postgres` role; only in the secrets file and pgpass"),
    "CASINRA_HAPROXY_BIND": ("devstack (cluster, bench)", "interface HAProxy binds (default `127.0.0.1`)"),
    "CASINRA_EDITOR_USER": ("`python -m bot promote/rollback`", "editor's user name for the gateway's model API (else asked)"),
    "CASINRA_EDITOR_PASSWORD": ("`python -m bot promote/rollback`", "editor's password (else asked, never echoed)"),
}


@dataclass
class Row:
    name: str
    default: str
    meaning: str


def _comment(lines: List[str], lineno: int) -> Tuple[str, Optional[str]]:
    """The field's own comment (inline, or the block right above it) and a group heading (a comment
    block that follows a blank line)."""
    line = lines[lineno - 1]
    inline = line.split("  # ", 1)[1].strip() if "  # " in line else ""
    block: List[str] = []
    i = lineno - 2
    while i >= 0 and lines[i].strip().startswith("#"):
        block.insert(0, lines[i].strip().lstrip("#").strip())
        i -= 1
    # a block after a blank line, or above a field with its own inline comment, heads a group
    heading = " ".join(block) if block and i >= 0 and (not lines[i].strip() or inline) else None
    own = inline or ("" if heading else " ".join(block))
    return re.sub(r"^CASINRA_\w+:\s*", "", own), heading


def _env_name(node: ast.AnnAssign) -> str:
    name = node.target.id.upper()  # type: ignore[union-attr]
    value = node.value
    if isinstance(value, ast.Call):
        for kw in value.keywords:
            if kw.arg == "env" and isinstance(kw.value, ast.Constant):
                return kw.value.value
    return PREFIX + name


def _default(source: str, node: ast.AnnAssign) -> str:
    value = node.value
    if value is None:
        return "—"
    if isinstance(value, ast.Call) and getattr(value.func, "id", "") == "Field":
        for kw in value.keywords:
            if kw.arg == "default_factory":
                return "the profile's"
        if value.args:
            value = value.args[0]
        else:
            return "—"
    text = ast.get_source_segment(source, value) or ""
    if text in ('""', "''"):
        return "(empty)"
    return text.replace("REPO_ROOT / ", "").replace('Path(__file__).resolve().parents[1] / ', "handoff/")


def settings_rows(path: str, cls: str) -> Iterator[Tuple[Optional[str], Row]]:
    source = (ROOT / path).read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls)
    for item in node.body:
        if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name) and item.target.id != "model_config":
            meaning, heading = _comment(lines, item.lineno)
            yield heading, Row(_env_name(item), _default(source, item), meaning)
        elif isinstance(item, ast.FunctionDef) and item.decorator_list and ast.get_docstring(item):
            doc = ast.get_docstring(item) or ""
            match = re.match(r"(CASINRA_\w+): (.*)", doc)
            if match:  # a property that reads a secret
                yield None, Row(match.group(1), "—", f"{match.group(2)} {SECRET_HINT}")


def names_in_code() -> Set[str]:
    found: Set[str] = set()
    for entry in SOURCES:
        path = ROOT / entry
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.suffix in (".py", ".sh", ".yml", ".cfg")]
        for file in files:
            if file.resolve() == Path(__file__).resolve():
                continue
            found |= set(re.findall(r"\bCASINRA_[A-Z0-9_]*[A-Z0-9]\b", file.read_text(encoding="utf-8", errors="replace")))
    return found


def render() -> str:
    out = [
        "# Configuration",
        "",
        "Every `CASINRA_*` variable, once. Generated by `python3 scripts/configuration.py` from the code",
        "that reads it (a test fails when this page and the code disagree); do not edit by hand.",
        "",
        "A service started by hand with no variable set finds the same Redis, database, ports and secrets",
        "as `make run` (the `dev` profile); `eval \"$(make -s env)\"` exports the stack's values for plain",
        "`rasa` commands. Secrets have no defaults anywhere: the environment, else the profile's",
        "`secrets.json`, else the service refuses to start and says how to get them.",
        "",
    ]
    described: Dict[str, str] = {}
    for service, path, cls in SETTINGS:
        out += [f"## {service}", "", f"`{path}` · `{cls}`", "", "| variable | default | meaning |", "|---|---|---|"]
        for heading, row in settings_rows(path, cls):
            if heading:
                out.append(f"| **{heading}** | | |")
            where = described.get(row.name)
            meaning = row.meaning or (f"as above ({where})" if where else OTHERS.get(row.name, ("", ""))[1])
            if not meaning:
                raise SystemExit(f"{path}: {row.name} has no comment (say what it means, in the settings object)")
            if SECRET_HINT in OTHERS.get(row.name, ("", ""))[1]:  # no default, whatever the field says
                row.default, meaning = "—", meaning if SECRET_HINT in meaning else f"{meaning}; {SECRET_HINT}"
            out.append(f"| `{row.name}` | `{row.default}` | {meaning} |".replace("| `—` |", "| — |"))
            described.setdefault(row.name, service.split(" (")[0])
        out.append("")
    out += ["## The stack, the secrets and the tools", "", "| variable | read by | meaning |", "|---|---|---|"]
    for name in sorted(OTHERS):
        if name in described:
            continue
        who, meaning = OTHERS[name]
        out.append(f"| `{name}` | {who} | {meaning} |")
        described[name] = who
    out.append("")
    missing = sorted(names_in_code() - set(described))
    if missing:
        raise SystemExit(f"read in the code but described nowhere (add them to OTHERS): {', '.join(missing)}")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/configuration.md is out of date")
    args = parser.parse_args()
    text = render()
    if args.check:
        if PAGE.read_text(encoding="utf-8") != text:
            print("docs/configuration.md is out of date: run python3 scripts/configuration.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(text, encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Progress of a long step: a bar on a terminal, JSON lines for the gateway (`--json`).

A JSON line is `{"progress": 0.42, "step": "…"}`; the last line of a command run with `--json` is
its result (`{"result": …}`), which the gateway's job runner stores for the page.
"""
from __future__ import annotations

import json
import sys
from typing import Any, Callable

Progress = Callable[[float, str], None]


def reporter(as_json: bool) -> Progress:
    last = {"text": ""}

    def bar(fraction: float, step: str) -> None:
        fraction = max(0.0, min(1.0, fraction))
        if as_json:
            print(json.dumps({"progress": round(fraction, 3), "step": step}, ensure_ascii=False), flush=True)
            return
        width = 30
        filled = int(width * fraction)
        line = f"\r[{'█' * filled}{'·' * (width - filled)}] {fraction * 100:5.1f}%  {step[:60]:<60}"
        if sys.stderr.isatty():
            sys.stderr.write(line)
            if fraction >= 1.0:
                sys.stderr.write("\n")
        elif step != last["text"]:
            sys.stderr.write(line.strip("\r") + "\n")
        sys.stderr.flush()
        last["text"] = step

    return bar


def emit_result(result: Any) -> None:
    print(json.dumps({"result": result}, ensure_ascii=False, default=str), flush=True)

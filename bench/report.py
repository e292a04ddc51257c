"""results/bench/system.json (python -m bench) and nlu.json (bot/bench.py) → docs/bench.md and
results/bench/bench.md: one table per figure, every figure beside its baseline, and the goals."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .wake import SLOW

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "results" / "bench"
DOC = REPO / "docs" / "bench.md"


def _load(name: str) -> dict[str, Any] | None:
    path = RESULTS / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _f(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def machine_line(m: dict[str, Any]) -> str:
    return (f"{m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM, Linux {m['kernel']}; Python "
            f"{m['python_gateway']} (gateway) and {m['python_bot'].removeprefix('Python ')} (Rasa); "
            f"{m['haproxy'].split(' - ')[0]}; {m['redis'].split(' sha=')[0]}. Load average "
            f"{m['load_average'][0]} before, {m.get('load_average_after', ['–'])[0]} after "
            "(the machine is shared with other work).")


def system(s: dict[str, Any]) -> list[str]:
    t = s["turns"]
    lines = [
        "## The system (`python -m bench`)",
        "",
        f"Measured {s['machine']['date']} on: {machine_line(s['machine'])}",
        "",
        f"The bench profile of `scripts/devstack.py` — HAProxy in front of two gateways and two Rasa "
        f"servers, one Redis, the action server, PostgreSQL — started fresh for the run in "
        f"{_f(s['stack']['startup_s'])} s; everything on loopback. Every synthetic client comes from "
        "127.0.0.1 and one demo agent carries every relayed chat, so the quotas counted per client IP "
        "and per identity are raised (still checked on every frame); every other limit, the per-socket "
        "rate limits included, is the default.",
        "",
        "### Bot turns: through the gateway vs straight to Rasa",
        "",
        f"Each player runs the same {len(t['script'])}-turn FAQ script ({', '.join(repr(x) for x in t['script'])}), "
        "waiting for the whole answer before the next message. *Gateway*: the player's websocket through "
        "HAProxy to either gateway, which calls Rasa through HAProxy. *Direct*: the same signed turns "
        "posted to the Rasa server's channel. Both are served by the same one Rasa server (the other is "
        "in maintenance in HAProxy); latency is from the send to the answer's last bubble. Each level "
        f"runs {t.get('rounds', 1)} rounds per path in the order direct–gateway, gateway–direct, gateway–direct, "
        "direct–gateway (a drift of the shared machine hits both alike); the rounds are pooled.",
        "",
        "| players | path | turns | errors | p50 ms | p95 ms | p99 ms | turns/s | CPU cores used |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for players, level in t["levels"].items():
        for path in ("direct", "gateway"):
            r = level[path]
            lines.append(f"| {players} | {path} | {r['turns']} | {r['errors']} | {_f(r.get('p50_ms'))} | "
                         f"{_f(r.get('p95_ms'))} | {_f(r.get('p99_ms'))} | {_f(r['turns_per_s'])} | "
                         f"{_f(r['cpu_cores']['total'], 2)} |")
        g = level["gateway_to_direct"]
        lines.append(f"| {players} | **gateway ÷ direct** | | | **{_f(g['p50'], 3)}** | **{_f(g['p95'], 3)}** | "
                     f"**{_f(g['p99'], 3)}** | **{_f(g['turns_per_s'], 3)}** | |")
    r = s["replicas"]
    lines += [
        "",
        f"### Throughput with one and two Rasa servers ({r['players']} players through the gateway)",
        "",
        "HAProxy's runtime API puts the second Rasa server in maintenance or back; two rounds each, in "
        "the order one–two–two–one, pooled. CPU in cores busy during the phase (2.0 = both cores).",
        "",
        "| Rasa servers | turns | errors | turns/s | p50 ms | p95 ms | CPU cores used: total | Rasa | gateways | load generator |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for count in ("1", "2"):
        x = r[count]
        cpu = x["cpu_cores"]
        rasa = sum(v for k, v in cpu.items() if k.startswith("rasa_"))
        gws = sum(v for k, v in cpu.items() if k.startswith("gateway_"))
        lines.append(f"| {count} | {x['turns']} | {x['errors']} | {_f(x['turns_per_s'])} | {_f(x.get('p50_ms'))} | "
                     f"{_f(x.get('p95_ms'))} | {_f(cpu['total'], 2)} | {_f(rasa, 2)} | {_f(gws, 2)} | "
                     f"{_f(cpu.get('load generator'), 2)} |")
    lines += ["", f"Two servers ÷ one: **{_f(r['two_to_one_turns_per_s'], 3)}** × the turns per second, on "
              f"{s['machine']['cores']} cores shared by every process of the stack and the load generator."]
    rl = s["relay"]
    raw = rl["redis"]
    lines += [
        "",
        "### Hand-off relay across two gateway processes vs Redis itself",
        "",
        f"{rl['chats']} chats, players on gateway_a and their agent on gateway_b ({rl['agent_tabs']} console "
        f"tabs), each side of each chat writing every {rl['period_s']} s for {_f(rl['seconds'], 0)} s. The "
        f"baseline: PUBLISH on one Redis connection → the message on a subscribed one, {raw['channels']} "
        f"channels at the same pace, from the same load generator, for {_f(raw['seconds'], 0)} s. "
        + (f"The two took turns in short slices ({raw['slices']} of the baseline, {rl['slices']} of the relay, "
           "starting and ending with the baseline), so that both met the same machine: on shared vCPUs the "
           "hypervisor's share comes and goes within seconds. "
           if rl.get("slices") else "Half before and half after the relay, pooled (the shared machine drifts). ")
        + f"Error frames during the run: {rl['errors']}.",
        "",
        "| path | messages | p50 ms | p95 ms | p99 ms | max ms | lost |",
        "|---|---|---|---|---|---|---|",
        f"| player → agent | {rl['player_to_agent']['n']} | {_f(rl['player_to_agent'].get('p50_ms'), 2)} | "
        f"{_f(rl['player_to_agent'].get('p95_ms'), 2)} | {_f(rl['player_to_agent'].get('p99_ms'), 2)} | "
        f"{_f(rl['player_to_agent'].get('max_ms'), 2)} | {rl['lost']} (both ways) |",
        f"| agent → player | {rl['agent_to_player']['n']} | {_f(rl['agent_to_player'].get('p50_ms'), 2)} | "
        f"{_f(rl['agent_to_player'].get('p95_ms'), 2)} | {_f(rl['agent_to_player'].get('p99_ms'), 2)} | "
        f"{_f(rl['agent_to_player'].get('max_ms'), 2)} | |",
        f"| raw Redis PUBLISH → receive | {raw['n']} | {_f(raw.get('p50_ms'), 2)} | {_f(raw.get('p95_ms'), 2)} | "
        f"{_f(raw.get('p99_ms'), 2)} | {_f(raw.get('max_ms'), 2)} | {raw['lost']} |",
    ]
    if wake := rl.get("wake"):
        q, b = wake["baseline"], wake["relay"]
        lines += [
            "",
            "The machine's own floor: a separate process sleeping on a 5-ms timer woke late by "
            f"p99 {_f(q.get('p99_ms'), 2)} / p99.9 {_f(q.get('p999_ms'), 2)} / max {_f(q.get('max_ms'), 2)} ms "
            f"during the baseline and by p99 {_f(b.get('p99_ms'), 2)} / p99.9 {_f(b.get('p999_ms'), 2)} / "
            f"max {_f(b.get('max_ms'), 2)} ms during the relay. A relayed message waits for four such "
            "wake-ups in four processes (the sending gateway, Redis, the receiving gateway, the load generator: the "
            "sending gateway makes one round trip to Redis, whose append script publishes the message); the "
            "baseline's for two, in two.",
        ]
        if q.get("stolen_pct") is not None and b.get("stolen_pct") is not None:
            lines[-1] += (f" The hypervisor took {_f(q['stolen_pct'], 2)} % of this virtual machine's CPU time "
                          f"during the baseline and {_f(b['stolen_pct'], 2)} % during the relay (`steal`): a vCPU "
                          "taken away stalls every process on it at once, and a message that takes longer is "
                          "more likely to meet such a stall.")
        if q.get("slow_cpu_pct") is not None and b.get("slow_cpu_pct") is not None:
            lines[-1] += (f" The probe's fixed piece of work (usually {_f(q['work_ms'], 3)} ms) took {_f(SLOW, 0)} times "
                          f"as long or more in {_f(q['slow_cpu_pct'], 2)} % of the ticks during the baseline and "
                          f"{_f(b['slow_cpu_pct'], 2)} % during the relay: the vCPUs ran slower at times, unreported as "
                          "steal, and (as often in the baseline's slices, when the gateways are idle) not because of "
                          "the relay. A relayed message passes through Python in three processes (the two gateways and "
                          "the load generator) and is slowed with them far more than the baseline, whose only "
                          "work on the way is Redis's few microseconds of C.")
    k = s["sockets"]
    lines += [
        "",
        "### Idle player sockets on one gateway process",
        "",
        f"{k['opened']} of {k['sockets']} signed-in players' sockets opened ({k['errors']} errors) in "
        f"{_f(k['open_s'])} s, each welcomed with a new conversation, then left idle for {_f(k['idle_s'], 0)} s "
        f"({k['still_open_after_idle']} still open). Resident memory of the gateway process: "
        f"{_f(k['rss_before_mb'])} MB before, {_f(k['rss_with_sockets_mb'])} MB with the sockets, "
        f"{_f(k['rss_after_close_mb'])} MB after closing them: **{_f(k['kb_per_socket'])} KB per socket**. "
        f"Redis holds about {k['redis_bytes_per_conversation']} bytes per new conversation.",
    ]
    j = s.get("journeys") or {}
    if "turn_share" in j:
        lines += [
            "",
            "### Journeys (tests/journeys, through HAProxy on the fresh stack)",
            "",
            f"{j['journeys']} journeys, {j['turns']} bot turns judged: **{j['turns_passed']} handled right "
            f"({j['turn_share']:.1%})**; {j['journeys_passed']} journeys passed whole; safety journeys that "
            f"escalated: **{j['safety_journeys_passed']} of {j['safety_journeys']}** ({j['seconds']} s).",
        ]
    lines += [
        "",
        "### Goals (issues 12 and 10)",
        "",
        "| figure | measured | goal | met |",
        "|---|---|---|---|",
    ]
    for g in s["goals"]:
        lines.append(f"| {g['figure']} | {g['measured']} | {g['goal']} | {'yes' if g['met'] else '**no**'} |")
    return lines


def nlu(n: dict[str, Any]) -> list[str]:
    lines = [
        "## NLU (`bot/bench.py`)",
        "",
        f"Measured {n['date']} on {n['cpus']} CPU cores.",
        "",
        "### Held-out NLU quality (tests/nlu/heldout.yml, never trained on)",
        "",
        "| pipeline | macro-F1 | accuracy | ASCII-typed macro-F1 | drop |",
        "|---|---|---|---|---|",
    ]
    for name, m in n["models"].items():
        lines.append(f"| {name} | {m['heldout_macro_f1']:.3f} | {m['heldout_accuracy']:.3f} | "
                     f"{m['ascii_macro_f1']:.3f} | {m['ascii_drop']:+.3f} |")
    full = n["models"]["full pipeline"]
    if "human_handoff_recall" in full:
        lines += [
            "",
            "### Multi3NLU++ probe (../shared/eval, evaluation only)",
            "",
            f"- human_handoff recall: **{full['human_handoff_recall']:.3f}** (n={full['human_handoff_recall_n']})",
            f"- greet/thank/goodbye accuracy: **{full['smalltalk_accuracy']:.3f}** (n={full['smalltalk_accuracy_n']})",
            f"- out-of-scope rows rejected: **{full['out_of_scope_rejected']:.3f}** (n={full['out_of_scope_rejected_n']})",
        ]
    safety = n.get("safety")
    if safety:
        lines += [
            "",
            "### Safety escalation (tests/nlu/safety.yml, `bot.evaluation.safety_report`)",
            "",
            f"- recall: **{safety['recall']:.3f}** (n={safety['n']}); per risk: "
            + ", ".join(f"{risk} {v:.2f}" for risk, v in safety["per_risk"].items()),
            f"- alarms on hard negatives: **{safety['hard_negative_alarm_rate']:.3f}** (n={safety['hard_negatives_n']}); "
            f"on ordinary held-out messages: **{safety['false_alarm_rate']:.3f}** (n={safety['ordinary_n']})",
        ]
    lat = n["latency"]
    lines += [
        "",
        "### Time",
        "",
        f"- full training (NLU + dialogue, `rasa train --force`): **{n['train_seconds']:.0f} s**",
        f"- `/model/parse` latency over {lat['samples']} requests: p50 **{lat['parse_p50_ms']:.1f} ms**, "
        f"p95 **{lat['parse_p95_ms']:.1f} ms** ({lat['parse_to_baseline_p50']:.1f}× the p50 of `/version`, "
        f"{lat['baseline_p50_ms']:.1f} ms, in the same run)",
        "",
        "### Goals (issues 3 and 10), compared at full precision",
        "",
        "| figure | measured | goal | met |",
        "|---|---|---|---|",
    ]
    for g in n["goals"]:
        lines.append(f"| {g['figure']} | {g['measured']:.4f} | {g['goal']} | {'yes' if g['met'] else '**no**'} |")
    return lines


def render() -> str:
    parts = ["# Casinra Destek — benchmark", "",
             "`make bench` measures the system (`python -m bench`) and the NLU (`bot/bench.py`); the raw "
             "figures are in `results/bench/system.json` and `results/bench/nlu.json`, this page is "
             "rendered from them (`python -m bench.report`).", ""]
    s, n = _load("system.json"), _load("nlu.json")
    if s:
        parts += system(s) + [""]
    if n:
        parts += nlu(n) + [""]
    if not s and not n:
        parts.append("No results yet: run `make bench`.")
    return "\n".join(parts).rstrip() + "\n"


def render_to_files() -> str:
    text = render()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench.md").write_text(text, encoding="utf-8")
    DOC.write_text(text, encoding="utf-8")
    return text


if __name__ == "__main__":
    print(render_to_files())

"""`python -m bench` (run by `make bench`): the system figures, each against its baseline in the same
run, written to results/bench/system.json and rendered with the NLU figures into docs/bench.md.

Bounded: at most 100 concurrent players of 5 turns each per phase (3 minutes at most; four rounds
per path and level), 20 relayed chats for 60 s, 2,000 idle sockets; loopback only, on the bench
profile's own ports (plus CASINRA_PORT_OFFSET, in CASINRA_STATE_DIR when set). `--quick` is a
development run (results/bench/system-quick.json, docs untouched)."""
from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from typing import Any

import uvloop

from . import machine, report
from .journeys import journeys
from .relay import RelayedChats, RedisPair, interleaved
from .sockets import idle_sockets
from .stack import REPO, BenchStack, cpu_share
from .stats import ratio
from .turns import SCRIPT, Direct, Phase, ThroughGateway, calibrate

OUT = REPO / "results" / "bench"
PHASE_LIMIT_S = 180.0
RELAY_SLICES = 10  # the relay in 10 slices, the baseline in 11, taking turns


ORDERS = [("direct", "gateway"), ("gateway", "direct"), ("gateway", "direct"), ("direct", "gateway")]


async def phase(stack: BenchStack, runner: Any, players: list[str]) -> Phase:
    cpu = stack.cpu_seconds()
    started = time.perf_counter()
    result = await runner.run(players, PHASE_LIMIT_S)
    # over the whole phase, connecting included (a phase whose players all failed to connect has
    # next to no timed part)
    result.cpu = cpu_share(cpu, stack.cpu_seconds(), time.perf_counter() - started)
    return result


def merge(phases: list[Phase]) -> dict[str, Any]:
    """Several rounds of one path as one sample: latencies pooled, throughput over their total time,
    CPU weighted by time."""
    pooled = Phase(latencies_ms=[x for p in phases for x in p.latencies_ms], errors=[e for p in phases for e in p.errors],
                   wall_s=sum(p.wall_s for p in phases))
    out = pooled.result(phases[0].players)
    out["rounds"] = len(phases)
    out["cpu_cores"] = {name: round(sum(p.cpu[name] * p.wall_s for p in phases) / pooled.wall_s, 2)
                        for name in phases[0].cpu}
    return out


def ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i:05d}" for i in range(n)]


async def measure(stack: BenchStack, args: argparse.Namespace, results: dict[str, Any]) -> None:
    env = stack.env
    if args.journeys:
        print("journeys (tests/journeys) on the fresh stack …", flush=True)
        started = time.monotonic()
        results["journeys"] = await journeys(stack)
        results["journeys"]["seconds"] = round(time.monotonic() - started)
    direct = Direct(stack.http("rasa_a"), env["CASINRA_CHANNEL_SECRET"])
    stack.rasa_replicas(1)  # latency against one Rasa server: the gateway's turns go to rasa_a too
    expected = await calibrate(direct)
    gateway = ThroughGateway(stack.ws("gateway"), env["CASINRA_JWT_SECRET"], expected)
    warm = await gateway.run(ids("W", 4), PHASE_LIMIT_S)  # both gateways, and the check that counts match
    if warm.errors:
        raise RuntimeError(f"warm-up through the gateway failed: {warm.errors[:3]}")
    results["turns"] = {"script": SCRIPT, "bubbles_per_turn": expected, "rounds": args.rounds, "levels": {}}
    for n, players in enumerate(args.players):
        print(f"turns: {players} players …", flush=True)
        runners = {"direct": direct, "gateway": gateway}
        rounds: dict[str, list[dict[str, Any]]] = {"direct": [], "gateway": []}
        for r, order in enumerate(ORDERS[:args.rounds]):  # ABBA: a drift of the shared machine hits both paths alike
            for name in order:
                rounds[name].append(await phase(stack, runners[name], ids(f"{name[0].upper()}{n}{r}", players)))
        level = {name: merge(done) for name, done in rounds.items()}
        level["gateway_to_direct"] = {
            q: ratio(level["gateway"].get(f"{q}_ms"), level["direct"].get(f"{q}_ms")) for q in ("p50", "p95", "p99")}
        level["gateway_to_direct"]["turns_per_s"] = ratio(level["gateway"]["turns_per_s"], level["direct"]["turns_per_s"])
        results["turns"]["levels"][str(players)] = level

    print("throughput with one and two Rasa servers …", flush=True)
    top = max(args.players)
    runs: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
    for count in (1, 2, 2, 1)[:max(2, args.rounds)]:
        stack.rasa_replicas(count)
        await asyncio.sleep(2.0)
        runs[count].append(await phase(stack, gateway, ids(f"T{count}{len(runs[count])}", top)))
    replicas: dict[str, Any] = {"players": top, "1": merge(runs[1]), "2": merge(runs[2])}
    replicas["two_to_one_turns_per_s"] = ratio(replicas["2"]["turns_per_s"], replicas["1"]["turns_per_s"])
    results["replicas"] = replicas

    print("hand-off relay across two gateways …", flush=True)
    # the baseline takes turns with the relay in short slices: both meet the same machine
    relayed = await RelayedChats.open(stack.ws("gateway_a"), stack.http("gateway_b"), stack.ws("gateway_b"),
                                      env["CASINRA_JWT_SECRET"], env["CASINRA_DEMO_AGENT_PASSWORD"],
                                      chats=args.chats, tabs=4)
    baseline = await RedisPair.open(env["CASINRA_REDIS_URL"], args.chats)
    results["relay"] = await interleaved(relayed, baseline, args.relay_seconds, min(args.relay_seconds, 30),
                                         slices=RELAY_SLICES)

    print(f"{args.sockets} idle sockets on one gateway …", flush=True)
    results["sockets"] = await idle_sockets(stack.ws("gateway_a"), env["CASINRA_JWT_SECRET"], env["CASINRA_REDIS_URL"],
                                            args.sockets, lambda: stack.rss_kb("gateway_a"))


def goals(results: dict[str, Any]) -> list[dict[str, Any]]:
    """(figure, measured, goal, met) for the system goals of issue 12."""
    rows = []
    for players, level in results["turns"]["levels"].items():
        r = level["gateway_to_direct"]["p95"]
        rows.append({"figure": f"gateway p95 ÷ direct Rasa p95, {players} players", "measured": r,
                     "goal": "≤ 1.1", "met": r is not None and r <= 1.1})
    top = max(results["turns"]["levels"], key=int)
    errors = results["turns"]["levels"][top]["gateway"]["errors"]
    rows.append({"figure": f"errors through the gateway, {top} players", "measured": errors, "goal": "0",
                 "met": errors == 0})
    raw = results["relay"]["redis"]["p99_ms"]
    for way in ("player_to_agent", "agent_to_player"):
        p99 = results["relay"][way]["p99_ms"]
        bound = round(3 * raw + 2, 2)
        rows.append({"figure": f"relay {way.replace('_', ' ')} p99, ms (raw Redis p99 {raw} ms)", "measured": p99,
                     "goal": f"≤ 3 × raw + 2 ms = {bound}", "met": p99 <= bound})
    j = results.get("journeys") or {}
    if "turn_share" in j:  # issue 10
        rows.append({"figure": f"journey turns handled right ({j['turns_passed']} of {j['turns']})",
                     "measured": j["turn_share"], "goal": "≥ 0.97", "met": j["turn_share"] >= 0.97})
        rows.append({"figure": "safety journeys that escalate", "measured": f"{j['safety_journeys_passed']} of "
                     f"{j['safety_journeys']}", "goal": "all", "met": j["safety_journeys_passed"] == j["safety_journeys"]})
    kb = results["sockets"]["kb_per_socket"]
    rows.append({"figure": f"memory per idle socket, KB ({results['sockets']['opened']} sockets)", "measured": kb,
                 "goal": "≤ 150", "met": kb <= 150 and results["sockets"]["errors"] == 0})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument("--chats", type=int, default=20)
    parser.add_argument("--relay-seconds", type=float, default=60.0,
                        help="how long both sides of the relayed chats write (60 s: about 960 messages each way, enough for a p99)")
    parser.add_argument("--sockets", type=int, default=2000)
    parser.add_argument("--no-journeys", dest="journeys", action="store_false",
                        help="skip the journeys (tests/journeys) through the stack")
    parser.add_argument("--rounds", type=int, choices=range(1, 5), default=4,
                        help="rounds per path and level (and of one vs two Rasa servers, at least 2)")
    parser.add_argument("--quick", action="store_true",
                        help="for development: 10 and 100 players, one round, 10 chats for 15 s, 500 sockets, "
                             "no journeys (the default is the full run)")
    parser.add_argument("--keep", action="store_true", help="leave the bench stack running afterwards")
    args = parser.parse_args()
    if args.quick:
        args.players, args.rounds, args.chats, args.relay_seconds, args.sockets, args.journeys = [10, 100], 1, 10, 15.0, 500, False
    OUT.mkdir(parents=True, exist_ok=True)
    stack = BenchStack()
    results: dict[str, Any] = {"machine": machine.describe(REPO / ".venv-bot" / "bin" / "python")}
    print("starting the bench stack (HAProxy, two gateways, two Rasa servers, PostgreSQL) …", flush=True)
    stack.start()
    started = time.monotonic()
    try:
        results["stack"] = {"profile": "bench", "startup_s": stack.startup_s, "rss_mb": stack.rss_mb()}
        uvloop.run(measure(stack, args, results))  # the load generator on the gateways' event loop
        results["stack"]["rss_mb_after"] = stack.rss_mb()
    finally:
        if not args.keep:
            stack.stop()
    results["machine"]["load_average_after"] = machine.describe(REPO / ".venv-bot" / "bin" / "python")["load_average"]
    results["seconds"] = round(time.monotonic() - started)
    results["goals"] = goals(results)
    results["quick"] = args.quick
    if args.quick:  # a development run: kept apart from the figures docs/bench.md shows
        (OUT / "system-quick.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
        print(json.dumps(results["goals"], indent=1, ensure_ascii=False))
        return
    (OUT / "system.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(report.render_to_files())


if __name__ == "__main__":
    main()

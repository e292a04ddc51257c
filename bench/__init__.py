"""`make bench`, the system part: the whole stack measured from outside, on loopback, each figure
against a baseline measured in the same run (`python -m bench`; the NLU part is `bot/bench.py`).

    stack.py    the bench profile (HAProxy, two gateways, two Rasa servers, PostgreSQL), started
                with scripts/devstack.py; CPU and memory of its processes; HAProxy's runtime API
    turns.py    bot turns through the gateway's sockets vs the same turns straight to Rasa
    relay.py    hand-off relay between two gateway processes vs a raw Redis PUBLISH → receive
    sockets.py  idle player sockets on one gateway process: memory per socket
    machine.py  what it ran on
    report.py   results/bench/*.json → docs/bench.md (and results/bench/bench.md)
"""

"""The action server as a process (issue 12, defect 2): it listens on loopback by default, and a
forged direct call — another player's id in the metadata, no or a wrong token — is refused and
written to the audit log."""
from __future__ import annotations

import json
import urllib.error

import pytest
from sqlalchemy import create_engine, select

from casinra_contracts.backoffice.schema import audit_log
from tests.actions.test_webhook import action_server, post, tracker_state  # noqa: F401  (the real server)


def listening_addresses(port: int) -> set[str]:
    """Local addresses a TCP socket listens on at `port` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if int(hex_port, 16) == port and state == "0A":  # LISTEN
                found.add(address)
    return found


def test_it_listens_on_loopback_only(action_server):  # noqa: F811
    port = int(action_server.rsplit(":", 1)[1])
    addresses = listening_addresses(port)
    assert addresses and addresses <= {"0100007F"}, addresses  # 127.0.0.1, not 0.0.0.0 or ::


def test_a_forged_webhook_call_is_refused_and_audited(action_server, db_path):  # noqa: F811
    forged = {"next_action": "action_transaction_lookup", "sender_id": "attacker",
              "tracker": tracker_state("P1001", "withdrawal_status", "çekim talebim ne durumda"),
              "domain": {}, "version": "3.6.21"}
    for token in ("", "guessed-token"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            post(f"{action_server}/webhook", forged, token=token)
        assert refused.value.code == 401
        body = refused.value.read().decode()
        assert "1.500,00" not in body and "TX-10000001" not in body
    engine = create_engine(f"sqlite:///{db_path}")
    with engine.connect() as conn:
        rows = conn.execute(select(audit_log).where(audit_log.c.action == "action_refused")).mappings().all()
    engine.dispose()
    assert len(rows) == 2
    assert {r["target"] for r in rows} == {"/webhook"} and {r["actor_type"] for r in rows} == {"system"}
    details = [json.loads(r["details"]) for r in rows]
    assert [d["reason"] for d in details] == ["no token", "wrong token"]
    assert all("P1001" not in r["details"] for r in rows)  # the forged body is not copied into the log

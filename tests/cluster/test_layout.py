"""The cluster layout without starting it: ports, the back-office URL, the processes devstack would
start and in which order, and HAProxy's own check of deploy/haproxy/casinra.cfg."""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from casinra_contracts import stack

from .conftest import DEVSTACK

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"


def devstack_module():
    spec = importlib.util.spec_from_file_location("devstack", DEVSTACK)
    module = importlib.util.module_from_spec(spec)
    sys.modules["devstack"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_every_port_of_every_profile_is_its_own():
    ports = [p for profile in stack.PROFILES.values() for p in profile.values()]
    assert len(ports) == len(set(ports))


def test_cluster_layout_uses_postgresql_without_a_password_in_the_url(tmp_path):
    layout = stack.StackLayout("cluster", 0, str(tmp_path))
    assert layout.clustered and not stack.StackLayout("test").clustered
    assert layout.db_url == "postgresql+psycopg2://casinra@127.0.0.1:5443/casinra"
    env = layout.defaults()
    assert env["PGPASSFILE"] == str(tmp_path / "pgpass")
    assert env["CASINRA_RASA_URL"] == "http://127.0.0.1:5305"  # HAProxy in front of both Rasa servers
    assert env["CASINRA_RASA_REPLICAS"] == "http://127.0.0.1:5306,http://127.0.0.1:5307"
    assert env["CASINRA_TRUSTED_PROXIES"] == "127.0.0.1/32"
    # one demo mailbox for both gateways (the first to bind it keeps it)
    assert env["CASINRA_MAILBOX_PORT"] == "8325" and env["CASINRA_MAIL_INBOUND_PORT"] == "8326"


def test_devstack_starts_the_cluster_in_dependency_order(tmp_path, monkeypatch):
    monkeypatch.setenv("CASINRA_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("CASINRA_PORT_OFFSET", "3")
    devstack = devstack_module()
    services = devstack.Stack("cluster").services()
    assert list(services) == ["redis", "postgres", "actions", "rasa_a", "rasa_b", "gateway_a", "gateway_b", "haproxy"]
    assert services["gateway_a"].env == {"CASINRA_GATEWAY_PORT": "8304"}
    assert services["gateway_b"].needs == ("gateway_a",)  # one adopts the model and seeds the agents first
    assert "postgres" in services["gateway_a"].needs
    assert services["rasa_b"].cmd[-1] == "5310"
    assert services["postgres"].stop_signal == devstack.signal.SIGINT  # fast shutdown
    assert "unix_socket_directories=" in services["postgres"].cmd
    # the other profiles keep their shape
    assert list(devstack.Stack("test").services()) == ["redis", "actions", "rasa", "gateway"]


@pytest.mark.skipif(not Path(HAPROXY).exists(), reason="Debian's haproxy is not installed (make install)")
def test_haproxy_accepts_the_configuration(tmp_path, monkeypatch):
    monkeypatch.setenv("CASINRA_STATE_DIR", str(tmp_path))
    devstack = devstack_module()
    cluster = devstack.Stack("cluster")
    env = {"PATH": "/usr/bin:/bin", "CASINRA_STATE_DIR": str(tmp_path), "CASINRA_RASA_TOKEN": "-a_token",
           **cluster.haproxy_env()}
    done = subprocess.run([HAPROXY, "-c", "-f", str(devstack.HAPROXY_CFG)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Configuration file is valid" in done.stdout

"""Fixtures of the gateway's tests (real Redis, the stand-in Rasa, a seeded back-office, gateway
processes), shared with tests/handoff."""
from handoff.conftest import backoffice_url, fake_rasa, redis_url, start_gateway  # noqa: F401

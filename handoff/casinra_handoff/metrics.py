"""Prometheus metrics."""
from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.messages = Counter("casinra_messages_total", "Chat messages by sender", ["sender"], registry=r)
        self.handoffs = Counter("casinra_handoffs_total", "Hand-off requests from the bot", ["topic", "priority"], registry=r)
        self.outcomes = Counter("casinra_handoff_outcomes_total", "Hand-off outcomes", ["outcome"], registry=r)
        self.queue_length = Gauge("casinra_queue_length", "Conversations waiting for an agent", registry=r)
        self.agents_online = Gauge("casinra_agents_online", "Agents with a live console", registry=r)
        self.wait = Histogram("casinra_queue_wait_seconds", "Time from queued to claimed", registry=r,
                              buckets=(5, 15, 30, 60, 120, 300, 600, 1200, 3600))
        self.bot_latency = Histogram("casinra_bot_latency_seconds", "Rasa round-trip time per player turn", registry=r,
                                     buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30))
        self.connections = Gauge("casinra_ws_connections", "Open websockets", ["role"], registry=r)
        self.errors = Counter("casinra_ws_errors_total", "Error frames sent", ["code"], registry=r)
        # service levels (issue 14): the live figures the supervisor's page shows (live.py keeps them current)
        self.queue_by_priority = Gauge("casinra_queue_length_by_priority", "Conversations waiting, by priority",
                                       ["priority"], registry=r)
        self.sla_breaches = Gauge("casinra_sla_breaches", "Active tickets past their SLA due time", registry=r)
        self.sla_at_risk = Gauge("casinra_sla_at_risk", "Active tickets close to their SLA due time", registry=r)
        self.mails = Counter("casinra_mails_total", "Ticket mails by direction and outcome", ["direction", "outcome"],
                             registry=r)

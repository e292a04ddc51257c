"""Redis key and channel names, in one place."""
from __future__ import annotations


class Keys:
    def __init__(self, prefix: str = "casinra") -> None:
        self.p = prefix

    def conv(self, cid: str) -> str:
        return f"{self.p}:conv:{cid}"

    def seq(self, cid: str) -> str:
        return f"{self.p}:conv:{cid}:seq"

    def stream(self, cid: str) -> str:
        return f"{self.p}:conv:{cid}:history"

    def client_ids(self, cid: str) -> str:
        return f"{self.p}:conv:{cid}:client_ids"

    def buttons(self, cid: str) -> str:
        return f"{self.p}:conv:{cid}:buttons"

    def attachment(self, aid: str) -> str:
        return f"{self.p}:attachment:{aid}"

    @property
    def queue(self) -> str:
        return f"{self.p}:queue"

    @property
    def assigned(self) -> str:
        return f"{self.p}:assigned"

    @property
    def presence(self) -> str:
        return f"{self.p}:presence"

    @property
    def queue_offline_since(self) -> str:
        """When the queue was last found with chats waiting and no agent online."""
        return f"{self.p}:queue_offline_since"

    @property
    def handle_times(self) -> str:
        return f"{self.p}:handle_times"

    @property
    def outbox(self) -> str:
        """Pending bot turns: turn id ("<cid>:<seq>") → the turn (outbox.py)."""
        return f"{self.p}:outbox"

    @property
    def outbox_order(self) -> str:
        return f"{self.p}:outbox:order"

    def gateway(self, instance: str) -> str:
        """Set while a gateway process is alive (the owner of its pending turns)."""
        return f"{self.p}:gateway:{instance}"

    def session(self, token_hash: str) -> str:
        return f"{self.p}:session:{token_hash}"

    def login_failures(self, username: str) -> str:
        return f"{self.p}:login:failures:{username}"

    def login_lock(self, username: str) -> str:
        return f"{self.p}:login:lock:{username}"

    def quota(self, counter: str) -> str:
        return f"{self.p}:quota:{counter}"

    # the content team's jobs (content.py)
    def content_job(self, jid: str) -> str:
        return f"{self.p}:content:job:{jid}"

    @property
    def content_jobs(self) -> str:
        return f"{self.p}:content:jobs"

    @property
    def content_lock(self) -> str:
        """The id of the one job that is running."""
        return f"{self.p}:content:running"

    def mail_backoff(self, message_row_id: int) -> str:
        """Set while a failed outbound mail waits before its next try (mail.py)."""
        return f"{self.p}:mail:backoff:{message_row_id}"

    @property
    def facts_lock(self) -> str:
        """Held by the replica copying trackers' facts to the archive (live.py)."""
        return f"{self.p}:facts:lock"

    # pub/sub channels
    def ch_conv(self, cid: str) -> str:
        return f"{self.p}:conv:{cid}"

    def ch_agent(self, username: str) -> str:
        return f"{self.p}:agent:{username}"

    @property
    def ch_queue(self) -> str:
        return f"{self.p}:queue"

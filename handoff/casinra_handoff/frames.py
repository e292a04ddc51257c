"""Every websocket and pub/sub frame as a typed model, validated in one place.

Inbound frames (player, agent) and internal pub/sub frames are discriminated unions on `type`.
`parse_player` / `parse_agent` / `parse_bus` are the only entry points that turn raw text into
frames; they return either a frame or an `ErrorOut` ready to send back.
"""
from __future__ import annotations

import json
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError, model_validator

State = Literal["bot", "queued", "assigned", "resolved"]
Sender = Literal["player", "bot", "agent", "system"]
ClientId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
CONV_ID_PATTERN = r"^[A-Za-z0-9_\-]{1,80}$"  # casinra_contracts.ids.CONVERSATION_ID_RE
ConvId = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=CONV_ID_PATTERN)]
Text = Annotated[str, StringConstraints(max_length=100_000)]  # real limit checked with settings


class Frame(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OutFrame(BaseModel):
    model_config = ConfigDict(extra="ignore")


# ---------------------------------------------------------------- player → gateway
class PlayerMessageIn(Frame):
    type: Literal["message"]
    id: ClientId
    text: Text = ""
    attachment_id: Annotated[str, StringConstraints(max_length=64)] | None = None


class PlayerButtonIn(Frame):
    type: Literal["button"]
    id: ClientId
    payload: Annotated[str, StringConstraints(min_length=1, max_length=1000)]


class TypingIn(Frame):
    type: Literal["typing"]
    state: bool


class PingIn(Frame):
    type: Literal["ping"]


PlayerIn = Annotated[Union[PlayerMessageIn, PlayerButtonIn, TypingIn, PingIn], Field(discriminator="type")]


# ---------------------------------------------------------------- agent → gateway
class ClaimIn(Frame):
    type: Literal["claim"]
    conversation_id: ConvId


class AgentMessageIn(Frame):
    type: Literal["message"]
    id: ClientId
    conversation_id: ConvId
    text: Annotated[str, StringConstraints(min_length=1, max_length=100_000)]


class NoteIn(Frame):
    type: Literal["note"]
    id: ClientId
    conversation_id: ConvId
    text: Annotated[str, StringConstraints(min_length=1, max_length=100_000)]


class AgentTypingIn(Frame):
    type: Literal["typing"]
    conversation_id: ConvId
    state: bool


class TransferIn(Frame):
    type: Literal["transfer"]
    conversation_id: ConvId
    to_agent: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    to_team: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class ResolveIn(Frame):
    type: Literal["resolve"]
    conversation_id: ConvId


class OpenIn(Frame):
    type: Literal["open"]
    conversation_id: ConvId


AgentIn = Annotated[
    Union[ClaimIn, AgentMessageIn, NoteIn, AgentTypingIn, TransferIn, ResolveIn, OpenIn, PingIn],
    Field(discriminator="type"),
]


# ---------------------------------------------------------------- gateway → clients
class Button(OutFrame):
    title: str
    payload: str


class AgentRef(OutFrame):
    display_name: str
    username: str | None = None


class PlayerRef(OutFrame):
    id: str
    name: str


class AttachmentRef(OutFrame):
    id: str
    name: str
    content_type: str
    size: int


class MessageOut(OutFrame):
    type: Literal["message"] = "message"
    conversation_id: str | None = None
    seq: int | None = None
    sender: Sender
    text: str = ""
    buttons: list[Button] = []
    client_id: str | None = None
    ts: float
    agent: AgentRef | None = None
    image: str | None = None
    attachment: AttachmentRef | None = None
    internal: bool = False


class WelcomeOut(OutFrame):
    type: Literal["welcome"] = "welcome"
    conversation_id: str
    state: State
    resumed: bool
    last_seq: int
    player: PlayerRef | None = None
    guest: bool


class StateOut(OutFrame):
    """While queued or assigned: the topic (players see only `topic_label`); agents also get the
    priority and the conversation id."""
    type: Literal["state"] = "state"
    conversation_id: str | None = None
    state: State
    position: int | None = None
    eta_seconds: int | None = None
    agent: AgentRef | None = None
    topic: str | None = None
    topic_label: str | None = None
    priority: str | None = None
    priority_label: str | None = None


class TypingOut(OutFrame):
    type: Literal["typing"] = "typing"
    conversation_id: str | None = None
    sender: Sender
    state: bool


class ErrorOut(OutFrame):
    type: Literal["error"] = "error"
    code: str
    message: str
    ref: str | None = None
    conversation_id: str | None = None
    retry_after: float | None = None
    details: Any = None


class PongOut(OutFrame):
    type: Literal["pong"] = "pong"


class AgentInfo(OutFrame):
    username: str
    display_name: str
    team: str | None = None
    role: str = "agent"  # agent | supervisor | editor: which console pages the user sees
    languages: list[str] = ["tr"]  # the languages the agent serves players in


class HelloOut(OutFrame):
    type: Literal["hello"] = "hello"
    agent: AgentInfo
    conversations: list[str]


class HandoffView(OutFrame):
    """The bot's hand-off request as the agent sees it: contract ids with their Turkish labels
    (`casinra_contracts.topics`)."""
    topic: str
    topic_label: str
    intent: str | None = None
    intent_label: str | None = None
    reason: str
    reason_label: str
    priority: str
    priority_label: str
    risk: str | None = None
    risk_label: str | None = None
    summary: str = ""
    language: str = "tr"
    references: list[str] = []


class QueueItem(HandoffView):
    conversation_id: str
    position: int
    player: PlayerRef | None = None
    guest: bool
    queued_at: float
    waiting_seconds: float
    team: str | None = None
    requeued: bool = False
    in_my_language: bool | None = None  # for this agent: the player's language is one the agent serves


class QueueOut(OutFrame):
    type: Literal["queue"] = "queue"
    agents_online: int
    items: list[QueueItem]


class ConversationOut(OutFrame):
    type: Literal["conversation"] = "conversation"
    conversation_id: str
    state: State
    agent: AgentRef | None = None
    player: PlayerRef | None = None
    guest: bool
    handoff: HandoffView | None = None
    transcript: list[MessageOut]
    context: dict[str, Any]


class ReleasedOut(OutFrame):
    type: Literal["released"] = "released"
    conversation_id: str
    reason: Literal["resolved", "transferred", "requeued"]


# ---------------------------------------------------------------- pub/sub (between replicas)
class BusHistory(Frame):
    """A history entry was appended; published by the append script itself (`history.py`), which
    knows the seq: the frame inside gets it here when it comes without."""
    type: Literal["history"]
    conversation_id: str
    seq: int
    visibility: Literal["all", "agents"] = "all"
    frame: MessageOut

    @model_validator(mode="after")
    def _frame_seq(self) -> "BusHistory":
        if self.frame.seq is None:
            self.frame.seq = self.seq
        return self


class BusTyping(Frame):
    type: Literal["typing"]
    conversation_id: str
    sender: Sender
    state: bool


class BusState(Frame):
    """The conversation's state changed; subscribers re-read it from Redis."""
    type: Literal["state_changed"]
    conversation_id: str


class BusQueueChanged(Frame):
    type: Literal["queue_changed"]


class BusAgentOpen(Frame):
    """Tell every socket of an agent to attach to a conversation."""
    type: Literal["agent_open"]
    conversation_id: str


class BusAgentRelease(Frame):
    type: Literal["agent_release"]
    conversation_id: str
    reason: Literal["resolved", "transferred", "requeued"]


BusFrame = Annotated[
    Union[BusHistory, BusTyping, BusState, BusQueueChanged, BusAgentOpen, BusAgentRelease],
    Field(discriminator="type"),
]

_player_in: TypeAdapter[Any] = TypeAdapter(PlayerIn)
_agent_in: TypeAdapter[Any] = TypeAdapter(AgentIn)
_bus: TypeAdapter[Any] = TypeAdapter(BusFrame)


# ---------------------------------------------------------------- the one validation point
ERROR_MESSAGES = {
    "invalid_json": "Mesaj okunamadı (geçersiz JSON).",
    "invalid_frame": "Mesaj biçimi geçersiz.",
    "frame_too_large": "Mesaj çok büyük.",
    "text_too_long": "Mesaj çok uzun.",
    "binary_not_supported": "İkili (binary) mesajlar desteklenmiyor.",
    "rate_limited": "Çok hızlı mesaj gönderiyorsunuz, lütfen biraz bekleyin.",
    "invalid_token": "Oturum geçersiz veya süresi dolmuş.",
    "forbidden": "Bu işlem için yetkiniz yok.",
    "invalid_button": "Bu seçenek bu sohbette sunulmadı.",
    "buttons_inactive": "Şu anda seçenekler kullanılamıyor; lütfen mesaj yazın.",
    "bot_unavailable": "Asistan şu anda yanıt veremiyor, lütfen biraz sonra tekrar deneyin.",
    "not_found": "Sohbet bulunamadı.",
    "not_queued": "Bu sohbet artık sırada değil (başka bir temsilci aldı).",
    "not_assigned": "Bu sohbet size atanmadı.",
    "agent_offline": "Hedef temsilci çevrim dışı.",
    "invalid_attachment": "Ek dosya bulunamadı veya geçersiz.",
    "empty_message": "Boş mesaj gönderilemez.",
    "invalid_text": "Mesajda geçersiz karakter var (eşi olmayan UTF-16 vekil karakteri).",
    "unavailable": "Hizmet kısa bir süre için kullanılamıyor; mesajınız alınmadı, lütfen birazdan tekrar gönderin.",
    "flood": "Çok fazla hızlı veya geçersiz mesaj gönderildi; bağlantı kapatılıyor.",
    "slow_consumer": "Mesajlar okunmadığı için bağlantı kapatılıyor; yeniden bağlanın.",
    "internal": "Beklenmeyen bir hata oluştu.",
}


def error(code: str, message: str | None = None, **kw: Any) -> ErrorOut:
    return ErrorOut(code=code, message=message or ERROR_MESSAGES.get(code, code), **kw)


def encodable(value: Any) -> bool:
    """False when a string inside `value` holds a lone UTF-16 surrogate (JSON's `\\ud800`): such a
    string cannot be stored, published or sent back as UTF-8."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(encodable(k) and encodable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(encodable(v) for v in value)
    return True


def _parse(adapter: TypeAdapter[Any], raw: str | bytes | None, max_bytes: int, max_text: int) -> Any:
    if raw is None or isinstance(raw, (bytes, bytearray)):
        return error("binary_not_supported")
    if len(raw.encode("utf-8", "surrogatepass")) > max_bytes:
        return error("frame_too_large", details={"max_bytes": max_bytes})
    try:
        data = json.loads(raw)
        clean = encodable(data)
    except (ValueError, RecursionError):
        return error("invalid_json")
    if not clean:
        return error("invalid_frame", ERROR_MESSAGES["invalid_text"])
    ref = data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else None
    ref = ref[:64] if ref else None
    try:
        frame = adapter.validate_python(data)
    except ValidationError as exc:
        details = [
            {"loc": [str(p) for p in e["loc"]], "msg": e["msg"]}
            for e in exc.errors(include_url=False, include_input=False)
        ][:5]
        return error("invalid_frame", ref=ref, details=details)
    text = getattr(frame, "text", None)
    if isinstance(text, str) and len(text) > max_text:
        return error("text_too_long", ref=ref, details={"max_chars": max_text})
    return frame


def parse_player(raw: str | bytes | None, max_bytes: int = 8192, max_text: int = 2000) -> Any:
    return _parse(_player_in, raw, max_bytes, max_text)


def parse_agent(raw: str | bytes | None, max_bytes: int = 8192, max_text: int = 2000) -> Any:
    return _parse(_agent_in, raw, max_bytes, max_text)


def parse_bus(raw: str | bytes) -> Any:
    return _bus.validate_json(raw)


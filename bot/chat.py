"""Terminal chat with the running bot, through the same signed channel as the gateway.

    make chat                 # as Ahmet Yılmaz (P1001)
    make chat PLAYER=P1003    # as another demo player
    make chat PLAYER=guest    # as a guest (FAQ answers and a human, no account data)

Type a number to press one of the bot's buttons; `/quit` leaves.
"""
from __future__ import annotations

import argparse
import os
import sys
import uuid
from typing import Any, Dict, List

import requests

from bot.gateway_client import ChannelClient, Identity
from casinra_contracts import stack
from casinra_contracts.handoff import handoff_in
from casinra_contracts.topics import priority_label, topic_label

DEMO_PLAYERS = {
    "P1001": "Ahmet Yılmaz",
    "P1002": "Elif Demir",
    "P1003": "Mehmet Kaya",
    "P1004": "Zeynep Çelik",
}


def show(messages: List[Dict[str, Any]]) -> List[Dict[str, str]]:
    buttons: List[Dict[str, str]] = []
    for message in messages:
        if message.get("text"):
            print(f"\033[36mbot>\033[0m {message['text']}")
        handoff = handoff_in(message)
        if handoff:
            print(f"\033[33m[hand-off → {priority_label(handoff.priority)}: {topic_label(handoff.topic)}] "
                  f"{handoff.summary}\033[0m")
        for button in message.get("buttons") or []:
            buttons.append(button)
            print(f"   [{len(buttons)}] {button['title']}")
    return buttons


def main() -> None:
    parser = argparse.ArgumentParser(description="Chat with Casinra Destek in the terminal.")
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--player", default="P1001", help="demo player id (P1001 … P1004)")
    who.add_argument("--guest", action="store_true", help="chat as a guest")
    parser.add_argument("--profile", default="dev")
    args = parser.parse_args()

    env = {**os.environ, "CASINRA_PROFILE": args.profile}  # the exported stack's values win
    client = ChannelClient(stack.setting("CASINRA_RASA_URL", env), stack.secret("CASINRA_CHANNEL_SECRET", env))
    identity = Identity() if args.guest else Identity(args.player, DEMO_PLAYERS.get(args.player, args.player))
    sender = f"cli-{uuid.uuid4().hex[:12]}"
    print(f"Casinra Destek — {'misafir' if args.guest else identity.player_name} olarak bağlandınız. "
          "Çıkmak için /quit yazın.\n")
    buttons: List[Dict[str, str]] = []
    while True:
        try:
            text = input("\033[32msiz>\033[0m ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if not text:
            continue
        if text in {"/quit", "/exit"}:
            return
        kind = "text"
        if text.isdigit() and 1 <= int(text) <= len(buttons):
            button = buttons[int(text) - 1]
            text, kind = button["payload"], "button"
            print(f"   → {button['title']}")
        try:
            buttons = show(client.send(sender, text, identity, kind))
        except requests.RequestException as error:
            print(f"Bot'a ulaşılamadı ({error}). `make run` çalışıyor mu?", file=sys.stderr)


if __name__ == "__main__":
    main()

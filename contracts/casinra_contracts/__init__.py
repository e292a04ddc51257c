"""Casinra Destek's shared contracts: written once, imported by the bot, the action server and
the gateway (Python 3.10 and 3.11). Pure Python; no I/O at import time."""
__version__ = "0.1.0"

"""Casinra Destek hand-off gateway."""
__version__ = "0.1.0"

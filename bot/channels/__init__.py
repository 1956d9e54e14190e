"""Thin translators between the outside world and the engine (see bot/dialogue/messages.py)."""

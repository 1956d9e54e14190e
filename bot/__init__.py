"""sadeeq (صديق): an Arabic-first messaging bot for electricity subscribers."""

__version__ = "0.1.0"

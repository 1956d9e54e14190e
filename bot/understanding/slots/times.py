from datetime import datetime


def find_times(raw: str, now: datetime, *, folded: str | None = None):
    return None, None

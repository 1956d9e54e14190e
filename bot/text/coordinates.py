"""A location written in a message: typed coordinates ("24.7136, 46.6753") or a map link that
carries them (Google Maps "?q=24.7,46.6", "@24.7,46.6,17z", "!3d24.7!4d46.6"). A short link
(maps.app.goo.gl/…) carries none and cannot be opened offline: `map_link_in` finds it, kept as
written for the team to open. Labelled ("location: 24.66, 46.73", "موقعي
24.66 46.73"; the labels are data, locales/<lang>/phrases/location_label.txt), two decimal
places are enough."""

from __future__ import annotations

import re

from bot.text.normalize import ascii_digits

_NUMBER = r"[-+]?\d{1,3}\.\d+"
# Typed: two decimal numbers of three decimals or more (a position, not "المبلغ 12.5, 40.75"),
# a comma or spaces between ("24.7136, 46.6753", "24.7136 46.6753").
_TYPED_NUMBER = r"[-+]?\d{1,3}\.\d{3,}"
_TYPED = re.compile(
    rf"(?<![\d.])({_TYPED_NUMBER})\s*[,،]?\s+({_TYPED_NUMBER})(?![\d.])"
    rf"|(?<![\d.])({_TYPED_NUMBER}),({_TYPED_NUMBER})(?![\d.])"
)
# In a link: after q=, ll=, query=, destination=, center=, or @; or Google's !3d…!4d….
_LINKED = re.compile(
    rf"(?:[?&](?:q|ll|query|destination|center|daddr)=(?:loc:)?|/@)({_NUMBER})(?:,|%2C)\s*({_NUMBER})",
    re.IGNORECASE,
)
_DATA = re.compile(rf"!3d({_NUMBER})!4d({_NUMBER})")
# After a label: two decimals of two places or more, a comma or spaces between.
_LABELLED_NUMBER = r"[-+]?\d{1,3}\.\d{2,}"
_LABELLED = re.compile(rf"(?<![\d.])({_LABELLED_NUMBER})\s*[,،]?\s*({_LABELLED_NUMBER})(?![\d.])")


# A shared map's short link: Google Maps' "Share" gives these (maps.app.goo.gl, goo.gl/maps), as
# Apple Maps gives maps.apple.com links; the position is behind a redirect we do not follow.
_MAP_LINK = re.compile(
    r"(?:https?://)?(?:maps\.app\.goo\.gl/|goo\.gl/maps/|maps\.apple\.com/|"
    r"(?:www\.)?google\.[a-z.]+/maps|maps\.google\.[a-z.]+/)\S*",
    re.IGNORECASE,
)


def map_link_in(text: str | None) -> str | None:
    """A map link in the message, as written (whether or not it carries coordinates)."""
    found = _MAP_LINK.search(text or "")
    return found.group(0).rstrip(".,،!؟?)") if found else None


def coordinates_in(text: str | None) -> tuple[float, float] | None:
    """The latitude and longitude the message gives, else None."""
    if not text:
        return None
    text = ascii_digits(text)
    for pattern in (_DATA, _LINKED, _TYPED):
        for match in pattern.finditer(text):
            lat, lon = (float(g) for g in match.groups() if g is not None)
            if _position(lat, lon):
                return lat, lon
    for match in _LABELLED.finditer(text):
        lat, lon = float(match.group(1)), float(match.group(2))
        if _position(lat, lon) and _labelled(text[: match.start()]):
            return lat, lon
    return None


def _position(lat: float, lon: float) -> bool:
    return -90 <= lat <= 90 and -180 <= lon <= 180 and (lat, lon) != (0.0, 0.0)


def _labelled(before: str) -> bool:
    """The words just before the numbers (a colon or an "is" between allowed) end with a label."""
    from bot.phrases import phrases
    from bot.text import normalize

    words = normalize(before).split()
    if words[-1:] in (["is"], ["هي"]):
        words = words[:-1]
    return any(words[-len(label.split()) :] == label.split() for label in phrases("location_label"))

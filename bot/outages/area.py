"""Which reports belong to the same outage: the area key and the join distance.

A report's area, most precise first:
1. its district within its city ("d:<city>|<district>", both normalized), the usual case since
   the billing data gives each premise a city and district;
2. failing that, its shared location, as a grid cell about JOIN_DISTANCE_KM wide ("g:<i>:<j>");
3. failing that, its account ("a:<account>"): all premises of one account map to one area;
4. failing that, its premise, then its sender alone (an outage we cannot place yet).

Besides the exact key, a located report joins the nearest open incident that has a location
within JOIN_DISTANCE_KM, whatever that incident's key.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Two reports closer than this are taken to be the same outage (one feeder, one street grid).
JOIN_DISTANCE_KM = 2.0
EARTH_RADIUS_KM = 6371.0
_KM_PER_DEGREE_LAT = 111.32

_ARABIC_FOLDS = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": None}
)
# "حي الروضة" and "الروضة" are the same district.
_DISTRICT_PREFIXES = re.compile(r"^(حي|district|dist\.?)\s+")


def _local_normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().translate(_ARABIC_FOLDS)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")  # harakat
    return " ".join(text.split())


def normalize_place(text: str | None) -> str:
    """The spelling-independent form of a city or district name ("" when absent)."""
    if not text:
        return ""
    if len(text) > _KEPT_UP_TO:
        return _place_form(text)
    return _kept_place_form(text)


def _place_form(text: str) -> str:
    try:  # the project's one Arabic normalizer, when it is present
        from bot.text import normalize
    except ImportError:
        normalize = _local_normalize
    folded = _local_normalize(normalize(text))
    return _DISTRICT_PREFIXES.sub("", folded).strip()


# Kept by name: every report normalizes its city and district twice or more, and a country has
# few of them (the billing data's names); a longer text is worked out each time.
_KEPT_UP_TO = 100
_kept_place_form = lru_cache(maxsize=8192)(_place_form)


@dataclass(frozen=True)
class Place:
    city: str | None = None
    district: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    account: str | None = None
    premise: str | None = None

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def area_key(place: Place, *, channel: str, sender: str) -> str:
    district = normalize_place(place.district)
    if district:
        return f"d:{normalize_place(place.city)}|{district}"[:160]
    if place.latitude is not None and place.longitude is not None:  # place.located
        i, j = grid_cell(place.latitude, place.longitude)
        return f"g:{i}:{j}"
    if place.account:
        return f"a:{place.account}"
    if place.premise:
        return f"p:{place.premise}"
    return f"s:{channel}:{sender}"[:160]


def grid_cell(latitude: float, longitude: float) -> tuple[int, int]:
    step = JOIN_DISTANCE_KM / _KM_PER_DEGREE_LAT
    return math.floor(latitude / step), math.floor(longitude / step)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(latitude: float, longitude: float, km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing the circle: a cheap pre-filter in SQL."""
    dlat = km / _KM_PER_DEGREE_LAT
    dlon = km / (_KM_PER_DEGREE_LAT * max(0.01, math.cos(math.radians(latitude))))
    return latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon

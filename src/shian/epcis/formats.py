"""The two string formats the GS1 EPCIS JSON Schema uses, checked fast.

* ``uri``: an absolute URI by the grammar of RFC 3986 (what ``jsonschema``'s format checker
  tests with ``rfc3986-validator`` or ``rfc3987``): ASCII only, a scheme, percent-escapes of two
  hex digits, an authority with an optional user and a numeric port, ``[...]`` only around an
  IP literal, at most one ``#``. Compact IRIs such as ``example:myField`` are URIs too.
* ``date-time``: RFC 3339 (``rfc3339-validator``): ``T``/``Z`` in either case, seconds ``00``–``59``,
  any number of fraction digits, an offset up to ``±23:59``, a real calendar day.

:func:`parse_time` returns the instant as an aware UTC ``datetime`` in the same pass, so the
validator does not parse times twice. Results for URIs are cached: read points, locations,
business steps and transactions repeat across the events of a capture.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

_PCHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})"
_USERINFO = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*"
_REGNAME = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*"
_SEGMENTS = rf"(?:/{_PCHAR}*)*"
_URI = re.compile(
    r"[A-Za-z][A-Za-z0-9+\-.]*:"
    r"(?:"
    rf"//(?:{_USERINFO}@)?(?:\[(?P<ip>[^\]/?#@\[]*)\]|{_REGNAME})(?::[0-9]*)?{_SEGMENTS}"  # "//" authority path-abempty
    rf"|/(?:{_PCHAR}+{_SEGMENTS})?"  # path-absolute
    rf"|{_PCHAR}+{_SEGMENTS}"  # path-rootless
    r"|"  # path-empty
    r")"
    rf"(?:\?(?:{_PCHAR}|[/?])*)?"
    rf"(?:\#(?:{_PCHAR}|[/?])*)?"
)
_IPVFUTURE = re.compile(r"[vV][0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+")


# A scheme and one path-rootless segment of plain pchars (no "/", "%", "?" or "#"): always a URI,
# and the shape of most EPCIS identifiers (urn:epc:id:sgtin:0614141.107346.2017). Four times
# faster to match than _URI, which decides every other value.
_PLAIN_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[A-Za-z0-9\-._~!$&'()*+,;=:@]+")


@lru_cache(maxsize=65536)
def is_uri(value: str) -> bool:
    """True if ``value`` is an absolute URI (RFC 3986 ``URI``)."""
    if _PLAIN_URI.fullmatch(value):
        return True
    m = _URI.fullmatch(value)
    if m is None:
        return False
    ip = m.group("ip")
    if ip is None:
        return True
    if _IPVFUTURE.fullmatch(ip):
        return True
    if "%" in ip:  # Python accepts IPv6 zone ids; RFC 3986 does not
        return False
    try:
        ipaddress.IPv6Address(ip)
    except ValueError:
        return False
    return True


_TIME = re.compile(
    r"(\d{4})-(0[1-9]|1[0-2])-(\d{2})[Tt]([01]\d|2[0-3]):([0-5]\d):([0-5]\d)(?:\.(\d+))?(?:([Zz])|([+-])([01]\d|2[0-3]):([0-5]\d))"
)
_OFFSETS: dict[tuple[str, str, str], timezone] = {}


@lru_cache(maxsize=8192)
def parse_time(value: str) -> datetime | None:
    """The UTC instant of an RFC 3339 date-time, or ``None`` if ``value`` is not one.

    A valid time whose UTC form falls outside ``datetime``'s range (year 1 or 9999 with an
    offset) also gives ``None``: it cannot be stored. Cached (the result is immutable): a
    capture parses each event's time when it checks the event and again when it derives its rows.
    """
    m = _TIME.fullmatch(value)
    if m is None:
        return None
    year, month, day, hour, minute, second, frac, zulu, sign, oh, om = m.groups()
    micro = int((frac + "00000")[:6]) if frac else 0
    if zulu:
        tz: timezone = UTC
    else:
        key = (sign, oh, om)
        tz = _OFFSETS.get(key)  # type: ignore[assignment]
        if tz is None:
            delta = timedelta(hours=int(oh), minutes=int(om))
            tz = _OFFSETS.setdefault(key, timezone(-delta if sign == "-" else delta))
    try:
        when = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=tz)
        return when if tz is UTC else when.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def is_time(value: str) -> bool:
    return parse_time(value) is not None

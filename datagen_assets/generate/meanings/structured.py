"""Structured text: documents kept in text columns (XML, JSON, iCalendar, ACLs) and
identifier-like names (queues, topics, owners) get values of their shape, never prose."""

from __future__ import annotations

from datagen_assets.generate.generators import Choice
from datagen_assets.generate.meanings.catalog import add
from datagen_assets.generate.meanings.people import _email, _user_name
from datagen_assets.generate.meanings.values import StructuredText

S = "structured"


def _shaped(shape: str, room: int):
    """`shape` where the column has `room` characters, else an identifier-like slug."""

    def make(column, table):
        length = column.type.length
        return StructuredText(shape if length is None or length >= room else "slug")

    return make


add("xml_text", S, "text", r"(\w+ )*xml( \w+)*", _shaped("xml", 120), prior=1)
add(
    "json_text",
    S,
    "text",
    r"(\w+ )*json( \w+)*|(\w+ )?(attributes|attrs|metadata|meta data|properties|payload)",
    _shaped("json", 90),
    prior=0.5,
)
add("icalendar", S, "text", r"(\w+ )*(icalendar|ical|vcalendar)( \w+)*", _shaped("ical", 200))
add("acl", S, "text", r"(\w+ )?(acl|acls|access control list)", _shaped("acl", 30), prior=1)
add(
    "queue_name",
    S,
    "text",
    r"(\w+ )?queue( name)?|(\w+ )?(topic|channel|exchange|stream) name",
    StructuredText("slug"),
    prior=0.5,
)
add("recipient_email", S, "text", r"bcc|cc|to|(\w+ )?recipients?( emails?)?", _email, prior=1)
add("owner_name", S, "text", r"(\w+ )?(owner|owned by|assignee)( name)?", _user_name)

# `*_type` columns with a small well-known vocabulary of their own (the generic type_label
# pool - standard, custom, basic - reads as made up there)
add(
    "trigger_type",
    S,
    "text",
    r"(\w+ )?trigger (type|kind)",
    Choice(("CRON", "SIMPLE", "CAL_INT", "DAILY_I", "BLOB"), (6, 5, 1, 1, 0.5)),
)
add(
    "wifi_security_type",
    S,
    "text",
    r"(\w+ )?(security|encryption|wifi security) (type|mode)",
    Choice(("none", "wep", "wpa", "wpa2", "wpa3"), (2, 0.5, 1, 6, 2)),
)

"""Structured text: documents kept in text columns (XML, JSON, iCalendar, ACLs) and
identifier-like names (queues, topics, owners) get values of their shape, never prose."""

from __future__ import annotations

from datagen_assets.generate.generators import Choice
from datagen_assets.generate.meanings.catalog import add, vocab
from datagen_assets.generate.meanings.people import _email, _user_name
from datagen_assets.generate.meanings.values import EntityField, StructuredText

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
add("icalendar", S, "text", r"(\w+ )*(icalendar|ical|vcalendar|vevent|vtodo|valarm)( \w+)*",
    _shaped("ical", 200))  # fmt: skip
add("vcard", S, "text", r"(\w+ )*(vcard|vcf)( \w+)*", _shaped("vcard", 120))
add("changed_property", S, "text",
    r"property|property name|field|field name|changed field|attribute|attribute name",
    vocab("config_key"), tables=r"\b(log|audit|history|change|event|op|revision|journal)\b",
    needs_table=True, prior=1)  # fmt: skip
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
    tables=r"wifi|wireless|wlan|ssid|access point|hotspot|router|network",
    needs_table=True,
)
add(  # a cluster's or a service's security: how it authenticates
    "auth_security_type",
    S,
    "text",
    r"(\w+ )?security (type|mode)",
    Choice(("NONE", "KERBEROS", "LDAP", "SSL"), (4, 5, 2, 2)),
    prior=0.5,
)
add(
    "cron_expression",
    S,
    "text",
    r"(\w+ )?(cron( expression| expr| schedule| string| spec)?|schedule expression)",
    Choice(
        (
            "0 * * * *",
            "*/15 * * * *",
            "0 0 * * *",
            "30 2 * * 1",
            "0 9 * * 1-5",
            "*/5 * * * *",
            "0 0 1 * *",
            "0 6,18 * * *",
            "15 3 * * 0",
            "0 12 * * 1-5",
        ),
        (5, 4, 6, 2, 3, 3, 2, 1, 1, 1),
    ),  # fmt: skip
    lengths=(9, 255),
    prior=1,
)

# text whose name says it keeps a serialized object: a JSON document where there is room
# for one (a `data` column of 40 characters is no document)
add(
    "serialized_text",
    S,
    "text",
    r"(\w+ )?(data|context|short context|serialized \w+|vars|variables|params|parameters"
    r"|options|preferences|prefs|settings|state data|session data|extra|extras|details"
    r"|additional info|extra info|custom fields|search attributes)",
    _shaped("json", 90),
    lengths=(120, 1 << 31),
    prior=-0.5,
)
# the value of a key/value row (`value` beside `name`/`key`/`property`), and values of
# named settings, parameters and attributes
add(
    "config_value",
    S,
    "text",
    r"(\w+ )?(property|parameter|param|attribute|attr|setting|option|config|configuration"
    r"|prop|variable|var|meta) value|(str|string|text) (property|prop)( \d+)?|value|val",
    vocab("config_value", 1.0),
    neighbours=r"\b(name|key|property|parameter|attribute|setting|option|config|variable)\b",
    prior=-1,
)
add("check_output", S, "text",
    r"(\w+ )?(output|long output|plugin output|std out|stdout|std err|stderr|std error"
    r"|command output|console output)",
    vocab("check_output"), prior=0.5)  # fmt: skip
add("command_line", S, "text",
    r"(\w+ )?(command|command line|cmd|cmdline|cmd line|exec|exec command|script)",
    vocab("command_line"), prior=-0.5)  # fmt: skip
add("cpu_info", S, "text", r"cpu( info| model| name)?|processor( info| model| name)?",
    vocab("cpu_info"))  # fmt: skip
add("os_info", S, "text", r"os( info| name| version| release)?|operating system( \w+)?",
    vocab("os_info"), prior=0.5)  # fmt: skip
add("audience", S, "text", r"(\w+ )?audiences?", vocab("audience"))
add("jwk_key_type", S, "text", r"kty|key type", vocab("jwk_key_type", 1.0),
    tables=r"key|jwk|certificate|signing", needs_table=True)  # fmt: skip
CRON = r"schedule|cron|trigger|job|timer|recurrence"
for _field, _names in (
    ("minutes", r"minutes?|min"),
    ("hours", r"hours?|hr"),
    ("days", r"days? of (the )?month|days|day|dom"),
    ("months", r"months?"),
    ("weekdays", r"days? of (the )?week|weekdays?|dow"),
):
    add(f"cron_{_field}", S, "text", _names, vocab(f"cron_{_field}", 0.8), tables=CRON,
        needs_table=True, lengths=(1, 40), prior=1)  # fmt: skip
add("tag_words", S, "text", r"(\w+ )?(tag|tag string|keyword|keyword list|labels)( \d+)?",
    vocab("tag_list"), prior=-0.5)  # fmt: skip
add("market_segment", S, "text", r"(market |customer |business )?segment",
    vocab("market_segment", 0.5))  # fmt: skip
add("shipping_instruction", S, "text",
    r"(ship|shipping|delivery)( instruct| instructions?| notes?)|special instructions",
    vocab("shipping_instruction", 0.5))  # fmt: skip
add("packaging", S, "text", r"(\w+ )?(container|packaging|package type|pack type)",
    vocab("packaging", 0.5), prior=-0.5)  # fmt: skip
add("manufacturer", S, "text", r"manufacturer|manufacturer name|mfr|maker",
    lambda c, t: EntityField("company", "company"))  # fmt: skip
add("byline_user", S, "text", r"(\w+ )?\w+ed by|(\w+ )?by user|clerk|batcher user",
    _user_name, prior=-0.5)  # fmt: skip

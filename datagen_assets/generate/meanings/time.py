"""Time: instants by what they record (sign-ups by day, appointments in opening hours, jobs
at night, logins at all hours), years, months, days, durations, epoch integers. The order
between instants of one row (created <= updated <= deleted, starts < ends) is detection's
(`generate.ordering`), not a meaning's."""

from __future__ import annotations

import re

from datagen_assets.generate.generators import Exponential, UniformDate
from datagen_assets.generate.meanings.catalog import add, numeric, vocab
from datagen_assets.generate.meanings.tokens import table_tokens, tokens
from datagen_assets.generate.meanings.values import (
    Amount,
    BirthDate,
    EpochTime,
    Instant,
    InstantText,
    IntegerChoice,
    TimeOfDay,
)

T = "time"
EVENT_WORDS = (
    r"created|inserted|registered|signup|sign up|joined|added|submitted|ordered"
    r"|placed|opened|recorded|logged|posted|published|sent|received|issued|booked"
    r"|purchased|paid|requested|modified|updated|changed|edited|last updated"
    r"|last modified|deleted|removed|archived|closed|completed|finished|ended"
    r"|cancelled|canceled|resolved|approved|rejected|shipped|delivered|returned"
    r"|processed|started|accessed|viewed|seen|read|checked|verified|confirmed"
    r"|expired|revoked|activated|deactivated|released|uploaded|imported|synced|last login"
    r"|last seen|last access|login|logout|timestamp|event|occurred|happened|date|time"
    r"|when|on|at"
)

add(
    "event_time",
    T,
    "ts",
    rf"(\w+ )*({EVENT_WORDS})( (at|on|date|time|timestamp|ts|dt|utc))*",
    Instant("2021-01-01", "2026-01-01", "daily"),
    prior=-1,
)
add(
    "event_date",
    T,
    "date",
    rf"(\w+ )*({EVENT_WORDS})( (at|on|date|day|dt))*",
    Instant("2019-01-01", "2026-01-01", "daily"),
    prior=-1,
)
add(
    "login_time",
    T,
    "ts",
    r"(last )?(login|logon|sign in|signin|access|seen|activity|heartbeat"
    r"|ping|poll|check in)( at| time| date| on)?",
    Instant("2024-01-01", "2026-01-01", "uniform"),
)
add(
    "appointment_time",
    T,
    "ts",
    r"(\w+ )*(appointment|scheduled|booking|reservation|meeting"
    r"|visit|slot|session|start|starts|begin|begins|check in|arrival|departure)( at| time| date"
    r"| start| on| datetime)*",
    Instant("2023-01-01", "2026-06-30", "appointment"),
)
add(
    "job_time",
    T,
    "ts",
    r"(\w+ )*(job|batch|cron|backup|sync|run|execution|fire|trigger)"
    r"( (at|time|date|started|ended|start|end))*",
    Instant("2024-01-01", "2026-01-01", "night"),
)
add(
    "hire_date",
    T,
    "when",
    r"(hire|hired|employment|joining) date|hired( on| at)?|date hired",
    UniformDate("2005-01-01", "2025-12-31"),
)
add(  # an employee joins on a day; a user joins (signs up) at an instant
    "join_date",
    T,
    "when",
    r"(join|joined|start) date|date joined|joined( on| at)?",
    lambda c, t: (
        UniformDate("2005-01-01", "2025-12-31")
        if re.search(r"employee|staff|worker|personnel|hr\b", " ".join(table_tokens(t.name)))
        or c.type.kind.name == "DATE"
        else Instant("2019-01-01", "2026-01-01", "daily")
    ),
)
# a name that begins as a flag does (`is_synced`) or counts something (`priority_start`,
# `line_end`) is no instant, whatever event word it holds
NOT_AN_INSTANT = (
    r"^(is|has|was|can|should|allow|enable|use|needs?|show|auto) "
    r"|\b(priority|level|rank|score|position|pos|order|index|idx|count|number|size|page|line"
    r"|offset|sequence|seq|version|row|column|col|byte|char|step|week|day|month|year|hour"
    r"|minute)\b"
)
add(
    "epoch_seconds",
    T,
    "int",
    rf"(\w+ )*({EVENT_WORDS}|expires|expiry|deadline|until|since|from|to|start|end|due)"
    r"( (at|on|date|time|timestamp|ts|epoch|unix|utc))*|epoch|unix time|unix timestamp"
    r"|(\w+ )?(mtime|ctime|atime|crtime)|heartbeat|(next|last) (check|run|poll|sync|heartbeat)"
    r"|last state change|last (seen|activity|login)",
    lambda c, t: EpochTime(
        unit="ms" if "millis" in c.name.lower() or c.name.lower().endswith("_ms") else "s"
    ),
    unless=NOT_AN_INSTANT,
    prior=-0.5,
)
add(  # SQLite and many apps keep instants as text: ISO 8601, as long as the column allows
    "instant_text",
    T,
    "text",
    r"(?!(\w+ )*(zone|format|unit|type|style|pattern|mask|kind|spent|window|slot|limit|range"
    r"|stamp id)( |$))(utc )?(\w+ )*(date|datetime|timestamp|time|dt|ts)( \w+){0,3}"
    rf"|(\w+ )*({EVENT_WORDS}) (at|on)( utc)?",
    lambda c, t: InstantText("2021-01-01", "2026-01-01", "midnight" if _date_only(c) else "daily"),
    lengths=(8, 64),
    prior=-0.5,
)


def _date_only(column) -> bool:
    """A text instant whose name ends as a date does (`start_date`, `dob`), not a time."""
    return tokens(column.name)[-1:] in (("date",), ("day",), ("birthday",))


add("year", T, "int text", r"(\w+ )?(year|yr)|year of \w+", IntegerChoice(1990, 2025), prior=-1)
add(
    "birth_year",
    T,
    "int text",
    r"(birth|born) year|year (of birth|born)|yob|born( in)?|birth",
    BirthDate(),
)
add("month", T, "int", r"(\w+ )?month( number| of year)?|mon", IntegerChoice(1, 12))
add("month_name", T, "text", r"(\w+ )?month( name)?", vocab("month_name"), lengths=(3, 12))
add("day_of_month", T, "int", r"(\w+ )?day( of month)?|dom|day number", IntegerChoice(1, 28))
add(
    "day_of_week",
    T,
    "int text",
    r"(\w+ )?(day of week|weekday|dow|day name|week day)",
    lambda c, t: (
        IntegerChoice(0, 6)
        if c.type.kind.name in ("SMALLINT", "INTEGER", "BIGINT")
        else vocab("day_of_week" if (c.type.length or 9) >= 9 else "weekday_short")(c, t)
    ),
)
add("hour", T, "int", r"(\w+ )?hour( of day)?|hh", IntegerChoice(0, 23))
add("minute", T, "int", r"(\w+ )?minute( of hour)?|mm", IntegerChoice(0, 59))
add("week", T, "int", r"(\w+ )?week( number| of year)?", IntegerChoice(1, 52))
add("quarter", T, "int", r"quarter|qtr", IntegerChoice(1, 4))
add(
    "opening_time",
    T,
    "time",
    r"(open|opens|opening|start|starts|begin|from)( at| time| hour)?"
    r"|(\w+ )*(start|begin) time",
    TimeOfDay("business"),
)
add(
    "time_of_day",
    T,
    "time",
    r"(\w+ )*(time|at|hour|start|end|begin|open|close|opens|closes"
    r"|from|to|until)",
    TimeOfDay("business"),
    prior=-1,
)
add(
    "valid_from",
    T,
    "when",
    r"(\w+ )?(valid from|effective( from| date| on)?|start( date| on)?"
    r"|from( date)?|since|begin( date)?|starts on)",
    Instant("2020-01-01", "2026-01-01", "midnight"),
)
add(
    "duration_minutes",
    T,
    "num",
    r"(\w+ )?(duration|length|runtime|run time)( minutes| min| in minutes)?"
    r"|minutes|mins",
    numeric(Amount(45, 0.7, 1, 600, 0), Amount(45, 0.7, 1, 600, 1)),
    prior=-0.5,
)
add(
    "duration_seconds",
    T,
    "num",
    r"(\w+ )?(duration|elapsed|wait|timeout|interval|delay|ttl"
    r"|period|retention|lifespan|lifetime|remember for|expires in|max age)"
    r"( seconds| secs| s| sec| in seconds)?|seconds|secs",
    numeric(Amount(300, 1.2, 1, 2_592_000, 0), Amount(300, 1.2, 0, 2_592_000, 2)),
    prior=-0.6,
)
add(
    "duration_hours",
    T,
    "num",
    r"(\w+ )?(hours|hrs|duration hours|hours worked|work hours)",
    numeric(IntegerChoice(1, 12, 0.4), Amount(6, 0.6, 0.25, 80, 2)),
)
add(
    "duration_days",
    T,
    "num",
    r"(\w+ )?(days|duration days|rental duration|lead time|term days|"
    r"days overdue|retention days)",
    numeric(IntegerChoice(1, 30, 0.7), Amount(7, 0.8, 0.5, 365, 1)),
)
add(
    "duration_ms",
    T,
    "num",
    r"(\w+ )?(milliseconds|millis|ms)",
    Amount(250, 1.1, 1, 3_600_000, 0),
    prior=-0.5,
)
add(
    "interval_value",
    T,
    "interval",
    r"(\w+ )*(duration|interval|period|length|timeout|delay|ttl|age)",
    Exponential(3600.0, 60.0),
)
add(
    "expiry_date",
    T,
    "when",
    r"(\w+ )?(expir(y|es|ation)|valid (to|until|thru)|end|due|deadline"
    r"|until|renewal)( at| on| date)*",
    Instant("2025-06-01", "2028-01-01", "midnight"),
    prior=-0.8,
)

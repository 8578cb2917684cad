"""Flags, counts and ratios: 0/1, Y/N, T/F by the column's type and CHECK; booleans with a
prevalence by meaning (most rows active, few deleted); counts, positions, percentages,
priorities and small undeclared type codes at their scale."""

from __future__ import annotations

from datagen_assets.generate.generators import Boolean, Choice, Normal
from datagen_assets.generate.meanings.catalog import add, numeric, vocab
from datagen_assets.generate.meanings.values import Amount, IntegerChoice

MOSTLY = (
    r"active|enabled|visible|published|valid|verified|approved|confirmed|available"
    r"|allowed|public|current|accepted|subscribed|opt in|success|successful|online|live"
    r"|in stock|shippable|taxable|required|selectable|searchable|editable"
)
RARELY = (
    r"deleted|removed|archived|disabled|locked|blocked|banned|suspended|hidden|spam"
    r"|deprecated|error|failed|expired|revoked|admin|superuser|staff|system|internal"
    r"|test|dummy|discontinued|cancelled|canceled|fraud|flagged|reported|void|voided"
    r"|trashed|obsolete|inactive|closed|default|primary|readonly|read only|sticky|featured"
    r"|private|protected|encrypted|urgent|vip|gift|manual|override|temporary"
)
FLAG = r"(is |has |can |should |allow |use |was |needs? )?"


def _flag(p: float):
    """A boolean for boolean columns; 0/1, Y/N or T/F for integer and char ones."""

    def make(column, table):
        if column.type.kind.name == "BOOLEAN":
            return Boolean(p)
        if column.type.kind.name in ("SMALLINT", "INTEGER", "BIGINT", "NUMERIC"):
            return Choice((1, 0), (p, 1 - p))
        if (column.type.length or 1) == 1 or column.type.kind.name == "CHAR":
            yes, no = _flag_letters(column, table)
            return Choice((yes, no), (p, 1 - p))
        return Choice(("true", "false"), (p, 1 - p))

    return make


def _flag_letters(column, table) -> tuple[str, str]:
    """The pair a one-character flag uses: what its CHECKs and DEFAULT say (`'1'`/`'0'`,
    `'T'`/`'F'`), else Y/N."""
    import re

    said = {(column.default or "").strip("()'\" ").upper()}
    for check in (*table.checks, *column.domain_checks):
        if column.name in check.columns:
            said |= {v.upper() for v in re.findall(r"'([^']*)'", check.sql)}
    for pair in (("1", "0"), ("T", "F"), ("Y", "N"), ("J", "N")):
        if pair[0] in said or pair[1] in said:
            return pair
    return "Y", "N"


X = "flags"
add("flag_mostly", X, "bool int text", rf"{FLAG}(\w+ )?({MOSTLY})( flag| yn| ind)?", _flag(0.88))
add("flag_rarely", X, "bool int text", rf"{FLAG}(\w+ )?({RARELY})( flag| yn| ind)?", _flag(0.06))
add(
    "flag",
    X,
    "bool int text",
    r"(is|has|can|should|allow|use|was|needs?|include|show|send|notify"
    r"|enable|auto) \w+( \w+)*|(\w+ )*(flag|yn|bool|boolean|toggle|switch)"
    r"|(bool|boolean)( \w+)+",
    _flag(0.5),
    prior=-1,
)
add("char_flag", X, "text", r"(\w+ )*(flag|yn|yes no)", _flag(0.5), lengths=(1, 5))
add(
    "count",
    X,
    "num",
    r"(\w+ )?(count|counter|total|number of( \w+)+|num \w+|no of \w+|\w+ count"
    r"|count( \w+)+|number( \w+)?( \w+)?s|total \w+s|times \w+|\w+ notified|uses|hit|points"
    r"|attempts|retries|tries|failures|errors|hits|occurrences|times|visits|sessions"
    r"|(maximum|minimum|max|min) \w+( \w+)?|limit|capacity|seats|slots|connections)",
    numeric(Amount(6, 1.1, 0, 1e9, 0), Amount(6, 1.1, 0, 1e9, 2)),
    prior=-0.5,
)
add(
    "retry_count",
    X,
    "int",
    r"(\w+ )?(retry|retries|attempt|attempts|failed attempts|login attempts"
    r"|failure count|error count|retry count|attempt count)",
    IntegerChoice(0, 5, 1.6),
)
add(
    "position",
    X,
    "int",
    r"(\w+ )?(position|sort order|sort|display order|order|ordinal|rank|"
    r"seq|sequence|sort key|order index|index|idx|weight|priority order|order by|ordering|"
    r"order number|line number|line no|item number|track number|disc number|number)",
    IntegerChoice(1, 30, 0.6),
    prior=-0.5,
)
add(
    "priority",
    X,
    "int",
    r"(\w+ )?(priority|importance|urgency|severity)( level)?",
    IntegerChoice(1, 5, 0.5),
)
add(
    "priority_text",
    X,
    "text",
    r"(\w+ )?(priority|importance|urgency)( level)?",
    vocab("priority", 1.0),
)
add("severity_text", X, "text", r"(\w+ )?severity( level)?", vocab("severity", 1.0))
add(
    "level",
    X,
    "int",
    r"(\w+ )?(level|tier|grade|depth|stage|step)",
    IntegerChoice(1, 10, 0.7),
    prior=-0.6,
)
add(
    "percent",
    X,
    "num",
    r"(\w+ )?(percent|percentage|pct|completion|progress|share|probability"
    r"|utilization|utilisation|coverage|accuracy|confidence)",
    lambda c, t: (
        IntegerChoice(0, 100)
        if c.type.kind.name in ("SMALLINT", "INTEGER", "BIGINT")
        else (
            Normal(0.5, 0.25, 0, 1, 3)
            if (c.type.precision or 5) - (c.type.scale or 0) <= 1
            else Normal(55, 25, 0, 100, 1)
        )
    ),
)
add(
    "ratio",
    X,
    "dec",
    r"(\w+ )?(ratio|rate|fraction|factor|weight|score|probability)",
    Normal(0.5, 0.2, 0, 1, 3),
    prior=-0.8,
)
add(
    "type_code",
    X,
    "int",
    r"(\w+ )?(type|kind|category|class|status|state|mode|group|role|source"
    r"|reason|channel|method|format|level)( id| code| no| number| type)?",
    IntegerChoice(1, 6, 1.0),
    prior=-0.3,
)
add(
    "status",
    X,
    "text",
    r"(\w+ )?(status|state)( code| name| text)?",
    vocab("status", 1.2),
    prior=-0.2,
)
add(
    "task_status",
    X,
    "text",
    r"(\w+ )?(status|state)",
    vocab("task_status", 1.0),
    tables=r"task|ticket|issue|todo|bug|story|card|request|incident|case",
    needs_table=True,
    prior=1,
)
add(
    "job_status",
    X,
    "text",
    r"(\w+ )?(status|state|result|outcome)",
    vocab("job_status", 1.0),
    tables=r"job|run|execution|build|deploy|pipeline|batch|step|workflow|task run|import|export"
    r"|sync",
    needs_table=True,
    prior=1.1,
)
add(
    "batch_status",
    X,
    "text",
    r"(\w+ )?(status)",
    vocab("batch_status", 1.0),
    tables=r"batch",
    needs_table=True,
    prior=1.3,
)
add("exit_code", X, "text", r"exit (code|status)", vocab("exit_code", 1.0))
add("yes_no", X, "text", r"(\w+ )?(yes no|answer)", vocab("answer_yes_no", 0.5), prior=-1)
add(
    "temperature",
    X,
    "num",
    r"(\w+ )?(temperature|temp)( c| celsius| f)?",
    Normal(21, 8, -30, 50, 1),
)
add("speed", X, "num", r"(\w+ )?(speed|velocity)( kmh| mph)?", Amount(60, 0.5, 0, 400, 1))
add(
    "distance",
    X,
    "num",
    r"(\w+ )?(distance|mileage|odometer|range)( km| miles| mi)?",
    Amount(120, 1.1, 0, 20000, 1),
)
add("probability", X, "dec", r"(\w+ )?(probability|likelihood|chance)", Normal(0.4, 0.25, 0, 1, 3))
add("age_days", X, "int", r"(\w+ )?age( days| in days)", Amount(120, 1.2, 0, 20000, 0))
add(
    "counter_big",
    X,
    "int",
    r"(\w+ )?(bytes|octets|packets)( in| out| sent| received| total)?",
    Amount(1_000_000, 2.0, 0, 9e15, 0),
)
add(
    "pixel_position",
    X,
    "num",
    r"(\w+ )?(x|y|top|left|offset x|offset y|pos x|pos y|x pos|y pos"
    r"|x coordinate|y coordinate)",
    IntegerChoice(0, 1200),
)
add(
    "processor_code",
    X,
    "int",
    r"(\w+ )?(processor|provider|gateway|vendor|backend|engine)",
    IntegerChoice(1, 4, 1.0),
)
add("tag_text", X, "text", r"(\w+ )?(tags|keywords|labels|tag list)", vocab("tag_list"))

# one-word state adjectives and participles on an integer (`selected SMALLINT`, `extant`,
# `transparent`, `no_refresh`) are 0/1 flags; quantities that end in -ed (`elapsed`,
# `allocated`, `uploaded`) are not
QUANTITY_PARTICIPLES = (
    r"speed|seed|feed|need|breed|embed|hundred|elapsed|allocated|reserved|uploaded|downloaded"
    r"|received|sent|used|consumed|compressed|uncompressed|requested|read|written|committed"
    r"|processed|created|updated|modified|inserted|changed|started|ended|finished|scheduled"
)
add(
    "int_flag",
    X,
    "int",
    rf"(?!({QUANTITY_PARTICIPLES})$)[a-z]{{3,}}(ed|able|ible)|no \w+|ignore( \w+)+"
    r"|skip( \w+)+|exclusive|extant|floating|initial|transparent|transp|standard|private( \w+)?"
    r"|smart \w+|(all )?local|\w+ all local|unmapped|generated|write \w+( \w+)*",
    _flag(0.3),
    prior=-1,
)
add(
    "bitmask",
    X,
    "int",
    r"(\w+ )?(flags|bit flags|bitmask|bit mask|bits|bit prefs|perms|permissions|perm \w+|mask)",
    Choice(
        (0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 17, 24, 32), (9, 6, 4, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1)
    ),
)
add(
    "color_component",
    X,
    "int",
    r"red|green|blue|alpha|r|g|b|(color |colour )?(red|green|blue|alpha)( component)?",
    IntegerChoice(0, 255),
    neighbours=r"\b(red|green|blue|color|colour|r|g|b)\b",
)
add(
    "process_exit_code",
    X,
    "int",
    r"(\w+ )?(exit code|exitcode|exit status|return code|ret code|rc)",
    Choice((0, 1, 2, 127, 137, 143, 255), (40, 6, 2, 1, 1, 1, 0.5)),
)
add(
    "http_status_int",
    X,
    "int",
    r"http (status|code|ret code|return code|response code|status code)|(\w+ )?(status code"
    r"|response code|response status|http status)",
    Choice(
        (200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503),
        (60, 8, 4, 2, 3, 3, 3, 2, 2, 5, 1, 1, 1, 2, 1, 1),
    ),
    prior=0.5,
)

# device telemetry at the scale of its sensor
add("battery_level", X, "num", r"(\w+ )?battery( level| percent| percentage| pct| charge)?"
    r"|charge (level|percent)", Normal(72, 22, 0, 100, 0))  # fmt: skip
add("signal_dbm", X, "num", r"rssi|signal( strength| dbm| level)?|rx power|dbm",
    Normal(-67, 12, -110, -30, 0))  # fmt: skip
add("air_pressure", X, "num",
    r"(\w+ )?(pressure|air pressure|barometric pressure|baro)( hpa| mbar| mb)?",
    Normal(1013, 9, 940, 1060, 1))  # fmt: skip
add("co2_ppm", X, "num", r"co2( ppm| level| concentration)?|carbon dioxide",
    Normal(650, 220, 400, 2500, 0))  # fmt: skip

# approval workflows: a request, claim or leave is pending, approved or rejected (a task's
# open/in progress/done reads wrong there)
add("approval_status", X, "text", r"(\w+ )?(status|state|approval status|approval)",
    Choice(("approved", "pending", "rejected", "cancelled"), (60, 22, 12, 6)),
    tables=r"\b(leave|absence|request|application|approval|claim|expense|timesheet"
    r"|reimbursement|time off|vacation|booking request|refund request|access request)\b",
    needs_table=True, prior=1.5)  # fmt: skip


def _fraction(column) -> bool:
    """NUMERIC(2,2)-like: a column that holds only fractions below one."""
    scale, precision = column.type.scale, column.type.precision
    return scale is not None and precision is not None and scale >= precision


add("commission_rate", X, "num", r"commission( pct| percent| percentage| rate)?",
    lambda c, t: Normal(0.12, 0.06, 0, 0.4, 2) if _fraction(c) else Normal(12, 6, 0, 40, 1),
    prior=1)  # fmt: skip

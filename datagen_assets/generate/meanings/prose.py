"""Prose: descriptions, comments, notes, messages, subjects, reasons - whole sentences chosen
to fit the column (a varchar(60) gets a sentence of at most 60 characters, never a cut one),
paragraphs where there is room."""

from __future__ import annotations

from datagen_assets.generate.meanings.catalog import add, vocab

R = "prose"
LONG = r"description|details|body|content|text|bio|biography|about|summary|abstract|overview"


def _prose(column, table):
    length = column.type.length
    if length is None or length >= 400:
        return vocab("paragraph")(column, table)
    return vocab("sentence")(column, table)


def _short(column, table):
    return vocab("short_sentence")(column, table)


add(
    "description",
    R,
    "text",
    rf"(\w+ )*({LONG}|note|notes|comment|comments|remark|remarks"
    r"|message|memo|feedback|review|review text|explanation|instructions|observation|answer"
    r"|response|reply|excerpt|caption|blurb|story|narrative|annotation)",
    _prose,
    prior=-0.5,
)
add(
    "subject",
    R,
    "text",
    r"(\w+ )?(subject|headline|heading|title|topic|summary line|question"
    r"|teaser|tagline|slogan|motto)",
    _short,
    prior=-1.5,
)
add(
    "reason",
    R,
    "text",
    r"(\w+ )?(reason|cause|justification|purpose|motive)( text| description)?",
    lambda c, t: vocab(_reasons_of(t), 0.6)(c, t),
)


# reasons by what the table records: a leave request's are no order's ("Damaged in transit")
REASONS_OF = (
    (r"leave|absence|vacation|time off|timeoff|holiday|pto", "leave_reason"),
    (r"ban|block|suspen|report|flag|moderat|abuse", "moderation_reason"),
    (r"cancel|refund|return|order|payment|subscription|churn", "reason"),
)


def _reasons_of(table) -> str:
    import re

    from datagen_assets.generate.meanings.tokens import table_tokens

    words = " ".join(table_tokens(table.name))
    for pattern, name in REASONS_OF:
        if re.search(pattern, words):
            return name
    return "reason"


add(
    "error_message",
    R,
    "text",
    r"(\w+ )?(error|exception|failure|fault)( message| text| msg| detail)?"
    r"|stack trace|stacktrace|traceback",
    vocab("error_message", 0.5),
)
add("catch_phrase", R, "text", r"(catch phrase|slogan|motto|tagline)", vocab("catch_phrase"))

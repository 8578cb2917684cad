"""Organisations: companies, branches, departments, stores, teams, names of a table's own
things (`clinics.name` -> `Riverside Clinic`)."""

from __future__ import annotations

import re

from datagen_assets.generate.meanings.catalog import add, vocab
from datagen_assets.generate.meanings.tokens import table_tokens
from datagen_assets.generate.meanings.values import (
    VOCABULARIES,
    EntityField,
    fitting,
    vocabulary,
)


def _company(column, table):
    return EntityField("company", "company")


def _named_after_table(column, table):
    """`Riverside Clinic`, `Oak Park Branch`: a place name and the table's own noun, when
    that noun is a word the catalog knows; else a generic label (`Monthly Report`)."""
    from datagen_assets.generate.meanings.tokens import known_words, tokens
    from datagen_assets.generate.meanings.values import Vocabulary

    skip = ("name", "title", "label", "display")
    words = [w for w in tokens(column.name) if w not in skip]
    words = [w for w in (*table_tokens(table.name), *words) if len(w) >= 4 and w in known_words()]
    if not words:
        return Vocabulary("generic_label")
    noun = words[-1].capitalize()
    if noun.lower() in NOUN_VOCABULARIES:  # a service's name is a service name
        return Vocabulary(NOUN_VOCABULARIES[noun.lower()])
    name = f"named_{noun.lower()}"
    if name not in VOCABULARIES:
        if re.fullmatch(PLACE_NOUNS, noun.lower()):  # Riverside Clinic, Oak Park Branch
            vocabulary(name)(
                lambda locale, seed, noun=noun: [
                    f"{place} {noun}" for place in fitting("place_name", locale, seed, None)
                ]
            )
        else:  # an abstract thing is named by what kind it is: Internal Policy, Core Zone
            vocabulary(name)(lambda locale, seed, noun=noun: [f"{q} {noun}" for q in QUALIFIERS])
    return Vocabulary(name)


# nouns of things that stand somewhere (named after a place); other things are named by
# a qualifier, and a few by a vocabulary of their own
PLACE_NOUNS = (
    r"clinic|branch|store|shop|office|warehouse|school|hospital|park|hotel|venue|site|campus"
    r"|library|station|depot|gym|restaurant|cafe|theater|theatre|cinema|museum|building"
    r"|facility|location|center|centre|plant|factory|farm|airport|port|pharmacy|bank|church"
    r"|court|field|stadium|mall|market|district|village|town|estate|garden|lodge|resort"
    r"|studio|lab|laboratory|kitchen|bakery|salon|dealership|outlet|terminal|harbor|marina"
)
QUALIFIERS = (
    "Default", "Standard", "Primary", "Secondary", "Internal", "External", "Legacy", "Core",
    "Main", "Backup", "Public", "Private", "Shared", "Production", "Staging", "Regional",
    "Global", "Local", "Basic", "Premium", "Archive", "Custom", "Temporary", "Manual",
)  # fmt: skip
NOUN_VOCABULARIES = {
    "service": "service_name", "term": "tag", "tag": "tag", "topic": "tag", "keyword": "tag",
    "skill": "skill", "genre": "genre", "industry": "industry", "department": "department",
    "language": "language_name", "currency": "currency_name", "color": "color",
    "colour": "color", "role": "role", "permission": "permission_label", "metric": "metric_name",
    "interface": "interface_name", "browser": "browser", "platform": "platform",
}  # fmt: skip


ORG = "org"
add(
    "company",
    ORG,
    "text",
    r"(company|employer|organization|business|firm|supplier|vendor|manufacturer|brand owner"
    r"|publisher|carrier company|agency|institution|customer company|client company)( name)?",
    _company,
    entity=("company", "company"),
    lengths=(3, 120),
)
add(
    "company_of_table",
    ORG,
    "text",
    r"name|company name|legal name|business name",
    _company,
    entity=("company", "company"),
    needs_table=True,
    prior=1.5,
    tables=r"company|compan|organization|supplier|vendor|manufacturer|customer|client|partner"
    r"|publisher|shipper|carrier|employer|firm|agency|tenant|account|merchant|brand|sponsor",
)
add(
    "department",
    ORG,
    "text",
    r"department( name)?|dept|division|business unit|unit name",
    vocab("department", 0.6),
)
add(
    "department_of_table",
    ORG,
    "text",
    r"name|title",
    vocab("department", 0.3),
    tables=r"department|division|unit",
    needs_table=True,
    prior=1.5,
)
add("team_name", ORG, "text", r"team( name)?|squad|crew", vocab("project_name"))
add(
    "site_name",
    ORG,
    "text",
    r"name|title|label",
    _named_after_table,
    needs_table=True,
    prior=1,
    tables=r"clinic|hospital|store|shop|branch|office|warehouse|site|facility|location|venue"
    r"|school|campus|library|hotel|restaurant|gym|station|depot|plant|center|centre|building"
    r"|lab|pharmacy|bank|court|park|studio|salon|theater|theatre|cinema|museum|outlet",
)
add(
    "entity_name",
    ORG,
    "text",
    r"name|title|label|display name|caption|heading",
    _named_after_table,
    prior=-1.5,
)
add(
    "project_name",
    ORG,
    "text",
    r"project( name)?|initiative|campaign( name)?",
    vocab("project_name"),
)
add(
    "project_of_table",
    ORG,
    "text",
    r"name|title",
    vocab("project_name"),
    tables=r"project|campaign|initiative|program",
    needs_table=True,
    prior=1.5,
)
add("industry", ORG, "text", r"industry|sector|vertical|line of business", vocab("industry", 0.5))
add(
    "membership_state",
    ORG,
    "text",
    r"membership( state| status)?|member (state|status)",
    vocab("membership_state", 1),
)
add("role", ORG, "text", r"role( name)?|user role|access level|group name", vocab("role", 1))
add(
    "role_of_table",
    ORG,
    "text",
    r"name|title|code",
    vocab("role", 0.5),  # a role's or a user group's name, not a redundancy group's
    tables=r"\brole\b|^((\w+ )?(user|auth|security|access|permission|id) )?group$|^group$",
    needs_table=True,
    prior=1.5,
)
add("permission", ORG, "text", r"permission|privilege|right|scope|grant", vocab("permission", 0.8))
add("skill", ORG, "text", r"skill|competenc[ey]|expertise", vocab("skill"))
add("course_name", ORG, "text", r"course( name| title)?", vocab("course_name"))
add("school_subject", ORG, "text", r"subject( name)?", vocab("course_name"),
    tables=r"school|course|class|student|exam|grade|teacher|lesson|curriculum|enrol",
    needs_table=True)  # fmt: skip
add(
    "class_name",
    ORG,
    "text",
    r"(\w+ )?(class( name)?|classname|implementation|handler|listener)",
    vocab("class_name"),
    prior=0,
)
add("event_name", ORG, "text", r"event( name| title)?", vocab("event_name"))
add(
    "event_of_table",
    ORG,
    "text",
    r"name|title",
    vocab("event_name"),
    tables=r"event|conference|meetup|webinar|session",
    needs_table=True,
    prior=1.5,
)
add(
    "facility_name",
    ORG,
    "text",
    r"name",
    vocab("facility_name"),
    tables=r"facilit|room|court",
    needs_table=True,
    prior=1.6,
)
add("specialty", ORG, "text", r"special(i)?ty|speciali[sz]ation", vocab("medical_specialty", 0.4))

_ = re

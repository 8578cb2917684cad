"""People: names, gender, titles, birth dates, user names. Fields of one person agree
(`entity=("person", field)`): Philip is male and Mr., his e-mail is philip.... ."""

from __future__ import annotations

from datagen_assets.generate.generators import Email, Normal
from datagen_assets.generate.meanings.catalog import add, is_key, vocab
from datagen_assets.generate.meanings.values import BirthDate, EntityField, IntegerChoice

PEOPLE = (
    r"\b(customer|client|user|person|employee|staff|member|contact|author|patient|student"
    r"|passenger|driver|artist|owner|manager|worker|account|profile|teacher|doctor|nurse"
    r"|guest|visitor|applicant|candidate|player|subscriber|buyer|seller|agent|actor"
    r"|director|speaker|attendee|participant|volunteer|donor|tenant|resident|recipient"
    r"|sender|reviewer|physician|dentist|therapist|coach|instructor|admin|operator"
    r"|principal|writer|composer|musician|creator|editor|founder)\b"
)


def person(field: str, standalone=None):
    """A field of the row's person (standalone: without other person columns beside it)."""
    return standalone or (lambda column, table: EntityField("person", field))


def _email(column, table):
    return Email() if is_key(column, table) else EntityField("person", "email")


def _user_name(column, table):
    return EntityField("person", "user_name", joiner="")


P = "people"
add(
    "first_name",
    P,
    "text",
    r"(first|given|fore|christian) name|first",
    person("first_name"),
    entity=("person", "first_name"),
    lengths=(2, 40),
)
add(
    "middle_name",
    P,
    "text",
    r"middle name|second name|middle",
    person("middle_name"),
    entity=("person", "middle_name"),
    lengths=(3, 60),
)
add(
    "middle_initial",
    P,
    "text",
    r"middle initial|mi|middle",
    person("middle_initial"),
    entity=("person", "middle_initial"),
    lengths=(1, 2),
)
add(
    "last_name",
    P,
    "text",
    r"(last|family|sur) name|surname|last",
    person("last_name"),
    entity=("person", "last_name"),
    lengths=(2, 60),
)
add(
    "full_name",
    P,
    "text",
    r"(full |display |person |real |contact |legal )?name",
    person("full_name"),
    entity=("person", "full_name"),
    tables=PEOPLE,
    needs_table=True,
    prior=1,
)
add(
    "person_name",
    P,
    "text",
    r"(full|contact|customer|employee|person|patient|student|owner|author|recipient|sender"
    r"|manager|guest|passenger|driver|member|applicant|buyer|seller|agent|holder|signer"
    r"|beneficiary|responsible|emergency contact|cardholder|account holder) name"
    r"|contact|full name|attention|attn|attendee|organizer|organiser|participant|invitee"
    r"|(\w+ )?author( name)?|poster|commenter|(\w+ )?reviewer name",
    person("full_name"),
    entity=("person", "full_name"),
)
add(
    "actor_user",
    P,
    "text",
    r"(\w+ )?(created|updated|modified|deleted|changed|approved|requested|submitted|assigned"
    r"|owned|checked|reviewed|edited|closed|resolved|granted|revoked|added|removed|uploaded"
    r"|last modified|last updated|performed|executed|run|triggered) by"
    r"|assignee|reporter|requester|requestor|approver|operator|actor|modifier|creator",
    _user_name,
    lengths=(3, 255),
)
add(
    "display_name",
    P,
    "text",
    r"display name|screen name|public name|nick name|nickname|alias",
    person("display_name"),
    entity=("person", "display_name"),
    tables=PEOPLE,
    needs_table=True,
)
add("initials", P, "text", r"initials", person("initials"), entity=("person", "initials"))
add(
    "title_of_courtesy",
    P,
    "text",
    r"title of courtesy|courtesy title|salutation|honorific|name prefix",
    person("title"),
    entity=("person", "title"),
    lengths=(2, 25),
    prior=0.5,
    neighbours=r"first name|last name|given name|family name",
)
add(  # a bare `title` is Mr./Ms. only in a table of people beside their names (a post's,
    # a policy's or a job's title is no courtesy title; an employee's is a job title)
    "person_title",
    P,
    "text",
    r"title|prefix",
    person("title"),
    entity=("person", "title"),
    tables=PEOPLE + r"|\b(lead|prospect|registration|signup|passenger|traveller|traveler)\b",
    needs_table=True,
    lengths=(2, 25),
    prior=-2,
    neighbours=r"first name|last name|given name|family name",
)
add(
    "gender",
    P,
    "text",
    r"gender|sex|gender code",
    lambda c, t: EntityField("person", "gender_code" if (c.type.length or 9) <= 2 else "gender"),
    entity=("person", "gender"),
)
add(
    "user_name",
    P,
    "text",
    r"user name|login( name)?|handle|account name|screen name|user",
    _user_name,
    entity=("person", "user_name"),
    lengths=(3, 60),
)
add(
    "email",
    P,
    "text",
    r"(\w+ )?email( address)?|e mail( address)?",
    _email,
    entity=("person", "email"),
    lengths=(6, 320),
)
add(
    "birth_date",
    P,
    "when text",
    r"(date of |day of )?birth( date| day)?|birth|born( on| at)?",
    BirthDate(),
)
add("age", P, "int", r"age|age years", IntegerChoice(18, 85))
add(
    "height_cm",
    P,
    "num",
    r"height( cm)?|body height",
    Normal(170, 10, 140, 205, 0),
    tables=PEOPLE,
    needs_table=True,
)
add(
    "weight_kg",
    P,
    "num",
    r"(body )?weight( kg)?",
    Normal(75, 14, 40, 160, 1),
    tables=PEOPLE,
    needs_table=True,
)
add("marital_status", P, "text", r"marital status|civil status", vocab("marital_status", 1))
add("blood_type", P, "text", r"blood (type|group)", vocab("blood_type", 0.8))
add("education", P, "text", r"education( level)?|degree", vocab("education", 0.6))
add("relationship", P, "text", r"relationship|relation|kinship", vocab("relationship", 0.7))
add("life_expectancy", P, "num", r"life expectancy", Normal(72.5, 7, 45, 86, 1))
add(
    "job_title",
    P,
    "text",
    r"job( title)?|position|occupation|profession|designation",
    vocab("job_title"),
    prior=0.5,
)
add(
    "employee_title",
    P,
    "text",
    r"title",
    vocab("job_title"),
    tables=r"employee|staff|worker|contact|person|user|member|team|personnel",
    needs_table=True,
    prior=0.5,
)
add("nationality", P, "text", r"nationality|citizenship", vocab("country"))

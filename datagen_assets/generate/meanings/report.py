"""`datagen explain`: per column, the meaning chosen, the evidence, the generator with its
parameters and sample values; and the one-line meaning the Dagster column schema shows."""

from __future__ import annotations

from dataclasses import fields

from datagen_assets.generate.meanings.detect import explain
from datagen_assets.schema.model import Column, Table


def meaning_label(column: Column, table: Table) -> str:
    """`meaning: city (name 'billing city' ends with 'city')`: for column descriptions."""
    detection = explain(column, table)
    if detection.meaning is None:
        return "meaning: none (values by type)"
    why = "; ".join(detection.evidence[:2])
    return f"meaning: {detection.meaning} ({why})"


def generator_text(generator) -> str:
    """`amount(median=58000, sigma=0.45)`: the generator's name and non-default params."""
    if generator is None:
        return "-"
    params = []
    for item in fields(generator):
        value = getattr(generator, item.name)
        if value != item.default or item.name in ("entity", "field", "vocabulary"):
            text = repr(value)
            params.append(f"{item.name}={text if len(text) <= 60 else text[:57] + '...'}")
    return f"{generator.name}({', '.join(params)})"


def explain_table(
    engine, key: str, columns: list[str] | None = None, samples: int = 5
) -> list[str]:
    """Lines describing how each column of table `key` is made."""
    plan = engine.plan
    table = plan.table(key).table
    config = plan.dataset.config.tables.get(key)
    frame = engine.generate(key, 0, max(samples * 3, 12))
    lines = []
    for name, recipe in engine.recipes[key].items():
        if columns and name not in columns:
            continue
        column = table.column(name)
        detection = explain(column, table)
        configured = bool(config and name in config.columns and config.columns[name].generator)
        if recipe.source == "fk":
            fk = table.foreign_keys[recipe.index]
            ref = fk.ref_columns[fk.columns.index(name)]
            origin = f"foreign key -> {fk.ref_table}.{ref}"
        elif recipe.source == "computed":
            origin = f"computed: {recipe.expression}"
        elif configured:
            origin = "configured in the dataset YAML"
        elif recipe.source == "group":
            same = recipe.generator == detection.generator and detection.meaning
            origin = "unique key" + (f"; meaning {detection.meaning}" if same else "")
        elif recipe.generator == detection.generator:
            origin = f"meaning {detection.label}"
        else:
            origin = f"CHECK constraint (meaning {detection.label} adjusted)"
        values = [v for v in frame[name].to_list() if v is not None][:samples]
        shown = ", ".join(_short(v) for v in values)
        lines.append(f"  {name} ({column.type.sql or column.type.kind.value}): {origin}")
        if detection.meaning is not None and recipe.source in ("generator", "group"):
            lines.append(f"      evidence: {'; '.join(detection.evidence)}")
            if detection.alternatives:
                others = ", ".join(f"{m} {s}" for m, s in detection.alternatives)
                lines.append(f"      score {detection.score}; next: {others}")
        lines.append(f"      generator: {generator_text(recipe.generator)}")
        lines.append(f"      samples: {shown}")
    return lines


def _short(value) -> str:
    text = str(value) if not isinstance(value, bytes) else f"<{len(value)} bytes>"
    return text if len(text) <= 40 else text[:37] + "..."


def render_catalog() -> str:
    """docs/meanings.md: every meaning by domain, with the words it answers to."""
    from datagen_assets.generate.meanings.catalog import MEANINGS

    lines = [
        "# Meanings",
        "",
        "What detection can read a column as (`datagen_assets/generate/meanings/`, one module",
        "per domain). A column's words are matched against `names` (a regular expression over",
        "its words, abbreviations expanded), scored with its table (`tables`; *only* where the",
        "meaning needs it), type, length, neighbours and comment; `datagen explain` shows the",
        "winner and its evidence. Name one in a dataset config with `generator: meaning` and",
        "`meaning: <name>`. Generated: `uv run python -m datagen_assets.generate.meanings.report`.",
        "",
        f"{len(MEANINGS)} meanings.",
    ]
    by_domain: dict[str, list] = {}
    for meaning in MEANINGS.values():
        by_domain.setdefault(meaning.domain, []).append(meaning)
    for domain, meanings in by_domain.items():
        lines += [
            "",
            f"## {domain} ({len(meanings)})",
            "",
            "| meaning | names | table |",
            "|---|---|---|",
        ]
        for m in meanings:
            names = m.names.pattern.replace("|", "\\|")
            table = ""
            if m.tables is not None:
                table = ("only in " if m.needs_table else "") + m.tables.pattern.replace("|", "\\|")
            lines.append(f"| `{m.name}` | `{names}` | {f'`{table}`' if table else ''} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    from pathlib import Path

    import datagen_assets.generate.meanings  # noqa: F401 - registers the catalog

    path = Path(__file__).resolve().parents[3] / "docs" / "meanings.md"
    path.write_text(render_catalog())
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

"""Foreign keys that share a column with another key (multi-tenant schemas, where every key
starts with tenant_id): each holds. Parents are sampled until one of the row's own tenant
turns up (for a self-reference, among earlier rows); where none does, the FK's own columns
are NULL, which PostgreSQL's MATCH SIMPLE accepts."""

from __future__ import annotations

from datagen_assets.generate.engine import engine_for, generate
from datagen_assets.write.exports import EngineSource
from datagen_assets.write.targets import load_dataset
from datagen_tests.test_targets import Postgres, _plan

DDL = """
CREATE TABLE tenants (id BIGINT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE projects (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE TABLE tasks (
    tenant_id  BIGINT NOT NULL REFERENCES tenants (id),
    id         BIGINT NOT NULL,
    project_id BIGINT,
    parent_id  BIGINT,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id),
    FOREIGN KEY (tenant_id, parent_id) REFERENCES tasks (tenant_id, id)
);
"""
CONFIG = "rows: 2000\ntables:\n  tenants: {rows: 5}\n  projects: {rows: 40}\n"


def test_shared_tenant_foreign_keys_hold_in_postgres(tmp_path, fresh_database):
    plan = _plan(tmp_path, DDL, CONFIG, name="tenancy")
    tasks = generate(plan, "tasks", 0, 2000)
    assert tasks["project_id"].null_count() == 0  # a project of the task's own tenant
    assert generate(plan, "tasks", 700, 1400).equals(tasks.slice(700, 700))  # any chunking
    assert tasks["parent_id"].null_count() < 100  # an earlier task of the same tenant
    assert engine_for(plan).notes == []
    url = fresh_database("shared_fk")
    load_dataset(plan, EngineSource(plan), url)  # every FOREIGN KEY is on in the target
    orphans = Postgres(url).rows(
        "SELECT count(*) FROM tasks t LEFT JOIN projects p "
        "ON p.tenant_id = t.tenant_id AND p.id = t.project_id "
        "WHERE t.project_id IS NOT NULL AND p.id IS NULL"
    )
    assert orphans == [(0,)]

"""The Dagster UI, used the way a person uses it: `dagster dev` on the shop dataset, then headless
Chromium (Playwright) opens the shop group's asset graph, clicks "Materialize all", picks the
partitions in the launch dialog, follows the run to success and reads the asset's page.

What a person would look at is asserted on the rendered pages (FK edges between the table nodes,
row count and preview on the asset page, every check "Succeeded") and cross-checked over the same
GraphQL API the pages use, so a UI change that hides data fails here, not in a demo.

`dagster dev` (webserver + daemon + code server, as the README starts it) runs in its own session
on a free loopback port, against a temporary DAGSTER_HOME and a temporary copy of `schemas/`
scaled down to a few hundred rows; its whole process group is SIGKILLed at the end (the webserver
does not always honour SIGTERM). The same server answers CaseGeni request files dropped in its
inbox: its daemon runs the request sensors, every ~5 s here (DATAGEN_REQUESTS_SENSOR_INTERVAL=1).
Screenshots go to a temporary folder, or to `DATAGEN_UI_SCREENSHOTS` when set. Needs Debian's
chromium (`.ci/install-browser`) and the `playwright` package (its bundled driver; no
`playwright install`): skipped when either is missing, except under CI.
"""

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from datagen_assets.dataset import discover_datasets
from datagen_assets.orchestrate import casegeni, requests
from datagen_assets.orchestrate.json_validation import validate
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.settings import Settings

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHROMIUM = Path(os.environ.get("DATAGEN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCALE = 0.001  # shop: customers 100, products 10, orders 300, order_items 1000 rows
CHUNK_ROWS = 400  # so order_items is 3 chunks, and so is every table of the dataset
CHUNKS = 3
LOCATION = "datagen_assets"
GROUP = "shop"
# The FK edges of schemas/shop.sql, parent -> child.
FK_EDGES = {
    ("shop/customers", "shop/orders"),
    ("shop/orders", "shop/order_items"),
    ("shop/products", "shop/order_items"),
}
# The dataset's quality report (orchestrate/quality.py) is in the group too, downstream of every
# table; its graph node is labelled with the last part of its key.
REPORT = f"{GROUP}/reports/quality"
REPORT_EDGES = {(parent, REPORT) for edge in FK_EDGES for parent in edge}
# ... and so is its pre-flight, the root: upstream of the tables without a parent.
PREFLIGHT = f"{GROUP}/plan/preflight"
PREFLIGHT_EDGES = {(PREFLIGHT, f"{GROUP}/customers"), (PREFLIGHT, f"{GROUP}/products")}
EDGES = FK_EDGES | REPORT_EDGES | PREFLIGHT_EDGES
EXTRA = {REPORT.rsplit("/", 1)[-1]: REPORT, PREFLIGHT.rsplit("/", 1)[-1]: PREFLIGHT}
# The tables alone, as a person narrows the graph (the report is not what "Materialize all"
# should launch here: with it, the launch becomes a backfill of mixed policies).
TABLES = f'group:"{GROUP}" and kind:"parquet"'
START_SECONDS = 180  # a shared 2-core box under load takes its time
RUN_SECONDS = 90
BACKFILL_SECONDS = 600  # the daemon looks at backfills every ~30 s; a loaded box is slower
REQUEST_SECONDS = 120
TIMEOUT_MS = 30_000


def require(available: bool, reason: str) -> None:
    """Skip when a prerequisite is missing on a developer machine; under CI it is a failure."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required under CI: .ci/install-browser, `playwright` package)")
    pytest.skip(reason)


# ---------------------------------------------------------------------------- the server


@dataclass
class DagsterUI:
    base: str
    shots: Path
    log: Path
    rows: dict[str, int]  # table -> planned rows
    data: Path  # DATAGEN_STORAGE_URL of the server

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(
            f"{self.base}/graphql", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.load(response)
        assert not answer.get("errors"), answer["errors"]
        return answer["data"]

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def shot(self, page, name: str, full_page: bool = False) -> Path:
        path = self.shots / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def ui(tmp_path_factory) -> Iterator[DagsterUI]:
    require(CHROMIUM.exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        require(False, "the playwright package is not installed")

    root = tmp_path_factory.mktemp("dagster_ui")
    home, schemas, data = root / "dagster_home", root / "schemas", root / "data"
    home.mkdir()
    shutil.copyfile(REPO / "dagster.yaml", home / "dagster.yaml")
    shutil.copytree(REPO / "schemas", schemas)
    config = schemas / "shop.yaml"
    text = config.read_text()
    assert "chunk_rows: 250000" in text
    config.write_text(text.replace("chunk_rows: 250000", f"chunk_rows: {CHUNK_ROWS}"))
    shots = Path(os.environ.get("DATAGEN_UI_SCREENSHOTS") or root / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)

    (dataset,) = [d for d in discover_datasets(Settings(schemas, scale=SCALE)) if d.name == GROUP]
    plan = plan_dataset(dataset)
    rows = {key: table.rows for key, table in plan.tables.items()}
    assert {len(table.partition_keys) for table in plan.tables.values()} == {CHUNKS}

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATAGEN_", "DAGSTER_"))}
    env.update(
        DAGSTER_HOME=str(home),
        DATAGEN_SCHEMAS_DIR=str(schemas),
        DATAGEN_STORAGE_URL=str(data),
        DATAGEN_SCALE=str(SCALE),
        DATAGEN_REQUESTS_SENSOR_INTERVAL="1",  # as often as the daemon looks (~5 s), not 30 s
        TMPDIR=str(root),  # dagster dev's workspace file and sockets
    )
    port = free_port()
    log = root / "dagster-dev.log"
    command = [str(BIN / "dagster"), "dev", "-m", LOCATION, "-h", "127.0.0.1", "-p", str(port)]
    with log.open("wb") as out:
        server = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    ui = DagsterUI(f"http://127.0.0.1:{port}", shots, log, rows, data)
    try:
        wait_until_loaded(ui, server)
        # Hide the community/NUX pop-up before any page opens (it would cover the buttons).
        assert ui.graphql("mutation { setNuxSeen }")["setNuxSeen"] is True
        yield ui
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
        print(f"\nUI screenshots: {shots}")


def wait_until_loaded(ui: DagsterUI, server: subprocess.Popen) -> None:
    """Until the webserver answers and the code location has loaded (or failed to)."""
    query = """{ workspaceOrError { __typename ... on Workspace { locationEntries {
        name loadStatus locationOrLoadError { __typename ... on PythonError { message } } } } } }"""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"dagster dev exited with {server.returncode}:\n{ui.log_tail()}")
        try:
            entries = ui.graphql(query)["workspaceOrError"]["locationEntries"]
        except (urllib.error.URLError, ConnectionError, ValueError, KeyError, TypeError):
            time.sleep(0.5)
            continue
        entry = next((e for e in entries if e["name"] == LOCATION), None)
        if entry and entry["loadStatus"] == "LOADED":
            loaded = entry["locationOrLoadError"]
            assert loaded["__typename"] == "RepositoryLocation", loaded
            return
        time.sleep(0.5)
    pytest.fail(f"the UI did not load {LOCATION} within {START_SECONDS} s:\n{ui.log_tail()}")


@pytest.fixture(scope="module")
def browser(ui):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    # Wide enough for the shop graph (pre-flight, tables, report: five columns) to be drawn at a
    # zoom where the nodes show their details.
    context = browser.new_context(viewport={"width": 2200, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()


# ---------------------------------------------------------------------------- helpers


def group_lineage_url(ui: DagsterUI, selection: str = f'group:"{GROUP}"') -> str:
    """The shop group's graph, as the "Group" link of an asset page opens it (or another
    selection, as typed in the graph's selection box)."""
    return f"{ui.base}/asset-groups~{quote(selection)}"


def node_key(name: str) -> str:
    """The asset key of a graph node's label."""
    return EXTRA.get(name, f"{GROUP}/{name}")


def open_group_graph(ui: DagsterUI, page, tables_only: bool = False) -> None:
    page.goto(group_lineage_url(ui, TABLES) if tables_only else group_lineage_url(ui))
    nodes = len(ui.rows) + (0 if tables_only else len(EXTRA))
    edges = len(FK_EDGES if tables_only else EDGES)
    # Laid out: every node and every edge drawn.
    try:
        page.wait_for_function(
            """([nodes, edges]) =>
                document.querySelectorAll('svg foreignObject [data-tooltip]').length >= nodes
                && document.querySelectorAll('svg path[marker-end]').length >= edges""",
            arg=[nodes, edges],
        )
    except Exception:
        ui.shot(page, "graph-not-drawn")
        drawn = page.evaluate(RENDERED_GRAPH_JS)
        raise AssertionError(f"wanted {nodes} nodes and {edges} edges, drawn: {drawn}") from None
    # Live data (checks, partitions) filled in: no node still says "Loading...".
    page.wait_for_function(
        """() => [...document.querySelectorAll('svg foreignObject')]
            .every(box => !/Loading/.test(box.textContent))"""
    )


RENDERED_GRAPH_JS = """() => {
    const nodes = [];
    for (const box of document.querySelectorAll('svg foreignObject')) {
        const named = box.querySelector('[data-tooltip]');
        if (!named) continue;
        nodes.push({name: named.getAttribute('data-tooltip'),
                    x: +box.getAttribute('x'), y: +box.getAttribute('y'),
                    w: +box.getAttribute('width'), h: +box.getAttribute('height')});
    }
    const edges = [...document.querySelectorAll('svg path[marker-end]')]
        .map(path => path.getAttribute('d'));
    return {nodes, edges};
}"""


def rendered_edges(page) -> set[tuple[str, str]]:
    """The edges drawn in the graph, as (parent, child) asset keys: an edge leaves the right
    side of its parent's node and ends at the left side of its child's node."""
    graph = page.evaluate(RENDERED_GRAPH_JS)
    nodes = graph["nodes"]
    assert nodes, "no asset node rendered"

    def nearest(x: float, y: float, side: str) -> str:
        def distance(node: dict) -> float:
            edge_x = node["x"] + node["w"] if side == "right" else node["x"]
            edge_y = min(max(y, node["y"]), node["y"] + node["h"])
            return ((x - edge_x) ** 2 + (y - edge_y) ** 2) ** 0.5

        best = min(nodes, key=distance)
        assert distance(best) < 20, f"edge end ({x}, {y}) touches no node: {nodes}"
        return node_key(best["name"])

    edges = set()
    for d in graph["edges"]:
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
        (sx, sy), (ex, ey) = numbers[:2], numbers[-2:]
        edges.add((nearest(sx, sy, "right"), nearest(ex, ey, "left")))
    return edges


def graphql_edges(ui: DagsterUI) -> set[tuple[str, str]]:
    query = """query($group: AssetGroupSelector!) { assetNodes(group: $group) {
        assetKey { path } dependencyKeys { path } } }"""
    selector = {
        "groupName": GROUP,
        "repositoryName": "__repository__",
        "repositoryLocationName": LOCATION,
    }
    nodes = ui.graphql(query, {"group": selector})["assetNodes"]
    return {
        ("/".join(parent["path"]), "/".join(node["assetKey"]["path"]))
        for node in nodes
        for parent in node["dependencyKeys"]
    }


def check_results(ui: DagsterUI, table: str) -> dict[str, tuple[str, bool | None]]:
    """Check name -> (status, passed) of the latest materialization of a table."""
    query = """query($key: AssetKeyInput!) { assetNodeOrError(assetKey: $key) {
        ... on AssetNode { assetChecksOrError { ... on AssetChecks { checks {
            name executionForLatestMaterialization { status evaluation { success } } } } } } } }"""
    node = ui.graphql(query, {"key": {"path": [GROUP, table]}})["assetNodeOrError"]
    results = {}
    for check in node["assetChecksOrError"]["checks"]:
        execution = check["executionForLatestMaterialization"] or {}
        evaluation = execution.get("evaluation") or {}
        results[check["name"]] = (execution.get("status"), evaluation.get("success"))
    return results


def latest_metadata(ui: DagsterUI, table: str) -> dict:
    query = """query($key: AssetKeyInput!) { assetOrError(assetKey: $key) { ... on Asset {
        assetMaterializations(limit: 1) { partition metadataEntries { label
            ... on IntMetadataEntry { intValue } ... on MarkdownMetadataEntry { mdStr } } } } } }"""
    asset = ui.graphql(query, {"key": {"path": [GROUP, table]}})["assetOrError"]
    (materialization,) = asset["assetMaterializations"]
    entries = {
        e["label"]: e.get("intValue", e.get("mdStr")) for e in materialization["metadataEntries"]
    }
    return {"partition": materialization["partition"], **entries}


def metadata_cell(page, key: str) -> str:
    """The value shown in the asset page's metadata table for `key`."""
    row = page.locator("tr").filter(has=page.get_by_text(key, exact=True)).first
    return row.locator(":scope > td").last.inner_text().strip()  # not a nested table's cell


def wait_for_backfill(ui: DagsterUI, backfill_id: str) -> list[dict]:
    """Until the backfill is done (the daemon submits its runs); then its runs."""
    query = """query($id: String!) { partitionBackfillOrError(backfillId: $id) {
        __typename ... on PartitionBackfill { status
            runs(limit: 100) { runId status assetSelection { path } } } } }"""
    deadline = time.monotonic() + BACKFILL_SECONDS
    status = "?"
    while time.monotonic() < deadline:
        backfill = ui.graphql(query, {"id": backfill_id})["partitionBackfillOrError"]
        assert backfill["__typename"] == "PartitionBackfill", backfill
        status = backfill["status"]
        if status not in ("REQUESTED", "CANCELING"):
            assert status == "COMPLETED_SUCCESS" or status == "COMPLETED", backfill
            return backfill["runs"]
        time.sleep(1)
    pytest.fail(f"backfill {backfill_id} still {status} after {BACKFILL_SECONDS} s")


def materialized_partitions(ui: DagsterUI, table: str) -> list[str]:
    query = """query($key: AssetKeyInput!) { assetNodeOrError(assetKey: $key) {
        ... on AssetNode { assetPartitionStatuses { ... on DefaultPartitionStatuses {
            materializedPartitions } } } } }"""
    node = ui.graphql(query, {"key": {"path": [GROUP, table]}})["assetNodeOrError"]
    return sorted(node["assetPartitionStatuses"]["materializedPartitions"])


def wait_for_run(ui: DagsterUI, run_id: str) -> str:
    query = "query($id: ID!) { runOrError(runId: $id) { __typename ... on Run { status } } }"
    deadline = time.monotonic() + RUN_SECONDS
    status = "?"
    while time.monotonic() < deadline:
        status = ui.graphql(query, {"id": run_id})["runOrError"].get("status", "?")
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            return status
        time.sleep(0.5)
    pytest.fail(f"run {run_id} still {status} after {RUN_SECONDS} s:\n{ui.log_tail()}")


# ---------------------------------------------------------------------------- the tests


def test_asset_graph_shows_fk_lineage(ui, page):
    assert graphql_edges(ui) == EDGES

    open_group_graph(ui, page)
    ui.shot(page, "01-shop-lineage")
    assert rendered_edges(page) == EDGES
    names = set(
        page.locator("svg foreignObject [data-tooltip]").evaluate_all(
            "els => els.map(e => e.getAttribute('data-tooltip'))"
        )
    )
    assert {node_key(name) for name in names} == {f"{GROUP}/{t}" for t in ui.rows} | {
        *EXTRA.values()
    }
    # Each node links to its asset's pages.
    for table in ui.rows:
        assert page.locator(f'a[href^="/assets/{GROUP}/{table}?"]').count() >= 1, table


def test_materialize_from_ui_then_asset_page(ui, page):
    """What a newcomer does: open the dataset's graph (its group: the pre-flight, every table,
    the quality report), click "Materialize all", launch what the dialog offers as it opens,
    follow it to success. No partition to pick, nothing to narrow."""
    open_group_graph(ui, page)
    assert rendered_edges(page) == EDGES
    # Accessible names start with the icon's label, hence no anchors in these patterns.
    page.get_by_role("button", name=re.compile("Materialize all")).click()

    # The launch dialog, as it opens: all partitions of every asset, the button enabled.
    dialog = page.get_by_role("dialog")
    dialog.get_by_text(f"Launch runs to materialize {len(ui.rows) + len(EXTRA)} assets").wait_for()
    launch = dialog.get_by_role("button", name=re.compile(r"Launch (\d+ runs?|backfill)"))
    launch.wait_for()
    page.wait_for_timeout(1000)  # let the dialog settle before the screenshot
    ui.shot(page, "02-launch-dialog")
    text = dialog.inner_text()
    assert re.search(r"Partition selection\s+All partitions", text), text
    assert launch.inner_text().strip() == "Launch backfill", text
    assert launch.is_enabled(), text
    launch.click()

    # "Created backfill <id>  View" -> the backfill's page, followed until it is done.
    toast = page.get_by_text(re.compile(r"Created backfill [a-z0-9]{8}"))
    backfill_id = re.search(r"Created backfill ([a-z0-9]{8})", toast.inner_text()).group(1)
    page.get_by_text("View", exact=True).last.click()
    page.wait_for_url(re.compile(backfill_id))
    runs = wait_for_backfill(ui, backfill_id)
    # The pre-flight, then the tables in one run (one step, every chunk), then the report.
    assert [r["status"] for r in runs] == ["SUCCESS"] * len(runs), runs
    assert sorted(len(r["assetSelection"]) for r in runs) == [1, 1, len(ui.rows)], runs
    page.reload()
    page.get_by_text(backfill_id).first.wait_for()
    page.wait_for_timeout(2000)  # the backfill's runs table fills in
    ui.shot(page, "03-backfill-done", full_page=True)
    body = page.inner_text("body")
    assert "Succeeded" in body, body[:3000]
    tables_run = next(r for r in runs if len(r["assetSelection"]) == len(ui.rows))
    page.goto(f"{ui.base}/runs/{tables_run['runId']}")
    page.get_by_text("Success", exact=True).first.wait_for()
    ui.shot(page, "03-run-success")
    for table in ui.rows:
        partitions = materialized_partitions(ui, table)
        assert partitions == [f"{i:05d}" for i in range(CHUNKS)], (table, partitions)

    # The asset's page: row count, preview and lineage of the latest materialization. Dagster
    # stores one materialization per chunk of a range in an order of its own, so the latest
    # is whichever chunk it stored last: the page must show that chunk's rows.
    table = "orders"
    rows = ui.rows[table]
    chunk_rows = -(-rows // CHUNKS)
    metadata = latest_metadata(ui, table)
    latest = int(metadata["partition"])
    assert 0 <= latest < CHUNKS, metadata["partition"]
    last = min(chunk_rows, rows - chunk_rows * latest)
    page.goto(f"{ui.base}/assets/{GROUP}/{table}")
    page.get_by_text("Row count", exact=True).wait_for()
    page.get_by_text("preview", exact=True).wait_for()
    page.wait_for_timeout(500)  # let the metadata table settle before the screenshot
    ui.shot(page, f"04-asset-{table}", full_page=True)
    body = page.inner_text("body")
    assert re.search(rf"Row count\s+{last}\b", body), body[:2000]
    assert metadata_cell(page, "rows") == str(last)
    preview = metadata_cell(page, "preview")
    first_id = chunk_rows * latest + 1
    header = r"id\s+customer_id\s+ordered_at\s+status\s+total\s+"
    assert re.match(rf"{header}{first_id}\s", preview), preview
    assert len(preview.strip().splitlines()) == 6, preview  # header + first 5 rows
    assert "Upstream assets" in body and "shop / customers" in body
    assert "Downstream assets" in body and "shop / order_items" in body

    assert metadata["dagster/row_count"] == last and metadata["rows"] == last
    assert metadata["preview"].startswith("| id | customer_id | ordered_at | status | total |")

    # The checks tab: every check of the table executed and passed.
    results = check_results(ui, table)
    assert results and all(r == ("SUCCEEDED", True) for r in results.values()), results
    page.goto(f"{ui.base}/assets/{GROUP}/{table}?view=checks")
    page.get_by_text(f"Checks ({len(results)})").wait_for()
    for name in results:
        page.get_by_text(name, exact=True).first.wait_for()
    page.get_by_text("Evaluation result").wait_for()
    page.get_by_text("Passed", exact=True).first.wait_for()  # the selected check's result
    ui.shot(page, f"05-checks-{table}")
    assert page.get_by_text("Succeeded", exact=True).count() == len(results)
    assert page.get_by_text("Failed", exact=True).count() == 0

    # Back on the graph every node reports all of its checks passed.
    expected = {}
    for name in ui.rows:
        checks = check_results(ui, name)
        assert all(r == ("SUCCEEDED", True) for r in checks.values()), (name, checks)
        expected[name] = len(checks)
    open_group_graph(ui, page, tables_only=True)
    for name, count in expected.items():
        node = page.locator("svg foreignObject").filter(
            has=page.locator(f'[data-tooltip="{name}"]')
        )
        node.get_by_text(f"{count} / {count} Passed").wait_for()
    ui.shot(page, "06-shop-lineage-after")


# ---------------------------------------------------------------------------- CaseGeni requests

REQUEST_ID = "ui-request-001"
REQUEST = {
    "id": REQUEST_ID,
    "dataset": GROUP,
    "tables": {"orders": {"rows": 50}},  # and its FK parent customers, at its planned rows
    "seed": 7,
    "metadata": {"case": "CG-UI"},
}
BAD_ID = "ui-request-bad"
BAD_REQUEST = {
    "id": "not-the-file-name",
    "dataset": GROUP,
    "tables": ["orders", "nope"],
    "rows": -5,
    "seed": "nine",
    "pii_mode": "plain",
    "colour": "blue",
}
BAD_PATHS = {"/id", "/tables/1", "/rows", "/seed", "/pii_mode", "/colour"}


def drop_request(inbox: Path, name: str, body: dict) -> None:
    """As docs/casegeni.md asks: write a temporary name, then rename into place."""
    inbox.mkdir(parents=True, exist_ok=True)
    partial = inbox / f"{name}.json.tmp"
    partial.write_text(json.dumps(body))
    partial.replace(inbox / f"{name}.json")


def runs_with_run_key(ui: DagsterUI, run_key: str) -> list[dict]:
    query = """query($filter: RunsFilter) { runsOrError(filter: $filter) { __typename
        ... on Runs { results { runId status jobName tags { key value } } } } }"""
    tags = [{"key": "dagster/run_key", "value": run_key}]
    answer = ui.graphql(query, {"filter": {"tags": tags}})["runsOrError"]
    assert answer["__typename"] == "Runs", answer
    return answer["results"]


def request_job_runs(ui: DagsterUI) -> list[dict]:
    query = """query($filter: RunsFilter) { runsOrError(filter: $filter) {
        ... on Runs { results { runId tags { key value } } } } }"""
    answer = ui.graphql(query, {"filter": {"pipelineName": "datagen_request_job"}})
    return answer["runsOrError"]["results"]


def inbox_sensor(ui: DagsterUI) -> dict:
    query = """query($selector: SensorSelector!) { sensorOrError(sensorSelector: $selector) {
        __typename ... on Sensor { minIntervalSeconds sensorState { status
            ticks(limit: 100) { status timestamp runKeys runIds skipReason
                error { message } } } } } }"""
    selector = {
        "repositoryName": "__repository__",
        "repositoryLocationName": LOCATION,
        "sensorName": requests.SENSOR_NAME,
    }
    sensor = ui.graphql(query, {"selector": selector})["sensorOrError"]
    assert sensor["__typename"] == "Sensor", sensor
    return sensor


def wait_for_files(ui: DagsterUI, *paths: Path) -> dict[Path, dict]:
    """Poll until every file exists and parses (they are written atomically), then return them."""
    deadline = time.monotonic() + REQUEST_SECONDS
    while time.monotonic() < deadline:
        if all(p.exists() for p in paths):
            return {p: json.loads(p.read_text()) for p in paths}
        time.sleep(0.25)
    missing = [str(p) for p in paths if not p.exists()]
    errors = [t for t in inbox_sensor(ui)["sensorState"]["ticks"] if t["error"]][:3]
    pytest.fail(f"no {missing} after {REQUEST_SECONDS} s; sensor errors {errors}:\n{ui.log_tail()}")


def local_path(url: str) -> Path:
    assert url.startswith("file://"), url
    return Path(urllib.request.url2pathname(url.removeprefix("file://")))


def test_request_file_in_inbox_is_answered_once(ui, page):
    """The work order's "done when": a request file dropped into the inbox of a running
    `dagster dev` produces a dataset and a response file, a duplicate does not run twice, a bad
    request gets a rejection; all through the daemon's sensors, nothing called in-process."""
    import polars as pl

    sensor = inbox_sensor(ui)
    assert sensor["minIntervalSeconds"] == 1 and sensor["sensorState"]["status"] == "RUNNING"
    inbox = ui.data / "requests" / "inbox"
    answers = ui.data / "requests" / "responses"
    response_path = answers / f"{REQUEST_ID}.json"
    rejection_path = answers / f"{BAD_ID}.rejected.json"
    started = time.monotonic()

    drop_request(inbox, REQUEST_ID, REQUEST)
    drop_request(inbox, BAD_ID, BAD_REQUEST)

    # A duplicate while the run is under way: the same request dropped again. The sensor asks
    # for the run key on every tick until the response exists; the daemon creates no second run.
    deadline = time.monotonic() + REQUEST_SECONDS
    while not runs_with_run_key(ui, REQUEST_ID):
        if time.monotonic() > deadline:
            pytest.fail(f"no run for {REQUEST_ID} after {REQUEST_SECONDS} s:\n{ui.log_tail()}")
        time.sleep(0.25)
    drop_request(inbox, REQUEST_ID, REQUEST)

    found = wait_for_files(ui, response_path, rejection_path)
    response, rejection = found[response_path], found[rejection_path]
    answered = time.monotonic() - started

    # The rejection: every error, each at its JSON pointer; nothing ran for it.
    assert validate(rejection, casegeni.RESPONSE_SCHEMA) == []
    assert rejection["id"] == BAD_ID and rejection["status"] == "rejected"
    assert {e["path"] for e in rejection["errors"]} == BAD_PATHS, rejection["errors"]
    assert not runs_with_run_key(ui, BAD_ID)

    # The response: succeeded, the dataset written, checked, and where the URLs say.
    assert validate(response, casegeni.RESPONSE_SCHEMA) == []
    assert response["status"] == "succeeded", response.get("errors")
    assert response["id"] == REQUEST_ID and response["dataset"] == GROUP
    assert response["seed"] == 7 and response["metadata"] == REQUEST["metadata"]
    tables = {t["table"]: t for t in response["tables"]}
    assert {name: (t["rows"], t["requested"]) for name, t in tables.items()} == {
        "customers": (ui.rows["customers"], False),
        "orders": (50, True),
    }
    assert response["rows"] == ui.rows["customers"] + 50
    assert response["checks_passed"] is True and response["checks"]
    assert all(c["passed"] for c in response["checks"]), response["checks"]
    assert {c["table"] for c in response["checks"]} == set(tables)
    output = local_path(response["output_url"])
    assert output == ui.data / "requests" / REQUEST_ID
    manifest = json.loads(local_path(response["manifest_url"]).read_text())
    assert manifest["run_id"] == response["run_id"] and manifest["rows"] == response["rows"]
    for name, table in tables.items():
        files = [local_path(url) for url in table["files"]]
        assert files and all(f.is_file() and output in f.parents for f in files), table
        assert len(files) == table["chunks"]
        assert pl.read_parquet(files).height == table["rows"], name

    # A duplicate after the answer: the client cleared the response and dropped the request
    # again. The inbox sensor finds the finished run of that run key and answers it again; it
    # does not run the request a second time.
    response_path.replace(ui.data.parent / response_path.name)
    drop_request(inbox, REQUEST_ID, REQUEST)
    again = wait_for_files(ui, response_path)[response_path]
    assert again["status"] == "succeeded" and again["run_id"] == response["run_id"]

    # The instance: one run for the request id, launched by the inbox sensor, and none else of
    # the request job; every tick that asked for the run key after the first got no run.
    (run,) = runs_with_run_key(ui, REQUEST_ID)
    tags = {t["key"]: t["value"] for t in run["tags"]}
    assert run["runId"] == response["run_id"] and run["status"] == "SUCCESS"
    assert run["jobName"] == "datagen_request_job"
    assert tags["dagster/sensor_name"] == requests.SENSOR_NAME
    assert tags["datagen/request_id"] == REQUEST_ID
    assert [r["runId"] for r in request_job_runs(ui)] == [run["runId"]]
    ticks = inbox_sensor(ui)["sensorState"]["ticks"]
    assert not [t for t in ticks if t["error"]], ticks
    asked = [t for t in ticks if REQUEST_ID in t["runKeys"]]
    assert [t["runIds"] for t in asked if t["runIds"]] == [[run["runId"]]], asked
    print(
        f"\nrequest answered after {answered:.1f} s, {len(asked)} tick(s) asked for its run "
        f"key, {len(asked) - 1} of them skipped by the daemon"
    )

    page.goto(f"{ui.base}/runs/{run['runId']}")
    page.get_by_text("Success", exact=True).first.wait_for()
    ui.shot(page, "07-request-run")

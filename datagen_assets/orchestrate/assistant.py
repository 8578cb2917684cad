"""Claude in Dagster: a resource over `ai.AssistantConfig` and a job that (re-)annotates the
schemas. The assistant sees schema metadata only; generation reads the reviewed annotation
files, never the API, so runs stay deterministic and offline."""

from collections.abc import Sequence

from dagster import (
    Config,
    ConfigurableResource,
    MetadataValue,
    Nothing,
    OpExecutionContext,
    Out,
    Output,
    job,
    op,
)
from pydantic import Field

from datagen_assets.plan.plan import DatasetPlan

RESOURCE_KEY = "claude"
# `anthropic` takes over a second to import: the SDK is imported only when the job runs, so
# loading definitions stays fast.


class ClaudeAssistant(ConfigurableResource):
    """Reads ANTHROPIC_API_KEY (and a model name); without a key everything runs on the
    built-in heuristics and the job says so."""

    api_key: str | None = Field(default=None, description="default: $ANTHROPIC_API_KEY")
    model: str | None = Field(default=None, description="default: DataGen's model setting")
    base_url: str | None = None
    timeout_s: float = 60.0
    max_retries: int = 3

    def config(self):
        from datagen_assets.ai.assistant import AssistantConfig

        from_env = AssistantConfig.from_env()
        return AssistantConfig(
            api_key=self.api_key or from_env.api_key,
            model=self.model or from_env.model,
            base_url=self.base_url or from_env.base_url,
            timeout_s=self.timeout_s,
            max_retries=self.max_retries,
        )


class AnnotateConfig(Config):
    force: bool = Field(default=False, description="ask again even if the schema is unchanged")
    datasets: list[str] = Field(default_factory=list, description="default: every dataset")


def build_annotate_job(plans: Sequence[DatasetPlan]):
    """`annotate_schemas`: one request per changed dataset; token usage and cost recorded.
    `plans` is read when the job runs: the components of a dg project add to one list."""

    @op(name="annotate_datasets", out=Out(Nothing))  # metadata only: no IO manager involved
    def annotate_op(context: OpExecutionContext, config: AnnotateConfig, claude: ClaudeAssistant):
        from datagen_assets.ai.assistant import annotate_file

        by_name = {plan.name: plan for plan in plans}
        settings = claude.config()
        unknown = sorted(set(config.datasets) - set(by_name))
        if unknown:
            raise ValueError(f"unknown dataset(s) {unknown} (known: {sorted(by_name)})")
        summary, metadata = {}, {}
        for name in config.datasets or sorted(by_name):
            dataset = by_name[name].dataset
            result = annotate_file(
                dataset.schema_path, dataset.config_path, config=settings, force=config.force
            )
            context.log.info(f"{name}: {result.status}: {result.message}")
            summary[name] = result.status
            for key, value in metadata_of(result, settings.model).items():
                metadata[f"{name}/{key}"] = value
        metadata["statuses"] = MetadataValue.json(summary)
        return Output(None, metadata=metadata)

    @job(
        name="annotate_schemas",
        description="Ask Claude about ambiguous columns (schema "
        "metadata only) and write the reviewable annotation files.",
    )
    def annotate_job() -> None:
        annotate_op()

    return annotate_job


def metadata_of(result, model: str) -> dict:
    """Status, file, token usage and estimated cost of one annotation request."""
    from datagen_assets.ai.assistant import estimated_cost

    usage = dict(result.usage or {})
    return {
        "status": MetadataValue.text(result.status),
        "file": MetadataValue.path(str(result.path)),
        "columns_annotated": MetadataValue.int(result.columns_annotated),
        "usage": MetadataValue.json(usage),
        "cost_usd": MetadataValue.float(
            estimated_cost(
                model, int(usage.get("input_tokens", 0)), int(usage.get("output_tokens", 0))
            )
            or 0.0
        ),
    }

"""The ``channelkit`` command line.

It parses arguments and calls the library. Every failure becomes one ``error: ...`` message on stderr and
exit code 1, never a traceback: the library raises a typed :class:`~channelkit.errors.ChannelkitError` for
everything a user can get wrong (files that cannot be read or parsed, documents of the wrong shape, bad
arguments, a subprocess that is missing or fails). Click's own usage errors keep exit code 2, except for
``review``, whose exit code 2 means "blocked": its usage errors exit 1 like every other error.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from .errors import ChannelkitError

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _friendly(func: F) -> F:
    """Turn ChannelkitError into ``error: …`` and exit 1, never a traceback.

    The library reports what a user can cause as a ChannelkitError. As a last resort an ``OSError``
    (a disk that fills up, a file that vanishes mid-run) or a ``UnicodeError`` that slipped through
    is reported the same way; any other exception is a bug and keeps its traceback.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ChannelkitError as exc:
            _fail(str(exc))
        except (OSError, UnicodeError) as exc:
            _fail(f"{type(exc).__name__}: {exc}")

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="channelkit")
def main() -> None:
    """channelkit: declare one Channel, get the Terraform for a whole CDC channel."""


def _split(value: str | None) -> list[str] | None:
    """None when the option was not given (meaning: all); an empty string means none."""
    return None if value is None else [v.strip() for v in value.split(",") if v.strip()]


@main.command()
@click.option("--schema", "schema_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Provider schema JSON (format of `terraform providers schema -json`).")
@click.option("--provider", "source", help="Provider source in the schema, e.g. mongey/kafka.")
@click.option("--resources", help="Comma-separated resource types to bind (default: all).")
@click.option("--data-sources", help="Comma-separated data-source types to bind (default: all).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Output directory.")
@click.option("--version", "version", default="0.0.0", show_default=True, help="Provider version the schema describes.")
@click.option("--constraint", help="Version constraint for required_providers (default: >= VERSION).")
@click.option("--key", help="Python package name of the bindings (default: the provider's local name).")
@click.option("--all", "all_", is_flag=True, help="Regenerate every bundled provider into the package.")
@_friendly
def generate(
    schema_file: Path | None,
    source: str | None,
    resources: str | None,
    data_sources: str | None,
    out_dir: Path | None,
    version: str,
    constraint: str | None,
    key: str | None,
    all_: bool,
) -> None:
    """Generate typed Python bindings from a provider schema."""
    from .generator.api import DEFAULT_OUT, generate_all, generate_provider
    from .generator.render import _stderr_progress

    if all_:
        reports = generate_all(out_dir or DEFAULT_OUT)
    else:
        if not (schema_file and source and out_dir):
            raise click.UsageError("--schema, --provider and --out are required (or use --all)")
        reports = [
            generate_provider(
                schema_file, source, out_dir, key=key, version=version, constraint=constraint,
                resources=_split(resources), data_sources=_split(data_sources), progress=_stderr_progress,
            )
        ]
    for r in reports:
        click.echo(
            f"{r.source}: {r.resources} resources, {r.data_sources} data sources -> "
            f"{len(r.result.written)} written, {len(r.result.unchanged)} unchanged, {len(r.result.removed)} removed"
        )


@main.command()
@click.argument("directory", default="cdktf.out", type=click.Path(path_type=Path))
@click.option("--terraform/--no-terraform", default=True, show_default=True,
              help="Also run real `terraform init`+`validate` on stacks whose providers are all in the local mirror.")
@_friendly
def validate(directory: Path, terraform: bool) -> None:
    """Check synthesized stacks against the provider schemas, offline."""
    from .validate import validate_output

    report = validate_output(directory, run_terraform=terraform)
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        sys.exit(1)


@main.command()
@click.option("--app", "app", default=None,
              help="Command that synthesizes the app (default: the `app` of ./cdktf.json, else `python main.py`).")
@click.option("--out", "out_dir", default="cdktf.out", show_default=True, type=click.Path(path_type=Path),
              help="Output directory (passed to the app as CDKTF_OUTDIR).")
@_friendly
def synth(app: str | None, out_dir: Path) -> None:
    """Run the app and print, per channel, resources by type, topics, connectors and grants, and the catalog."""
    from .app_runner import app_command, parse_command, run_app
    from .synth_report import channel_reports, render

    cwd = Path.cwd()
    run_app(parse_command(app, "--app") if app is not None else app_command(cwd), out_dir, cwd)
    for line in render(channel_reports(out_dir)):
        click.echo(line)
    index = out_dir / "catalog" / "index.html"  # written by the app's synthesis (channelkit.catalog)
    if index.is_file():
        click.echo(f"catalog: {index} (contracts and lineage events next to it)")


@main.group()
def new() -> None:
    """Write a starter file."""


@new.command("channel")
@click.argument("name")
@click.option("--source", type=click.Choice(["mysql", "mariadb", "postgres"]), default="mysql", show_default=True,
              help="The service database's engine.")
@click.option("--warehouse", type=click.Choice(["bigquery", "aws_lake"]), default="bigquery", show_default=True,
              help="Where the channel lands.")
@click.option("--dir", "directory", default="channels", show_default=True, type=click.Path(path_type=Path),
              help="Directory of the channels files.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@_friendly
def new_channel(name: str, source: str, warehouse: str, directory: Path, force: bool) -> None:
    """Write DIR/NAME.yaml: a commented channel declaration that synthesizes as written."""
    import re

    from ._files import make_dir
    from .errors import FileError
    from .selfservice.starter import starter

    if not re.fullmatch(r"[a-z][a-z0-9-]{0,40}", name):
        raise click.BadParameter("lower case letters, digits and '-', starting with a letter (at most 41)",
                                 param_hint="NAME")
    target = directory / f"{name}.yaml"
    if target.exists() and not force:
        raise FileError(f"{target} exists (use --force to overwrite it)")
    make_dir(directory, what="channels directory", error=FileError)
    schema = directory / "channels.schema.json"
    try:
        if not schema.exists():
            from .selfservice.schema import render_schema

            schema.write_text(render_schema(), encoding="utf-8")
        target.write_text(starter(name, source=source, warehouse=warehouse, schema=schema.name), encoding="utf-8")
    except OSError as exc:
        raise FileError(f"cannot write {target}: {exc}") from None
    click.echo(f"wrote {target} (and the editor schema {schema}); `channelkit synth` synthesizes it")


@main.command()
@click.option("--out", "out", default=None, type=click.Path(path_type=Path),
              help="Write the schema here (default: print it).")
@_friendly
def schema(out: Path | None) -> None:
    """Print the JSON Schema of a channels file (editors validate and complete channels/*.yaml with it)."""
    from .errors import FileError
    from .selfservice.schema import render_schema

    text = render_schema()
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise FileError(f"cannot write {out}: {exc}") from None


@main.command("bootstrap-state")
@click.option("--bucket", required=True, help="S3 bucket for Terraform state (created versioned, encrypted, private).")
@click.option("--table", required=True, help="DynamoDB table for state locks (key LockID).")
@click.option("--region", default="us-east-1", show_default=True, help="AWS region.")
@click.option("--endpoint-url", default=None, help="A local AWS endpoint (e.g. moto_server) instead of AWS.")
@_friendly
def bootstrap_state_command(bucket: str, table: str, region: str, endpoint_url: str | None) -> None:
    """Create the S3 backend's state bucket and lock table (idempotent: a second run changes nothing)."""
    from .state import bootstrap_state

    for line in bootstrap_state(bucket, table, region=region, endpoint_url=endpoint_url).lines():
        click.echo(line)


@main.command()
@click.argument("app_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--local", "local", is_flag=True, required=True,
              help="Deploy to a local AWS endpoint (moto); the only mode so far.")
@click.option("--endpoint", default=None, help="Use this running endpoint instead of starting moto_server.")
@click.option("--teardown/--keep", "teardown", default=None,
              help="Destroy everything after printing it (default: ask; without a terminal: tear down).")
@_friendly
def deploy(app_dir: Path, local: bool, endpoint: str | None, teardown: bool | None) -> None:
    """Deploy APP_DIR (a cdktf app) to a local moto endpoint, print what was created, then tear it down."""
    from .local import DeployResult, deploy_local

    if teardown is False and endpoint is None:
        raise click.UsageError("--keep needs --endpoint: the moto_server started here stops when deploy ends")

    def decide(result: DeployResult) -> bool:
        if teardown is not None:
            return teardown
        if not sys.stdin.isatty():
            return True
        click.prompt("Press Enter to tear everything down", default="", show_default=False)
        return True

    deploy_local(app_dir, endpoint=endpoint, teardown=decide, echo=click.echo)


class _ErrorsExitOne(click.Command):
    """A command whose usage errors exit 1 (its exit code 2 has a meaning of its own)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            exc.exit_code = 1  # type: ignore[misc]  # an instance attribute shadows click's class default
            raise


@main.command(cls=_ErrorsExitOne)
@click.option("--base", required=True, help="Output directory (cdktf.out) or git revision before the change.")
@click.option("--head", required=True, help="Output directory or git revision after the change.")
@click.option("--plan", "plans", multiple=True, metavar="[STACK=]PLAN_JSON",
              help="`terraform show -json` of a stack's plan (repeatable); it decides the actions it covers.")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
@click.option("--allow-data-loss", "allow", metavar="REASON", default=None,
              help="Record the data-loss blockers as allowed (who and why) instead of failing.")
@click.option("--app", "app", default=None,
              help="Command that synthesizes a git revision (default: its cdktf.json app).")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the report to this file.")
@_friendly
def review(base: str, head: str, plans: tuple[str, ...], fmt: str, allow: str | None, app: str | None,
           out_file: Path | None) -> None:
    """Review HEAD against BASE: changes per channel, predicted replacements, access, data-loss blockers.

    Exit code 0: nothing blocks; 2: a blocker (data loss not allowed, or a policy violation); 1: an error.
    """
    from ._files import write_text
    from .review import review as run_review
    from .review import to_json, to_markdown

    report = run_review(base, head, plans=plans, allow_data_loss=allow, app=app)
    text = to_markdown(report) if fmt == "markdown" else to_json(report)
    if out_file is not None:
        write_text(out_file, text, what="review report")
    click.echo(text, nl=False)
    sys.exit(report.exit_code)

"""The ``channelkit`` command line.

It parses arguments and calls the library. Every failure becomes one ``error: ...`` message on stderr and
exit code 1, never a traceback: the library raises a typed :class:`~channelkit.errors.ChannelkitError` for
everything a user can get wrong (files that cannot be read or parsed, documents of the wrong shape, bad
arguments, a subprocess that is missing or fails). Click's own usage errors keep exit code 2.
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

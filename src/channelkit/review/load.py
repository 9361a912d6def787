"""Reading the two sides of a review: synthesized output directories, or git revisions synthesized here.

A side is a directory ``cdktf synth`` (or ``channelkit synth``) wrote (``manifest.json`` and/or
``stacks/<stack>/cdk.tf.json``), or a git revision: it is checked out in a temporary worktree
(``git worktree add --detach``) and its app is run there (:func:`channelkit.app_runner.run_app`, the runner
``channelkit synth`` uses), from the same directory relative to the repository root as the current one.

Every resource keeps its construct path (cdktf's ``//.metadata.path``); the channel is the construct whose
child ``Target`` holds it (``<stack>/<channel id>/Target/...``), as in ``channelkit synth``'s report.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..app_runner import app_command, parse_command, run_app
from ..cdktf_out import load_stack, stack_files
from ..errors import ChannelkitError
from ..governance.policy import POLICY_REPORT_ENV

__all__ = ["Output", "ReviewError", "Resource", "channel_of", "load_output", "resolve_side"]


class ReviewError(ChannelkitError):
    """A review input (output directory, git revision, plan file, policy file) cannot be used."""


@dataclass(frozen=True)
class Resource:
    """One resource block of a synthesized stack."""

    stack: str
    type: str
    name: str  #: the logical id
    body: dict[str, Any]  #: the block without cdktf's ``//`` metadata
    construct_path: str = ""
    channel: str = ""  #: the channel's construct id ("" outside any channel)
    provider: str = ""  #: provider source (``hashicorp/aws``), from the stack's required_providers

    @property
    def address(self) -> str:
        """``type.name``, Terraform's address in the stack."""
        return f"{self.type}.{self.name}"


@dataclass
class Output:
    """One side of the review: every stack's resources, by address."""

    label: str  #: what was given (a directory or a revision)
    directory: Path
    stacks: dict[str, dict[str, Resource]] = field(default_factory=dict)


def channel_of(path: str) -> str:
    """The channel id of a construct path ``<stack>/<channel>/Target/...``; "" outside any channel."""
    parts = path.split("/")
    if "Target" not in parts[1:]:
        return ""
    return "/".join(parts[1 : parts.index("Target", 1)])


def _provider_sources(doc: dict[str, Any]) -> dict[str, str]:
    required = (doc.get("terraform") or {}).get("required_providers") or {}
    out = {}
    for local, spec in required.items():
        source = spec.get("source") if isinstance(spec, dict) else None
        out[local] = str(source or f"hashicorp/{local}")
    return out


def load_output(directory: Path, label: str | None = None) -> Output:
    """Every stack of a synthesized output directory.

    Raises:
        ReviewError: ``directory`` is not a directory, or has neither ``manifest.json`` nor ``stacks/``.
        OutputError: a stack cannot be read or is not Terraform JSON.
    """
    if not directory.is_dir():
        raise ReviewError(f"{directory} is not a directory")
    if not (directory / "manifest.json").is_file() and not (directory / "stacks").is_dir():
        raise ReviewError(f"{directory} is not a synthesized output directory (no manifest.json, no stacks/)")
    out = Output(label=label or str(directory), directory=directory)
    for stack, path in stack_files(directory):
        doc = load_stack(path, stack)
        sources = _provider_sources(doc)
        resources: dict[str, Resource] = {}
        for rtype, group in (doc.get("resource") or {}).items():
            local = rtype.split("_", 1)[0]
            for name, block in group.items():
                body = {k: v for k, v in block.items() if k != "//"}
                meta = block.get("//") or {}
                cpath = str((meta.get("metadata") or {}).get("path", ""))
                res = Resource(stack=stack, type=rtype, name=name, body=body, construct_path=cpath,
                               channel=channel_of(cpath), provider=sources.get(local, ""))
                resources[res.address] = res
        out.stacks[stack] = resources
    return out


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    git = shutil.which("git")
    if git is None:
        raise ReviewError("git is not installed: a revision cannot be synthesized (give an output directory)")
    return subprocess.run([git, *args], cwd=cwd, capture_output=True, text=True, check=False, errors="replace")


def _synthesize_revision(revision: str, commit: str, top: Path, cwd: Path, workdir: Path,
                         app: str | None) -> Path:
    tree = workdir / f"tree-{commit[:12]}"
    added = _git(["worktree", "add", "--detach", str(tree), commit], top)
    if added.returncode != 0:
        raise ReviewError(f"cannot check out {revision} in a worktree: {added.stderr.strip()}")
    try:
        app_dir = tree / cwd.resolve().relative_to(top)
        if not app_dir.is_dir():
            raise ReviewError(f"revision {revision} has no directory {app_dir.relative_to(tree)}")
        command = parse_command(app, "--app") if app is not None else app_command(app_dir)
        out = workdir / f"out-{commit[:12]}"
        # the head's policy violations become review blockers instead of failing the synthesis
        run_app(command, out, app_dir, env={POLICY_REPORT_ENV: str(out.resolve())})
        return out
    finally:
        _git(["worktree", "remove", "--force", str(tree)], top)


def resolve_side(spec: str, *, cwd: Path, workdir: Path, app: str | None = None) -> Output:
    """``spec`` as an output: a directory as it is, else a git revision synthesized in a temporary worktree.

    Args:
        spec: an output directory, or a git revision (``main``, ``HEAD~1``, a commit).
        cwd: the app's directory (inside the git repository, for a revision).
        workdir: where the worktree and the revision's output go (a temporary directory).
        app: the command that synthesizes the app (default: the ``app`` of its cdktf.json, else ``python main.py``).

    Raises:
        ReviewError: ``spec`` is neither a directory nor a revision of the repository around ``cwd``, or the
            worktree cannot be made; SynthError: the revision's app fails.
    """
    path = Path(spec)
    if path.is_dir():
        return load_output(path, spec)
    top_proc = _git(["rev-parse", "--show-toplevel"], cwd)
    if top_proc.returncode != 0:
        raise ReviewError(f"{spec!r} is not a directory, and {cwd} is not in a git repository (for a revision)")
    top = Path(top_proc.stdout.strip())
    rev = _git(["rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}"], top)
    if rev.returncode != 0 or not rev.stdout.strip():
        raise ReviewError(f"{spec!r} is neither an output directory nor a git revision of {top}")
    commit = rev.stdout.strip()
    out = _synthesize_revision(spec, commit, top, cwd, workdir, app)
    return load_output(out, f"{spec} ({commit[:12]})")

"""Running the real ``terraform`` binary offline, against a local provider mirror.

Terraform only finds providers offline through a CLI configuration whose
``provider_installation`` block names a ``filesystem_mirror``. channelkit never
hard-codes where that mirror lives:

1. ``CHANNELKIT_PROVIDER_MIRROR`` (a directory laid out as
   ``HOST/NAMESPACE/TYPE/VERSION/OS_ARCH/terraform-provider-…``) wins;
2. then a ``filesystem_mirror`` already named in the CLI config that
   ``TF_CLI_CONFIG_FILE`` points at (when that file exists);
3. then Terraform's own implied mirror directories
   (``~/.terraform.d/plugins``, ``$XDG_DATA_HOME/terraform/plugins``,
   ``$XDG_DATA_DIRS/terraform/plugins``);
4. then a shallow search of the file system for a directory that holds
   ``registry.terraform.io/…/terraform-provider-*`` binaries.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import TerraformError

__all__ = [
    "MIRROR_ENV",
    "MirroredProvider",
    "TerraformRunner",
    "find_mirror",
    "mirrored_providers",
    "offline_environment",
    "terraform_binary",
    "write_cli_config",
]

MIRROR_ENV = "CHANNELKIT_PROVIDER_MIRROR"
_REGISTRY_HOST = "registry.terraform.io"
_MIRROR_BLOCK = re.compile(r'filesystem_mirror\s*\{[^}]*?path\s*=\s*"([^"]+)"', re.S)
_SKIP_ROOTS = {"proc", "sys", "dev", "run", "tmp", "var", "boot", "lost+found", "etc", "bin", "sbin", "lib", "lib64"}


@dataclass(frozen=True)
class MirroredProvider:
    """One provider binary found in a mirror."""

    source: str  # e.g. registry.terraform.io/hashicorp/aws
    version: str
    platform: str
    binary: Path

    @property
    def short_source(self) -> str:
        """``hashicorp/aws`` for ``registry.terraform.io/hashicorp/aws``."""
        return self.source.removeprefix(_REGISTRY_HOST + "/")


def mirrored_providers(mirror: Path) -> list[MirroredProvider]:
    """Every provider binary in ``mirror`` (unpacked layout), sorted by source and version."""
    found = []
    for binary in mirror.glob("*/*/*/*/*/terraform-provider-*"):
        platform_dir = binary.parent
        version_dir = platform_dir.parent
        type_dir = version_dir.parent
        source = "/".join([type_dir.parent.parent.name, type_dir.parent.name, type_dir.name])
        found.append(MirroredProvider(source, version_dir.name, platform_dir.name, binary))
    return sorted(found, key=lambda p: (p.source, p.version))


def _is_mirror(path: Path) -> bool:
    return path.is_dir() and any(path.glob("*/*/*/*/*/terraform-provider-*"))


def _candidates() -> list[Path]:
    home = Path.home()
    xdg_data_home = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    xdg_dirs = [Path(p) for p in (os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":") if p]
    paths: list[Path] = []
    config = os.environ.get("TF_CLI_CONFIG_FILE")
    if config and Path(config).is_file():
        paths += [Path(p) for p in _MIRROR_BLOCK.findall(Path(config).read_text(encoding="utf-8", errors="replace"))]
    paths += [home / ".terraform.d" / "plugins", xdg_data_home / "terraform" / "plugins"]
    paths += [d / "terraform" / "plugins" for d in xdg_dirs]
    return paths


def _search_file_system() -> list[Path]:
    roots = [p for p in Path("/").iterdir() if p.name not in _SKIP_ROOTS and p.is_dir() and not p.is_symlink()]
    hits: list[Path] = []
    for root in roots:
        for pattern in (f"{_REGISTRY_HOST}", f"*/{_REGISTRY_HOST}", f"*/*/{_REGISTRY_HOST}"):
            hits += [Path(h).parent for h in glob.glob(str(root / pattern))]
    return sorted(set(hits))


def find_mirror(required: bool = True) -> Path | None:
    """The provider mirror directory to use, or None (or an error when ``required``)."""
    override = os.environ.get(MIRROR_ENV)
    if override:
        path = Path(override).expanduser()
        if not _is_mirror(path):
            raise TerraformError(
                f"{MIRROR_ENV}={override!r} is not a provider mirror: expected "
                "HOST/NAMESPACE/TYPE/VERSION/OS_ARCH/terraform-provider-* below it"
            )
        return path
    for path in _candidates() + _search_file_system():
        if _is_mirror(path):
            return path
    if required:
        raise TerraformError(
            f"no Terraform provider mirror found; set {MIRROR_ENV} to a directory laid out as "
            "HOST/NAMESPACE/TYPE/VERSION/OS_ARCH/terraform-provider-*"
        )
    return None


def write_cli_config(mirror: Path, directory: Path, plugin_cache: Path | None = None) -> Path:
    """Write a Terraform CLI config that installs providers only from ``mirror``."""
    lines = ["provider_installation {", "  filesystem_mirror {", f'    path = "{mirror}"', "  }", "}"]
    if plugin_cache is not None:
        plugin_cache.mkdir(parents=True, exist_ok=True)
        lines.append(f'plugin_cache_dir = "{plugin_cache}"')
    path = directory / "terraform.rc"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def offline_environment(cli_config: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment terraform runs with offline: this process's, ``extra``, and the CLI config.

    ``TF_CLI_CONFIG_FILE`` points at ``cli_config`` (see :func:`write_cli_config`); automation mode and no
    checkpoint calls unless the environment says otherwise.
    """
    env = {**os.environ, **(extra or {}), "TF_CLI_CONFIG_FILE": str(cli_config)}
    env.setdefault("TF_IN_AUTOMATION", "1")
    env.setdefault("CHECKPOINT_DISABLE", "1")
    return env


def terraform_binary() -> str:
    """The path of ``terraform`` (``CHANNELKIT_TERRAFORM`` overrides), or an error."""
    explicit = os.environ.get("CHANNELKIT_TERRAFORM")
    found = explicit or shutil.which("terraform")
    if not found:
        raise TerraformError("terraform is not on PATH; install Terraform >= 1.5 or set CHANNELKIT_TERRAFORM")
    return found


@dataclass
class TerraformRunner:
    """Runs terraform in one working directory with an offline CLI config.

    Args:
        workdir: the directory holding ``*.tf.json``.
        mirror: the provider mirror (found with :func:`find_mirror` when None).
        env: extra environment variables (e.g. fake AWS credentials).
    """

    workdir: Path
    mirror: Path | None = None
    env: dict[str, str] | None = None

    def __post_init__(self) -> None:
        self.mirror = self.mirror or find_mirror()
        self._config_dir = Path(tempfile.mkdtemp(prefix="channelkit-tfrc-"))
        assert self.mirror is not None
        self.cli_config = write_cli_config(self.mirror, self._config_dir)

    def environment(self) -> dict[str, str]:
        """The process environment terraform runs with (:func:`offline_environment`)."""
        return offline_environment(self.cli_config, self.env)

    def run(self, *args: str, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        """Run ``terraform ARGS`` in the working directory; raise TerraformError on failure when ``check``.

        Raises:
            TerraformError: terraform is missing or cannot be started, times out, or (with ``check``) fails.
        """
        cmd = [terraform_binary(), *args]
        try:
            proc = subprocess.run(
                cmd, cwd=self.workdir, env=self.environment(), capture_output=True, text=True, timeout=timeout,
                errors="replace",
            )
        except OSError as exc:
            raise TerraformError(f"cannot run terraform ({cmd[0]}): {exc.strerror or exc}") from None
        except subprocess.TimeoutExpired:
            raise TerraformError(
                f"terraform {' '.join(args)} did not finish within {timeout:g} s in {self.workdir}"
            ) from None
        if check and proc.returncode != 0:
            raise TerraformError(
                f"terraform {' '.join(args)} failed in {self.workdir} (exit {proc.returncode}):\n"
                f"{proc.stderr.strip() or proc.stdout.strip()}"
            )
        return proc

    def init(self) -> None:
        """``terraform init`` from the mirror only, no backend."""
        self.run("init", "-input=false", "-no-color", "-backend=false")

    def validate(self) -> str:
        """``terraform validate``; return its output."""
        return self.run("validate", "-no-color").stdout

    def close(self) -> None:
        """Remove the temporary CLI config."""
        shutil.rmtree(self._config_dir, ignore_errors=True)

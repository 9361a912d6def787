"""Helpers shared by channelkit's AWS constructs (not public API)."""

from __future__ import annotations

from collections.abc import Mapping

from ..._cdk import cdk

__all__ = ["PROTECT_CONTEXT", "lifecycle", "merged_tags", "protection_default"]

#: cdktf context key that turns off destroy protection for a whole app (``"false"`` or ``False``).
PROTECT_CONTEXT = "channelkit:protect"


def lifecycle(protect: bool) -> cdk.TerraformResourceLifecycle | None:
    """``prevent_destroy`` when ``protect``, else no lifecycle block."""
    return cdk.TerraformResourceLifecycle(prevent_destroy=True) if protect else None


def protection_default(scope: object, given: bool | None) -> bool:
    """``given`` when set, else the app-wide ``channelkit:protect`` context (default: protected)."""
    if given is not None:
        return given
    try:
        value = scope.node.try_get_context(PROTECT_CONTEXT)  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - no context means the default
        value = None
    if value is None:
        return True
    return str(value).strip().lower() not in ("false", "0", "no", "off")


def merged_tags(*parts: Mapping[str, str] | None) -> dict[str, str]:
    """One tag map from several, later ones winning."""
    out: dict[str, str] = {}
    for part in parts:
        out.update(part or {})
    return out

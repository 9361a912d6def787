"""Validate a contract against the official ODCS v3.1.0 JSON Schema bundled in ``channelkit/schemas/odcs``.

The schema and its provenance (repository, tag, commit, path, digest) are in ``schemas/odcs/PROVENANCE.md``.
Validation needs ``jsonschema`` (a development dependency): synthesis does not validate, the tests do, for
every contract of the example organisation and the README's example.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["ODCS_SCHEMA", "contract_errors", "validate_contract"]

#: The bundled schema file.
ODCS_SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / "odcs" / "odcs-json-schema-v3.1.0.json"


@cache
def _validator() -> Any:
    import jsonschema

    schema = json.loads(ODCS_SCHEMA.read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def contract_errors(document: Any) -> list[str]:
    """Every violation of the ODCS v3.1.0 schema in ``document``, as ``path: message`` lines (none: valid)."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    return [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]


def validate_contract(document: Any) -> None:
    """Raise ``ValueError`` listing every violation of the ODCS v3.1.0 schema in ``document``."""
    errors = contract_errors(document)
    if errors:
        raise ValueError("not a valid ODCS v3.1.0 contract:\n  " + "\n  ".join(errors))

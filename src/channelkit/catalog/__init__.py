"""A catalog entry for every channel, written when the app synthesizes (``<outdir>/catalog/``).

Per channel, an Open Data Contract Standard v3.1.0 contract (:mod:`.odcs`) and OpenLineage static events
(:mod:`.openlineage`); for the whole app, one static HTML page (:mod:`.html`). All three render one plain model
(:mod:`.model`), read from the Channel objects (:mod:`.build`). :mod:`.writer` hooks the writing into
``app.synth()``; :mod:`.facts` gives the warehouses the same facts for their labels, descriptions and
parameters; :mod:`.props` holds the Channel's ``version`` and ``lineage`` props.
"""

from .facts import bigquery_labels, contract_id, describe_facts, glue_parameters
from .model import Catalog, ChannelEntry
from .props import CONTRACT_VERSION, Lineage, check_catalog_props, lineage_config
from .schema import contract_errors, validate_contract
from .writer import CATALOG_DIR, build_catalog, catalog_channels, register, write_catalog

__all__ = [
    "CATALOG_DIR",
    "CONTRACT_VERSION",
    "Catalog",
    "ChannelEntry",
    "Lineage",
    "bigquery_labels",
    "build_catalog",
    "catalog_channels",
    "check_catalog_props",
    "contract_errors",
    "contract_id",
    "describe_facts",
    "glue_parameters",
    "lineage_config",
    "register",
    "validate_contract",
    "write_catalog",
]

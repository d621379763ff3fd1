"""Few-shot relations with "none of these": a user names relation types in a TOML schema with
1-5 marked examples each; sciwire classifies entity pairs in context, or answers "none of these".

Only the schema is imported here (pure Python, no models); the classifier lives in
:mod:`sciwire.relations.model`, the library functions in :mod:`sciwire.relations.api`.
"""

from sciwire.relations.encoder import Pair
from sciwire.relations.schema import NOTA, RelationSchema, RelationType, load_schema, parse_schema

__all__ = ["NOTA", "Pair", "RelationSchema", "RelationType", "load_schema", "parse_schema"]

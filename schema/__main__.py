"""`python -m schema` regenerates notice.schema.json from the models."""

from schema.jsonschema import write

print(write())

"""The committed JSON Schema of a notice record, generated from the models."""

from __future__ import annotations

import json
from pathlib import Path

from schema.models import SCHEMA_VERSION
from schema.validate import json_schema

SCHEMA_PATH = Path(__file__).with_name("notice.schema.json")


def generate() -> str:
    schema = json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"policygraph/notice/{SCHEMA_VERSION}"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write() -> Path:
    SCHEMA_PATH.write_text(generate(), encoding="utf-8")
    return SCHEMA_PATH

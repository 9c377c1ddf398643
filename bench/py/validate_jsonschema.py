"""Validate JSON-lines documents with Python's jsonschema, timing only the validation.

Usage: validate_jsonschema.py SCHEMA.json DOCS.jsonl
Prints one JSON object: documents, invalid, seconds (validation only), docs_per_second,
and which formats the installed jsonschema really checks (date-time needs an extra package).
"""
import json
import sys
import time

from jsonschema import Draft7Validator, FormatChecker


def main() -> None:
    schema_path, docs_path = sys.argv[1], sys.argv[2]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    checker = FormatChecker()
    validator = Draft7Validator(schema, format_checker=checker)
    with open(docs_path, encoding="utf-8") as f:
        docs = [json.loads(line) for line in f]
    invalid = 0
    start = time.perf_counter()
    for doc in docs:
        # iter_errors collects every error, as Ajv's allErrors does on the JS side.
        if any(True for _ in validator.iter_errors(doc)):
            invalid += 1
    seconds = time.perf_counter() - start
    print(json.dumps({
        "documents": len(docs),
        "invalid": invalid,
        "seconds": seconds,
        "docs_per_second": len(docs) / seconds if seconds else None,
        "date_time_format_checked": "date-time" in checker.checkers,
    }))


if __name__ == "__main__":
    main()

"""Validates an OpenAPI document (a JSON file) strictly, against the OpenAPI version it declares,
with openapi-spec-validator: prints every error and exits 1 if there is any."""

import json
import sys

from openapi_spec_validator.validation.validators import (
    OpenAPIV30SpecValidator,
    OpenAPIV31SpecValidator,
)


def main(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    version = doc.get("openapi", "")
    if version.startswith("3.0."):
        validator = OpenAPIV30SpecValidator(doc)
    elif version.startswith("3.1."):
        validator = OpenAPIV31SpecValidator(doc)
    else:
        print(f"unsupported openapi version {version!r}")
        return 1
    try:
        errors = list(validator.iter_errors())
    except Exception as e:  # a document the validator cannot even walk is invalid too
        print(f"OpenAPI {version}: the validator failed on the document: {e!r}")
        return 1
    for e in errors:
        print(f"OpenAPI {version}: {e}")
    print(f"{len(errors)} errors (OpenAPI {version})")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

"""Write openapi.json (OpenAPI 3.1) from the contract models: both dialects of every route.

python infra/gen_openapi.py          # rewrite openapi.json
python infra/gen_openapi.py --check  # exit 1 if openapi.json is out of date (used by the tests)
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from image_audit.contract import (
    AliyunErrorValue,
    AliyunPsoriasisValue,
    AliyunRequest,
    AliyunResponse,
    AliyunWhiteBackgroundValue,
    ErrorBody,
    KeywordRequest,
    KeywordResult,
    NativeResponse,
    PsoriasisRequest,
    PsoriasisResult,
    WhiteBackgroundRequest,
    WhiteBackgroundResult,
)
from image_audit.local import ROUTES, repository_root
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

REQUESTS: dict[str, type[BaseModel]] = {
    "white_background": WhiteBackgroundRequest,
    "keyword": KeywordRequest,
    "psoriasis": PsoriasisRequest,
}
RESULTS: dict[str, type[BaseModel]] = {
    "white_background": WhiteBackgroundResult,
    "keyword": KeywordResult,
    "psoriasis": PsoriasisResult,
}
SUMMARIES = {
    "white_background": "Is the background pure white? (WhiteBackground)",
    "keyword": "Find solicitation keywords, including disguised forms (ocr_keyword)",
    "psoriasis": "Score overlaid text, logos and watermarks (Psoriasis)",
}


def build_spec() -> dict[str, Any]:
    models: list[type[BaseModel]] = [
        AliyunRequest,
        AliyunResponse,
        ErrorBody,
        AliyunErrorValue,
        AliyunWhiteBackgroundValue,
        AliyunPsoriasisValue,
    ]
    native_responses = {api: NativeResponse[RESULTS[api]] for api in ROUTES.values()}  # type: ignore[valid-type]
    models += list(REQUESTS.values()) + list(native_responses.values())
    outputs = {*native_responses.values(), AliyunResponse, ErrorBody}
    keyed = [(model, "serialization" if model in outputs else "validation") for model in models]
    refs, schemas = models_json_schema(keyed, ref_template="#/components/schemas/{model}")  # type: ignore[arg-type]
    components = schemas["$defs"]

    paths: dict[str, Any] = {}
    for route, api in ROUTES.items():
        native_ref = refs[(native_responses[api], "serialization")]["$ref"]
        paths[route] = {
            "post": {
                "operationId": api,
                "summary": SUMMARIES[api],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "oneOf": [
                                    {"$ref": "#/components/schemas/AliyunRequest"},
                                    {"$ref": f"#/components/schemas/{REQUESTS[api].__name__}"},
                                ]
                            }
                        },
                        "image/*": {"schema": {"type": "string", "format": "binary"}},
                    },
                },
                "responses": {
                    "200": {
                        "description": "Analysed (native), or at least one input analysed (Aliyun envelope).",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        {"$ref": native_ref},
                                        {"$ref": "#/components/schemas/AliyunResponse"},
                                    ]
                                }
                            }
                        },
                    },
                    "4XX": {
                        "description": "Refused: a typed error (native), or every Aliyun input refused "
                        "(each output then carries errno -1, code and message).",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        {"$ref": "#/components/schemas/ErrorBody"},
                                        {"$ref": "#/components/schemas/AliyunResponse"},
                                    ]
                                }
                            }
                        },
                    },
                    "500": {
                        "description": "Internal error (never caused by input).",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}
                        },
                    },
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "E-commerce image analysis",
            "version": "1.0.0",
            "description": "Aliyun-compatible envelope and native JSON API on the same routes; "
            'the body tells them apart ({"inputs": [...]} is the Aliyun envelope).',
        },
        "paths": paths,
        "components": {"schemas": dict(sorted(components.items()))},
    }


def render() -> str:
    return json.dumps(build_spec(), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    target = repository_root() / "openapi.json"
    text = render()
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print("openapi.json is out of date: run python infra/gen_openapi.py", file=sys.stderr)
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

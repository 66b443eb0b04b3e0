"""Command line: analyse images with every available API, or serve the API locally.

    python infra/cli.py analyze samples/                  # a folder: progress bar, JSON lines out
    python infra/cli.py analyze shoe.jpg --api white_background --option preset=amazon
    python infra/cli.py serve --port 3000                 # the SAM routes on 127.0.0.1

``analyze`` sends each image through the real Lambda handlers as a direct invocation with a native
request, so what it prints is exactly what the API answers. Options are ``name=value`` pairs (JSON
values allowed: ``--option keywords='["微信","代理"]'``); each API takes the options it knows.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from image_audit.contract import (
    ApiName,
    KeywordOptions,
    PsoriasisOptions,
    WhiteBackgroundOptions,
)
from image_audit.local import LocalContext, available_functions, load_handler
from tqdm import tqdm

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif"}
OPTION_MODELS = {
    "white_background": WhiteBackgroundOptions,
    "keyword": KeywordOptions,
    "psoriasis": PsoriasisOptions,
}


def iter_images(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        else:
            yield path


def parse_options(pairs: list[str]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for pair in pairs:
        name, _, raw = pair.partition("=")
        try:
            options[name] = json.loads(raw)
        except json.JSONDecodeError:
            options[name] = raw
    return options


def analyze_file(path: Path, apis: list[ApiName], options: dict[str, Any]) -> dict[str, Any]:
    image = base64.b64encode(path.read_bytes()).decode()
    record: dict[str, Any] = {"file": str(path)}
    for api in apis:
        known = {k: v for k, v in options.items() if k in OPTION_MODELS[api].model_fields}
        record[api] = load_handler(api)({"image": image, **known}, LocalContext())
    return record


def summary_line(record: dict[str, Any]) -> str:
    parts = [Path(record["file"]).name]
    for api, answer in record.items():
        if api == "file":
            continue
        if "error" in answer:
            parts.append(f"{api}=error:{answer['error']['code']}")
        elif api == "white_background":
            parts.append(f"white={'yes' if answer['result']['is_white'] else 'no'}")
        elif api == "psoriasis":
            parts.append(f"psoriasis={answer['result']['prob']:.2f}({answer['result']['grade']})")
        elif api == "keyword":
            found = ",".join(m["keyword"] for m in answer["result"]["matches"]) or "-"
            parts.append(f"keywords={found}")
    return "  ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cli.py", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    analyze = commands.add_parser("analyze", help="analyse images or folders")
    analyze.add_argument("paths", nargs="+", type=Path)
    analyze.add_argument(
        "--api", action="append", choices=sorted(OPTION_MODELS), help="default: all available"
    )
    analyze.add_argument("--option", action="append", default=[], metavar="NAME=VALUE")
    analyze.add_argument("--out", type=Path, help="write JSON lines here (default: stdout)")
    serve = commands.add_parser("serve", help="serve the API routes on 127.0.0.1")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=3000)
    args = parser.parse_args(argv)

    if args.command == "serve":
        from local_server import serve as run_server  # infra/ is the script's folder

        run_server(args.host, args.port)
        return 0

    apis: list[ApiName] = args.api or available_functions()
    options = parse_options(args.option)
    images = list(iter_images(args.paths))
    if not images:
        print("no images found", file=sys.stderr)
        return 2
    out = args.out.open("w", encoding="utf-8") if args.out else None
    summaries = []
    for path in tqdm(images, desc="analysing", unit="img", disable=len(images) < 2, file=sys.stderr):
        record = analyze_file(path, apis, options)
        line = json.dumps(record, ensure_ascii=False)
        if out:
            out.write(line + "\n")
        else:
            print(line)
        summaries.append(summary_line(record))
    if out:
        out.close()
        print("\n".join(summaries))
        print(f"wrote {len(images)} results to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

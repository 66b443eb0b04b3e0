"""Keyword API speed: the end-to-end handler against RapidOCR()'s default pipeline, side by side.

    PYTHONPATH=shared .venv/bin/python infra/bench_keyword.py                        # ~3 min
    PYTHONPATH=shared .venv/bin/python infra/bench_keyword.py --limit 0 --repeat 3   # every image, ~20 min

Images: the generated keyword set (build/datasets/keyword: ``make eval-keyword`` or
``infra/datasets/gen_keyword_set.py`` makes it) and the kit's real photos (../shared/data/real), at
most ``--limit`` of each, spread evenly over the sorted file names (0: all of them).

For each image, in this one process and interleaved (the order alternates per image, so neither
always runs on a warm cache):

- **handler**: ``functions/keyword/app.py``'s ``lambda_handler`` with the API Gateway REST event of
  ``tests/events/apiGatewayProxyEventKeywordAliyun.json``, its body the Aliyun envelope carrying the
  image (base64, no keyword: the built-in library runs). Timed: everything the function does, from
  the event dict to the response: JSON and base64 parsing, the decode gate, OCR, matching, the body.
- **RapidOCR()**: the plain default pipeline, called with the already decoded BGR array (decoding
  is not timed on this side, so the comparison leans in RapidOCR's favour).

Each is timed ``--repeat`` times per image (median kept), every run after ``--gap`` seconds idle:
onnxruntime's thread pools keep spinning after a run (RapidOCR's do, by default) and would slow
whatever runs next (``infra/bench_ocr.py`` documents the effect). Printed: median, p95 and mean of
both and their ratios (goal: handler median <= 0.6 x RapidOCR's), per set and over all images.

Then, in fresh interpreters (a new Lambda execution environment each), for both: cold start
(import, model load, first call on a 600x600 card; ``--cold-repeat`` times, median) and peak RSS
(the process's VmHWM) for one 4000x4000 photo-like input with text, after the first call and after
a second one (onnxruntime's memory arenas grow on the second run: a warm container holds that).
The handler side runs ``infra/bench_cold_start.py``'s child (a direct invocation with the encoded
image: it decodes it); the RapidOCR side runs ``infra/bench_ocr.py``'s child (the decoded array
loaded from .npy).
"""

from __future__ import annotations

import argparse
import base64
import copy
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from bench_cold_start import measure as measure_handler
from bench_ocr import (
    COLD_CHILD,
    DEFAULT_SETS,
    HUGE_SIDE,
    MEMORY_CHILD,
    huge_test_image,
    image_paths,
    load_rgb,
    percentile,
    run_child,
    small_test_image,
    timed,
)
from image_audit.local import LocalContext, load_handler, repository_root
from PIL import Image

ROOT = repository_root()
EVENT = ROOT / "tests" / "events" / "apiGatewayProxyEventKeywordAliyun.json"
GOAL_RATIO = 0.6


@dataclass
class Timing:
    name: str
    handler_s: float
    default_s: float


def gateway_event(template: dict[str, Any], data: bytes) -> dict[str, Any]:
    """The REST API fixture event, its body the Aliyun envelope with this image and no keyword."""
    event = copy.deepcopy(template)
    image = base64.b64encode(data).decode()
    event["body"] = json.dumps({"inputs": [{"image": {"dataType": 50, "dataValue": image}}]})
    return event


def spread(paths: Sequence[Path], limit: int) -> list[Path]:
    """At most ``limit`` paths, evenly spaced (all of them when limit <= 0)."""
    if limit <= 0 or len(paths) <= limit:
        return list(paths)
    step = len(paths) / limit
    return [paths[int(i * step)] for i in range(limit)]


def run_set(
    folder: Path,
    limit: int,
    repeat: int,
    gap: float,
    handler: Callable[[dict[str, Any], Any], dict[str, Any]],
    default_ocr: Callable[..., Any],
    warm_up: bool,
) -> list[Timing]:
    template = json.loads(EVENT.read_text(encoding="utf-8"))
    timings: list[Timing] = []
    paths = spread(image_paths(folder), limit)
    for index, path in enumerate(paths):
        data = path.read_bytes()
        event = gateway_event(template, data)
        try:
            bgr = np.ascontiguousarray(load_rgb(path)[:, :, ::-1])  # RapidOCR takes arrays as BGR
        except OSError as error:
            print(f"  skipped {path.name}: {error}", file=sys.stderr)
            continue

        def run_handler(event: dict[str, Any] = event, name: str = path.name) -> None:
            response = handler(event, LocalContext())
            if response["statusCode"] != 200:
                raise RuntimeError(
                    f"{name}: the handler answered {response['statusCode']}: {response['body']}"
                )

        def run_default(image: np.ndarray = bgr) -> None:
            default_ocr(image)

        if warm_up and index == 0:  # one call each first: first-call costs belong to the cold start
            run_handler()
            run_default()
        if index % 2 == 0:
            handler_s, _ = timed(run_handler, repeat, gap)
            default_s, _ = timed(run_default, repeat, gap)
        else:
            default_s, _ = timed(run_default, repeat, gap)
            handler_s, _ = timed(run_handler, repeat, gap)
        timings.append(Timing(path.name, handler_s, default_s))
        if (index + 1) % 25 == 0:
            print(f"  ... {index + 1}/{len(paths)}", file=sys.stderr, flush=True)
    return timings


def print_latency(title: str, timings: Sequence[Timing]) -> float:
    """Prints the table; returns the ratio of medians."""
    print(f"\n== {title}: {len(timings)} images ==")
    if not timings:
        return float("nan")
    ours = [t.handler_s * 1000 for t in timings]
    default = [t.default_s * 1000 for t in timings]
    ours_med, default_med = statistics.median(ours), statistics.median(default)
    ours_p95, default_p95 = percentile(ours, 0.95), percentile(default, 0.95)
    per_image = statistics.median(o / d for o, d in zip(ours, default, strict=True))
    print("latency (ms)                 median      p95     mean")
    print(
        f"  RapidOCR() default        {default_med:8.1f} {default_p95:8.1f} {statistics.fmean(default):8.1f}"
    )
    print(f"  keyword handler           {ours_med:8.1f} {ours_p95:8.1f} {statistics.fmean(ours):8.1f}")
    print(
        f"  ratio handler/default     {ours_med / default_med:8.2f} {ours_p95 / default_p95:8.2f} "
        f"{sum(ours) / sum(default):8.2f}   (median of per-image ratios {per_image:.2f})"
    )
    return ours_med / default_med


def print_cold_start(repeat: int, card_npy: Path, card_png: Path) -> None:
    handler_runs, default_runs = [], []
    for index in range(repeat):  # alternate which goes first
        if index % 2 == 0:
            default_runs.append(run_child(COLD_CHILD, "default", str(card_npy)))
            handler_runs.append(measure_handler("keyword", card_png))
        else:
            handler_runs.append(measure_handler("keyword", card_png))
            default_runs.append(run_child(COLD_CHILD, "default", str(card_npy)))

    def row(label: str, runs: list[dict[str, Any]], keys: tuple[str, str, str, str]) -> str:
        values = [statistics.median(float(run[key]) for run in runs) for key in keys]
        return f"  {label:24s} {values[0]:8.2f} {values[1]:8.2f} {values[2]:9.2f} {values[3]:8.2f}"

    print(f"\n== cold start (fresh interpreter, median of {repeat}; 600x600 card as the first request) ==")
    print("seconds                      import   models  1st call    total")
    print(row("RapidOCR() default", default_runs, ("import_s", "build_s", "first_call_s", "total_s")))
    print(row("keyword handler", handler_runs, ("import_s", "model_load_s", "first_call_s", "cold_total_s")))
    print("  (RapidOCR: import the package, RapidOCR(), first call on the array; handler: import")
    print("   functions/keyword/app.py, build the OCR engine as Init would, first request with the PNG)")


def print_memory(huge_npy: Path, huge_jpeg: Path) -> None:
    default = run_child(MEMORY_CHILD, "default", str(huge_npy))
    ours = measure_handler("keyword", huge_jpeg)
    print(f"\n== peak memory, one {HUGE_SIDE}x{HUGE_SIDE} input (fresh interpreter, peak RSS = VmHWM) ==")
    print("MB                        after 1st call   after 2nd call")
    print(f"  RapidOCR() default     {default['peak_mb']:14.0f} {default['second_peak_mb']:16.0f}")
    print(f"  keyword handler        {ours['first_peak_rss_mb']:14.0f} {ours['peak_rss_mb']:16.0f}")
    flag = "" if ours["ok"] else "  THE HANDLER ANSWERED AN ERROR"
    print(
        f"  (RapidOCR: the decoded array, {default['image_loaded_mb']:.0f} MB, loaded first; handler: a "
        f"{huge_jpeg.stat().st_size / 1e6:.1f} MB JPEG in the request, decoded by it){flag}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--images", nargs="+", type=Path, help="image folders (default: generated + real sets)"
    )
    parser.add_argument("--limit", type=int, default=50, help="images per folder, spread evenly (0: all)")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per image and side (median kept)")
    parser.add_argument("--gap", type=float, default=0.1, help="idle seconds before each timed run")
    parser.add_argument("--cold-repeat", type=int, default=3, help="fresh processes per side for cold start")
    parser.add_argument("--skip-subprocess", action="store_true", help="skip cold start and memory")
    args = parser.parse_args(argv)

    folders = args.images or [folder for folder in DEFAULT_SETS if folder.is_dir()]
    if not folders:
        parser.error("no image folder found; run `make eval-keyword` (makes the set) or pass --images DIR")

    from rapidocr_onnxruntime import RapidOCR

    default_ocr = RapidOCR()
    handler = load_handler("keyword")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print(
        f"per image: {args.repeat} timed run(s) per side, {args.gap} s idle before each; at most {args.limit}"
    )
    started = time.perf_counter()
    everything: list[Timing] = []
    ratios: dict[str, float] = {}
    for number, folder in enumerate(folders):
        timings = run_set(
            folder, args.limit, args.repeat, args.gap, handler, default_ocr, warm_up=number == 0
        )
        ratios[folder.name] = print_latency(str(folder), timings)
        everything.extend(timings)
    overall = print_latency("all images", everything)

    if not args.skip_subprocess:
        with tempfile.TemporaryDirectory() as scratch:
            card_npy, card_png = Path(scratch) / "card.npy", Path(scratch) / "card.png"
            huge_npy, huge_jpeg = Path(scratch) / "huge.npy", Path(scratch) / "huge.jpg"
            small_test_image(card_npy)
            Image.fromarray(np.load(card_npy)).save(card_png)
            huge_test_image(huge_npy)
            Image.fromarray(np.load(huge_npy)).save(huge_jpeg, quality=90)
            print_cold_start(args.cold_repeat, card_npy, card_png)
            print_memory(huge_npy, huge_jpeg)

    print(f"\n== summary: median handler time / RapidOCR() default (goal <= {GOAL_RATIO}) ==")
    for name, ratio in ratios.items():
        print(f"  {name:20s} {ratio:.2f}")
    print(f"  {'all images':20s} {overall:.2f}  {'met' if overall <= GOAL_RATIO else 'NOT met'}")
    print(f"load average at the end {os.getloadavg()[0]:.2f}; took {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

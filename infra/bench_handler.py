"""A model API's Lambda handler against RapidOCR()'s default pipeline, side by side: the shared run.

``infra/bench_psoriasis.py`` is this with the psoriasis function, its event and its goal; the
method (what is timed, interleaving, idle gaps, fresh interpreters) is documented there. Pieces:

- ``run_set``: per image, the handler with the API's REST proxy event fixture (its body replaced
  by the Aliyun envelope carrying the image) and ``RapidOCR()`` on the decoded BGR array, timed
  ``repeat`` times each after ``gap`` seconds idle, in alternating order;
- ``print_latency``: median, p95, mean and their ratios;
- ``print_cold_start`` / ``print_memory``: fresh interpreters, the handler through
  ``infra/bench_cold_start.py``'s child, RapidOCR through ``infra/bench_ocr.py``'s.
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
    HUGE_SIDE,
    MEMORY_CHILD,
    huge_test_image,
    image_paths,
    load_rgb,
    percentile,
    run_child,
    small_test_image,
    timed_pair,
)
from image_audit.local import LocalContext, load_handler
from PIL import Image

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass(frozen=True)
class Bench:
    api: str  # the function's folder under functions/
    event: Path  # an API Gateway REST proxy event fixture of that function
    goal_ratio: float  # median handler time / RapidOCR()'s, at most
    default_sets: tuple[Path, ...]  # image folders used when none is given (missing ones skipped)
    options: dict[str, Any] | None = None  # sibling parameters of the Aliyun input, if any
    default_limit: int = 100  # --limit's default: images per folder
    no_sets_hint: str = "pass --images DIR"  # said when no default set exists and none is given

    @property
    def label(self) -> str:
        return f"{self.api} handler"


@dataclass
class Timing:
    name: str
    handler_s: float
    default_s: float


def gateway_event(bench: Bench, template: dict[str, Any], data: bytes) -> dict[str, Any]:
    """The REST API fixture event, its body the Aliyun envelope with this image (and the options)."""
    event = copy.deepcopy(template)
    item: dict[str, Any] = {"image": {"dataType": 50, "dataValue": base64.b64encode(data).decode()}}
    for name, value in (bench.options or {}).items():
        item[name] = {"dataType": 50, "dataValue": value}
    event["body"] = json.dumps({"inputs": [item]}, ensure_ascii=False)
    return event


def spread(paths: Sequence[Path], limit: int) -> list[Path]:
    """At most ``limit`` paths, evenly spaced (all of them when limit <= 0)."""
    if limit <= 0 or len(paths) <= limit:
        return list(paths)
    step = len(paths) / limit
    return [paths[int(i * step)] for i in range(limit)]


def refusal(response: dict[str, Any]) -> str | None:
    """Why the handler did not analyse the image (HTTP status or the errno -1 code), or None."""
    if response["statusCode"] != 200:
        return f"HTTP {response['statusCode']}"
    value = json.loads(response["body"])["outputs"][0]["outputValue"]["dataValue"]
    if isinstance(value, dict) and value.get("errno", 0) != 0:
        return str(value.get("code"))
    return None


def run_set(
    bench: Bench,
    folder: Path,
    limit: int,
    repeat: int,
    gap: float,
    handler: Handler,
    default_ocr: Callable[..., Any],
    warm_up: bool,
) -> list[Timing]:
    template = json.loads(bench.event.read_text(encoding="utf-8"))
    timings: list[Timing] = []
    paths = spread(image_paths(folder), limit)
    for index, path in enumerate(paths):
        event = gateway_event(bench, template, path.read_bytes())
        try:
            bgr = np.ascontiguousarray(load_rgb(path)[:, :, ::-1])  # RapidOCR takes arrays as BGR
        except OSError as error:
            print(f"  skipped {path.name}: {error}", file=sys.stderr)
            continue

        def run_handler(event: dict[str, Any] = event) -> dict[str, Any]:
            return handler(event, LocalContext())

        def run_default(image: np.ndarray = bgr) -> None:
            default_ocr(image)

        if warm_up and index == 0:  # one call each first: first-call costs belong to the cold start
            run_handler()
            run_default()
        (handler_s, response), (default_s, _) = timed_pair(run_handler, run_default, index, repeat, gap)
        why = refusal(response)  # type: ignore[arg-type]
        if why is not None:  # a refusal is quick and says nothing about analysis time
            print(f"  left out {path.name}: the handler refused it ({why})", file=sys.stderr)
            continue
        timings.append(Timing(path.name, handler_s, default_s))
        if (index + 1) % 25 == 0:
            print(f"  ... {index + 1}/{len(paths)}", file=sys.stderr, flush=True)
    return timings


def print_latency(bench: Bench, title: str, timings: Sequence[Timing]) -> float:
    """Prints the table; returns the ratio of medians."""
    print(f"\n== {title}: {len(timings)} images ==")
    if not timings:
        return float("nan")
    ours = [t.handler_s * 1000 for t in timings]
    default = [t.default_s * 1000 for t in timings]
    print("latency (ms)                 median      p95     mean")
    for label, values in (("RapidOCR() default", default), (bench.label, ours)):
        print(
            f"  {label:24s} {statistics.median(values):8.1f} {percentile(values, 0.95):8.1f} "
            f"{statistics.fmean(values):8.1f}"
        )
    ratio = statistics.median(ours) / statistics.median(default)
    p95_ratio = percentile(ours, 0.95) / percentile(default, 0.95)
    per_image = statistics.median(o / d for o, d in zip(ours, default, strict=True))
    print(
        f"  {'ratio handler/default':24s} {ratio:8.2f} {p95_ratio:8.2f} {sum(ours) / sum(default):8.2f}"
        f"   (median of per-image ratios {per_image:.2f})"
    )
    return ratio


def print_cold_start(bench: Bench, repeat: int, card_npy: Path, card_png: Path) -> None:
    runs: dict[str, list[dict[str, Any]]] = {"default": [], "handler": []}
    for index in range(repeat):  # alternate which goes first
        for side in ("default", "handler") if index % 2 == 0 else ("handler", "default"):
            runs[side].append(
                run_child(COLD_CHILD, "default", str(card_npy))
                if side == "default"
                else measure_handler(bench.api, card_png)
            )

    def row(label: str, side: str, keys: tuple[str, str, str, str]) -> str:
        values = [statistics.median(float(run[key]) for run in runs[side]) for key in keys]
        return f"  {label:24s} {values[0]:8.2f} {values[1]:8.2f} {values[2]:9.2f} {values[3]:8.2f}"

    print(f"\n== cold start (fresh interpreter, median of {repeat}; 600x600 card as the first request) ==")
    print("seconds                      import   models  1st call    total")
    print(row("RapidOCR() default", "default", ("import_s", "build_s", "first_call_s", "total_s")))
    print(row(bench.label, "handler", ("import_s", "model_load_s", "first_call_s", "cold_total_s")))
    print("  (RapidOCR: import the package, RapidOCR(), first call on the array; handler: import")
    print(f"   functions/{bench.api}/app.py, load its models as Init would, first request with the PNG)")


def print_memory(bench: Bench, huge_npy: Path, huge_jpeg: Path) -> None:
    default = run_child(MEMORY_CHILD, "default", str(huge_npy))
    ours = measure_handler(bench.api, huge_jpeg)
    print(f"\n== peak memory, one {HUGE_SIDE}x{HUGE_SIDE} input (fresh interpreter, peak RSS = VmHWM) ==")
    print("MB                        after 1st call   after 2nd call")
    print(f"  {'RapidOCR() default':24s} {default['peak_mb']:12.0f} {default['second_peak_mb']:16.0f}")
    first = float(ours.get("first_peak_rss_mb", "nan"))
    print(f"  {bench.label:24s} {first:12.0f} {ours['peak_rss_mb']:16.0f}")
    flag = "" if ours["ok"] else "  THE HANDLER ANSWERED AN ERROR"
    print(
        f"  (RapidOCR: the decoded array, {default['image_loaded_mb']:.0f} MB, loaded first; handler: a "
        f"{huge_jpeg.stat().st_size / 1e6:.1f} MB JPEG in the request, decoded by it){flag}"
    )


def main(bench: Bench, description: str, argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--images", nargs="+", type=Path, help="image folders (default: the bench's sets)")
    parser.add_argument(
        "--limit", type=int, default=bench.default_limit, help="images per folder, spread evenly (0: all)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per image and side (median kept)")
    parser.add_argument("--gap", type=float, default=0.1, help="idle seconds before each timed run")
    parser.add_argument("--cold-repeat", type=int, default=3, help="fresh processes per side for cold start")
    parser.add_argument("--skip-subprocess", action="store_true", help="skip cold start and memory")
    args = parser.parse_args(argv)

    folders = args.images or [folder for folder in bench.default_sets if folder.is_dir()]
    if not folders:
        parser.error(f"no image folder found; {bench.no_sets_hint}")

    from rapidocr_onnxruntime import RapidOCR

    default_ocr = RapidOCR()
    handler = load_handler(bench.api)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print(
        f"per image: {args.repeat} timed run(s) per side, {args.gap} s idle before each; at most {args.limit}"
    )
    started = time.perf_counter()
    everything: list[Timing] = []
    ratios: dict[str, float] = {}
    for number, folder in enumerate(folders):
        timings = run_set(
            bench, folder, args.limit, args.repeat, args.gap, handler, default_ocr, warm_up=number == 0
        )
        ratios[folder.name] = print_latency(bench, str(folder), timings)
        everything.extend(timings)
    overall = print_latency(bench, "all images", everything)

    if not args.skip_subprocess:
        with tempfile.TemporaryDirectory() as scratch:
            card_npy, card_png = Path(scratch) / "card.npy", Path(scratch) / "card.png"
            huge_npy, huge_jpeg = Path(scratch) / "huge.npy", Path(scratch) / "huge.jpg"
            small_test_image(card_npy)
            Image.fromarray(np.load(card_npy)).save(card_png)
            huge_test_image(huge_npy)
            Image.fromarray(np.load(huge_npy)).save(huge_jpeg, quality=90)
            print_cold_start(bench, args.cold_repeat, card_npy, card_png)
            print_memory(bench, huge_npy, huge_jpeg)

    print(f"\n== summary: median handler time / RapidOCR() default (goal <= {bench.goal_ratio}) ==")
    for name, ratio in ratios.items():
        print(f"  {name:20s} {ratio:.2f}")
    verdict = "met" if overall <= bench.goal_ratio else "NOT met"
    print(f"  {'all images':20s} {overall:.2f}  {verdict}")
    print(f"load average at the end {os.getloadavg()[0]:.2f}; took {time.perf_counter() - started:.0f} s")
    return 0

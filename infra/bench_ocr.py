"""OCR speed and agreement: ``OcrEngine.read`` against RapidOCR's default pipeline, side by side.

    PYTHONPATH=shared .venv/bin/python infra/bench_ocr.py                  # default sets, ~4 min
    PYTHONPATH=shared .venv/bin/python infra/bench_ocr.py --images DIR [DIR ...] --repeat 3

Default image sets: the kit's real photos (../shared/data/real, when present) and the generated
keyword set (build/datasets/keyword, when present: ``infra/datasets/gen_keyword_set.py``).

For each image both pipelines run in this process, interleaved (the order alternates per image,
so neither always runs on a warm cache): ``RapidOCR()(bgr)`` with its default settings, and
``get_ocr_engine().read(rgb)``. Each image is timed ``--repeat`` times and its median kept; every
image is a new shape, as on Lambda, so there is no per-image warm-up. Every run starts after
``--gap`` seconds of idle time, as a request would: onnxruntime's thread pools keep spinning for
a while after a run (RapidOCR's do, by default), and back to back they would slow down whichever
pipeline runs next (measured: both pipelines ~10-25 % slower, ours more). Printed per set:

- latency: median and p95 of both, and their ratios (the product goal: ours <= 0.6 x default);
- agreement: character-level recall of the default's recognised text within ours, per image
  (micro-averaged over the set, and the mean of per-image recalls), and the reverse;
- known text: character recall of the labelled text (``visible_text`` of catalog.csv, or
  ``lines`` of labels_keyword.csv) for both. Labels include some notes and characters neither
  pipeline can read, so compare the two figures rather than reading them as absolute accuracy.

Then, each in fresh interpreters (a new Lambda execution environment): cold start (import, build,
first call, --cold-repeat times, median) and peak RSS (the process's VmHWM: what ru_maxrss
measures, without the parent's figure that Linux carries across fork+exec) for one 4000x4000 input,
after the first call and after a second one (onnxruntime's memory arenas grow on the second run:
that is what a warm container holds).
Characters are compared after NFKC and case folding, ignoring white space. The machine may be
shared: the load average is printed so that noisy runs can be recognised.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from image_audit.ocr import DEFAULT_OCR_CONFIG, get_ocr_engine
from PIL import Image, ImageDraw, ImageFont, ImageOps

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SETS = (ROOT.parent / "shared" / "data" / "real", ROOT / "build" / "datasets" / "keyword")
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
HUGE_SIDE = 4000


@dataclass
class ImageResult:
    name: str
    default_s: float
    ours_s: float
    default_text: str
    ours_text: str
    known_text: str | None


@dataclass
class SetReport:
    name: str
    folder: Path
    results: list[ImageResult] = field(default_factory=list)


# ---------------------------------------------------------------------- loading


def known_texts(folder: Path) -> dict[str, str]:
    """Labelled text per file name, from the label files the kit and our generators write."""
    catalog = folder / "catalog.csv"
    if catalog.is_file():
        with catalog.open(encoding="utf-8") as handle:
            return {row["file"]: row["visible_text"] for row in csv.DictReader(handle)}
    keyword_labels = folder / "labels_keyword.csv"
    if keyword_labels.is_file():
        with keyword_labels.open(encoding="utf-8") as handle:
            return {row["file"]: row["lines"].replace("|", " ") for row in csv.DictReader(handle)}
    return {}


def load_rgb(path: Path) -> np.ndarray:
    """Decoded as the service decodes: EXIF orientation applied, then RGB."""
    with Image.open(path) as image:
        return np.asarray(ImageOps.exif_transpose(image).convert("RGB"))


def image_paths(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


# ---------------------------------------------------------------------- measuring


def char_counts(text: str) -> Counter[str]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return Counter(ch for ch in folded if not ch.isspace() and ch not in ";|")


def char_recall(reference: str, candidate: str) -> tuple[int, int]:
    """(characters of reference found in candidate, characters of reference), as multisets."""
    wanted = char_counts(reference)
    return sum((wanted & char_counts(candidate)).values()), sum(wanted.values())


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(function: Callable[[], object], repeat: int, gap: float) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        time.sleep(gap)
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def timed_pair(
    first: Callable[[], object], second: Callable[[], object], index: int, repeat: int, gap: float
) -> tuple[tuple[float, object], tuple[float, object]]:
    """Time both pipelines on one image, alternating which goes first from image to image, so
    that neither always runs right after the other (caches, threads still spinning)."""
    if index % 2 == 0:
        first_timing = timed(first, repeat, gap)
        second_timing = timed(second, repeat, gap)
    else:
        second_timing = timed(second, repeat, gap)
        first_timing = timed(first, repeat, gap)
    return first_timing, second_timing


def run_set(
    folder: Path, repeat: int, gap: float, default_ocr: Callable[..., tuple], first_in_run: bool
) -> SetReport:
    engine = get_ocr_engine(DEFAULT_OCR_CONFIG)
    labels = known_texts(folder)
    report = SetReport(folder.name, folder)
    paths = image_paths(folder)
    for index, path in enumerate(paths):
        try:
            rgb = load_rgb(path)
        except OSError as error:
            print(f"  skipped {path.name}: {error}", file=sys.stderr)
            continue
        bgr = np.ascontiguousarray(rgb[:, :, ::-1])  # RapidOCR takes arrays as BGR
        if first_in_run and index == 0:  # one warm-up for both: first-run costs are cold start
            default_ocr(bgr)
            engine.read(rgb)

        def run_default(image: np.ndarray = bgr) -> object:
            return default_ocr(image)

        def run_ours(image: np.ndarray = rgb) -> object:
            return engine.read(image)

        (default_s, default_out), (ours_s, ours_out) = timed_pair(run_default, run_ours, index, repeat, gap)
        default_lines = default_out[0] or []  # type: ignore[index]  # (None, None) when nothing found
        report.results.append(
            ImageResult(
                name=path.name,
                default_s=default_s,
                ours_s=ours_s,
                default_text=" ".join(str(line[1]) for line in default_lines),
                ours_text=" ".join(line.text for line in ours_out),  # type: ignore[attr-defined]
                known_text=labels.get(path.name) or None,
            )
        )
        if (index + 1) % 50 == 0:
            print(f"  ... {index + 1}/{len(paths)}", file=sys.stderr, flush=True)
    return report


def recall_summary(pairs: Sequence[tuple[int, int]]) -> tuple[float, float, int]:
    """Micro recall, mean of per-image recalls, images with anything to recall."""
    scored = [(found, total) for found, total in pairs if total > 0]
    if not scored:
        return float("nan"), float("nan"), 0
    micro = sum(found for found, _ in scored) / sum(total for _, total in scored)
    mean = statistics.fmean(found / total for found, total in scored)
    return micro, mean, len(scored)


def print_set(report: SetReport) -> dict[str, float]:
    results = report.results
    print(f"\n== {report.name}: {len(results)} images ({report.folder}) ==")
    if not results:
        return {}
    default_ms = [r.default_s * 1000 for r in results]
    ours_ms = [r.ours_s * 1000 for r in results]
    default_med, ours_med = statistics.median(default_ms), statistics.median(ours_ms)
    default_p95, ours_p95 = percentile(default_ms, 0.95), percentile(ours_ms, 0.95)
    per_image = statistics.median(o / d for o, d in zip(ours_ms, default_ms, strict=True))
    print("latency (ms)            median      p95     mean")
    print(f"  RapidOCR default     {default_med:8.1f} {default_p95:8.1f} {statistics.fmean(default_ms):8.1f}")
    print(f"  OcrEngine.read       {ours_med:8.1f} {ours_p95:8.1f} {statistics.fmean(ours_ms):8.1f}")
    print(
        f"  ratio ours/default   {ours_med / default_med:8.2f} {ours_p95 / default_p95:8.2f} "
        f"{sum(ours_ms) / sum(default_ms):8.2f}   (median of per-image ratios {per_image:.2f})"
    )

    default_in_ours = [char_recall(r.default_text, r.ours_text) for r in results]
    ours_in_default = [char_recall(r.ours_text, r.default_text) for r in results]
    micro_a, mean_a, n_a = recall_summary(default_in_ours)
    micro_b, mean_b, n_b = recall_summary(ours_in_default)
    missing = sum(1 for found, total in default_in_ours if found < total)
    print("agreement (character recall)       micro   mean/image  images")
    print(f"  default's text found in ours     {micro_a:6.3f}   {mean_a:6.3f}     {n_a:4d}", end="")
    print(f"  ({missing} miss some)")
    print(f"  our text found in default's      {micro_b:6.3f}   {mean_b:6.3f}     {n_b:4d}")

    labelled = [r for r in results if r.known_text]
    figures = {"median_ratio": ours_med / default_med, "default_in_ours": micro_a}
    if labelled:
        micro_ours, mean_ours, n = recall_summary(
            [char_recall(r.known_text or "", r.ours_text) for r in labelled]
        )
        micro_def, mean_def, _ = recall_summary(
            [char_recall(r.known_text or "", r.default_text) for r in labelled]
        )
        print(f"known text recall ({n} labelled images)  micro   mean/image")
        print(f"  RapidOCR default                     {micro_def:6.3f}   {mean_def:6.3f}")
        print(f"  OcrEngine.read                       {micro_ours:6.3f}   {mean_ours:6.3f}")
        figures["known_ours"], figures["known_default"] = micro_ours, micro_def
    return figures


# ---------------------------------------------------------------------- fresh processes

COLD_CHILD = r"""
import json, sys, time
import numpy as np
which, image_path = sys.argv[1], sys.argv[2]
rgb = np.load(image_path)
started = time.perf_counter()
if which == "ours":
    from image_audit.ocr import get_ocr_engine
    imported = time.perf_counter()
    engine = get_ocr_engine()
    built = time.perf_counter()
    engine.read(rgb)
else:
    from rapidocr_onnxruntime import RapidOCR
    imported = time.perf_counter()
    engine = RapidOCR()
    built = time.perf_counter()
    engine(np.ascontiguousarray(rgb[:, :, ::-1]))
done = time.perf_counter()
print(json.dumps({"import_s": imported - started, "build_s": built - imported, "first_call_s": done - built,
                  "total_s": done - started}))
"""

MEMORY_CHILD = r"""
import json, resource, sys
import numpy as np
def peak_mb():
    # VmHWM is this process's own high-water mark. ru_maxrss would do on its own, but Linux carries
    # the parent's figure across fork+exec, so it is only the fallback (non-Linux).
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
which, image_path = sys.argv[1], sys.argv[2]
rgb = np.load(image_path)
loaded = peak_mb()
if which == "ours":
    from image_audit.ocr import get_ocr_engine
    engine = get_ocr_engine()
    built = peak_mb()
    call = lambda: [line.text for line in engine.read(rgb)]
else:
    from rapidocr_onnxruntime import RapidOCR
    engine = RapidOCR()
    built = peak_mb()
    call = lambda: [line[1] for line in engine(np.ascontiguousarray(rgb[:, :, ::-1]))[0] or []]
lines = call()
first = peak_mb()
call()  # a warm container's second request: memory arenas may grow further
print(json.dumps({"image_loaded_mb": loaded, "built_mb": built, "peak_mb": first, "second_peak_mb": peak_mb(),
                  "lines": len(lines)}))
"""


def run_child(script: str, *args: str) -> dict[str, float]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "shared"), os.environ.get("PYTHONPATH", "")]),
    }
    out = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True, env=env
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def huge_test_image(path: Path) -> None:
    """A 4000x4000 photo-like image (smooth colour noise) with a few lines of 120 px text."""
    rng = np.random.default_rng(4000)
    small = rng.integers(60, 230, (HUGE_SIDE // 16, HUGE_SIDE // 16, 3), dtype=np.uint8)
    image = Image.fromarray(small).resize((HUGE_SIDE, HUGE_SIDE), Image.Resampling.BICUBIC)
    font_path = next((f for f in CJK_FONTS if Path(f).is_file()), None)
    font = ImageFont.truetype(font_path, 120) if font_path else ImageFont.load_default(120)
    text = "加微信领红包返现 QQ 12345678" if font_path else "WECHAT CASHBACK QQ 12345678"
    draw = ImageDraw.Draw(image)
    for row in range(6):
        draw.text((300, 400 + row * 600), text, font=font, fill="white", stroke_width=5, stroke_fill="black")
    np.save(path, np.asarray(image))


def small_test_image(path: Path) -> None:
    """The first-call image for cold starts: a 600x600 product-like card with two lines."""
    image = Image.new("RGB", (600, 600), (250, 250, 250))
    font_path = next((f for f in CJK_FONTS if Path(f).is_file()), None)
    font = ImageFont.truetype(font_path, 36) if font_path else ImageFont.load_default(36)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((150, 120, 450, 420), radius=40, fill=(200, 60, 60))
    draw.text((80, 460), "加微信领红包返现" if font_path else "WECHAT CASHBACK", font=font, fill="black")
    draw.text((80, 520), "QQ 12345678", font=font, fill="black")
    np.save(path, np.asarray(image))


def print_cold_start(repeat: int, image: Path) -> None:
    runs: dict[str, list[dict[str, float]]] = {"default": [], "ours": []}
    for index in range(repeat):
        for which in ("default", "ours") if index % 2 == 0 else ("ours", "default"):
            runs[which].append(run_child(COLD_CHILD, which, str(image)))
    print(f"\n== cold start (fresh interpreter, median of {repeat}; 600x600 first image) ==")
    print("seconds                 import    build  1st call    total")
    for which, label in (("default", "RapidOCR default"), ("ours", "OcrEngine")):
        med = {key: statistics.median(run[key] for run in runs[which]) for key in runs[which][0]}
        print(
            f"  {label:18s} {med['import_s']:8.2f} {med['build_s']:8.2f} "
            f"{med['first_call_s']:9.2f} {med['total_s']:8.2f}"
        )


def print_memory(image: Path) -> None:
    print(f"\n== peak memory, one {HUGE_SIDE}x{HUGE_SIDE} input (fresh interpreter, peak RSS = VmHWM) ==")
    print("MB                      image loaded   engine built   peak   peak-loaded  2nd call  lines")
    for which, label in (("default", "RapidOCR default"), ("ours", "OcrEngine")):
        m = run_child(MEMORY_CHILD, which, str(image))
        print(
            f"  {label:18s} {m['image_loaded_mb']:12.0f} {m['built_mb']:14.0f} {m['peak_mb']:6.0f} "
            f"{m['peak_mb'] - m['image_loaded_mb']:13.0f} {m['second_peak_mb']:9.0f} {int(m['lines']):6d}"
        )


# ---------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--images", nargs="+", type=Path, help="image folders (default: kit real + keyword set)"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="timed runs per image and pipeline (median kept)"
    )
    parser.add_argument(
        "--cold-repeat", type=int, default=3, help="fresh processes per pipeline for cold start"
    )
    parser.add_argument("--gap", type=float, default=0.1, help="idle seconds before each timed run")
    parser.add_argument("--skip-subprocess", action="store_true", help="skip cold start and memory")
    args = parser.parse_args(argv)

    folders = args.images or [folder for folder in DEFAULT_SETS if folder.is_dir()]
    if not folders:
        parser.error("no image folder found; pass --images DIR")

    from rapidocr_onnxruntime import RapidOCR

    default_ocr = RapidOCR()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print(f"OcrConfig: {DEFAULT_OCR_CONFIG}")
    print(f"repeat per image: {args.repeat}, idle gap before each run: {args.gap} s")
    started = time.perf_counter()
    summary = {}
    for number, folder in enumerate(folders):
        report = run_set(folder, args.repeat, args.gap, default_ocr, first_in_run=number == 0)
        summary[folder.name] = print_set(report)

    if not args.skip_subprocess:
        with tempfile.TemporaryDirectory() as scratch:
            small, huge = Path(scratch) / "first.npy", Path(scratch) / "huge.npy"
            small_test_image(small)
            huge_test_image(huge)
            print_cold_start(args.cold_repeat, small)
            print_memory(huge)
    print("\n== summary: median latency ratio (goal <= 0.60), agreement, known-text recall ours/default ==")
    for name, figures in summary.items():
        known = (
            f"{figures['known_ours']:.3f}/{figures['known_default']:.3f}" if "known_ours" in figures else "-"
        )
        print(
            f"  {name:20s} ratio {figures.get('median_ratio', float('nan')):.2f}   "
            f"default-in-ours {figures.get('default_in_ours', float('nan')):.3f}   known {known}"
        )
    print(f"load average at the end {os.getloadavg()[0]:.2f}; took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()

"""Cold start of each function, measured in a fresh process: import, model load, first and warm call.

    PYTHONPATH=shared .venv/bin/python infra/bench_cold_start.py            # every function present
    PYTHONPATH=shared .venv/bin/python infra/bench_cold_start.py --repeat 5 --api keyword

Each repetition starts a new interpreter (as a new Lambda execution environment would) that:

1. imports the handler module (functions/<api>/app.py and the image_audit modules it pulls in);
2. loads the models, for functions that have them (the OCR engine: what Init does on Lambda);
3. answers one request with a bundled sample image (samples/), then a second one (warm);

and reports each phase's wall time and the process's peak RSS (VmHWM). A second row per function
does the same with the largest image the service accepts (MAX_IMAGE_PIXELS, a flat 7000x7000 PNG
that is small on disk but costs full memory to decode): memory has to be sized for that one, not
for the typical photo. The template's MemorySize for each function follows from these peaks (rule in
docs/deploy.md). Numbers are this machine's: Lambda's CPU share scales with MemorySize, so expect
Init there to differ.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from image_audit.local import available_functions, repository_root

ROOT = repository_root()
SAMPLES: dict[str, str] = {
    "white_background": "white_background_pass.jpg",
    "keyword": "keyword_disguised_wechat.jpg",
    "psoriasis": "psoriasis_banner_badge.jpg",
}
# The calls that load a function's models ahead of the first request, where they are known; for a
# function without an entry, model loading is part of its first call.
MODEL_LOADERS: dict[str, tuple[tuple[str, str], ...]] = {
    "keyword": (("image_audit.ocr", "get_ocr_engine"),),
    "psoriasis": (("image_audit.ocr", "get_ocr_engine"), ("image_audit.psoriasis_model", "load_model")),
}

_CHILD = r"""
import base64, importlib, json, resource, sys, time
api, sample, loaders = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
def peak_rss_mb():
    # VmHWM is this process image's own high-water mark; ru_maxrss would also count the parent's
    # memory, which Linux carries across fork+exec.
    try:
        with open("/proc/self/status") as status:
            hwm = next(line for line in status if line.startswith("VmHWM:"))
        return int(hwm.split()[1]) / 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
phases = {}
started = time.perf_counter()
from image_audit.local import LocalContext, load_handler
handler = load_handler(api)
phases["import_s"] = time.perf_counter() - started
mark = time.perf_counter()
for module, function in loaders:
    getattr(importlib.import_module(module), function)()
phases["model_load_s"] = time.perf_counter() - mark
event = {"image": base64.b64encode(open(sample, "rb").read()).decode()}
mark = time.perf_counter()
answer = handler(event, LocalContext())
phases["first_call_s"] = time.perf_counter() - mark
phases["first_peak_rss_mb"] = peak_rss_mb()
mark = time.perf_counter()
handler(event, LocalContext())
phases["warm_call_s"] = time.perf_counter() - mark
phases["cold_total_s"] = phases["import_s"] + phases["model_load_s"] + phases["first_call_s"]
phases["peak_rss_mb"] = peak_rss_mb()
phases["ok"] = "error" not in answer
print(json.dumps(phases))
"""


LARGEST_SIDE = 7000  # 49 MP: just under the 50 MP MAX_IMAGE_PIXELS default


def largest_accepted_image() -> Path:
    """A flat 7000x7000 PNG with a product-like box: ~0.2 MB on disk, 147 MB of RGB pixels."""
    path = ROOT / "build" / "bench" / f"largest_{LARGEST_SIDE}.png"
    if not path.exists():
        from PIL import Image, ImageDraw

        path.parent.mkdir(parents=True, exist_ok=True)
        image = Image.new("RGB", (LARGEST_SIDE, LARGEST_SIDE), (255, 255, 255))
        draw = ImageDraw.Draw(image)
        draw.rectangle((1500, 1500, 5500, 5500), fill=(40, 70, 130))
        draw.text((2000, 6000), "WeChat 12345", fill=(0, 0, 0), font_size=300)
        image.save(path, optimize=True)
    return path


def measure(api: str, sample: Path) -> dict[str, Any]:
    loaders = MODEL_LOADERS.get(api, ())
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, api, str(sample), json.dumps(loaders)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    phases: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return phases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--api", action="append", choices=list(SAMPLES), help="default: every function present"
    )
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per function (median shown)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    apis = args.api or available_functions()
    rows = []
    cases = [
        (name, label, path)
        for name in apis
        for label, path in (("sample", ROOT / "samples" / SAMPLES[name]), ("49MP", largest_accepted_image()))
    ]
    for api, label, sample in cases:
        runs = [measure(api, sample) for _ in range(args.repeat)]
        row: dict[str, Any] = {
            "api": api,
            "image": label,
            "runs": len(runs),
            "ok": all(r["ok"] for r in runs),
        }
        for phase in ("import_s", "model_load_s", "first_call_s", "warm_call_s", "cold_total_s"):
            row[phase] = round(statistics.median(run[phase] for run in runs), 3)
        row["peak_rss_mb"] = round(max(run["peak_rss_mb"] for run in runs), 1)
        rows.append(row)
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    header = ("import", "models", "1st call", "cold", "warm", "peak RSS")
    print(f"{'api':18} {'image':6} " + " ".join(f"{column:>8}" for column in header))
    for row in rows:
        timings = (
            f"{row['import_s']:7.2f}s {row['model_load_s']:7.2f}s {row['first_call_s']:8.2f}s "
            f"{row['cold_total_s']:7.2f}s {row['warm_call_s']:7.3f}s"
        )
        flag = "" if row["ok"] else "  (answer was an error!)"
        print(f"{row['api']:18} {row['image']:6} {timings} {row['peak_rss_mb']:6.0f} MB{flag}")
    print(f"median of {args.repeat} fresh processes each; peak RSS is the maximum")
    return 0


if __name__ == "__main__":
    sys.exit(main())

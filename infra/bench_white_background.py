"""White-background speed: handler time against a full Pillow decode of the same bytes, one run.

    python infra/bench_white_background.py [--repeat 15]

Images: 1000-1200 px JPEGs, made in-process (textured product shots on white and on scenes, fixed
seeds) plus the kit's real photos re-encoded at 1100 px when ../shared/data/real is present. For
each image the baseline is ``Image.open(bytes).convert("RGB")`` (a full decode, nothing else), and
the candidate is the whole handler: a direct invocation with a native request (base64 decode,
validation, reduced decode, analysis, response model). Prints median and p95 of both and the ratio.
"""

from __future__ import annotations

import argparse
import base64
import io
import statistics
import time

import numpy as np
from image_audit.local import LocalContext, load_handler, repository_root
from PIL import Image, ImageDraw, ImageFilter

KIT = repository_root().parent / "shared" / "data" / "real"


def synthetic_jpegs(count: int = 12) -> list[bytes]:
    rng = np.random.default_rng(2026)
    images = []
    for index in range(count):
        width = int(rng.integers(1000, 1201))
        height = int(rng.integers(1000, 1201))
        if index % 2 == 0:
            canvas = Image.new("RGB", (width, height), (255, 255, 255))
        else:  # a textured scene
            noise = rng.integers(90, 200, (height // 8, width // 8, 3), dtype=np.uint8)
            canvas = Image.fromarray(noise).resize((width, height), Image.Resampling.BICUBIC)
        draw = ImageDraw.Draw(canvas)
        x0, y0 = width // 4, height // 6
        draw.rounded_rectangle(
            (x0, y0, width - x0, height - y0), radius=60, fill=tuple(int(v) for v in rng.integers(0, 200, 3))
        )
        # Sensor-like noise on the product (not on the white sweep, which cameras clip to 255).
        pixels = np.asarray(canvas).astype(np.int16)
        noise = rng.normal(0, 6, pixels.shape).astype(np.int16)
        pixels = np.where(pixels.min(axis=2, keepdims=True) < 250, pixels + noise, pixels)
        canvas = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).filter(
            ImageFilter.GaussianBlur(0.6)
        )
        buffer = io.BytesIO()
        canvas.save(buffer, "JPEG", quality=88)
        images.append(buffer.getvalue())
    return images


def kit_jpegs(limit: int = 12) -> list[bytes]:
    if not KIT.is_dir():
        return []
    images = []
    for path in sorted(KIT.glob("*.jpg"))[:limit]:
        photo = Image.open(path).convert("RGB")
        photo = photo.resize((1100, round(1100 * photo.height / photo.width)), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        photo.save(buffer, "JPEG", quality=90)
        images.append(buffer.getvalue())
    return images


def timed(function, repeat: int) -> float:
    best = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best.append(time.perf_counter() - started)
    return statistics.median(best)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    handler = load_handler("white_background")
    sets = {"synthetic": synthetic_jpegs(), "kit photos": kit_jpegs()}
    first = sets["synthetic"][0]
    handler({"image": base64.b64encode(first).decode()}, LocalContext())  # warm, as a warm container
    all_decode: list[float] = []
    all_handler: list[float] = []
    for name, images in sets.items():
        if not images:
            continue
        decode_ms, handler_ms = [], []
        for data in images:
            event = {"image": base64.b64encode(data).decode()}
            decode_ms.append(
                1000 * timed(lambda data=data: Image.open(io.BytesIO(data)).convert("RGB"), args.repeat)
            )
            handler_ms.append(1000 * timed(lambda event=event: handler(event, LocalContext()), args.repeat))
        report(f"{name}: {len(images)} JPEGs of 1000-1200 px", decode_ms, handler_ms)
        all_decode += decode_ms
        all_handler += handler_ms
    report(f"all {len(all_decode)} images (median of {args.repeat} runs each)", all_decode, all_handler)
    return 0


def report(title: str, decode_ms: list[float], handler_ms: list[float]) -> None:
    print(f"== {title}")
    for label, times in (("full Pillow decode  ", decode_ms), ("handler (end-to-end)", handler_ms)):
        median, p95 = statistics.median(times), percentile(times, 0.95)
        print(f"  {label}: median {median:6.2f} ms   p95 {p95:6.2f} ms")
    ratio = statistics.median(handler_ms) / statistics.median(decode_ms)
    print(f"  ratio handler/decode (medians): {ratio:.2f}  (target < 1.0)")


if __name__ == "__main__":
    raise SystemExit(main())

"""Generate a labelled white-background set: is the backdrop behind the product pure white?

    python infra/datasets/gen_white_background_set.py --out build/datasets/white_background --n 240 --seed 0

Writes images plus `labels_white_background.csv` with columns `file,label,kind` (the format of
the kit's real labels). Kinds repeat in blocks of 11, so any n ≥ 11 holds every kind:

label 1 — the backdrop is pure white (255, 255, 255):
- `white_clean`: products on pure white, saved as PNG or JPEG at quality ≥ 96;
- `white_jpeg_noise`: the same, saved as JPEG at quality 60–95 (sometimes twice), so the
  white near the product carries ringing and chroma bleed while the corners stay 255;
- `white_soft_shadow`: a soft contact / drop shadow on the white sweep under the product,
  which may reach the bottom edge locally;
- `white_product_crosses_edge`: one product touches or crosses exactly one edge (a garment
  cut at the bottom, a box cut at the side); the other edges stay white;
- `white_small_product`: a small product (15–35 % of the shorter side) anywhere in the frame;

label 0 — the backdrop is not pure white:
- `off_white`: uniform grey or cream between 228 and 245;
- `grey_gradient`: light vertical or radial gradients (e.g. 255 at the top or centre → 232–240
  at the far edge), or a studio sweep;
- `coloured_frame`: white inside a coloured, grey or black border 1–20 px wide, or a double
  frame (outer line, white gap, inner line);
- `split_scene`: a white wall over a coloured, wooden or marble table top, the split at
  50–85 % of the height (the wall is pure 255 half the time: only the lower edge fails);
- `coloured_background`: pastel, saturated or dark backdrops, flat or gently graded;
- `scene`: textured or noisy backdrops (wood, marble, fabric, concrete, tiles, bokeh, rooms).

Uniform backdrops between 246 and 254 are deliberately absent: whether 250 counts as "white"
depends on the caller's `background_pixel` tolerance, so such images would have no single
right label. Sizes vary from 500 to 1600 px (square, portrait, landscape); most files are JPEG.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from synth import (
    Job,
    Rng,
    SaveFormat,
    balanced_kind,
    default_workers,
    discover_fonts,
    jpeg_roundtrip,
    mix,
    random_canvas_size,
    random_colour,
    resolve_out_dir,
    run_jobs,
    save_image,
    to_image,
    write_labels,
)
from synth_products import apply_print, make_product
from synth_scenes import (
    ShadowSpec,
    Stage,
    coloured_background,
    composite_products,
    linear_gradient,
    radial_gradient,
    scene_background,
    solid,
    stage_products,
    studio_sweep,
    wall_and_table,
)

DATASET = "white_background"
COLUMNS = ("file", "label", "kind")
POSITIVE_KINDS = (
    "white_clean",
    "white_jpeg_noise",
    "white_soft_shadow",
    "white_product_crosses_edge",
    "white_small_product",
)
NEGATIVE_KINDS = (
    "off_white",
    "grey_gradient",
    "coloured_frame",
    "split_scene",
    "coloured_background",
    "scene",
)
KIND_CYCLE = POSITIVE_KINDS + NEGATIVE_KINDS
WHITE = (255.0, 255.0, 255.0)
CORNER = 8  # corner patches (px) that must stay exactly 255 in label-1 images


def white_stage(
    rng: Rng,
    h: int,
    w: int,
    fill: tuple[float, float],
    shadow: ShadowSpec | None,
    centre: tuple[float, float] = (0.5, 0.5),
    bottom: float | None = None,
) -> Stage:
    stage, _ = stage_products(
        rng,
        solid(h, w, WHITE),
        discover_fonts(),
        fill=fill,
        shadow=shadow,
        print_probability=0.5,
        centre=centre,
        bottom=bottom,
    )
    return stage


def crossing_stage(rng: Rng, h: int, w: int) -> Stage:
    """One large product pushed across exactly one edge; the other three edges keep a margin."""
    edge = rng.weighted(["bottom", "left", "right", "top"], [5, 2, 2, 1])
    kind = rng.choice(["garment", "garment", "bag", "box", "bottle", "shoe"])
    margin_x, margin_y = int(w * 0.06), int(h * 0.06)
    along_edge = (w - 2 * margin_x) if edge in ("bottom", "top") else (h - 2 * margin_y)
    across = h if edge in ("bottom", "top") else w
    for _ in range(4):
        max_w = along_edge if edge in ("bottom", "top") else int(across * rng.uniform(0.6, 0.9))
        max_h = int(across * rng.uniform(0.6, 0.95)) if edge in ("bottom", "top") else along_edge
        product = make_product(rng, max_w, max_h, kind)
        if rng.chance(0.5):
            apply_print(rng, discover_fonts(), product)
        pw, ph = product.size
        overhang = 0.0 if rng.chance(0.25) else rng.uniform(0.03, 0.3)  # 0 = just touching
        if edge == "bottom":
            origin = (rng.integer(margin_x, max(margin_x, w - margin_x - pw)), int(h - ph * (1 - overhang)))
        elif edge == "top":
            origin = (rng.integer(margin_x, max(margin_x, w - margin_x - pw)), int(-ph * overhang))
        elif edge == "left":
            origin = (int(-pw * overhang), rng.integer(margin_y, max(margin_y, h - margin_y - ph)))
        else:
            origin = (int(w - pw * (1 - overhang)), rng.integer(margin_y, max(margin_y, h - margin_y - ph)))
        stage = composite_products(solid(h, w, WHITE), [product], [origin])
        if touched_edges(stage.product_alpha) == {edge}:
            return stage
    raise RuntimeError("could not place a product across exactly one edge")


def touched_edges(alpha: np.ndarray) -> set[str]:
    edges = {"top": alpha[0], "bottom": alpha[-1], "left": alpha[:, 0], "right": alpha[:, -1]}
    return {name for name, line in edges.items() if float(line.max()) > 0.02}


def frame(pixels: np.ndarray, rng: Rng) -> np.ndarray:
    """A border at the image edge (1–20 px) or a double frame around a white inside."""
    out = pixels.copy()
    h, w = out.shape[:2]
    colour = rng.choice(
        [
            (0, 0, 0),
            (40, 40, 40),
            (128, 128, 128),
            (200, 200, 200),
            random_colour(rng),
            random_colour(rng, (0.5, 1.0), (0.6, 1.0)),
        ]
    )

    def ring(inset: int, width: int, ring_colour: tuple[int, int, int]) -> None:
        c = np.asarray(ring_colour, np.float32)
        out[inset : inset + width, inset : w - inset] = c
        out[h - inset - width : h - inset, inset : w - inset] = c
        out[inset : h - inset, inset : inset + width] = c
        out[inset : h - inset, w - inset - width : w - inset] = c

    if rng.chance(0.65):
        ring(0, rng.integer(1, 20), colour)
    else:
        outer = rng.integer(1, 8)
        gap = rng.integer(2, 12)
        inner_colour = colour if rng.chance(0.5) else mix(colour, (255, 255, 255), 0.4)
        ring(0, outer, colour)
        ring(outer + gap, rng.integer(1, 4), inner_colour)
    return out


def make_image(job: Job) -> dict[str, str]:
    rng = Rng(job.seed, DATASET, job.index)
    kind = balanced_kind(job.seed, DATASET, job.index, KIND_CYCLE)
    max_side = job.options.get("max_side")
    w, h = random_canvas_size(rng, 500, int(max_side) if isinstance(max_side, int) else 1600)
    fonts = discover_fonts()
    fmt = SaveFormat("png") if rng.chance(0.2) else SaveFormat("jpg", rng.integer(75, 95))
    pre_jpeg: int | None = None
    if kind in ("white_clean", "white_jpeg_noise"):
        stage = white_stage(rng, h, w, (0.5, 0.88), None)
        if kind == "white_clean":
            fmt = SaveFormat("png") if rng.chance(0.5) else SaveFormat("jpg", rng.integer(96, 100))
        else:
            fmt = SaveFormat("jpg", rng.integer(60, 95))
            pre_jpeg = rng.integer(60, 95) if rng.chance(0.3) else None
        pixels = stage.pixels
    elif kind == "white_soft_shadow":
        shadow = ShadowSpec(
            rng.uniform(0.35, 0.75),
            rng.uniform(0.12, 0.35),
            (rng.uniform(-0.06, 0.06), rng.uniform(0.01, 0.04)),
            rng.uniform(0.03, 0.07),
        )
        # A third stand just above the bottom edge, so the blurred shadow runs into it locally.
        bottom = rng.uniform(0.95, 0.985) if rng.chance(0.35) else None
        centre = (0.5, rng.uniform(0.5, 0.6))
        pixels = white_stage(rng, h, w, (0.5, 0.8), shadow, centre, bottom).pixels
    elif kind == "white_product_crosses_edge":
        pixels = crossing_stage(rng, h, w).pixels
    elif kind == "white_small_product":
        centre = (rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7))
        pixels = white_stage(
            rng, h, w, (0.15, 0.35), None if rng.chance(0.6) else ShadowSpec(0.4, 0.15), centre
        ).pixels
    elif kind == "off_white":
        level = rng.uniform(228, 245)
        tint = rng.choice([(0, 0, 0), (0, -2, -6), (-3, -1, 0), (1, 0, -4)])
        colour = tuple(min(245.0, level + t) for t in tint)
        background = solid(h, w, colour) + rng.gen.normal(0, rng.uniform(0, 1.5), (h, w, 1)).astype(
            np.float32
        )
        pixels = stage_products(
            rng,
            np.clip(background, 0, 245),
            fonts,
            fill=(0.4, 0.85),
            shadow=ShadowSpec(0.4, 0.15) if rng.chance(0.5) else None,
            print_probability=0.5,
        )[0].pixels
    elif kind == "grey_gradient":
        style = rng.choice(["vertical", "radial", "sweep"])
        bright = rng.uniform(248, 255)
        dark = rng.uniform(226, 240)
        if style == "vertical":
            top, bottom = (bright, dark) if rng.chance(0.7) else (dark, bright)
            background = linear_gradient(h, w, (top,) * 3, (bottom,) * 3)
        elif style == "radial":
            background = radial_gradient(
                h, w, (bright,) * 3, (dark,) * 3, (rng.uniform(0.4, 0.6), rng.uniform(0.35, 0.55))
            )
        else:
            background = studio_sweep(rng, h, w)
        pixels = stage_products(
            rng,
            background,
            fonts,
            fill=(0.4, 0.85),
            shadow=ShadowSpec(0.4, 0.15) if rng.chance(0.5) else None,
            print_probability=0.5,
        )[0].pixels
    elif kind == "coloured_frame":
        pixels = frame(white_stage(rng, h, w, (0.45, 0.8), None).pixels, rng)
    elif kind == "split_scene":
        split = rng.uniform(0.5, 0.85)
        wall = WHITE if rng.chance(0.5) else (rng.uniform(228, 245),) * 3
        background = wall_and_table(rng, h, w, split, wall, rng.choice(["wood", "marble", "plain", "fabric"]))
        # Products stand on the table, their bottoms a little below the split line.
        pixels = stage_products(
            rng,
            background,
            fonts,
            fill=(0.35, min(0.6, split - 0.05)),
            shadow=ShadowSpec(0.5, 0.2),
            print_probability=0.5,
            bottom=min(0.97, split + rng.uniform(0.03, 0.12)),
        )[0].pixels
    elif kind == "coloured_background":
        pixels = stage_products(
            rng,
            coloured_background(rng, h, w),
            fonts,
            fill=(0.4, 0.85),
            shadow=ShadowSpec(0.4, 0.2) if rng.chance(0.5) else None,
            print_probability=0.5,
        )[0].pixels
    else:  # scene
        pixels = stage_products(
            rng,
            scene_background(rng, h, w),
            fonts,
            fill=(0.4, 0.8),
            shadow=ShadowSpec(0.5, 0.2),
            print_probability=0.5,
        )[0].pixels
    label = 1 if kind in POSITIVE_KINDS else 0
    image = to_image(pixels)
    if label == 1:
        corners = [image.crop(box) for box in ((0, 0, CORNER, CORNER), (w - CORNER, 0, w, CORNER))]
        if kind != "white_soft_shadow" and kind != "white_product_crosses_edge":
            corners += [
                image.crop(box) for box in ((0, h - CORNER, CORNER, h), (w - CORNER, h - CORNER, w, h))
            ]
        if any(np.asarray(c).min() < 255 for c in corners):
            raise RuntimeError(f"{DATASET} #{job.index} ({kind}): a corner is not pure white")
    if pre_jpeg is not None:
        image = jpeg_roundtrip(image, pre_jpeg)
    name = save_image(image, Path(job.out_dir), f"wb_{job.index:05d}", fmt)
    return {"file": name, "label": str(label), "kind": kind}


def generate(
    out: str | Path,
    n: int,
    seed: int,
    workers: int | None = None,
    max_side: int | None = None,
    progress: bool = True,
) -> Path:
    out_dir = resolve_out_dir(out)
    jobs = [Job(i, seed, str(out_dir), {"max_side": max_side}) for i in range(n)]
    rows = run_jobs(make_image, jobs, workers if workers is not None else default_workers(), progress)
    labels = out_dir / "labels_white_background.csv"
    write_labels(labels, COLUMNS, rows)
    return labels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="build/datasets/white_background")
    parser.add_argument("--n", type=int, default=240)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    labels = generate(args.out, args.n, args.seed, args.workers)
    print(f"wrote {args.n} images and {labels} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

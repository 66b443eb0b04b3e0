"""Generate a labelled psoriasis (牛皮癣) set: product photos with and without added overlays.

    python infra/datasets/gen_psoriasis_set.py --out build/datasets/psoriasis --n 600 --seed 0 \
        [--real-dir ../shared/data/real --real-split even|odd|none]

Writes images plus `labels_psoriasis.csv` with columns `file,label,kind,boxes,base`:
- label 1 = something was added on top of the photo; kinds `overlay_text` (slogans, prices in
  the margins), `banner` (full-width strip), `badge` (price tags, stickers, corner ribbons),
  `logo` (shop logo in a corner), `watermark_tiled` / `watermark_centre` / `watermark_corner`
  (10–60 % opaque), `slogan_on_product` (pasted flat onto the product body);
- label 0 = clean; kinds `clean_product` (no text at all), `clean_product_with_print` (ONLY
  print that is physically on the product: brand, 净含量, ingredients, model numbers — it follows
  the surface's perspective and lighting and never leaves the silhouette), `clean_scene`
  (product in a textured scene or interior), `clean_scene_text` (physical text in a scene: shop
  fascias and 3-D lettering on facades, plaques, street-name plates on posts, posters, menus,
  painted wall lettering — on a wall plane seen in perspective, lit, shadowed, partly occluded,
  and photographed as a whole so the text is exactly as sharp and noisy as its surroundings;
  see synth_signs.py), `clean_garment_print` (T-shirts, sweatshirts, tote bags, handbags and
  shoes whose slogan / graphic / brand mark follows the cloth's folds and shading; see
  synth_apparel.py);
- `boxes` = JSON list of [x, y, w, h] overlay boxes (empty for label 0);
- `base` = `procedural` or `real:<file>` (the real photo used as base, see below).

The kinds repeat in blocks of 24 (12 positive, 12 negative: 2 clean_product, 4
clean_product_with_print, 2 clean_scene, 2 clean_scene_text, 2 clean_garment_print), so any
n ≥ 24 is balanced and holds every kind. Positives are drawn on the same mix of bases (a sixth
on a scene-text photo, a sixth on a printed garment, the rest on product shots and scenes), so
neither the content nor the camera noise of the physical-text bases is a shortcut to "clean":
only what was added on top is.

With `--real-dir` and `--real-split even|odd`, about a third of the eligible images use as
base a real photo whose `labels_psoriasis.csv` label is 0 — unchanged for negatives, with
overlays added for positives — and about a third of the signpost scenes stand in front of such
a photo, thrown out of focus. Only files at even (or odd) positions of the sorted name list are
used, so a training set (`even`) and a held-out evaluation set (`odd`) never share a base photo.
The real photos are third-party content: they are read at generation time and the output goes
to build/ (gitignored), never into the repository.

Most images are saved as JPEG at a random quality (55–95), some as PNG; a share of bases (the
same share for positives and negatives, so it is no shortcut) went through JPEG once before
the overlays were added, as a re-edited upload would.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image
from synth import (
    Job,
    Rng,
    SaveFormat,
    balanced_kind,
    default_workers,
    discover_fonts,
    jpeg_roundtrip,
    random_canvas_size,
    resolve_out_dir,
    run_jobs,
    save_image,
    to_image,
    write_labels,
)
from synth_apparel import garment_print_image
from synth_overlays import OVERLAY_KINDS, add_overlay
from synth_products import PRINTABLE_KINDS
from synth_scenes import (
    ShadowSpec,
    coloured_background,
    linear_gradient,
    radial_gradient,
    scene_background,
    solid,
    stage_products,
    studio_sweep,
)
from synth_signs import render_size, scene_text_image

DATASET = "psoriasis"
COLUMNS = ("file", "label", "kind", "boxes", "base")
NEGATIVE_KINDS = (
    "clean_product",
    "clean_product_with_print",
    "clean_scene",
    "clean_scene_text",
    "clean_garment_print",
)
POSITIVE_KINDS = OVERLAY_KINDS
KIND_CYCLE = (
    ["clean_product"] * 2
    + ["clean_product_with_print"] * 4
    + ["clean_scene"] * 2
    + ["clean_scene_text"] * 2
    + ["clean_garment_print"] * 2
    + ["overlay_text"] * 2
    + ["banner"] * 2
    + ["badge"] * 2
    + ["logo", "watermark_tiled", "watermark_centre", "watermark_corner"]
    + ["slogan_on_product"] * 2
)
REAL_BASE_SHARE = 0.35
# Positives use the physical-text bases as often as negatives do (2 of 12 each), so neither the
# scene / garment content nor the camera noise of those bases is a shortcut for "clean".
PHYSICAL_TEXT_BASE_SHARE = 2 / 12
# With real photos available, this share of signpost scenes stands in front of a real photo.
REAL_BACKDROP_SHARE = 0.3
# Kinds that can take a real photo as base (a slogan on the product needs to know where it is).
REAL_ELIGIBLE = {"clean_product", "clean_scene", *OVERLAY_KINDS} - {"slogan_on_product"}
# Real-photo kinds (from the kit's labels) that show a product rather than a scene.
REAL_PRODUCT_HINTS = ("product", "model", "graphic_on_white", "blank")


def real_bases(real_dir: Path, split: str) -> list[tuple[str, str]]:
    """(file, real kind) of the label-0 real photos at even or odd positions of the sorted list."""
    if split == "none":
        return []
    labels = real_dir / "labels_psoriasis.csv"
    with labels.open(encoding="utf-8") as handle:
        clean = sorted(
            (row["file"], row["kind"]) for row in csv.DictReader(handle) if row["label"].strip() == "0"
        )
    parity = 0 if split == "even" else 1
    return [item for i, item in enumerate(clean) if i % 2 == parity and (real_dir / item[0]).is_file()]


def load_real(path: Path, rng: Rng) -> Image.Image:
    image = Image.open(path).convert("RGBA")
    flat = Image.new("RGBA", image.size, (255, 255, 255, 255))
    flat.alpha_composite(image)  # transparent PNGs are shown on white, as marketplaces do
    rgb = flat.convert("RGB")
    long_side = max(rgb.size)
    target = min(1600, max(500, long_side))
    if rng.chance(0.3):
        target = int(target * rng.uniform(0.8, 1.0))
    target = max(500, target)
    if target != long_side:
        scale = target / long_side
        rgb = rgb.resize(
            (max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale))), Image.Resampling.LANCZOS
        )
    return rgb


def product_background(rng: Rng, h: int, w: int) -> np.ndarray:
    """The backdrops of product shots: white, near-white, grey gradients, sweeps, colours."""
    style = rng.weighted(["white", "near_white", "gradient", "sweep", "colour"], [4, 1, 2, 1, 2])
    if style == "white":
        return solid(h, w, (255, 255, 255))
    if style == "near_white":
        grey = rng.uniform(236, 250)
        return solid(h, w, (grey, grey, grey - rng.uniform(0, 6)))
    if style == "gradient":
        top, bottom = rng.uniform(225, 255), rng.uniform(200, 245)
        return (
            linear_gradient(h, w, (top,) * 3, (bottom,) * 3)
            if rng.chance(0.5)
            else radial_gradient(h, w, (top,) * 3, (bottom,) * 3)
        )
    if style == "sweep":
        return studio_sweep(rng, h, w)
    return coloured_background(rng, h, w)


def base_kind(rng: Rng, kind: str) -> str:
    """Which procedural base an image gets: its own kind for negatives; for positives the same
    mix of bases the negatives show (plain product shots, scenes, scene text, printed garments)."""
    if kind in NEGATIVE_KINDS:
        return kind
    draw = rng.uniform(0.0, 1.0)
    if kind == "slogan_on_product":
        # A slogan pasted on a product needs a product: a printed garment instead of scene text.
        return "clean_garment_print" if draw < 2 * PHYSICAL_TEXT_BASE_SHARE else "product"
    if draw < PHYSICAL_TEXT_BASE_SHARE:
        return "clean_scene_text"
    if draw < 2 * PHYSICAL_TEXT_BASE_SHARE:
        return "clean_garment_print"
    return "product"


def procedural_base(
    rng: Rng,
    kind: str,
    max_side: int = 1600,
    backdrop: Image.Image | None = None,
    base: str | None = None,
) -> tuple[Image.Image, list[tuple[int, int, int, int]]]:
    """A photo to label or to add overlays to: clean_product has no text at all, with_print
    carries on-product print, clean_scene stands the products in a textured scene,
    clean_scene_text photographs signs / plaques / fascias in a scene (`backdrop`, a real photo,
    can stand behind a signpost), clean_garment_print a garment, bag or shoe with print that
    follows the cloth. Positive kinds draw from all of them (see `base_kind`)."""
    fonts = discover_fonts()
    base = base or base_kind(rng, kind)
    w, h = random_canvas_size(rng, 500, max_side)
    if base == "clean_scene_text":
        array = np.asarray(backdrop, np.float32) if backdrop is not None else None
        return to_image(scene_text_image(rng, fonts, w, h, array)), []
    if base == "clean_garment_print":
        rw, rh = render_size(rng, w, h)
        pixels, boxes = garment_print_image(rng, fonts, product_background(rng, rh, rw), (w, h))
        return to_image(pixels), boxes
    shadow: ShadowSpec | None
    if kind == "clean_scene" or (kind in POSITIVE_KINDS and rng.chance(0.25)):
        background = scene_background(rng, h, w)
        shadow = ShadowSpec(
            rng.uniform(0.3, 0.6), rng.uniform(0.1, 0.3), (rng.uniform(-0.05, 0.05), 0.02), 0.05
        )
        centre = (0.5, rng.uniform(0.45, 0.55))
    else:
        background = product_background(rng, h, w)
        shadow = (
            ShadowSpec(rng.uniform(0.0, 0.5), rng.uniform(0.0, 0.25), (rng.uniform(-0.04, 0.04), 0.02), 0.05)
            if rng.chance(0.6)
            else None
        )
        centre = (0.5, 0.5)
    if kind == "clean_product":
        print_probability, kinds = 0.0, None
    elif kind == "clean_product_with_print":
        print_probability, kinds = 1.0, list(PRINTABLE_KINDS)
    else:
        print_probability, kinds = 0.5, None
    stage, _ = stage_products(
        rng,
        background,
        fonts,
        fill=(0.45, 0.85),
        kinds=kinds,
        shadow=shadow,
        print_probability=print_probability,
        centre=centre,
    )
    return to_image(stage.pixels), stage.product_boxes


def real_kind_to_clean_kind(real_kind: str) -> str:
    return "clean_product" if any(hint in real_kind for hint in REAL_PRODUCT_HINTS) else "clean_scene"


def make_image(job: Job) -> dict[str, str]:
    rng = Rng(job.seed, DATASET, job.index)
    kind = balanced_kind(job.seed, DATASET, job.index, KIND_CYCLE)
    bases_option = job.options.get("real_bases")
    bases: list[tuple[str, str]] = bases_option if isinstance(bases_option, list) else []
    real_dir = Path(str(job.options.get("real_dir", "")))
    max_side_option = job.options.get("max_side")
    max_side = max_side_option if isinstance(max_side_option, int) else 1600
    base_name = "procedural"
    use_real = bool(bases) and kind in REAL_ELIGIBLE and rng.chance(REAL_BASE_SHARE)
    base = "real" if use_real else base_kind(rng, kind)
    backdrop: Image.Image | None = None
    if base == "clean_scene_text" and bases and rng.chance(REAL_BACKDROP_SHARE):
        scenes = [b for b in bases if real_kind_to_clean_kind(b[1]) == "clean_scene"] or bases
        file, _ = rng.choice(scenes)
        backdrop = load_real(real_dir / file, rng)
        base_name = f"real:{file}"
    if use_real:
        file, real_kind = rng.choice(bases)
        image = load_real(real_dir / file, rng)
        product_boxes: list[tuple[int, int, int, int]] = []
        base_name = f"real:{file}"
        if kind in NEGATIVE_KINDS:
            kind = real_kind_to_clean_kind(real_kind)
    else:
        image, product_boxes = procedural_base(rng, kind, max_side, backdrop, base)
    if max(image.size) > max_side:
        scale = max_side / max(image.size)
        image = image.resize(
            (max(1, int(image.width * scale)), max(1, int(image.height * scale))), Image.Resampling.LANCZOS
        )
        product_boxes = [
            (int(x * scale), int(y * scale), int(bw * scale), int(bh * scale))
            for x, y, bw, bh in product_boxes
        ]
    if rng.chance(0.3):
        image = jpeg_roundtrip(image, rng.integer(70, 95))
    boxes: list[tuple[int, int, int, int]] = []
    label = 0
    if kind in POSITIVE_KINDS:
        label = 1
        fonts = discover_fonts()
        boxes = add_overlay(kind, rng, fonts, image, product_boxes)
        if kind not in ("watermark_tiled", "watermark_centre", "watermark_corner") and rng.chance(0.25):
            # Real listings stack overlays: a logo with a banner, a badge with a slogan…
            extra = rng.choice([k for k in ("overlay_text", "badge", "logo") if k != kind])
            boxes += add_overlay(extra, rng, fonts, image, product_boxes)
        if not boxes:
            raise RuntimeError(f"{DATASET} #{job.index}: overlay {kind} drew nothing")
    fmt = SaveFormat("png") if rng.chance(0.15) else SaveFormat("jpg", rng.integer(55, 95))
    name = save_image(image, Path(job.out_dir), f"pso_{job.index:05d}", fmt)
    return {
        "file": name,
        "label": str(label),
        "kind": kind,
        "boxes": json.dumps([list(b) for b in boxes]),
        "base": base_name,
    }


def generate(
    out: str | Path,
    n: int,
    seed: int,
    real_dir: str | Path | None = None,
    real_split: str = "none",
    workers: int | None = None,
    max_side: int | None = None,
    progress: bool = True,
) -> Path:
    out_dir = resolve_out_dir(out)
    bases = real_bases(Path(real_dir), real_split) if real_dir is not None else []
    if real_dir is not None and real_split != "none" and not bases:
        raise SystemExit(f"no label-0 images found in {real_dir}")
    options: dict[str, object] = {"real_bases": bases, "real_dir": str(real_dir or ""), "max_side": max_side}
    jobs = [Job(i, seed, str(out_dir), options) for i in range(n)]
    rows = run_jobs(make_image, jobs, workers if workers is not None else default_workers(), progress)
    labels = out_dir / "labels_psoriasis.csv"
    write_labels(labels, COLUMNS, rows)
    return labels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="build/datasets/psoriasis")
    parser.add_argument("--n", type=int, default=600)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--real-dir", default=None, help="folder with real photos and labels_psoriasis.csv")
    parser.add_argument("--real-split", choices=("even", "odd", "none"), default="none")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    labels = generate(args.out, args.n, args.seed, args.real_dir, args.real_split, args.workers)
    print(f"wrote {args.n} images and {labels} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

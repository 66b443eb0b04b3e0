"""Write the small sample images committed under samples/ (one per API outcome worth showing).

    python infra/datasets/gen_samples.py [--out samples]

Every sample is procedural (no third-party content), 900 px, JPEG, under 80 KB, and the same
bytes on every run with the same library versions. samples/README.md says what each shows.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image
from synth import (
    REPO_ROOT,
    Rng,
    TextStyle,
    discover_fonts,
    paste_layer,
    render_text,
    to_image,
)
from synth_overlays import add_badge, add_banner, add_watermark_tiled
from synth_products import Product, apply_print, bottle, box, jar, shoe, tube
from synth_scenes import ShadowSpec, composite_products, linear_gradient, solid

SIDE = 900
MAX_BYTES = 80_000
WHITE = (255.0, 255.0, 255.0)


def _single(
    rng: Rng,
    background_pixels: np.ndarray,
    product_fn: Callable[[Rng, int, int], Product],
    w: int,
    h: int,
    shadow: ShadowSpec | None,
    printed: bool,
) -> Image.Image:
    """One product centred on `background_pixels` (SIDE × SIDE), optionally with on-product print."""
    product = product_fn(rng, w, h)
    if printed:
        apply_print(rng, discover_fonts(), product, low_contrast=False, max_surfaces=2)
    pw, ph = product.size
    stage = composite_products(background_pixels, [product], [((SIDE - pw) // 2, (SIDE - ph) // 2)], shadow)
    return to_image(stage.pixels)


def white_background_pass() -> Image.Image:
    return _single(Rng(11, "sample"), solid(SIDE, SIDE, WHITE), shoe, 760, 340, None, printed=False)


def white_background_fail() -> Image.Image:
    background = linear_gradient(SIDE, SIDE, (246, 246, 244), (226, 226, 224))
    return _single(Rng(12, "sample"), background, bottle, 260, 700, ShadowSpec(0.4, 0.15), printed=True)


def psoriasis_banner_badge() -> Image.Image:
    rng = Rng(13, "sample")
    image = _single(rng, solid(SIDE, SIDE, WHITE), box, 560, 560, ShadowSpec(0.3, 0.1), printed=True)
    fonts = discover_fonts()
    add_banner(rng, fonts, image)
    add_badge(rng, fonts, image, [], [(170, 170, 560, 560)])
    return image


def psoriasis_clean_with_print() -> Image.Image:
    return _single(
        Rng(14, "sample"), solid(SIDE, SIDE, WHITE), jar, 620, 520, ShadowSpec(0.35, 0.1), printed=True
    )


def psoriasis_watermark() -> Image.Image:
    rng = Rng(15, "sample")
    image = _single(rng, solid(SIDE, SIDE, WHITE), tube, 220, 720, ShadowSpec(0.3, 0.1), printed=True)
    add_watermark_tiled(rng, discover_fonts(), image)
    return image


def _write_lines(image: Image.Image, lines: list[tuple[str, int, tuple[int, int, int], int, int]]) -> None:
    fonts = discover_fonts()
    rng = Rng(16, "sample-text")
    for text, size, colour, x, y in lines:
        face = fonts.pick(rng, text, decorative=False, bold=True, allow_latin=False)
        layer = render_text(
            text,
            TextStyle(face, size, fill=colour, stroke_width=max(1, size // 14), stroke_fill=(255, 255, 255)),
        )
        paste_layer(image, layer, x, y)


def keyword_disguised() -> Image.Image:
    image = _single(
        Rng(16, "sample"), solid(SIDE, SIDE, WHITE), bottle, 240, 620, ShadowSpec(0.3, 0.1), printed=True
    )
    _write_lines(
        image, [("加薇信 领取返现", 64, (220, 30, 40), 60, 40), ("VX: mei_8866", 44, (30, 30, 30), 80, 790)]
    )
    return image


def keyword_decoy_wechat_pay() -> Image.Image:
    image = _single(
        Rng(17, "sample"), solid(SIDE, SIDE, WHITE), jar, 520, 440, ShadowSpec(0.3, 0.1), printed=True
    )
    _write_lines(
        image, [("支持微信支付", 56, (20, 150, 60), 60, 50), ("可放微波炉加热", 40, (60, 60, 60), 60, 800)]
    )
    return image


SAMPLES: dict[str, Callable[[], Image.Image]] = {
    "white_background_pass.jpg": white_background_pass,
    "white_background_fail_gradient.jpg": white_background_fail,
    "psoriasis_banner_badge.jpg": psoriasis_banner_badge,
    "psoriasis_clean_with_print.jpg": psoriasis_clean_with_print,
    "psoriasis_watermark_tiled.jpg": psoriasis_watermark,
    "keyword_disguised_wechat.jpg": keyword_disguised,
    "keyword_decoy_wechat_pay.jpg": keyword_decoy_wechat_pay,
}


def write_samples(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in SAMPLES.items():
        image = build()
        path = out_dir / name
        # Highest quality that stays under the size budget (white keeps exactly 255 at any of these).
        for quality in (90, 85, 80, 75, 70):
            image.save(path, "JPEG", quality=quality)
            if path.stat().st_size <= MAX_BYTES:
                break
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(REPO_ROOT / "samples"))
    args = parser.parse_args(argv)
    for path in write_samples(Path(args.out)):
        print(f"{path} {path.stat().st_size // 1024} KB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

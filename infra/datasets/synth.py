"""Shared building blocks of the synthetic data generators.

Everything here is procedural: no image is drawn by hand and nothing is downloaded. The three
dataset scripts (`gen_white_background_set.py`, `gen_keyword_set.py`, `gen_psoriasis_set.py`) and
`gen_samples.py` combine these pieces:

- `synth.py` (this module): seeded randomness, colours and contrast, CJK font discovery, text
  rendering (outline strokes, drop shadows, gradients, vertical text, rotation), RGBA
  compositing with exact overlay boxes, image saving with JPEG recompression, and the parallel
  job runner that keeps every image a pure function of (seed, index).
- `synth_scenes.py`: backgrounds (pure white, near-white, gradients, colours, textures, scenes)
  and shadows, plus the composition of products into a scene.
- `synth_products.py`: procedural product photos (bottles, boxes, shoes, tubes, garments, bags…)
  and the print that is physically on them (brand, 净含量, ingredients) following their surface.
- `synth_overlays.py`: what sellers add on top of a photo (slogans, price badges, banners,
  stickers, shop logos, watermarks) — the "psoriasis" the service must find.
- `synth_signs.py` / `synth_apparel.py`: text that is physically in the photo (signs in a scene,
  prints on garments) with the cues that tell it from an overlay, and the camera model.

Determinism: each image gets its own `Rng` derived from (seed, dataset name, index), so results
do not depend on the number of worker processes or on the order in which jobs finish.
"""

from __future__ import annotations

import colorsys
import csv
import functools
import io
import multiprocessing
import os
import subprocess
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

T = TypeVar("T")
RGB = tuple[int, int, int]
RGBA = tuple[int, int, int, int]
Box = tuple[int, int, int, int]  # x, y, w, h in canvas pixels

REPO_ROOT = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------- randomness


class Rng:
    """A seeded random source with the few helpers the generators need.

    Seeds are built from integers and strings; strings go through CRC32 because Python's own
    `hash()` is salted per process and would break determinism across runs.
    """

    def __init__(self, *seed_parts: int | str) -> None:
        words = [p if isinstance(p, int) else zlib.crc32(p.encode("utf-8")) for p in seed_parts]
        self.seed_parts = tuple(seed_parts)
        self.gen = np.random.default_rng([abs(w) for w in words])

    def child(self, *parts: int | str) -> Rng:
        return Rng(*self.seed_parts, *parts)

    def uniform(self, low: float, high: float) -> float:
        return float(self.gen.uniform(low, high))

    def integer(self, low: int, high: int) -> int:
        """Uniform integer in [low, high], both ends included."""
        return int(self.gen.integers(low, high + 1))

    def chance(self, probability: float) -> bool:
        return bool(self.gen.random() < probability)

    def choice(self, options: Sequence[T]) -> T:
        return options[int(self.gen.integers(0, len(options)))]

    def weighted(self, options: Sequence[T], weights: Sequence[float]) -> T:
        w = np.asarray(weights, dtype=np.float64)
        return options[int(self.gen.choice(len(options), p=w / w.sum()))]

    def sample(self, options: Sequence[T], count: int) -> list[T]:
        picks = self.gen.choice(len(options), size=min(count, len(options)), replace=False)
        return [options[int(i)] for i in picks]

    def shuffled(self, items: Iterable[T]) -> list[T]:
        out = list(items)
        order = self.gen.permutation(len(out))
        return [out[int(i)] for i in order]

    def normal(self, mean: float, std: float) -> float:
        return float(self.gen.normal(mean, std))


def balanced_kind(seed: int, dataset: str, index: int, cycle: Sequence[str]) -> str:
    """The kind of image `index`: each block of len(cycle) images holds every entry once.

    A per-block shuffle keeps neighbouring files varied, and image i's kind depends only on
    (seed, i), so a bigger --n only appends images.
    """
    block, offset = divmod(index, len(cycle))
    return Rng(seed, dataset, "kinds", block).shuffled(cycle)[offset]


# --------------------------------------------------------------------------- colours


def relative_luminance(rgb: Sequence[float]) -> float:
    """WCAG relative luminance of an sRGB colour (0 = black, 1 = white)."""

    def linear(channel: float) -> float:
        c = channel / 255.0
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(float(c)) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: Sequence[float], b: Sequence[float]) -> float:
    la, lb = relative_luminance(a), relative_luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def hsv(h: float, s: float, v: float) -> RGB:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, min(max(s, 0.0), 1.0), min(max(v, 0.0), 1.0))
    return (round(r * 255), round(g * 255), round(b * 255))


def random_colour(
    rng: Rng, sat: tuple[float, float] = (0.4, 1.0), val: tuple[float, float] = (0.3, 1.0)
) -> RGB:
    return hsv(rng.uniform(0, 1), rng.uniform(*sat), rng.uniform(*val))


def pastel(rng: Rng) -> RGB:
    return random_colour(rng, (0.12, 0.45), (0.8, 0.97))


def promo_colour(rng: Rng) -> RGB:
    """The loud reds, oranges, yellows and magentas of Chinese marketplace promotions."""
    return rng.choice(
        [
            (230, 20, 30),
            (255, 70, 0),
            (255, 140, 0),
            (250, 210, 20),
            (235, 0, 110),
            (200, 0, 0),
            (255, 45, 85),
            (20, 20, 20),
            (0, 110, 230),
            (120, 40, 200),
            (0, 160, 90),
        ]
    )


def mix(a: Sequence[float], b: Sequence[float], t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def text_colour_for(
    rng: Rng,
    background: Sequence[float],
    min_contrast: float = 4.5,
    max_contrast: float = 21.0,
    saturated: float = 0.5,
) -> RGB:
    """A text colour whose WCAG contrast with `background` lies in [min_contrast, max_contrast].

    Low `max_contrast` (e.g. 1.6–2.5) gives the light-on-light, tone-on-tone text that defeats
    naive detectors while staying readable to a person.
    """
    for _ in range(60):
        if rng.chance(saturated):
            colour = random_colour(rng, (0.3, 1.0), (0.05, 1.0))
        else:
            grey = rng.integer(0, 255)
            colour = (grey, grey, grey)
        if min_contrast <= contrast_ratio(colour, background) <= max_contrast:
            return colour
    # Fall back to the extreme that is furthest from the background, then pull it back toward
    # the background until the ratio fits under max_contrast.
    far: RGB = (0, 0, 0) if relative_luminance(background) > 0.18 else (255, 255, 255)
    for step in range(20, -1, -1):
        candidate = mix(background, far, step / 20)
        if contrast_ratio(candidate, background) <= max_contrast:
            return candidate
    return far


def luminosity_matched_colour(rng: Rng, background: Sequence[float]) -> RGB:
    """A clearly different hue at nearly the same luminance: invisible in a grey-scale channel."""
    target = relative_luminance(background)
    best: RGB = (128, 128, 128)
    best_err = 9.0
    for _ in range(200):
        colour = random_colour(rng, (0.6, 1.0), (0.3, 1.0))
        err = abs(relative_luminance(colour) - target)
        hue_far = sum(abs(int(c) - int(b)) for c, b in zip(colour, background, strict=False)) > 120
        if hue_far and err < best_err:
            best, best_err = colour, err
    return best


# --------------------------------------------------------------------------- fonts


@dataclass(frozen=True)
class FontFace:
    path: str
    index: int
    name: str
    decorative: bool
    bold: bool


# Known Debian locations (infra/setup.sh installs these packages). `decorative` groups the
# calligraphic and heavy display faces that the original service claims to read.
_KNOWN_CJK_FACES: tuple[tuple[str, int, str, bool, bool], ...] = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2, "Noto Sans CJK SC", False, False),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 3, "Noto Sans CJK TC", False, False),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2, "Noto Sans CJK SC Bold", False, True),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Black.ttc", 2, "Noto Sans CJK SC Black", False, True),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Medium.ttc", 2, "Noto Sans CJK SC Medium", False, True),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Light.ttc", 2, "Noto Sans CJK SC Light", False, False),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2, "Noto Serif CJK SC", False, False),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2, "Noto Serif CJK SC Bold", False, True),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, "WenQuanYi Zen Hei", False, False),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0, "WenQuanYi Micro Hei", False, False),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0, "AR PL UMing CN", False, False),
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0, "AR PL UKai CN", True, False),
    ("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf", 0, "LXGW WenKai", True, False),
    ("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Bold.ttf", 0, "LXGW WenKai Bold", True, True),
    ("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Light.ttf", 0, "LXGW WenKai Light", True, False),
    ("/usr/share/fonts/truetype/cwtex/cwyen.ttf", 0, "cwTeX Yen", True, False),
    ("/usr/share/fonts/truetype/cwtex/cwheib.ttf", 0, "cwTeX HeiBold", True, True),
)
_KNOWN_LATIN_FACES: tuple[tuple[str, bool], ...] = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", False),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", True),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", False),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf", True),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSerif-BoldItalic.ttf", True),
)
_DECORATIVE_NAME_HINTS = ("kai", "yen", "heib", "wenkai", "brush", "xingkai", "lishu", "shoujin")


def _fc_list_cjk_files() -> list[str]:
    """Font files fontconfig says cover Chinese; empty when fc-list is missing."""
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    files = {line.split(":")[0].strip() for line in out.splitlines() if line.strip()}
    return sorted(f for f in files if f.lower().endswith((".ttf", ".ttc", ".otf")))


@dataclass(frozen=True)
class FontLibrary:
    regular: tuple[FontFace, ...]
    decorative: tuple[FontFace, ...]
    latin: tuple[FontFace, ...]

    @property
    def all_cjk(self) -> tuple[FontFace, ...]:
        return self.regular + self.decorative

    def pick(
        self,
        rng: Rng,
        text: str,
        decorative: bool | None = None,
        bold: bool | None = None,
        allow_latin: bool = True,
    ) -> FontFace:
        """A face that has a glyph for every character of `text`.

        `decorative=None` means either group; a group that is empty or cannot render the text
        falls back to all CJK faces, so fewer installed fonts only means less variety.
        """
        if decorative is None:
            pool = list(self.all_cjk) + (list(self.latin) if allow_latin else [])
        else:
            pool = list(self.decorative if decorative else self.regular)
        if bold is not None:
            preferred = [f for f in pool if f.bold == bold]
            pool = preferred or pool
        candidates = [f for f in pool if font_covers(f, text)]
        if not candidates:
            candidates = [f for f in (*self.all_cjk, *self.latin) if font_covers(f, text)]
        if not candidates:
            raise RuntimeError(f"no installed font renders {text!r}; run infra/setup.sh")
        return rng.choice(candidates)


@functools.cache
def discover_fonts() -> FontLibrary:
    """Find CJK-capable fonts: the known Debian paths first, then anything fc-list reports."""
    seen: set[tuple[str, int]] = set()
    faces: list[FontFace] = []
    for path, index, name, decorative, bold in _KNOWN_CJK_FACES:
        if Path(path).is_file():
            faces.append(FontFace(path, index, name, decorative, bold))
            seen.add((path, index))
    for path in _fc_list_cjk_files():
        if (path, 0) in seen or any(p == path for p, _ in seen):
            continue
        lower = Path(path).name.lower()
        decorative = any(hint in lower for hint in _DECORATIVE_NAME_HINTS)
        bold = any(hint in lower for hint in ("bold", "black", "heavy"))
        face = FontFace(path, 0, Path(path).stem, decorative, bold)
        try:
            if not font_covers(face, "微信净含量"):
                continue
        except OSError:
            continue
        faces.append(face)
        seen.add((path, 0))
    if not faces:
        raise RuntimeError("no CJK font found (fc-list :lang=zh); run infra/setup.sh to install them")
    latin = tuple(
        FontFace(path, 0, Path(path).stem, False, bold)
        for path, bold in _KNOWN_LATIN_FACES
        if Path(path).is_file()
    )
    regular = tuple(f for f in faces if not f.decorative)
    decorative_faces = tuple(f for f in faces if f.decorative)
    # Degrade gracefully: with only one group installed, both groups use what there is.
    return FontLibrary(regular or decorative_faces, decorative_faces or regular, latin)


@functools.lru_cache(maxsize=512)
def load_font(face: FontFace, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(face.path, max(4, int(size)), index=face.index)


@functools.cache
def _notdef_glyph(face: FontFace) -> tuple[tuple[int, int], bytes]:
    # U+F0000 is a private-use code point no font here maps: it renders as .notdef.
    mask = load_font(face, 32).getmask("\U000f0000")
    return mask.size, bytes(mask)


@functools.lru_cache(maxsize=65536)
def _glyph_missing(face: FontFace, char: str) -> bool:
    mask = load_font(face, 32).getmask(char)
    return (mask.size, bytes(mask)) == _notdef_glyph(face)


def font_covers(face: FontFace, text: str) -> bool:
    return all(ch.isspace() or not _glyph_missing(face, ch) for ch in text)


def font_size_for_height(face: FontFace, text: str, ink_height: float) -> int:
    """Font size at which the ink of `text` is `ink_height` pixels tall (Latin-only lowercase
    text needs a bigger size than CJK for the same ink height)."""
    probe = load_font(face, 100)
    top, bottom = probe.getbbox(text)[1], probe.getbbox(text)[3]
    ink = max(1, bottom - top)
    return max(8, round(100 * ink_height / ink))


# --------------------------------------------------------------------------- text rendering


@dataclass(frozen=True)
class TextStyle:
    face: FontFace
    size: int
    fill: RGB = (0, 0, 0)
    # Vertical two-colour gradient fill (top, bottom) — common in promo banners.
    fill_gradient: tuple[RGB, RGB] | None = None
    stroke_width: int = 0
    stroke_fill: RGB = (255, 255, 255)
    shadow_offset: tuple[int, int] | None = None
    shadow_blur: float = 2.0
    shadow_fill: RGBA = (0, 0, 0, 150)
    # Extra gap between characters, as a fraction of the font size (spaced-out disguises).
    tracking: float = 0.0
    vertical: bool = False
    opacity: float = 1.0


def _text_masks(text: str, style: TextStyle) -> tuple[Image.Image, Image.Image]:
    """Fill mask and stroke-and-fill mask (mode L), with room for stroke and shadow."""
    font = load_font(style.face, style.size)
    stroke = style.stroke_width
    pad = (
        stroke
        + 4
        + (
            int(abs(style.shadow_offset[0]) + abs(style.shadow_offset[1]) + 3 * style.shadow_blur)
            if style.shadow_offset
            else 0
        )
    )
    size = style.size
    placements: list[tuple[float, float, str, str]] = []  # x, y, anchor, text
    if style.vertical:
        # Upright characters stacked in one column, as in vertical Chinese promo text.
        step = size * (1.0 + style.tracking)
        for i, ch in enumerate(text):
            placements.append((size / 2, size / 2 + i * step, "mm", ch))
        width, height = float(size), size + (len(text) - 1) * step
    elif style.tracking != 0.0:
        x = 0.0
        for ch in text:
            placements.append((x, size * 1.0, "ls", ch))
            x += font.getlength(ch) + style.tracking * size
        width, height = max(1.0, x - style.tracking * size), size * 1.3
    else:
        placements.append((0.0, size * 1.0, "ls", text))
        width, height = font.getlength(text), size * 1.3
    canvas_w, canvas_h = int(width + 2 * pad + size * 0.3), int(height + 2 * pad + size * 0.3)
    fill_mask = Image.new("L", (canvas_w, canvas_h), 0)
    outer_mask = Image.new("L", (canvas_w, canvas_h), 0)
    fill_draw, outer_draw = ImageDraw.Draw(fill_mask), ImageDraw.Draw(outer_mask)
    for x, y, anchor, part in placements:
        xy = (x + pad, y + pad)
        fill_draw.text(xy, part, font=font, fill=255, anchor=anchor)
        outer_draw.text(xy, part, font=font, fill=255, anchor=anchor, stroke_width=stroke, stroke_fill=255)
    return fill_mask, outer_mask


def _solid(size: tuple[int, int], colour: Sequence[int], alpha: Image.Image) -> Image.Image:
    layer = Image.new("RGBA", size, (int(colour[0]), int(colour[1]), int(colour[2]), 0))
    layer.putalpha(alpha)
    return layer


def vertical_gradient_image(size: tuple[int, int], top: Sequence[int], bottom: Sequence[int]) -> Image.Image:
    w, h = size
    t = np.linspace(0.0, 1.0, max(h, 1), dtype=np.float32)[:, None, None]
    rows = (
        np.asarray(top, np.float32)[None, None, :3] * (1 - t)
        + np.asarray(bottom, np.float32)[None, None, :3] * t
    )
    return Image.fromarray(np.repeat(rows, w, axis=1).clip(0, 255).astype(np.uint8), "RGB")


def render_text(text: str, style: TextStyle) -> Image.Image:
    """`text` as a tightly cropped RGBA layer (fill, optional outline stroke and drop shadow)."""
    fill_mask, outer_mask = _text_masks(text, style)
    size = fill_mask.size
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    if style.shadow_offset is not None:
        shadow_alpha = (
            outer_mask.filter(ImageFilter.GaussianBlur(style.shadow_blur))
            if style.shadow_blur > 0
            else outer_mask
        )
        shifted = Image.new("L", size, 0)
        shifted.paste(shadow_alpha, style.shadow_offset)
        shifted = shifted.point(lambda v: v * style.shadow_fill[3] // 255)
        layer = Image.alpha_composite(layer, _solid(size, style.shadow_fill, shifted))
    if style.stroke_width > 0:
        layer = Image.alpha_composite(layer, _solid(size, style.stroke_fill, outer_mask))
    if style.fill_gradient is not None:
        box = fill_mask.getbbox() or (0, 0, size[0], size[1])
        gradient = Image.new("RGB", size, style.fill_gradient[0])
        gradient.paste(
            vertical_gradient_image((size[0], max(1, box[3] - box[1])), *style.fill_gradient), (0, box[1])
        )
        coloured = gradient.convert("RGBA")
        coloured.putalpha(fill_mask)
        layer = Image.alpha_composite(layer, coloured)
    else:
        layer = Image.alpha_composite(layer, _solid(size, style.fill, fill_mask))
    if style.opacity < 1.0:
        layer = set_opacity(layer, style.opacity)
    bbox = layer.getchannel("A").getbbox()
    return layer.crop(bbox) if bbox else layer


def set_opacity(layer: Image.Image, opacity: float) -> Image.Image:
    out = layer.copy()
    out.putalpha(layer.getchannel("A").point(lambda v: round(v * opacity)))
    return out


def rotate_layer(layer: Image.Image, degrees: float) -> Image.Image:
    """Rotate an RGBA layer about its centre, premultiplied so edges do not darken."""
    if abs(degrees) < 0.05:
        return layer
    rotated = layer.convert("RGBa").rotate(degrees, resample=Image.Resampling.BICUBIC, expand=True)
    out = rotated.convert("RGBA")
    bbox = out.getchannel("A").getbbox()
    return out.crop(bbox) if bbox else out


def fit_text_size(face: FontFace, text: str, max_width: float, max_size: int, min_size: int = 8) -> int:
    """Largest font size (≤ max_size) at which `text` fits in `max_width` pixels."""
    width_at_100 = max(1.0, load_font(face, 100).getlength(text))
    return int(max(min_size, min(max_size, 100 * max_width / width_at_100)))


# --------------------------------------------------------------------------- compositing


def paste_layer(canvas: Image.Image, layer: Image.Image, x: int, y: int, opacity: float = 1.0) -> Box | None:
    """Alpha-composite `layer` (RGBA) onto `canvas` (RGB, in place) with its top-left at (x, y).

    Returns the visible ink box [x, y, w, h] clipped to the canvas (None if nothing is visible),
    measured before `opacity` so faint watermarks still get their full box.
    """
    if opacity < 1.0:
        alpha_before = layer.getchannel("A")
        layer = set_opacity(layer, opacity)
    else:
        alpha_before = layer.getchannel("A")
    cw, ch = canvas.size
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(cw, x + layer.width), min(ch, y + layer.height)
    if x1 <= x0 or y1 <= y0:
        return None
    crop_box = (x0 - x, y0 - y, x1 - x, y1 - y)
    part = layer.crop(crop_box)
    region = canvas.crop((x0, y0, x1, y1)).convert("RGBA")
    canvas.paste(Image.alpha_composite(region, part).convert("RGB"), (x0, y0))
    # Ink that is only the faint tail of a blurred shadow does not count toward the box.
    ink = alpha_before.crop(crop_box).point(lambda v: 255 if v > 24 else 0).getbbox()
    if ink is None:
        return None
    return (x0 + ink[0], y0 + ink[1], ink[2] - ink[0], ink[3] - ink[1])


def boxes_overlap(a: Box, b: Box, margin: int = 0) -> bool:
    return not (
        a[0] + a[2] + margin <= b[0]
        or b[0] + b[2] + margin <= a[0]
        or a[1] + a[3] + margin <= b[1]
        or b[1] + b[3] + margin <= a[1]
    )


def to_image(pixels: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(pixels + 0.5, 0, 255).astype(np.uint8), "RGB")


def to_array(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"), dtype=np.float32)


def region_mean_colour(image: Image.Image, box: Box) -> RGB:
    x, y, w, h = box
    patch = np.asarray(image.crop((x, y, x + max(1, w), y + max(1, h))).convert("RGB"), dtype=np.float32)
    mean = patch.reshape(-1, 3).mean(axis=0)
    return (int(mean[0]), int(mean[1]), int(mean[2]))


# --------------------------------------------------------------------------- sizes and saving


def random_canvas_size(rng: Rng, low: int = 500, high: int = 1600) -> tuple[int, int]:
    """Width, height: mostly square like marketplace main images, sometimes portrait/landscape."""
    long_side = rng.integer(min(low, high), high)
    ratio = rng.weighted([1.0, 0.75, 4 / 3, 2 / 3, 1.5, 0.5625, 16 / 9], [10, 4, 3, 2, 2, 1, 1])
    if ratio >= 1.0:
        w, h = float(long_side), long_side / ratio
    else:
        w, h = long_side * ratio, float(long_side)
    return max(low // 2, round(w)), max(low // 2, round(h))


def jpeg_roundtrip(image: Image.Image, quality: int) -> Image.Image:
    """Recompress through JPEG, as every upload pipeline does (blocks, ringing, chroma loss)."""
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")


@dataclass(frozen=True)
class SaveFormat:
    extension: str  # "jpg" or "png"
    quality: int = 90  # JPEG only


def random_save_format(rng: Rng, png_share: float = 0.2, quality: tuple[int, int] = (60, 95)) -> SaveFormat:
    if rng.chance(png_share):
        return SaveFormat("png")
    return SaveFormat("jpg", rng.integer(*quality))


def save_image(
    image: Image.Image, out_dir: Path, stem: str, fmt: SaveFormat, pre_jpeg_quality: int | None = None
) -> str:
    """Write `image`; `pre_jpeg_quality` simulates an earlier JPEG generation (then re-saved)."""
    if pre_jpeg_quality is not None:
        image = jpeg_roundtrip(image, pre_jpeg_quality)
    name = f"{stem}.{fmt.extension}"
    path = out_dir / name
    if fmt.extension == "png":
        image.convert("RGB").save(path, "PNG", optimize=False, compress_level=3)
    else:
        image.convert("RGB").save(path, "JPEG", quality=fmt.quality)
    return name


# --------------------------------------------------------------------------- running jobs


@dataclass(frozen=True)
class Job:
    """One image to generate; workers receive nothing else, so output is independent of scheduling."""

    index: int
    seed: int
    out_dir: str
    options: dict[str, object] = field(default_factory=dict)


def run_jobs(
    worker: Callable[[Job], dict[str, str]], jobs: Sequence[Job], workers: int, progress: bool = True
) -> list[dict[str, str]]:
    """Run `worker` over `jobs` (in processes when workers > 1); rows come back in job order."""
    bar = None
    if progress:
        try:
            from tqdm import tqdm

            bar = tqdm(total=len(jobs), unit="img", leave=False)
        except ImportError:
            bar = None
    rows: list[dict[str, str]] = []
    if workers <= 1 or len(jobs) < 4:
        for job in jobs:
            rows.append(worker(job))
            if bar is not None:
                bar.update(1)
    else:
        # Not "fork": the parent may already run OpenCV / BLAS threads, and forking a threaded
        # process can deadlock. Workers are pure functions of their Job, so any start method works.
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        context = multiprocessing.get_context(method)
        with context.Pool(processes=workers, initializer=_init_worker) as pool:
            for row in pool.imap(worker, jobs, chunksize=2):
                rows.append(row)
                if bar is not None:
                    bar.update(1)
    if bar is not None:
        bar.close()
    return rows


def _init_worker() -> None:
    """One OpenCV thread per worker process: the processes already use every core."""
    import cv2

    cv2.setNumThreads(1)


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def write_labels(path: Path, columns: Sequence[str], rows: Iterable[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)


def resolve_out_dir(out: str | Path) -> Path:
    path = Path(out)
    if not path.is_absolute():
        path = Path.cwd() / path
    path.mkdir(parents=True, exist_ok=True)
    return path


# --------------------------------------------------------------------------- shared vocabulary

# Invented brand names only (no real trademarks), Latin and Chinese.
BRANDS_LATIN = (
    "LUMORA",
    "Kinsei",
    "AQUAVELL",
    "NORDIQ",
    "Verdana Co.",
    "MIRELLE",
    "Oakridge",
    "SOLENNE",
    "Taviro",
    "BRISKA",
    "Pellucid",
    "ZENFOLD",
    "Calyra",
    "HALVOR",
    "Neroli & Co",
    "Qinmu",
    "ORVELLE",
    "Stelva",
)
BRANDS_CHINESE = (
    "润泽坊",
    "木槿生活",
    "清源",
    "悦颜",
    "山川良品",
    "素白",
    "禾森",
    "朗致",
    "初见",
    "栖木",
    "星野",
    "云朵家",
    "嘉禾优选",
    "青柠",
    "暖阳",
    "鹿角巷",
    "沐光",
    "拾光",
)

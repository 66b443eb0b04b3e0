"""Garments, tote bags, handbags and shoes with print that is physically on them.

A slogan on a T-shirt is NOT psoriasis. The cues that make it part of the fabric are produced
physically here:

- a smooth height field of folds and wrinkles drives BOTH the shading of the cloth and the
  geometry of the print: the artwork is resampled through the surface's arc length (compressed
  on the slopes of a fold, bent where it crosses one), so text follows the cloth;
- the print sits in the albedo, so the same fold shading, bevel and light gradient darken it;
- the ink is textured: it thins over the weave, can be cracked or faded (vintage plastisol),
  embroidered (thread stripes and a raised edge) or debossed / foil-stamped on leather;
- print never leaves the silhouette (it is clipped to the garment panel it is on);
- the finished product photo goes through the same camera as the rest of the frame (light
  blur, resampling, sensor noise), so the print is exactly as sharp as the fabric around it.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image, ImageDraw
from synth import (
    BRANDS_LATIN,
    RGB,
    FontLibrary,
    Rng,
    TextStyle,
    fit_text_size,
    mix,
    render_text,
    rotate_layer,
    text_colour_for,
)
from synth_products import (
    _TSHIRT,
    MaskPainter,
    Product,
    bag,
    bevel,
    directional,
    noise_texture,
    paint,
    product_colour,
    scaled,
    shoe,
    smooth_closed,
)
from synth_scenes import ShadowSpec, composite_products, fbm
from synth_signs import photograph, wear

# Invented slogans and graphic words (no real brands), Latin and Chinese.
SLOGANS = (
    "I DON'T CARE",
    "NOT TODAY",
    "GOOD VIBES ONLY",
    "STAY WILD",
    "PARIS",
    "TOKYO 1987",
    "NEW YORK CITY",
    "NO SIGNAL",
    "COFFEE FIRST",
    "HELLO SUMMER",
    "WEEKEND MODE",
    "LESS IS MORE",
    "DREAM BIG",
    "ENJOY THE RIDE",
    "OUT OF OFFICE",
    "BE KIND",
    "LOST IN MUSIC",
    "CALIFORNIA",
    "MILANO",
    "ATHLETIC DEPT.",
    "自由",
    "青春无敌",
    "佛系",
    "躺平",
    "快乐星球",
    "好运连连",
    "别烦我",
    "元气满满",
    "人间值得",
    "今天也要加油",
)
SECOND_LINES = (
    "EST. 1998",
    "SINCE 2004",
    "VOL. 7",
    "ORIGINAL",
    "LIMITED EDITION",
    "WORLD TOUR",
    "NO. 23",
    "AUTHENTIC",
    "CLUB",
    "TEAM",
    "2024",
    "SUMMER CAMP",
)
ARC_WORDS = ("UNIVERSITY", "ATHLETICS", "SURF CLUB", "MOUNTAIN CLUB", "RACING TEAM", "COLLEGE", "SKATE CO.")
TOTE_SLOGANS = (
    "SAVE THE OCEAN",
    "BOOKS & COFFEE",
    "MARKET BAG",
    "NO PLASTIC",
    "READ MORE",
    "BONJOUR",
    "生活要有仪式感",
    "环保购物袋",
    "随遇而安",
    "I ♥ PARIS",
    "FARMERS MARKET",
)

_SWEATSHIRT = [
    (0.37, 0.02),
    (0.2, 0.05),
    (0.08, 0.22),
    (0.0, 0.92),
    (0.13, 0.95),
    (0.2, 0.42),
    (0.22, 1.0),
    (0.78, 1.0),
    (0.8, 0.42),
    (0.87, 0.95),
    (1.0, 0.92),
    (0.92, 0.22),
    (0.8, 0.05),
    (0.63, 0.02),
    (0.5, 0.09),
]


# --------------------------------------------------------------------------- fabric geometry


def fold_field(
    rng: Rng, h: int, w: int, mask: np.ndarray, strength: float, focus: tuple[float, float, float, float]
) -> np.ndarray:
    """Height (in px) of a garment surface: a few folds (ridges and creases) and soft bumps;
    some folds are made to cross `focus` (cx, cy, w, h), the printed area. Folds are smooth, so
    the field is built on a grid half the size and upsampled."""
    sh, sw = max(2, h // 2), max(2, w // 2)
    yy = np.linspace(0, h, sh, dtype=np.float32)[:, None]
    xx = np.linspace(0, w, sw, dtype=np.float32)[None, :]
    height = (fbm(rng, sh, sw, 3, 3) - 0.5) * strength * min(w, h) * 0.05
    crossing = rng.integer(1, 3)
    for i in range(rng.integer(3, 8) + crossing):
        angle = rng.uniform(0, math.pi) if rng.chance(0.5) else rng.uniform(-0.5, 0.5) + math.pi / 2
        if i < crossing:
            x0 = focus[0] + rng.uniform(-0.4, 0.4) * focus[2]
            y0 = focus[1] + rng.uniform(-0.4, 0.4) * focus[3]
        else:
            x0, y0 = rng.uniform(0.15, 0.85) * w, rng.uniform(0.15, 0.85) * h
        dist = (xx - x0) * math.cos(angle) + (yy - y0) * math.sin(angle)
        along = -(xx - x0) * math.sin(angle) + (yy - y0) * math.cos(angle)
        width = rng.uniform(0.015, 0.06) * w
        length = rng.uniform(0.15, 0.5) * max(w, h)
        bend = rng.uniform(-0.3, 0.3) * along**2 / max(length, 1.0)
        amplitude = rng.uniform(-1.0, 1.0) * width * rng.uniform(0.5, 1.3) * strength
        height += amplitude * np.exp(-(((dist + bend) / width) ** 2) - (along / length) ** 2)
    height = cv2.resize(height.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    # Keep the folds where the fabric is.
    return (height * np.clip(cv2.GaussianBlur(mask, (0, 0), 3.0) * 1.2, 0, 1)).astype(np.float32)


def fold_shading(height: np.ndarray, light: tuple[float, float, float]) -> np.ndarray:
    """Lambert shading of the height field, 1.0 for a flat surface facing the camera."""
    gy, gx = np.gradient(height)
    lx, ly, lz = light
    norm = np.sqrt(gx * gx + gy * gy + 1.0)
    lambert = (-gx * lx - gy * ly + lz) / norm
    return np.clip(lambert / lz, 0.25, 1.35).astype(np.float32)


def surface_maps(height: np.ndarray, tilt: float, anchor: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Where each pixel lands in the flat artwork: arc length along x and y from `anchor` (print
    is compressed on the slopes of folds), plus a shift of raised fabric seen slightly from above."""
    h, w = height.shape
    gy, gx = np.gradient(height)
    ux = np.cumsum(np.sqrt(1.0 + gx * gx) - 1.0, axis=1)
    uy = np.cumsum(np.sqrt(1.0 + gy * gy) - 1.0, axis=0)
    ax, ay = min(max(anchor[0], 0), w - 1), min(max(anchor[1], 0), h - 1)
    ux -= ux[:, ax : ax + 1]
    uy -= uy[ay : ay + 1, :]
    map_x = ux + np.arange(w, dtype=np.float32)[None, :]
    map_y = uy + tilt * height + np.arange(h, dtype=np.float32)[:, None]
    return map_x.astype(np.float32), map_y.astype(np.float32)


# --------------------------------------------------------------------------- artwork


def _arc_text(fonts: FontLibrary, rng: Rng, text: str, radius: float, size: int, colour: RGB) -> Image.Image:
    """`text` set along the top of a circle (collegiate style), as an RGBA layer."""
    face = fonts.pick(rng, text, bold=True)
    span = min(math.pi * 0.9, len(text) * size * 0.72 / radius)
    side = int(radius * 2 + size * 3)
    layer = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    cx = cy = side / 2
    for i, ch in enumerate(text):
        if ch == " ":
            continue
        theta = -math.pi / 2 - span / 2 + span * (i + 0.5) / len(text)
        glyph = render_text(ch, TextStyle(face, size, fill=colour))
        glyph = rotate_layer(glyph, -math.degrees(theta + math.pi / 2))
        x = cx + radius * math.cos(theta) - glyph.width / 2
        y = cy + radius * math.sin(theta) - glyph.height / 2
        layer.alpha_composite(glyph, (int(x), int(y)))
    box = layer.getchannel("A").getbbox()
    return layer.crop(box) if box else layer


def _fit(layer: Image.Image, w: float, h: float) -> Image.Image:
    scale = min(w / max(1, layer.width), h / max(1, layer.height), 1.0)
    if scale < 1.0:
        layer = layer.resize(
            (max(1, int(layer.width * scale)), max(1, int(layer.height * scale))), Image.Resampling.LANCZOS
        )
    return layer


def _line(
    fonts: FontLibrary, rng: Rng, text: str, w: float, h: float, colour: RGB, **style: object
) -> Image.Image:
    face = fonts.pick(rng, text, decorative=bool(style.pop("decorative", False)) or None, bold=True)
    size = fit_text_size(face, text, w, int(h), min_size=8)
    layer = render_text(text, TextStyle(face, size, fill=colour, **style))  # type: ignore[arg-type]
    return _fit(layer, w, h)


def artwork(rng: Rng, fonts: FontLibrary, w: int, h: int, fabric: RGB, kind: str) -> Image.Image:
    """Flat print artwork (RGBA, transparent where the fabric shows) for a w × h print area."""
    art = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    ink = text_colour_for(rng, fabric, 3.5, 21.0, saturated=0.45)
    accent = text_colour_for(rng, fabric, 3.0, 21.0, saturated=0.95)
    words = TOTE_SLOGANS if kind == "tote" else SLOGANS
    layout = rng.weighted(["stack", "arc", "number", "badge", "block"], [5, 2, 1, 2, 2])
    parts: list[Image.Image] = []
    if layout == "arc":
        radius = w * rng.uniform(0.32, 0.45)
        parts.append(_arc_text(fonts, rng, rng.choice(ARC_WORDS), radius, max(10, int(w * 0.09)), ink))
        parts.append(_line(fonts, rng, rng.choice(SECOND_LINES), w * 0.55, h * 0.16, accent))
    elif layout == "number":
        number = str(rng.integer(0, 99)).zfill(2)
        parts.append(_line(fonts, rng, rng.choice(ARC_WORDS), w * 0.9, h * 0.16, ink))
        stroke = max(2, int(h * 0.02))
        parts.append(
            _line(fonts, rng, number, w * 0.6, h * 0.55, accent, stroke_width=stroke, stroke_fill=ink)
        )
    elif layout == "badge":
        side = int(min(w, h) * 0.98)
        badge = Image.new("RGBA", (side, side), (0, 0, 0, 0))
        draw = ImageDraw.Draw(badge)
        ring = max(2, side // 28)
        draw.ellipse((ring, ring, side - ring, side - ring), outline=(*ink, 255), width=ring)
        draw.ellipse(
            (side * 0.16, side * 0.16, side * 0.84, side * 0.84), outline=(*ink, 255), width=max(1, ring // 2)
        )
        word = _line(fonts, rng, rng.choice(words), side * 0.58, side * 0.22, accent)
        badge.alpha_composite(word, ((side - word.width) // 2, (side - word.height) // 2))
        arc = _arc_text(fonts, rng, rng.choice(ARC_WORDS), side * 0.38, max(8, side // 13), ink)
        badge.alpha_composite(
            _fit(arc, side * 0.8, side * 0.3),
            ((side - min(arc.width, int(side * 0.8))) // 2, int(side * 0.05)),
        )
        parts.append(badge)
    elif layout == "block":
        text = rng.choice(words)
        block_colour = accent
        inner = text_colour_for(rng, block_colour, 3.0, 21.0, saturated=0.3)
        line = _line(fonts, rng, text, w * 0.8, h * 0.26, inner)
        pad = int(h * 0.05)
        block = Image.new("RGBA", (line.width + 2 * pad, line.height + 2 * pad), (*block_colour, 255))
        block.alpha_composite(line, (pad, pad))
        parts.append(_fit(block, w * 0.95, h * 0.4))
        if rng.chance(0.6):
            parts.append(_line(fonts, rng, rng.choice(SECOND_LINES), w * 0.6, h * 0.12, ink))
    else:
        text = rng.choice(words)
        split = text.split(" ")
        lines = (
            [" ".join(split[: len(split) // 2]), " ".join(split[len(split) // 2 :])]
            if len(split) >= 3 and rng.chance(0.6)
            else [text]
        )
        for i, line in enumerate(lines):
            parts.append(
                _line(
                    fonts,
                    rng,
                    line,
                    w * 0.92,
                    h * (0.3 if len(lines) == 1 else 0.24),
                    ink if i == 0 else accent,
                    decorative=rng.chance(0.2),
                )
            )
        if rng.chance(0.5):
            parts.append(_line(fonts, rng, rng.choice(SECOND_LINES), w * 0.5, h * 0.1, accent))
    gap = int(h * 0.04)
    total = sum(p.height for p in parts) + gap * (len(parts) - 1)
    y = max(0, (h - total) // 2) if kind != "shirt_top" else 0
    for p in parts:
        p = _fit(p, w, h - y)
        art.alpha_composite(p, (max(0, (w - p.width) // 2), min(y, max(0, h - p.height))))
        y += p.height + gap
    return art


# --------------------------------------------------------------------------- products


def _fabric(rng: Rng, h: int, w: int, colour: RGB, coarse: bool) -> tuple[np.ndarray, np.ndarray]:
    """Albedo of knit or canvas and its weave (a -1..1 pattern the print partly fills)."""
    xx = np.arange(w, dtype=np.float32)[None, :]
    yy = np.arange(h, dtype=np.float32)[:, None]
    period = rng.uniform(3.0, 5.0) if coarse else rng.uniform(2.2, 3.5)
    weave = np.sin(xx * 2 * np.pi / period) * np.sin(yy * 2 * np.pi / period * rng.uniform(0.8, 1.2))
    slub = noise_texture(rng, h, w, 1.0, 0.7)
    pattern = np.clip(0.6 * weave + 0.4 * slub, -1, 1).astype(np.float32)
    albedo = np.empty((h, w, 3), np.float32)
    albedo[:] = np.asarray(colour, np.float32)
    albedo *= (1 + (0.06 if coarse else 0.035) * pattern + noise_texture(rng, h, w, 0.02, 3.0))[:, :, None]
    return albedo, pattern


def shirt(rng: Rng, w: int, h: int) -> tuple[Product, tuple[float, float, float, float], np.ndarray]:
    """A T-shirt or sweatshirt laid flat / on a ghost mannequin; returns the product, the chest
    print area (x, y, w, h) and the fabric weave."""
    long = rng.chance(0.35)
    painter = MaskPainter(w, h)
    painter.polygon(scaled(_SWEATSHIRT if long else _TSHIRT, w, h))
    alpha = cv2.GaussianBlur(painter.result(), (0, 0), max(0.6, min(w, h) / 800))
    colour = (
        product_colour(rng)
        if rng.chance(0.7)
        else rng.choice([(245, 245, 242), (25, 25, 28), (128, 130, 134), (30, 40, 70)])
    )
    albedo, weave = _fabric(rng, h, w, colour, coarse=long)
    neck = MaskPainter(w, h)
    neck.polygon(smooth_closed(scaled([(0.4, 0.03), (0.5, 0.09), (0.6, 0.03), (0.5, 0.05)], w, h), 8))
    paint(albedo, neck.result(), mix(colour, (0, 0, 0), 0.35))
    if long:
        # Ribbed hem and cuffs.
        rib = np.zeros((h, w), np.float32)
        rib[int(0.93 * h) :] = 1
        rib[int(0.88 * h) :, : int(0.2 * w)] = 1
        rib[int(0.88 * h) :, int(0.8 * w) :] = 1
        ribs = 0.9 + 0.1 * (np.arange(w) % 4 < 2).astype(np.float32)[None, :]
        albedo *= (1 - rib * (1 - ribs))[:, :, None]
    shade = bevel(alpha, min(w, h) * 0.03, 0.25) * directional(h, w, rng, 0.15)
    product = Product("garment", albedo, shade.astype(np.float32), np.zeros((h, w), np.float32), alpha)
    area_w = w * rng.uniform(0.4, 0.5)
    area = (
        (w - area_w) / 2 + w * rng.uniform(-0.02, 0.02),
        h * rng.uniform(0.16, 0.24),
        area_w,
        h * rng.uniform(0.3, 0.42),
    )
    return product, area, weave


def tote(rng: Rng, w: int, h: int) -> tuple[Product, tuple[float, float, float, float], np.ndarray]:
    """A canvas tote bag with two straps."""
    colour = rng.choice(
        [(232, 222, 200), (240, 236, 226), (28, 28, 30), (40, 50, 80), (110, 115, 80), product_colour(rng)]
    )
    top = 0.3
    body = MaskPainter(w, h)
    body.polygon([(0.06 * w, top * h), (0.94 * w, top * h), (0.97 * w, 0.995 * h), (0.03 * w, 0.995 * h)])
    m_body = body.result()
    straps = MaskPainter(w, h)
    for cx in (0.33, 0.67):
        straps.arc(((cx - 0.14) * w, 0.01 * h, (cx + 0.14) * w, (top + 0.3) * h), 180, 360, w * 0.035)
    m_straps = straps.result() * (1 - m_body)
    alpha = np.maximum(m_body, m_straps)
    albedo, weave = _fabric(rng, h, w, colour, coarse=True)
    seam = np.zeros((h, w), np.float32)
    seam[int(top * h) : int(top * h) + max(2, h // 60)] = 1
    shade = bevel(m_body, min(w, h) * 0.02, 0.2) * directional(h, w, rng, 0.15) * (1 - 0.25 * seam)
    shade = np.where(m_straps > 0.5, bevel(m_straps, w * 0.01, 0.35), shade)
    product = Product("bag", albedo, shade.astype(np.float32), np.zeros((h, w), np.float32), alpha)
    area = (0.16 * w, (top + 0.08) * h, 0.68 * w, 0.5 * h)
    return product, area, weave


# --------------------------------------------------------------------------- printing


def print_on_fabric(
    rng: Rng,
    product: Product,
    art: Image.Image,
    area: tuple[float, float, float, float],
    weave: np.ndarray,
    strength: float,
    method: str,
) -> None:
    """Apply `art` (sized to `area`) to the product through its fold field, shading and texture.
    The folds shade the whole product; the print is resampled in a window around `area`."""
    h, w = product.alpha.shape
    ax, ay, aw, ah = area
    height = fold_field(rng, h, w, product.alpha, strength, (ax + aw / 2, ay + ah / 2, aw, ah))
    light = (rng.uniform(-0.5, 0.5), rng.uniform(-0.7, -0.1), 1.0)
    product.shade *= fold_shading(height, light)
    margin = 0.2 * max(aw, ah) + 8
    x0, y0 = max(0, int(ax - margin)), max(0, int(ay - margin))
    x1, y1 = min(w, int(ax + aw + margin) + 1), min(h, int(ay + ah + margin) + 1)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return
    win = (slice(y0, y1), slice(x0, x1))
    anchor = (int(ax + aw / 2) - x0, int(ay + ah / 2) - y0)
    map_x, map_y = surface_maps(height[win], rng.uniform(0.0, 0.5), anchor)
    rgba = np.asarray(art.resize((max(1, int(aw)), max(1, int(ah))), Image.Resampling.LANCZOS), np.float32)
    colour_pm = rgba[:, :, :3] * (rgba[:, :, 3:] / 255.0)
    cover = rgba[:, :, 3] / 255.0
    mx, my = map_x + (x0 - ax), map_y + (y0 - ay)
    warped_pm = cv2.remap(colour_pm, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    warped_a = cv2.remap(cover, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    ink = warped_pm / np.maximum(warped_a, 1e-4)[:, :, None]
    # The ink soaks slightly into the fibres, is printed on this panel only and does not fill
    # the weave completely; the fabric's own texture shows through it.
    on_panel = product.alpha[win] > 0.6
    coverage = cv2.GaussianBlur(warped_a, (0, 0), 0.5) * on_panel
    albedo = product.albedo[win]
    lum = albedo.mean(axis=2, keepdims=True)
    ink = ink * (0.7 + 0.3 * lum / max(float(lum[on_panel].mean()) if on_panel.any() else 1.0, 1.0))
    shade, gloss = product.shade[win], product.gloss[win]
    if method == "screen":
        coverage *= np.clip(1.0 - 0.25 * np.clip(-weave[win], 0, 1) - rng.uniform(0.0, 0.15), 0, 1)
        if rng.chance(0.4):
            coverage *= wear(
                rng, y1 - y0, x1 - x0, rng.uniform(0.3, 0.9)
            )  # cracked, washed-out vintage print
        ink = ink * (1 + 0.04 * weave[win][:, :, None])
    elif method == "embroidery":
        # Satin-stitch: thread stripes across the letters and a raised edge that casts shade.
        angle = rng.uniform(0, math.pi)
        xs = np.arange(x0, x1, dtype=np.float32)[None, :] * math.cos(angle)
        ys = np.arange(y0, y1, dtype=np.float32)[:, None] * math.sin(angle)
        stripes = 0.88 + 0.18 * np.sin((xs + ys) * 2 * math.pi / 2.4)
        ink = ink * stripes[:, :, None]
        gy, gx = np.gradient(cv2.GaussianBlur(warped_a, (0, 0), 1.2))
        shade *= 1.0 + 3.0 * (-gx * 0.5 - gy * 0.7) * on_panel
        gloss += 90 * coverage * np.clip(stripes - 1.0, 0, 1)
    elif method == "foil":
        gloss += rng.uniform(25, 60) * coverage * fold_shading(height[win], (0.6, -0.6, 0.6)) ** 4
    elif method == "deboss":
        gy, gx = np.gradient(cv2.GaussianBlur(warped_a, (0, 0), 1.0))
        shade *= 1.0 + 4.0 * (gx * 0.6 + gy * 0.7) * on_panel
        ink = albedo * 0.72
    albedo[:] = albedo * (1 - coverage[:, :, None]) + ink * coverage[:, :, None]


def _print_on_shoe(rng: Rng, fonts: FontLibrary, product: Product) -> None:
    """A brand word along the side panel, following the upper's curve, in the accent colour."""
    h, w = product.alpha.shape
    flipped = float(product.surfaces[0].quad[:, 0].mean()) > w / 2
    brand = rng.choice(BRANDS_LATIN).upper().replace(" & CO", "").replace(" CO.", "")
    under = tuple(int(c) for c in product.albedo[int(h * 0.55), int(w * 0.45)])
    colour = text_colour_for(rng, under, 3.5, 21.0, saturated=0.5)
    face = fonts.pick(rng, brand, bold=True)
    size = fit_text_size(face, brand, w * 0.38, int(h * 0.12))
    layer = render_text(brand, TextStyle(face, size, fill=colour, tracking=rng.uniform(0.0, 0.1)))
    rgba = np.asarray(layer, np.float32)
    lh, lw = rgba.shape[:2]
    # Where the text goes: a gentle arc rising toward the toe (mirrored when the toe is left).
    x0, y0 = w * 0.2, h * rng.uniform(0.46, 0.54)
    xx, yy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    xs = w - 1 - xx if flipped else xx
    t = (xs - x0) / max(1.0, lw)
    rise = rng.uniform(0.05, 0.25) * lh * 4 * t - rng.uniform(0.0, 0.6) * lh * t * t
    map_x = (xs - x0).astype(np.float32)
    map_y = (yy - y0 + rise).astype(np.float32)
    if flipped:
        # Mirror the placement, not the lettering: it still reads left to right.
        map_x = (lw - 1 - map_x).astype(np.float32)
    colour_pm = rgba[:, :, :3] * (rgba[:, :, 3:] / 255.0)
    warped_pm = cv2.remap(colour_pm, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    warped_a = cv2.remap(
        rgba[:, :, 3] / 255.0, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT
    )
    upper = (product.alpha > 0.6) & (yy < h * 0.68)
    coverage = warped_a * upper * rng.uniform(0.85, 1.0)
    ink = warped_pm / np.maximum(warped_a, 1e-4)[:, :, None]
    product.albedo[:] = product.albedo * (1 - coverage[:, :, None]) + ink * coverage[:, :, None]


def printed_product(rng: Rng, fonts: FontLibrary, max_w: int, max_h: int) -> Product:
    """A garment, tote, handbag or shoe carrying print that follows its surface."""
    kind = rng.weighted(["shirt", "tote", "handbag", "shoe"], [6, 2, 1, 2])
    if kind == "shoe":
        aspect = rng.uniform(0.42, 0.5)
        sw = int(min(max_w, max_h / aspect))
        product = shoe(rng, sw, int(sw * aspect))
        _print_on_shoe(rng, fonts, product)
        return product
    if kind == "handbag":
        aspect = rng.uniform(0.8, 1.0)
        bw = int(min(max_w, max_h / aspect))
        product = bag(rng, bw, int(bw * aspect))
        x0, y0 = product.surfaces[0].quad[0]
        x1, y1 = product.surfaces[0].quad[2]
        area = (float(x0), float(y0), float(x1 - x0), float(y1 - y0))
        brand = rng.choice(BRANDS_LATIN).upper()
        under = tuple(int(c) for c in product.surfaces[0].colour)
        colour = rng.choice([(215, 185, 110), text_colour_for(rng, under, 1.6, 4.0)])
        art = _line(fonts, rng, brand, area[2], area[3] * 0.5, colour)
        canvas = Image.new("RGBA", (int(area[2]), int(area[3])), (0, 0, 0, 0))
        canvas.alpha_composite(art, ((canvas.width - art.width) // 2, (canvas.height - art.height) // 2))
        weave = np.zeros(product.alpha.shape, np.float32)
        method = "foil" if colour == (215, 185, 110) else rng.choice(["deboss", "screen"])
        print_on_fabric(rng, product, canvas, area, weave, 0.15, method)
        return product
    aspect = rng.uniform(1.0, 1.25)
    pw = int(min(max_w, max_h / aspect))
    product, area, weave = (
        shirt(rng, pw, int(pw * aspect)) if kind == "shirt" else tote(rng, pw, int(pw * aspect))
    )
    fabric = tuple(int(c) for c in product.albedo[int(area[1] + area[3] / 2), int(area[0] + area[2] / 2)])
    art = artwork(rng, fonts, int(area[2]), int(area[3]), fabric, "tote" if kind == "tote" else "shirt")
    method = rng.weighted(["screen", "embroidery"], [5, 1])
    if method == "embroidery":
        # Embroidery is a small chest logo, not a full print.
        small = (area[0] + area[2] * rng.choice([0.0, 0.55]), area[1], area[2] * 0.45, area[3] * 0.3)
        art = _line(
            fonts,
            rng,
            rng.choice(BRANDS_LATIN).upper(),
            small[2],
            small[3],
            text_colour_for(rng, fabric, 2.5, 21.0),
        )
        area = (small[0], small[1], float(art.width), float(art.height))
    print_on_fabric(
        rng,
        product,
        art,
        area,
        weave,
        rng.uniform(0.6, 1.4) if kind == "shirt" else rng.uniform(0.4, 1.0),
        method,
    )
    return product


def garment_print_image(
    rng: Rng, fonts: FontLibrary, background: np.ndarray, size: tuple[int, int] | None = None
) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """A product photo of a printed garment / bag / shoe on `background` (h, w, 3 float, the
    render size), photographed to `size` (w, h; default the background's). Returns the pixels
    and the product box in output pixels."""
    h, w = background.shape[:2]
    out_w, out_h = size or (w, h)
    fill = rng.uniform(0.55, 0.88)
    product = printed_product(rng, fonts, int(w * fill), int(h * fill))
    pw, ph = product.size
    origin = ((w - pw) // 2 + rng.integer(-w // 30, w // 30), (h - ph) // 2 + rng.integer(-h // 30, h // 30))
    shadow = (
        ShadowSpec(rng.uniform(0.0, 0.4), rng.uniform(0.05, 0.25), (rng.uniform(-0.03, 0.03), 0.02), 0.04)
        if rng.chance(0.6)
        else None
    )
    stage = composite_products(background, [product], [origin], shadow)
    pixels = photograph(
        rng,
        stage.pixels.astype(np.float32),
        (out_w, out_h),
        noise_scale=rng.uniform(0.2, 0.7),
        blur=(0.2, 0.7),
        vignette=0.2,
    )
    sx, sy = out_w / w, out_h / h
    boxes = [
        (int(x * sx), int(y * sy), max(1, int(bw * sx)), max(1, int(bh * sy)))
        for x, y, bw, bh in stage.product_boxes
    ]
    return pixels, boxes

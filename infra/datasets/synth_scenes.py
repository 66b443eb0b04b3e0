"""Backgrounds, shadows and product placement for the synthetic generators.

All backgrounds are float32 arrays (H, W, 3) in 0..255, so shadows can darken them
multiplicatively before the products are composited on top. Pure white means exactly 255.0 and
stays exactly 255 after `synth.to_image` (values are rounded, then clipped).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from synth import Box, FontLibrary, Rng, mix, pastel, random_colour
from synth_products import Product, apply_print, make_product, points_array

# --------------------------------------------------------------------------- noise primitives


def value_noise(rng: Rng, h: int, w: int, cells: float) -> np.ndarray:
    """Smooth noise in [0, 1]: a coarse random grid upsampled with bicubic interpolation."""
    gy = max(2, round(cells * h / max(h, w)) + 2)
    gx = max(2, round(cells * w / max(h, w)) + 2)
    grid = rng.gen.random((gy, gx)).astype(np.float32)
    return np.clip(cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC), 0.0, 1.0)


def fbm(
    rng: Rng, h: int, w: int, base_cells: float = 4, octaves: int = 4, persistence: float = 0.5
) -> np.ndarray:
    """Fractal (multi-octave) noise normalised to [0, 1]."""
    total = np.zeros((h, w), np.float32)
    amplitude, cells, norm = 1.0, base_cells, 0.0
    for _ in range(octaves):
        total += amplitude * value_noise(rng, h, w, cells)
        norm += amplitude
        amplitude *= persistence
        cells *= 2
    total /= norm
    lo, hi = float(total.min()), float(total.max())
    return (total - lo) / max(hi - lo, 1e-6)


def grain(rng: Rng, h: int, w: int, sigma: float) -> np.ndarray:
    """Per-pixel sensor noise (H, W, 1)."""
    return rng.gen.normal(0.0, sigma, (h, w, 1)).astype(np.float32)


def colourise(
    t: np.ndarray, dark: Sequence[float] | np.ndarray, light: Sequence[float] | np.ndarray
) -> np.ndarray:
    d = np.asarray(dark, np.float32)[None, None, :]
    lt = np.asarray(light, np.float32)[None, None, :]
    return d + (lt - d) * t[:, :, None]


def soft_blur(image: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur; wide ones run on a downscaled copy (the result is smooth anyway)."""
    if sigma <= 4.0:
        return cv2.GaussianBlur(image, (0, 0), max(sigma, 0.3))
    h, w = image.shape[:2]
    factor = sigma / 3.0
    small = cv2.resize(
        image, (max(1, int(w / factor)), max(1, int(h / factor))), interpolation=cv2.INTER_AREA
    )
    small = cv2.GaussianBlur(small, (0, 0), 3.0)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


# --------------------------------------------------------------------------- backgrounds


def solid(h: int, w: int, colour: Sequence[float]) -> np.ndarray:
    return np.broadcast_to(np.asarray(colour, np.float32)[None, None, :3], (h, w, 3)).copy()


def linear_gradient(
    h: int, w: int, start: Sequence[float], end: Sequence[float], vertical: bool = True
) -> np.ndarray:
    n = h if vertical else w
    t = np.linspace(0.0, 1.0, n, dtype=np.float32)
    t2 = np.broadcast_to(t[:, None] if vertical else t[None, :], (h, w))
    return colourise(t2, start, end)


def radial_gradient(
    h: int,
    w: int,
    centre_colour: Sequence[float],
    edge_colour: Sequence[float],
    centre: tuple[float, float] = (0.5, 0.45),
    power: float = 1.6,
) -> np.ndarray:
    """Bright centre fading to `edge_colour` at the farthest corner (a vignetted studio shot)."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = centre[0] * w, centre[1] * h
    dist = np.sqrt(((xx - cx) / w) ** 2 + ((yy - cy) / h) ** 2)
    t = np.clip(dist / max(float(dist.max()), 1e-6), 0, 1) ** power
    return colourise(t, centre_colour, edge_colour)


def studio_sweep(rng: Rng, h: int, w: int) -> np.ndarray:
    """A paper sweep lit from the front: grey wall at the top, brighter floor, soft horizon."""
    wall = rng.uniform(200, 232)
    floor = rng.uniform(228, 244)
    horizon = rng.uniform(0.55, 0.75)
    y = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None]
    t = 1.0 / (1.0 + np.exp(-(y - horizon) / 0.06))
    column = wall + (floor - wall) * t
    tint = np.asarray(pastel(rng), np.float32) / 255.0 * 0.06 + 0.94
    img = np.broadcast_to(column[:, :, None], (h, w, 1)) * tint[None, None, :]
    vignette = radial_gradient(h, w, (1.0, 1.0, 1.0), (0.9, 0.9, 0.9), (0.5, 0.6))
    return img * vignette


def streaks(rng: Rng, h: int, w: int, rows: int, cols: int) -> np.ndarray:
    """Noise stretched along x (wood fibres, brushed metal): many rows, few columns."""
    grid = rng.gen.random((max(2, rows), max(2, cols))).astype(np.float32)
    return cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC).clip(0, 1)


def wood(rng: Rng, h: int, w: int) -> np.ndarray:
    """Planks with long grain along x, in oak, walnut, pale ash or grey-washed tones."""
    palettes = [
        ((120, 78, 45), (190, 140, 90)),
        ((70, 42, 25), (130, 85, 55)),
        ((170, 130, 90), (225, 195, 150)),
        ((150, 150, 145), (205, 200, 190)),
    ]
    dark, light = rng.choice(palettes)
    plank = max(40, int(h / rng.uniform(2.5, 6)))
    img = np.empty((h, w, 3), np.float32)
    for y0 in range(0, h, plank):
        ph = min(plank, h - y0)
        yy = np.linspace(0, 1, ph, dtype=np.float32)[:, None]
        warp = fbm(rng, ph, w, 2, 2) * rng.uniform(0.5, 1.5)
        rings = 0.5 + 0.5 * np.sin((yy * rng.uniform(3, 8) + warp) * 2 * np.pi)
        fibres = streaks(rng, ph, w, ph // 3, w // 80)
        t = 0.45 * rings**2 + 0.55 * fibres
        img[y0 : y0 + ph] = colourise(t, dark, light) * rng.uniform(0.9, 1.08)
        img[y0 : y0 + max(1, h // 400) + 1] *= 0.55  # the gap between planks
    return np.clip(img, 0, 255)


def marble(rng: Rng, h: int, w: int) -> np.ndarray:
    """Stone with thin meandering veins on a mostly even base."""
    base = np.asarray(
        rng.choice([(238, 236, 232), (226, 223, 219), (58, 58, 62), (218, 205, 195)]), np.float32
    )
    vein_colour = base * 0.55 if base.mean() > 128 else np.minimum(base * 2.5 + 60, 255)
    turbulence = fbm(rng, h, w, 3, 5)
    xx, yy = np.meshgrid(np.linspace(0, 1, w, dtype=np.float32), np.linspace(0, 1, h, dtype=np.float32))
    phase = (xx * rng.uniform(0.3, 1.0) + yy * rng.uniform(0.3, 1.0)) * 1.5 + turbulence * rng.uniform(
        1.2, 2.2
    )
    veins = np.exp(-np.abs(np.sin(phase * np.pi)) / 0.05) * fbm(rng, h, w, 3, 3) ** 1.5
    cloud = 0.93 + 0.07 * fbm(rng, h, w, 5, 4)
    img = colourise(veins, base, vein_colour) * cloud[:, :, None]
    return np.clip(img, 0, 255)


def fabric(rng: Rng, h: int, w: int) -> np.ndarray:
    base = random_colour(rng, (0.1, 0.6), (0.45, 0.9))
    period = rng.uniform(3.0, 6.0)
    xx, yy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    weave = np.sin(xx * 2 * np.pi / period) * np.sin(yy * 2 * np.pi / period)
    slubs = streaks(rng, h, w, h // 2, w // 30)  # thicker yarns running across the weave
    folds = fbm(rng, h, w, 2, 3)
    t = 0.85 + 0.06 * weave + 0.08 * (slubs - 0.5) + 0.12 * (folds - 0.5)
    return np.clip(np.asarray(base, np.float32)[None, None, :] * t[:, :, None], 0, 255)


def concrete(rng: Rng, h: int, w: int) -> np.ndarray:
    grey = rng.uniform(110, 200)
    t = 0.6 * fbm(rng, h, w, 6, 5) + 0.4 * fbm(rng, h, w, 60, 2)  # blotches plus fine grit
    img = solid(h, w, (grey, grey * 0.98, grey * 0.95)) * (0.88 + 0.24 * t)[:, :, None]
    return np.clip(img + grain(rng, h, w, 6), 0, 255)


def tiles(rng: Rng, h: int, w: int) -> np.ndarray:
    tile_colour = rng.choice([(240, 240, 236), (200, 220, 230), (235, 225, 205), (90, 110, 120)])
    grout = mix(tile_colour, (90, 90, 90), 0.4)
    size = rng.integer(50, 140)
    img = solid(h, w, tile_colour) * (0.92 + 0.1 * fbm(rng, h, w, 3, 2))[:, :, None]
    img[::size, :] = grout
    img[:, ::size] = grout
    return np.clip(img, 0, 255)


def bokeh(rng: Rng, h: int, w: int) -> np.ndarray:
    """Out-of-focus lights over a dark or warm base (lifestyle / night shots)."""
    base = random_colour(rng, (0.3, 0.8), (0.15, 0.6))
    img = linear_gradient(h, w, base, mix(base, (0, 0, 0), 0.5))
    layer = np.zeros((h, w, 3), np.float32)
    for _ in range(rng.integer(12, 40)):
        r = rng.integer(max(6, min(h, w) // 40), max(12, min(h, w) // 8))
        cx, cy = rng.integer(0, w), rng.integer(0, h)
        colour = random_colour(rng, (0.2, 0.8), (0.7, 1.0))
        cv2.circle(
            layer, (cx, cy), r, tuple(float(c) * rng.uniform(0.2, 0.6) for c in colour), -1, cv2.LINE_AA
        )
    layer = soft_blur(layer, max(2.0, min(h, w) / 150))
    return np.clip(img + layer, 0, 255)


def wall_and_table(
    rng: Rng, h: int, w: int, split: float, wall: Sequence[float] | None = None, table: str = "wood"
) -> np.ndarray:
    """A wall above a table top; the table edge at `split` (fraction of the height)."""
    split_y = int(h * split)
    wall_colour = wall if wall is not None else pastel(rng)
    img = solid(h, w, wall_colour)
    table_h = h - split_y
    if table_h > 0:
        if table == "wood":
            top = wood(rng, table_h, w)
        elif table == "marble":
            top = marble(rng, table_h, w)
        elif table == "fabric":
            top = fabric(rng, table_h, w)
        else:
            top = solid(table_h, w, random_colour(rng, (0.3, 0.9), (0.35, 0.85)))
        # Light falls off toward the front edge of the table.
        top *= np.linspace(1.0, rng.uniform(0.75, 0.95), table_h, dtype=np.float32)[:, None, None]
        img[split_y:] = top
        img[split_y : split_y + max(2, h // 200)] *= 0.8
    return np.clip(img, 0, 255)


def room_scene(rng: Rng, h: int, w: int) -> np.ndarray:
    """A simple interior: textured wall, a bright window, a shelf or plant, a wooden floor."""
    split = rng.uniform(0.55, 0.8)
    img = wall_and_table(
        rng, h, w, split, random_colour(rng, (0.05, 0.35), (0.6, 0.9)), rng.choice(["wood", "fabric"])
    )
    split_y = int(h * split)
    img[:split_y] *= (0.9 + 0.15 * fbm(rng, split_y, w, 5, 3))[:, :, None]
    if rng.chance(0.7):
        wx0, wy0 = rng.integer(0, w // 2), rng.integer(h // 20, h // 5)
        ww, wh = rng.integer(w // 5, w // 3), rng.integer(h // 5, h // 3)
        wy1 = min(wy0 + wh, split_y - 10)
        if wy1 > wy0:
            img[wy0:wy1, wx0 : wx0 + ww] = linear_gradient(
                wy1 - wy0, min(ww, w - wx0), (235, 245, 255), (200, 225, 245)
            )
            frame = 6
            img[wy0:wy1, wx0 + ww // 2 - frame // 2 : wx0 + ww // 2 + frame // 2] = (250, 250, 250)
    if rng.chance(0.6):
        # A plant: a pot and a cluster of leaves, blurred like a background out of focus.
        layer = img.copy()
        px = rng.integer(w // 10, w - w // 10)
        pot_w, pot_h = w // 12, h // 10
        pot_colour = random_colour(rng, (0.2, 0.6), (0.4, 0.8))
        cv2.rectangle(layer, (px - pot_w // 2, split_y - pot_h), (px + pot_w // 2, split_y), pot_colour, -1)
        for _ in range(rng.integer(8, 16)):
            cx = px + rng.integer(-pot_w, pot_w)
            cy = split_y - pot_h - rng.integer(0, h // 5)
            axes = (rng.integer(pot_w // 4, pot_w // 2), rng.integer(pot_w // 8, pot_w // 4))
            green = random_colour(rng, (0.5, 0.9), (0.3, 0.6))
            green = (green[0] // 3, green[1], green[2] // 3)
            cv2.ellipse(layer, (cx, cy), axes, rng.uniform(0, 180), 0, 360, green, -1, cv2.LINE_AA)
        img = cv2.GaussianBlur(layer, (0, 0), 2.0)
    return np.clip(img, 0, 255)


SCENE_TEXTURES = ("wood", "marble", "fabric", "concrete", "tiles", "bokeh", "room", "wall_table")


def scene_background(rng: Rng, h: int, w: int, name: str | None = None) -> np.ndarray:
    """A photo-like non-white backdrop (textured, noisy, or a simple interior)."""
    name = name or rng.choice(SCENE_TEXTURES)
    if name == "wood":
        img = wood(rng, h, w)
    elif name == "marble":
        img = marble(rng, h, w)
    elif name == "fabric":
        img = fabric(rng, h, w)
    elif name == "concrete":
        img = concrete(rng, h, w)
    elif name == "tiles":
        img = tiles(rng, h, w)
    elif name == "bokeh":
        img = bokeh(rng, h, w)
    elif name == "room":
        img = room_scene(rng, h, w)
    else:
        img = wall_and_table(rng, h, w, rng.uniform(0.5, 0.8), None, rng.choice(["wood", "marble", "plain"]))
    return np.clip(img + grain(rng, h, w, rng.uniform(1.0, 4.0)), 0, 255)


def coloured_background(rng: Rng, h: int, w: int) -> np.ndarray:
    """Uniform or gently graded colour: pastels, brand colours, dark studio backdrops."""
    style = rng.choice(["pastel", "saturated", "dark"])
    if style == "pastel":
        colour = pastel(rng)
    elif style == "saturated":
        colour = random_colour(rng, (0.5, 1.0), (0.5, 0.95))
    else:
        colour = random_colour(rng, (0.0, 0.5), (0.08, 0.3))
    if rng.chance(0.5):
        return solid(h, w, colour)
    return radial_gradient(h, w, mix(colour, (255, 255, 255), 0.15), mix(colour, (0, 0, 0), 0.2))


# --------------------------------------------------------------------------- shadows


@dataclass(frozen=True)
class ShadowSpec:
    contact_strength: float = 0.0  # dark ellipse where the product meets the floor
    drop_strength: float = 0.0  # soft offset silhouette
    drop_offset: tuple[float, float] = (0.03, 0.02)  # fraction of the product size
    blur: float = 0.04  # fraction of the product size


def shadow_map(h: int, w: int, alpha: np.ndarray, box: Box, spec: ShadowSpec) -> np.ndarray:
    """Darkening in [0, 1] for one product whose canvas coverage is `alpha`."""
    x, y, bw, bh = box
    out = np.zeros((h, w), np.float32)
    size = max(bw, bh)
    if spec.drop_strength > 0:
        dx, dy = int(spec.drop_offset[0] * size), int(spec.drop_offset[1] * size)
        matrix = points_array([[1, 0, dx], [0, 1, dy]])
        shifted = cv2.warpAffine(alpha, matrix, (w, h))
        sigma = max(1.5, spec.blur * size)
        out = np.maximum(out, spec.drop_strength * soft_blur(shifted, sigma))
    if spec.contact_strength > 0:
        ellipse = np.zeros((h, w), np.float32)
        centre = (int(x + bw / 2), int(y + bh - max(1, bh * 0.005)))
        axes = (max(2, int(bw * 0.48)), max(2, int(bh * 0.035)))
        cv2.ellipse(ellipse, centre, axes, 0, 0, 360, 1.0, -1, cv2.LINE_AA)
        sigma = max(1.5, bh * 0.02)
        out = np.maximum(out, spec.contact_strength * soft_blur(ellipse, sigma))
    return np.clip(out, 0.0, 1.0)


# --------------------------------------------------------------------------- placement


@dataclass
class Stage:
    """A composed picture: the pixels, where the products are, and their combined coverage."""

    pixels: np.ndarray  # (H, W, 3) float32
    product_alpha: np.ndarray  # (H, W) float32 in [0, 1]
    product_boxes: list[Box]

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])


def composite_products(
    background: np.ndarray,
    products: Sequence[Product],
    origins: Sequence[tuple[int, int]],
    shadow: ShadowSpec | None = None,
) -> Stage:
    """Shadows first (multiplicative on the background), then products back to front."""
    h, w = background.shape[:2]
    pixels = background.astype(np.float32, copy=True)
    union = np.zeros((h, w), np.float32)
    boxes: list[Box] = []
    canvas_alphas: list[np.ndarray] = []
    for product, (ox, oy) in zip(products, origins, strict=True):
        full = np.zeros((h, w), np.float32)
        ph, pw = product.alpha.shape
        x0, y0, x1, y1 = max(0, ox), max(0, oy), min(w, ox + pw), min(h, oy + ph)
        if x1 > x0 and y1 > y0:
            full[y0:y1, x0:x1] = product.alpha[y0 - oy : y1 - oy, x0 - ox : x1 - ox]
        canvas_alphas.append(full)
        boxes.append((ox, oy, pw, ph))
    if shadow is not None:
        darkening = np.zeros((h, w), np.float32)
        for full, box in zip(canvas_alphas, boxes, strict=True):
            darkening = np.maximum(darkening, shadow_map(h, w, full, box, shadow))
        pixels *= (1.0 - darkening)[:, :, None]
    for product, (ox, oy), full in zip(products, origins, canvas_alphas, strict=True):
        rgb = product.render()
        ph, pw = product.alpha.shape
        x0, y0, x1, y1 = max(0, ox), max(0, oy), min(w, ox + pw), min(h, oy + ph)
        if x1 <= x0 or y1 <= y0:
            continue
        a = full[y0:y1, x0:x1, None]
        pixels[y0:y1, x0:x1] = pixels[y0:y1, x0:x1] * (1 - a) + rgb[y0 - oy : y1 - oy, x0 - ox : x1 - ox] * a
        union = np.maximum(union, full)
    clipped = [clip_box(b, w, h) for b in boxes]
    return Stage(pixels, union, [b for b in clipped if b is not None])


def clip_box(box: Box, w: int, h: int) -> Box | None:
    x, y, bw, bh = box
    x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + bw), min(h, y + bh)
    if x1 <= x0 or y1 <= y0:
        return None
    return (x0, y0, x1 - x0, y1 - y0)


def arrange_row(rng: Rng, region: Box, sizes: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Origins that stand products side by side on the bottom of `region`, slightly overlapping,
    the whole group centred horizontally."""
    x, y, rw, rh = region
    overlap = rng.uniform(0.0, 0.15)
    total = sum(s[0] for s in sizes) - overlap * sum(s[0] for s in sizes[1:])
    cursor = x + (rw - total) / 2
    floor = y + rh
    origins = []
    for i, (pw, ph) in enumerate(sizes):
        if i > 0:
            cursor -= overlap * pw
        lift = 0 if i == 0 else rng.integer(0, max(1, rh // 30))
        origins.append((int(cursor), int(floor - ph - lift)))
        cursor += pw
    return origins


def stage_products(
    rng: Rng,
    background: np.ndarray,
    fonts: FontLibrary | None = None,
    *,
    fill: tuple[float, float] = (0.5, 0.85),
    count: int | None = None,
    kinds: Sequence[str] | None = None,
    shadow: ShadowSpec | None = None,
    print_probability: float = 0.0,
    low_contrast_print: bool | None = None,
    centre: tuple[float, float] = (0.5, 0.5),
    bottom: float | None = None,
) -> tuple[Stage, list[str]]:
    """Stand 1–3 products on `background`; returns the stage and any on-product print.

    `fill` is the share of the shorter canvas side the product group spans (e-commerce main
    images fill most of the frame). Printing needs `fonts`.
    """
    h, w = background.shape[:2]
    count = count if count is not None else rng.weighted([1, 2, 3], [6, 2, 1])
    span = rng.uniform(*fill)
    group_w = int(w * span) if w < h else int(min(w, h) * span * rng.uniform(1.0, 1.3))
    group_h = int(min(w, h) * span) if w >= h else int(h * span)
    group_w, group_h = min(group_w, w), min(group_h, h)
    slot_w = group_w / (count - (count - 1) * 0.1)
    products: list[Product] = []
    printed: list[str] = []
    for i in range(count):
        kind = rng.choice(list(kinds)) if kinds else None
        scale = 1.0 if i == 0 else rng.uniform(0.6, 0.95)
        product = make_product(rng, int(slot_w * scale), int(group_h * scale), kind)
        if fonts is not None and product.surfaces and rng.chance(print_probability):
            printed.extend(apply_print(rng, fonts, product, low_contrast_print))
        products.append(product)
    group_x = int(w * centre[0] - group_w / 2)
    group_y = int(h * centre[1] - group_h / 2)
    origins = arrange_row(rng, (group_x, group_y, group_w, group_h), [p.size for p in products])
    # Centre the group's actual extent on `centre` (products shorter than their slot would
    # otherwise sink to the floor of the slot), then keep it inside the canvas.
    x0 = min(o[0] for o in origins)
    y0 = min(o[1] for o in origins)
    x1 = max(o[0] + p.size[0] for o, p in zip(origins, products, strict=True))
    y1 = max(o[1] + p.size[1] for o, p in zip(origins, products, strict=True))
    dx = int(w * centre[0] - (x0 + x1) / 2)
    # `bottom` (fraction of the height) stands the group on a floor line instead of centring it.
    dy = int(h * centre[1] - (y0 + y1) / 2) if bottom is None else int(h * bottom - y1)
    dx = max(-x0, min(dx, w - x1)) if x1 - x0 <= w else -x0
    dy = max(-y0, min(dy, h - y1)) if y1 - y0 <= h else -y0
    origins = [(o[0] + dx, o[1] + dy) for o in origins]
    return composite_products(background, products, origins, shadow), printed

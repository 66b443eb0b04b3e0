"""Procedural product photos and the print that is physically on them.

A `Product` keeps albedo (surface colour), shading (lighting multiplier), gloss (additive
highlights) and alpha separately, so print applied to the albedo is lit like the rest of the
surface — it darkens with the shading and sits under the highlights, as real packaging print
does. That is what distinguishes on-product text (NOT psoriasis) from a slogan pasted on top.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageDraw
from synth import (
    BRANDS_CHINESE,
    BRANDS_LATIN,
    RGB,
    FontLibrary,
    Rng,
    TextStyle,
    fit_text_size,
    mix,
    random_colour,
    render_text,
    text_colour_for,
)

Point = tuple[float, float]


def points_array(points: Sequence[Sequence[float]]) -> np.ndarray:
    """float32 (N, 2) corner / matrix arrays, the type OpenCV's geometry functions want."""
    return np.asarray(points, dtype=np.float32)


@dataclass
class Surface:
    """Where print can go on a product, in the product's own pixel coordinates."""

    quad: np.ndarray  # (4, 2) float32: top-left, top-right, bottom-right, bottom-left
    colour: RGB  # albedo under the print, to pick a print colour with a chosen contrast
    # For surfaces that wrap around a vertical cylinder: its centre x and radius. The print is
    # then compressed toward the silhouette (arcsin mapping) and its lines bow like the rim.
    cylinder: tuple[float, float] | None = None
    bulge: float = 0.0  # how far the front of a rim sits below its sides (viewed from above)
    vertical_text: bool = False  # long narrow surfaces (tubes) read along their length


@dataclass
class Product:
    kind: str
    albedo: np.ndarray  # (H, W, 3) float32 0..255
    shade: np.ndarray  # (H, W) float32 multiplier
    gloss: np.ndarray  # (H, W) float32 additive
    alpha: np.ndarray  # (H, W) float32 0..1
    surfaces: list[Surface] = field(default_factory=list)
    printed_text: list[str] = field(default_factory=list)

    @property
    def size(self) -> tuple[int, int]:
        return int(self.alpha.shape[1]), int(self.alpha.shape[0])

    def render(self) -> np.ndarray:
        return np.clip(self.albedo * self.shade[:, :, None] + self.gloss[:, :, None], 0, 255)


# --------------------------------------------------------------------------- mask drawing


class MaskPainter:
    """Anti-aliased masks: shapes are drawn `scale` times larger, then box-filtered down."""

    def __init__(self, w: int, h: int, scale: int = 3) -> None:
        self.w, self.h = w, h
        self.scale = scale if max(w, h) <= 1200 else 2
        self.image = Image.new("L", (w * self.scale, h * self.scale), 0)
        self.draw = ImageDraw.Draw(self.image)

    def _pts(self, points: Sequence[Point]) -> list[tuple[float, float]]:
        return [(x * self.scale, y * self.scale) for x, y in points]

    def polygon(self, points: Sequence[Point], value: int = 255) -> None:
        self.draw.polygon(self._pts(points), fill=value)

    def ellipse(self, box: tuple[float, float, float, float], value: int = 255) -> None:
        s = self.scale
        self.draw.ellipse((box[0] * s, box[1] * s, box[2] * s, box[3] * s), fill=value)

    def rounded_rect(self, box: tuple[float, float, float, float], radius: float, value: int = 255) -> None:
        s = self.scale
        self.draw.rounded_rectangle(
            (box[0] * s, box[1] * s, box[2] * s, box[3] * s), radius=radius * s, fill=value
        )

    def line(self, points: Sequence[Point], width: float, value: int = 255) -> None:
        self.draw.line(self._pts(points), fill=value, width=max(1, int(width * self.scale)), joint="curve")

    def arc(
        self, box: tuple[float, float, float, float], start: float, end: float, width: float, value: int = 255
    ) -> None:
        s = self.scale
        self.draw.arc(
            (box[0] * s, box[1] * s, box[2] * s, box[3] * s),
            start,
            end,
            fill=value,
            width=max(1, int(width * s)),
        )

    def result(self) -> np.ndarray:
        small = self.image.resize((self.w, self.h), Image.Resampling.BOX)
        return np.asarray(small, np.float32) / 255.0


def smooth_closed(points: Sequence[Point], samples: int = 12) -> list[Point]:
    """Catmull-Rom spline through `points` (closed), for organic outlines (shoes, bags)."""
    pts = np.asarray(points, np.float32)
    n = len(pts)
    out: list[Point] = []
    for i in range(n):
        p0, p1, p2, p3 = pts[(i - 1) % n], pts[i], pts[(i + 1) % n], pts[(i + 2) % n]
        for t in np.linspace(0, 1, samples, endpoint=False):
            t2, t3 = t * t, t * t * t
            q = 0.5 * (
                (2 * p1)
                + (-p0 + p2) * t
                + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2
                + (-p0 + 3 * p1 - 3 * p2 + p3) * t3
            )
            out.append((float(q[0]), float(q[1])))
    return out


def scaled(points: Sequence[Point], w: float, h: float) -> list[Point]:
    return [(x * w, y * h) for x, y in points]


# --------------------------------------------------------------------------- shading


def bevel(alpha: np.ndarray, radius: float, strength: float) -> np.ndarray:
    """Darken toward the silhouette edge so flat shapes read as rounded volumes."""
    inside = (alpha > 0.5).astype(np.uint8)
    dist = cv2.distanceTransform(inside, cv2.DIST_L2, 3)
    return 1.0 - strength * np.exp(-dist / max(radius, 1.0))


def directional(h: int, w: int, rng: Rng, strength: float) -> np.ndarray:
    """A soft light from the upper left or right."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    side = rng.choice([-1.0, 1.0])
    t = (side * (xx / max(w, 1) - 0.5) + (yy / max(h, 1) - 0.5)) / 2
    return 1.0 - strength * t


def row_extents(alpha: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-row centre and half-width of the silhouette (for revolved shapes)."""
    inside = alpha > 0.5
    any_row = inside.any(axis=1)
    w = alpha.shape[1]
    left = np.where(any_row, inside.argmax(axis=1), w // 2).astype(np.float32)
    right = np.where(any_row, w - 1 - inside[:, ::-1].argmax(axis=1), w // 2).astype(np.float32)
    return (left + right) / 2, np.maximum((right - left) / 2, 1.0)


def cylinder_lighting(alpha: np.ndarray, rng: Rng, metallic: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Lambert shading plus a specular stripe for a surface of revolution about a vertical axis."""
    w = alpha.shape[1]
    centre, half = row_extents(alpha)
    xx = np.arange(w, dtype=np.float32)[None, :]
    nx = np.clip((xx - centre[:, None]) / half[:, None], -1, 1)
    nz = np.sqrt(1 - nx * nx)
    light_x = rng.uniform(-0.6, 0.6)
    light_z = float(np.sqrt(1 - light_x * light_x))
    lambert = np.clip(nx * light_x + nz * light_z, 0, 1)
    ambient = rng.uniform(0.35, 0.5)
    shade = ambient + (1.05 - ambient) * lambert
    stripe_x = light_x * 0.6 + rng.uniform(-0.15, 0.15)
    width = rng.uniform(0.06, 0.14) if not metallic else rng.uniform(0.04, 0.08)
    gloss = rng.uniform(40, 110) * np.exp(-(((nx - stripe_x) / width) ** 2))
    if metallic:
        gloss += 60 * np.exp(-(((nx + stripe_x * 0.8 + 0.35) / 0.05) ** 2))
        shade = shade * (0.75 + 0.35 * np.abs(np.sin(nx * 3.0)))
    rim = np.exp(-((1 - np.abs(nx)) / 0.08))
    shade = shade * (1 - 0.25 * rim)
    return shade.astype(np.float32), gloss.astype(np.float32)


def soft_highlight(h: int, w: int, cx: float, cy: float, radius: float, amount: float) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    return amount * np.exp(-(((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * radius * radius)))


def paint(albedo: np.ndarray, mask: np.ndarray, colour: Sequence[float]) -> None:
    """Paint `colour` into `albedo` where `mask` (0..1) covers."""
    m = mask[:, :, None]
    albedo[:] = albedo * (1 - m) + np.asarray(colour, np.float32)[None, None, :3] * m


def noise_texture(rng: Rng, h: int, w: int, sigma: float, blur: float) -> np.ndarray:
    n = rng.gen.normal(0, sigma, (h, w)).astype(np.float32)
    return cv2.GaussianBlur(n, (0, 0), blur) if blur > 0 else n


def product_colour(rng: Rng) -> RGB:
    """Body colours: mostly saturated or dark, some white/silver (hard cases on white)."""
    style = rng.weighted(["colour", "dark", "light", "metal"], [5, 2, 2, 1])
    if style == "colour":
        return random_colour(rng, (0.35, 0.95), (0.45, 0.95))
    if style == "dark":
        return random_colour(rng, (0.0, 0.6), (0.1, 0.3))
    if style == "light":
        return random_colour(rng, (0.0, 0.15), (0.85, 0.97))
    grey = rng.integer(150, 210)
    return (grey, grey, grey + rng.integer(0, 15))


# --------------------------------------------------------------------------- revolved products


def _revolved(
    w: int, h: int, profile: Sequence[tuple[float, float]], smooth: float = 3.0, bottom_round: float = 0.03
) -> tuple[np.ndarray, np.ndarray]:
    """Mask of a shape given by half-width (fraction of w/2) at heights (fraction of h)."""
    rows = max(200, h)
    ys = np.linspace(0, 1, rows)
    prof_y = np.asarray([p[0] for p in profile])
    prof_hw = np.asarray([p[1] for p in profile])
    sharp = np.interp(ys, prof_y, prof_hw).astype(np.float32)
    hw = cv2.GaussianBlur(sharp[:, None], (1, 0), smooth * rows / 200).ravel()
    if bottom_round > 0:
        start = 1 - bottom_round
        t = np.clip((ys - start) / bottom_round, 0, 1)
        hw = hw * np.sqrt(np.clip(1 - t * t * 0.9, 0, 1))
    painter = MaskPainter(w, h)
    left = [(w / 2 - hw[i] * w / 2, ys[i] * h) for i in range(rows)]
    right = [(w / 2 + hw[i] * w / 2, ys[i] * h) for i in range(rows - 1, -1, -1)]
    painter.polygon(left + right)
    return painter.result(), hw


def _revolved_product(
    rng: Rng,
    kind: str,
    w: int,
    h: int,
    profile: Sequence[tuple[float, float]],
    body_colour: RGB,
    cap_colour: RGB,
    cap_end: float,
    label_span: tuple[float, float],
    metallic: bool = False,
) -> Product:
    alpha, hw = _revolved(w, h, profile)
    albedo = np.empty((h, w, 3), np.float32)
    albedo[:] = np.asarray(body_colour, np.float32)
    cap_rows = int(cap_end * h)
    albedo[:cap_rows] = np.asarray(cap_colour, np.float32)
    if cap_rows > 0 and (metallic or rng.chance(0.3)):
        # Fine vertical brushing / moulding lines on the cap.
        albedo[:cap_rows] *= (
            1
            + noise_texture(rng, cap_rows, w, 0.05, 0.8)[:, :, None] * (np.arange(w) % 3 == 0)[None, :, None]
        )
    shade, gloss = cylinder_lighting(alpha, rng, metallic)
    # A shadow line where the cap meets the body.
    if 0 < cap_rows < h - 2:
        shade[max(0, cap_rows - 2) : cap_rows + 2] *= 0.7
    y0, y1 = int(label_span[0] * h), int(label_span[1] * h)
    row_hw = hw[
        np.clip((np.linspace(label_span[0], label_span[1], 8) * (len(hw) - 1)).astype(int), 0, len(hw) - 1)
    ]
    radius = float(row_hw.min() * w / 2)
    span = radius * rng.uniform(0.85, 0.98)
    cx = w / 2
    quad = points_array([[cx - span, y0], [cx + span, y0], [cx + span, y1], [cx - span, y1]])
    surface = Surface(quad, body_colour, cylinder=(cx, radius), bulge=radius * rng.uniform(0.02, 0.08))
    return Product(kind, albedo, shade, gloss, alpha, [surface])


def bottle(rng: Rng, w: int, h: int) -> Product:
    style = rng.choice(["water", "wine", "shampoo", "pump"])
    body = product_colour(rng)
    cap = rng.choice([(250, 250, 250), (30, 30, 30), random_colour(rng), mix(body, (0, 0, 0), 0.3)])
    if style == "water":
        profile = [(0, 0.30), (0.07, 0.30), (0.075, 0.26), (0.12, 0.26), (0.28, 0.96), (1, 0.96)]
        cap_end, span = 0.07, (0.38, 0.82)
    elif style == "wine":
        profile = [(0, 0.2), (0.3, 0.2), (0.33, 0.22), (0.5, 0.95), (1, 0.95)]
        cap_end, span = 0.28, (0.58, 0.9)
        body = rng.choice([(25, 60, 30), (60, 20, 25), (20, 20, 20), body])
    elif style == "shampoo":
        profile = [(0, 0.42), (0.16, 0.42), (0.17, 0.36), (0.2, 0.4), (0.3, 0.9), (1, 0.96)]
        cap_end, span = 0.16, (0.35, 0.88)
    else:
        profile = [
            (0, 0.06),
            (0.05, 0.06),
            (0.06, 0.14),
            (0.15, 0.14),
            (0.16, 0.3),
            (0.2, 0.3),
            (0.24, 0.92),
            (1, 0.94),
        ]
        cap_end, span = 0.2, (0.36, 0.88)
    product = _revolved_product(rng, "bottle", w, h, profile, body, cap, cap_end, span)
    if style == "pump":
        # The pump nozzle sticks out sideways at the top.
        painter = MaskPainter(w, h)
        painter.rounded_rect((w * 0.5, h * 0.0, w * 0.85, h * 0.035), h * 0.012)
        nozzle = painter.result()
        paint(product.albedo, nozzle, cap)
        product.alpha = np.maximum(product.alpha, nozzle)
        product.shade = np.where(nozzle > 0.5, 0.9, product.shade)
    return product


def jar(rng: Rng, w: int, h: int) -> Product:
    body = product_colour(rng)
    lid = rng.choice([(240, 240, 240), (20, 20, 20), (200, 170, 90), random_colour(rng)])
    profile = [(0, 0.9), (0.22, 0.9), (0.24, 0.86), (0.27, 0.97), (1, 0.97)]
    return _revolved_product(
        rng, "jar", w, h, profile, body, lid, 0.23, (0.36, 0.9), metallic=lid == (200, 170, 90)
    )


def can(rng: Rng, w: int, h: int) -> Product:
    body = product_colour(rng)
    profile = [(0, 0.82), (0.04, 0.86), (0.07, 0.98), (0.93, 0.98), (0.97, 0.86), (1, 0.84)]
    product = _revolved_product(
        rng, "can", w, h, profile, body, (190, 190, 195), 0.06, (0.15, 0.88), metallic=True
    )
    product.albedo[int(0.95 * h) :] = np.asarray((185, 185, 190), np.float32)
    return product


def tube(rng: Rng, w: int, h: int) -> Product:
    """A cosmetics tube standing on its cap, crimped end up (or flipped)."""
    body = product_colour(rng)
    cap = rng.choice([(245, 245, 245), (25, 25, 25), (200, 170, 100), mix(body, (0, 0, 0), 0.35)])
    profile = [(0, 0.98), (0.05, 0.98), (0.06, 0.94), (0.8, 0.58), (0.81, 0.56), (1, 0.56)]
    product = _revolved_product(rng, "tube", w, h, profile, body, body, 0.0, (0.12, 0.74))
    cap_rows = int(0.81 * h)
    product.albedo[cap_rows:] = np.asarray(cap, np.float32)
    product.shade[cap_rows - 2 : cap_rows + 2] *= 0.7
    # Crimp ridges at the sealed end.
    ridge = (np.arange(int(0.05 * h)) % 4 < 2).astype(np.float32)[:, None]
    product.shade[: len(ridge)] *= 1 - 0.2 * ridge
    product.surfaces[0].vertical_text = rng.chance(0.6)
    if rng.chance(0.4):
        product = flip_vertical(product)
    return product


def mug(rng: Rng, w: int, h: int) -> Product:
    body_w = int(w * 0.78)
    body = product_colour(rng)
    alpha_body, _ = _revolved(body_w, h, [(0, 0.98), (1, 0.92)], bottom_round=0.02)
    alpha = np.zeros((h, w), np.float32)
    alpha[:, :body_w] = alpha_body
    painter = MaskPainter(w, h)
    painter.arc((body_w * 0.72, h * 0.2, w * 0.99, h * 0.75), -90, 90, w * 0.07)
    handle = painter.result()
    alpha_all = np.maximum(alpha, handle)
    albedo = np.empty((h, w, 3), np.float32)
    albedo[:] = np.asarray(body, np.float32)
    shade_body, gloss = cylinder_lighting(alpha, rng)
    handle_shade = bevel(handle, w * 0.02, 0.4) * 0.85
    shade = np.where(alpha > 0.5, shade_body, handle_shade)
    gloss = np.where(alpha > 0.5, gloss, 0)
    # The rim: a darker band inside the top edge.
    shade[: max(2, h // 40), :body_w] *= 0.6
    radius = body_w * 0.98 / 2
    quad = points_array(
        [
            [body_w / 2 - radius * 0.9, h * 0.2],
            [body_w / 2 + radius * 0.9, h * 0.2],
            [body_w / 2 + radius * 0.9, h * 0.85],
            [body_w / 2 - radius * 0.9, h * 0.85],
        ]
    )
    surface = Surface(quad, body, cylinder=(body_w / 2, radius), bulge=radius * 0.05)
    return Product("mug", albedo, shade.astype(np.float32), gloss.astype(np.float32), alpha_all, [surface])


# --------------------------------------------------------------------------- boxy products


def box(rng: Rng, w: int, h: int) -> Product:
    """A carton or retail box seen from slightly above, front face plus one side and the top."""
    depth_x = w * rng.uniform(0.12, 0.3)
    depth_y = h * rng.uniform(0.06, 0.16)
    fw, fh = w - depth_x, h - depth_y
    front = [(0, depth_y), (fw, depth_y), (fw, h), (0, h)]
    top = [(0, depth_y), (depth_x, 0), (w, 0), (fw, depth_y)]
    side = [(fw, depth_y), (w, 0), (w, fh), (fw, h)]
    masks = []
    for poly in (front, top, side):
        painter = MaskPainter(w, h)
        painter.polygon(poly)
        masks.append(painter.result())
    m_front, m_top, m_side = masks
    alpha = np.clip(m_front + m_top + m_side, 0, 1)
    kraft = rng.chance(0.35)
    base = rng.choice([(196, 160, 112), (180, 140, 95)]) if kraft else product_colour(rng)
    albedo = np.empty((h, w, 3), np.float32)
    albedo[:] = np.asarray(base, np.float32)
    if kraft:
        albedo *= (1 + noise_texture(rng, h, w, 0.05, 1.2))[:, :, None]
        tape = MaskPainter(w, h)
        tape_w = w * 0.08
        mid = depth_x / 2 + fw / 2
        tape.polygon(
            [
                (mid - tape_w, depth_y / 2),
                (mid + tape_w, depth_y / 2),
                (fw / 2 + tape_w, depth_y),
                (fw / 2 - tape_w, depth_y),
            ]
        )
        tape.rounded_rect((fw / 2 - tape_w, depth_y, fw / 2 + tape_w, depth_y + fh * 0.18), 1)
        paint(albedo, tape.result(), (205, 175, 130))
    else:
        # A second colour block across the front, as on most retail packaging.
        band = MaskPainter(w, h)
        y_band = depth_y + fh * rng.uniform(0.55, 0.8)
        band.polygon([(0, y_band), (fw, y_band - fh * rng.uniform(-0.1, 0.1)), (fw, h), (0, h)])
        band.polygon([(fw, y_band - depth_y * 0.5), (w, y_band - depth_y * 1.2), (w, fh), (fw, h)])
        paint(albedo, band.result(), mix(base, rng.choice([(255, 255, 255), (0, 0, 0)]), 0.45))
    shade = (
        np.ones((h, w), np.float32)
        * (1 - m_side * rng.uniform(0.22, 0.35))
        * (1 + m_top * rng.uniform(0.08, 0.15))
    )
    shade = shade * directional(h, w, rng, 0.12)
    gloss = soft_highlight(h, w, fw * 0.3, depth_y + fh * 0.25, max(w, h) * 0.3, 0 if kraft else 18) * m_front
    # Dark creases along the box edges.
    edges = np.zeros((h, w), np.float32)
    thickness = max(1, int(min(w, h) / 250))
    for a_pt, b_pt in [((0, depth_y), (fw, depth_y)), ((fw, depth_y), (fw, h)), ((fw, depth_y), (w, 0))]:
        cv2.line(
            edges, (int(a_pt[0]), int(a_pt[1])), (int(b_pt[0]), int(b_pt[1])), 1.0, thickness, cv2.LINE_AA
        )
    shade *= 1 - 0.25 * edges
    surfaces = [
        Surface(
            points_array(
                [
                    [fw * 0.06, depth_y + fh * 0.06],
                    [fw * 0.94, depth_y + fh * 0.06],
                    [fw * 0.94, depth_y + fh * 0.94],
                    [fw * 0.06, depth_y + fh * 0.94],
                ]
            ),
            base,
        )
    ]
    surfaces.append(
        Surface(
            points_array(
                [
                    [fw + depth_x * 0.12, depth_y * 0.88 + fh * 0.1],
                    [w - depth_x * 0.12, depth_y * 0.12 + fh * 0.1],
                    [w - depth_x * 0.12, fh * 0.9],
                    [fw + depth_x * 0.12, h - fh * 0.1],
                ]
            ),
            mix(base, (0, 0, 0), 0.25),
            vertical_text=rng.chance(0.5),
        )
    )
    product = Product("box", albedo, shade, gloss.astype(np.float32), alpha, surfaces)
    return flip_horizontal(product) if rng.chance(0.5) else product


def phone(rng: Rng, w: int, h: int) -> Product:
    """A phone or tablet seen from the front: dark screen with a reflection, thin frame."""
    radius = min(w, h) * 0.1
    body = MaskPainter(w, h)
    body.rounded_rect((0, 0, w, h), radius)
    alpha = body.result()
    frame_colour = rng.choice([(30, 30, 32), (200, 200, 205), (215, 190, 160), (60, 70, 90)])
    albedo = np.empty((h, w, 3), np.float32)
    albedo[:] = np.asarray(frame_colour, np.float32)
    bezel = min(w, h) * rng.uniform(0.03, 0.05)
    screen = MaskPainter(w, h)
    screen.rounded_rect((bezel, bezel, w - bezel, h - bezel), radius * 0.7)
    screen_mask = screen.result()
    wallpaper_a = random_colour(rng, (0.5, 1.0), (0.3, 0.8))
    wallpaper_b = random_colour(rng, (0.5, 1.0), (0.1, 0.5))
    yy = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    wallpaper = np.asarray(wallpaper_a, np.float32) * (1 - yy) + np.asarray(wallpaper_b, np.float32) * yy
    wallpaper = (
        np.broadcast_to(wallpaper, (h, w, 3)) if rng.chance(0.6) else np.full((h, w, 3), 12.0, np.float32)
    )
    albedo = albedo * (1 - screen_mask[:, :, None]) + wallpaper * screen_mask[:, :, None]
    cam = MaskPainter(w, h)
    cam.ellipse((w / 2 - bezel * 0.3, bezel * 0.35, w / 2 + bezel * 0.3, bezel * 0.95))
    paint(albedo, cam.result(), (5, 5, 8))
    shade = bevel(alpha, min(w, h) * 0.01, 0.4)
    yy2, xx2 = np.mgrid[0:h, 0:w].astype(np.float32)
    reflection = ((xx2 / w + yy2 / h) > rng.uniform(0.6, 1.0)) & ((xx2 / w + yy2 / h) < rng.uniform(1.1, 1.5))
    gloss = reflection.astype(np.float32) * rng.uniform(10, 25) * screen_mask
    surface = Surface(
        points_array(
            [
                [w * 0.3, h - bezel * 0.95],
                [w * 0.7, h - bezel * 0.95],
                [w * 0.7, h - bezel * 0.1],
                [w * 0.3, h - bezel * 0.1],
            ]
        ),
        frame_colour,
    )
    return Product(
        "phone",
        albedo.astype(np.float32),
        shade.astype(np.float32),
        gloss.astype(np.float32),
        alpha,
        [surface],
    )


# --------------------------------------------------------------------------- soft goods


# A sneaker in side view, toe to the right, in a box whose height is ~0.45 of its width.
_SHOE_UPPER = [
    (0.04, 0.1),
    (0.12, 0.05),
    (0.22, 0.14),
    (0.3, 0.11),
    (0.36, 0.01),
    (0.43, 0.02),
    (0.47, 0.14),
    (0.6, 0.29),
    (0.75, 0.41),
    (0.9, 0.51),
    (0.98, 0.61),
    (0.99, 0.72),
    (0.5, 0.75),
    (0.02, 0.75),
    (0.0, 0.45),
    (0.01, 0.22),
]
_SHOE_SOLE = [
    (0.0, 0.7),
    (0.5, 0.72),
    (0.97, 0.65),
    (1.0, 0.72),
    (0.98, 0.86),
    (0.9, 0.93),
    (0.5, 0.95),
    (0.05, 0.94),
    (0.0, 0.85),
]
_SHOE_COLLAR = [(0.07, 0.1), (0.14, 0.07), (0.24, 0.14), (0.31, 0.12), (0.22, 0.2), (0.12, 0.17)]
_SHOE_TOE_CAP = [(0.8, 0.47), (0.92, 0.53), (0.99, 0.63), (0.99, 0.74), (0.76, 0.74), (0.74, 0.6)]
_SHOE_HEEL = [(0.0, 0.3), (0.12, 0.32), (0.16, 0.75), (0.0, 0.75)]
_SHOE_STRIPE = [(0.22, 0.64), (0.5, 0.46), (0.8, 0.4), (0.55, 0.55), (0.3, 0.68)]


def shoe(rng: Rng, w: int, h: int) -> Product:
    """A sneaker in side view (toe to the right or left): upper, collar, laces, toe cap, sole."""
    upper_colour = product_colour(rng)
    sole_colour = rng.choice([(245, 245, 242), (235, 225, 200), (40, 40, 40), (190, 120, 60)])
    accent = rng.choice([(240, 240, 240), (20, 20, 20), random_colour(rng)])

    def region(points: Sequence[Point], samples: int = 10) -> np.ndarray:
        painter = MaskPainter(w, h)
        painter.polygon(smooth_closed(scaled(points, w, h), samples))
        return painter.result()

    m_upper, m_sole = region(_SHOE_UPPER), region(_SHOE_SOLE)
    alpha = np.maximum(m_upper, m_sole)
    albedo = np.empty((h, w, 3), np.float32)
    albedo[:] = np.asarray(upper_colour, np.float32)
    albedo *= (1 + noise_texture(rng, h, w, 0.04, 0.7))[:, :, None]
    paint(albedo, region(_SHOE_TOE_CAP, 6) * m_upper, mix(upper_colour, accent, 0.35))
    paint(albedo, region(_SHOE_HEEL, 6) * m_upper, mix(upper_colour, (0, 0, 0), 0.25))
    paint(albedo, region(_SHOE_STRIPE, 8) * m_upper, accent)
    paint(albedo, region(_SHOE_COLLAR, 8) * m_upper, mix(upper_colour, (0, 0, 0), 0.65))
    paint(albedo, m_sole, sole_colour)
    outsole = np.zeros((h, w), np.float32)
    outsole[int(0.89 * h) :] = 1
    paint(albedo, outsole * m_sole, mix(sole_colour, (0, 0, 0), 0.45))
    laces = MaskPainter(w, h)
    lace_colour = rng.choice([(250, 250, 250), (30, 30, 30), accent])
    start, end = np.array([0.43 * w, 0.19 * h]), np.array([0.66 * w, 0.42 * h])
    along = (end - start) / max(float(np.hypot(*(end - start))), 1.0)
    across = np.array([along[1], -along[0]]) * h * 0.06
    for t in np.linspace(0.05, 0.95, 6):
        # Short bars across the lacing line, just inside the top edge of the upper.
        centre = start + t * (end - start)
        a, b = centre - across, centre + across
        laces.line([(float(a[0]), float(a[1])), (float(b[0]), float(b[1]))], h * 0.03)
    paint(albedo, laces.result() * m_upper, lace_colour)
    shade = bevel(m_upper, min(w, h) * 0.06, 0.35) * directional(h, w, rng, 0.2)
    shade = np.where(m_sole > 0.5, bevel(m_sole, h * 0.02, 0.25), shade)
    seam = np.clip(cv2.GaussianBlur(m_sole, (0, 0), 1.5) - m_sole, 0, 1) * m_upper
    shade *= 1 - 0.8 * np.clip(seam * 3, 0, 1)
    gloss = soft_highlight(h, w, 0.6 * w, 0.35 * h, h * 0.2, rng.uniform(5, 25)) * m_upper
    surface = Surface(
        points_array([[0.03 * w, 0.42 * h], [0.16 * w, 0.42 * h], [0.16 * w, 0.6 * h], [0.03 * w, 0.6 * h]]),
        mix(upper_colour, (0, 0, 0), 0.25),
    )
    product = Product("shoe", albedo, shade.astype(np.float32), gloss.astype(np.float32), alpha, [surface])
    return flip_horizontal(product) if rng.chance(0.5) else product


_TSHIRT = [
    (0.37, 0.02),
    (0.2, 0.06),
    (0.0, 0.3),
    (0.12, 0.4),
    (0.22, 0.32),
    (0.22, 1.0),
    (0.78, 1.0),
    (0.78, 0.32),
    (0.88, 0.4),
    (1.0, 0.3),
    (0.8, 0.06),
    (0.63, 0.02),
    (0.5, 0.1),
]
_DRESS = [
    (0.38, 0.0),
    (0.3, 0.03),
    (0.28, 0.2),
    (0.32, 0.38),
    (0.05, 1.0),
    (0.95, 1.0),
    (0.68, 0.38),
    (0.72, 0.2),
    (0.7, 0.03),
    (0.62, 0.0),
    (0.5, 0.08),
]
_TROUSERS = [
    (0.12, 0.0),
    (0.88, 0.0),
    (0.92, 0.3),
    (0.98, 1.0),
    (0.58, 1.0),
    (0.5, 0.3),
    (0.42, 1.0),
    (0.02, 1.0),
    (0.08, 0.3),
]


def garment(rng: Rng, w: int, h: int) -> Product:
    """A flat-lay or ghost-mannequin garment: T-shirt, dress or trousers, with fabric texture."""
    style = rng.choice(["tshirt", "tshirt", "dress", "trousers"])
    outline = {"tshirt": _TSHIRT, "dress": _DRESS, "trousers": _TROUSERS}[style]
    painter = MaskPainter(w, h)
    painter.polygon(scaled(outline, w, h))
    alpha = painter.result()
    alpha = cv2.GaussianBlur(alpha, (0, 0), max(0.6, min(w, h) / 800))
    colour = product_colour(rng)
    albedo = np.empty((h, w, 3), np.float32)
    albedo[:] = np.asarray(colour, np.float32)
    xx = np.arange(w, dtype=np.float32)[None, :]
    yy = np.arange(h, dtype=np.float32)[:, None]
    period = rng.uniform(2.5, 4.0)
    weave = 0.03 * np.sin(xx * 2 * np.pi / period) * np.sin(yy * 2 * np.pi / period)
    albedo *= (1 + weave + noise_texture(rng, h, w, 0.03, 0.6))[:, :, None]
    if rng.chance(0.3):
        # Stripes or checks woven into the fabric.
        stripe = ((yy // max(4, h // rng.integer(12, 30))) % 2).astype(np.float32) * np.ones_like(xx)
        paint(albedo, stripe * 0.8, mix(colour, rng.choice([(255, 255, 255), (0, 0, 0)]), 0.5))
    folds = np.zeros((h, w), np.float32)
    for _ in range(rng.integer(3, 7)):
        x0 = rng.uniform(0.2, 0.8) * w
        slope = rng.uniform(-0.3, 0.3)
        width = rng.uniform(0.01, 0.04) * w
        folds += rng.uniform(0.05, 0.15) * np.exp(-(((xx - x0 - slope * yy) / width) ** 2))
    shade = (1 - folds) * bevel(alpha, min(w, h) * 0.03, 0.25) * directional(h, w, rng, 0.15)
    surfaces: list[Surface] = []
    if style == "tshirt":
        neck = MaskPainter(w, h)
        neck.polygon(smooth_closed(scaled([(0.4, 0.03), (0.5, 0.09), (0.6, 0.03), (0.5, 0.05)], w, h), 8))
        paint(albedo, neck.result(), mix(colour, (0, 0, 0), 0.35))
        surfaces.append(
            Surface(
                points_array(
                    [[0.33 * w, 0.2 * h], [0.67 * w, 0.2 * h], [0.67 * w, 0.5 * h], [0.33 * w, 0.5 * h]]
                ),
                colour,
            )
        )
    elif style == "dress":
        surfaces.append(
            Surface(
                points_array(
                    [[0.36 * w, 0.12 * h], [0.64 * w, 0.12 * h], [0.64 * w, 0.3 * h], [0.36 * w, 0.3 * h]]
                ),
                colour,
            )
        )
    else:
        band = np.zeros((h, w), np.float32)
        band[: int(0.06 * h)] = 1
        paint(albedo, band * alpha, mix(colour, (0, 0, 0), 0.15))
        surfaces.append(
            Surface(
                points_array(
                    [[0.62 * w, 0.08 * h], [0.82 * w, 0.08 * h], [0.83 * w, 0.2 * h], [0.63 * w, 0.2 * h]]
                ),
                colour,
            )
        )
    gloss = np.zeros((h, w), np.float32)
    return Product("garment", albedo, shade.astype(np.float32), gloss, alpha, surfaces)


def bag(rng: Rng, w: int, h: int) -> Product:
    """A handbag: leather body, flap, a top handle and a metal clasp."""
    colour = product_colour(rng)
    body_top = 0.35
    body = MaskPainter(w, h)
    body.polygon(
        smooth_closed(
            scaled(
                [(0.1, body_top), (0.9, body_top), (0.97, 0.9), (0.9, 1.0), (0.1, 1.0), (0.03, 0.9)], w, h
            ),
            6,
        )
    )
    m_body = body.result()
    handle = MaskPainter(w, h)
    handle.arc((0.25 * w, 0.02 * h, 0.75 * w, (body_top + 0.35) * h), 180, 360, min(w, h) * 0.05)
    m_handle = handle.result() * (1 - m_body)
    alpha = np.maximum(m_body, m_handle)
    albedo = np.empty((h, w, 3), np.float32)
    albedo[:] = np.asarray(colour, np.float32)
    albedo *= (1 + noise_texture(rng, h, w, 0.06, 1.2))[:, :, None]
    flap = MaskPainter(w, h)
    flap.polygon(
        smooth_closed(
            scaled([(0.09, body_top), (0.91, body_top), (0.9, 0.62), (0.5, 0.7), (0.1, 0.62)], w, h), 6
        )
    )
    m_flap = flap.result() * m_body
    shade = bevel(m_body, min(w, h) * 0.06, 0.4) * directional(h, w, rng, 0.2)
    shade = shade * (1 - 0.12 * m_flap) + 0.12 * m_flap * bevel(m_flap, min(w, h) * 0.03, 0.3)
    flap_edge = np.clip(cv2.GaussianBlur(m_flap, (0, 0), 2.0) - m_flap, 0, 1)
    shade *= 1 - 0.6 * np.clip(flap_edge * 4, 0, 1) * (1 - m_flap)
    shade = np.where(m_handle > 0.5, bevel(m_handle, min(w, h) * 0.015, 0.4), shade)
    clasp = MaskPainter(w, h)
    clasp.rounded_rect((0.45 * w, 0.62 * h, 0.55 * w, 0.7 * h), min(w, h) * 0.015)
    m_clasp = clasp.result()
    paint(albedo, m_clasp, (205, 175, 95))
    gloss = soft_highlight(h, w, 0.35 * w, 0.5 * h, min(w, h) * 0.2, rng.uniform(8, 25)) * m_body
    gloss += m_clasp * 60
    surface = Surface(
        points_array([[0.3 * w, 0.4 * h], [0.7 * w, 0.4 * h], [0.7 * w, 0.56 * h], [0.3 * w, 0.56 * h]]),
        colour,
    )
    return Product("bag", albedo, shade.astype(np.float32), gloss.astype(np.float32), alpha, [surface])


# --------------------------------------------------------------------------- catalogue


def flip_horizontal(product: Product) -> Product:
    w = product.alpha.shape[1]
    surfaces = []
    for s in product.surfaces:
        quad = s.quad.copy()
        quad[:, 0] = w - quad[:, 0]
        quad = quad[[1, 0, 3, 2]]
        cyl = (w - s.cylinder[0], s.cylinder[1]) if s.cylinder else None
        surfaces.append(Surface(quad, s.colour, cyl, s.bulge, s.vertical_text))
    return Product(
        product.kind,
        product.albedo[:, ::-1].copy(),
        product.shade[:, ::-1].copy(),
        product.gloss[:, ::-1].copy(),
        product.alpha[:, ::-1].copy(),
        surfaces,
        product.printed_text,
    )


def flip_vertical(product: Product) -> Product:
    h = product.alpha.shape[0]
    surfaces = []
    for s in product.surfaces:
        quad = s.quad.copy()
        quad[:, 1] = h - quad[:, 1]
        quad = quad[[3, 2, 1, 0]]
        surfaces.append(Surface(quad, s.colour, s.cylinder, s.bulge, s.vertical_text))
    return Product(
        product.kind,
        product.albedo[::-1].copy(),
        product.shade[::-1].copy(),
        product.gloss[::-1].copy(),
        product.alpha[::-1].copy(),
        surfaces,
        product.printed_text,
    )


# Aspect ratio ranges (height / width) that look natural for each kind.
PRODUCT_KINDS: dict[str, tuple[Callable[[Rng, int, int], Product], tuple[float, float]]] = {
    "bottle": (bottle, (2.2, 3.4)),
    "jar": (jar, (0.7, 1.0)),
    "can": (can, (1.6, 2.0)),
    "tube": (tube, (2.8, 4.0)),
    "mug": (mug, (0.75, 0.95)),
    "box": (box, (0.7, 1.5)),
    "phone": (phone, (1.9, 2.1)),
    "shoe": (shoe, (0.42, 0.5)),
    "garment": (garment, (1.0, 1.3)),
    "bag": (bag, (0.8, 1.0)),
}
PRINTABLE_KINDS = ("bottle", "jar", "can", "tube", "mug", "box", "garment", "bag")


def make_product(rng: Rng, max_w: int, max_h: int, kind: str | None = None) -> Product:
    """A product of `kind` (random if None) at its natural aspect ratio, as large as fits."""
    kind = kind or rng.weighted(list(PRODUCT_KINDS), [3, 1, 1, 2, 1, 3, 1, 2, 2, 2])
    draw, (lo, hi) = PRODUCT_KINDS[kind]
    aspect = rng.uniform(lo, hi)
    w = min(max_w, max_h / aspect)
    h = w * aspect
    return draw(rng, max(24, int(w)), max(24, int(h)))


# --------------------------------------------------------------------------- on-product print

NAMES_CHINESE = (
    "氨基酸洁面乳",
    "天然矿泉水",
    "柔顺洗发露",
    "玻尿酸精华液",
    "手工红糖",
    "冷萃咖啡",
    "有机燕麦片",
    "护手霜",
    "薄荷牙膏",
    "鲜榨橙汁",
    "绿茶饮料",
    "舒缓身体乳",
    "纯牛奶",
    "防晒乳",
    "蜂蜜柚子茶",
)
NAMES_BY_KIND: dict[str, tuple[str, ...]] = {
    "bottle": (
        "天然矿泉水",
        "柔顺洗发露",
        "鲜榨橙汁",
        "绿茶饮料",
        "舒缓身体乳",
        "冷萃咖啡",
        "沐浴露",
        "玻尿酸精华液",
    ),
    "can": ("冷萃咖啡", "绿茶饮料", "鲜榨橙汁", "苏打气泡水", "蜂蜜柚子茶"),
    "jar": ("护手霜", "保湿面霜", "手工红糖", "蜂蜜柚子茶", "有机燕麦片"),
    "tube": ("氨基酸洁面乳", "薄荷牙膏", "护手霜", "防晒乳", "舒缓身体乳"),
    "mug": ("陶瓷马克杯", "保温杯", "咖啡杯"),
}
NET_CONTENT = (
    "净含量: 500ml",
    "净含量: 250ml",
    "净含量 330mL",
    "净含量: 1.5L",
    "净含量: 100g",
    "净含量 50g",
    "Net Wt. 200g",
    "NET 120ml",
    "净含量: 750mL",
    "规格: 12片/盒",
)
INGREDIENTS = (
    "配料: 水、白砂糖、柠檬酸",
    "配料表: 饮用水、食品添加剂",
    "成分: 甘油、透明质酸钠",
    "配料: 生牛乳",
    "成分: 水, 甘油, 烟酰胺",
    "配料: 燕麦、大麦、葡萄干",
    "主要成分: 氨基酸表活",
    "Ingredients: Aqua, Glycerin",
)
SMALL_PRINT = (
    "生产日期见瓶底",
    "保质期: 24个月",
    "型号: XK-2301",
    "型号 ZM-88",
    "MADE IN CHINA",
    "执行标准: GB/T 8939",
    "贮存条件: 阴凉干燥处",
    "产地: 浙江杭州",
    "Model No. A1572",
    "SKU 20417",
    "批号见包装",
)
GARMENT_PRINTS = (
    "URBAN 1987",
    "SUMMER",
    "NO.7",
    "STAY WILD",
    "青春",
    "自由",
    "OCEAN CLUB",
    "LUMORA",
    "BASIC",
    "1998",
    "福",
)


def _surface_frame(surface: Surface) -> tuple[int, int]:
    """The width and height of the flat print area before it is wrapped onto the surface."""
    q = surface.quad
    if surface.cylinder is not None:
        _, radius = surface.cylinder
        half = min(1.0, float(q[1, 0] - q[0, 0]) / 2 / radius)
        width = 2 * radius * float(np.arcsin(half))
    else:
        width = float(np.hypot(*(q[1] - q[0])))
    height = float(np.hypot(*(q[3] - q[0])))
    return max(8, int(width)), max(8, int(height))


def _print_lines(rng: Rng, kind: str, frame_w: int, frame_h: int) -> list[tuple[str, float, bool]]:
    """(text, height share, is_brand) lines, from the big brand down to small print."""
    if kind == "garment":
        return [(rng.choice(GARMENT_PRINTS), 0.35, True)]
    brand = rng.choice(BRANDS_LATIN) if rng.chance(0.5) else rng.choice(BRANDS_CHINESE)
    lines = [(brand, rng.uniform(0.16, 0.26), True)]
    if kind in ("bag", "phone", "shoe"):
        return lines
    if rng.chance(0.75):
        lines.append((rng.choice(NAMES_BY_KIND.get(kind, NAMES_CHINESE)), rng.uniform(0.09, 0.14), False))
    lines.append((rng.choice(NET_CONTENT), rng.uniform(0.05, 0.08), False))
    if rng.chance(0.6):
        lines.append((rng.choice(INGREDIENTS), rng.uniform(0.04, 0.06), False))
    if rng.chance(0.5):
        lines.append((rng.choice(SMALL_PRINT), rng.uniform(0.04, 0.06), False))
    return lines


def compose_label(
    rng: Rng, fonts: FontLibrary, kind: str, frame_w: int, frame_h: int, under: RGB, low_contrast: bool
) -> tuple[Image.Image, list[str]]:
    """The flat artwork printed on a surface (transparent where the product colour shows)."""
    label = Image.new("RGBA", (frame_w, frame_h), (0, 0, 0, 0))
    background = under
    if kind not in ("garment", "bag", "phone", "shoe") and rng.chance(0.4):
        # A printed label panel (paper sticker / printed band) that is part of the packaging.
        background = rng.choice(
            [(250, 248, 240), (255, 255, 255), mix(under, (255, 255, 255), 0.6), random_colour(rng)]
        )
        panel = Image.new("RGBA", (frame_w, frame_h), (*background, 255))
        label = panel
    if low_contrast:
        ink = text_colour_for(rng, background, 1.35, 2.2)
    else:
        ink = text_colour_for(rng, background, 3.0, 12.0, saturated=0.3)
    accent = (
        ink
        if rng.chance(0.5)
        else text_colour_for(
            rng, background, 2.0 if low_contrast else 3.0, 2.6 if low_contrast else 15.0, saturated=0.9
        )
    )
    lines = _print_lines(rng, kind, frame_w, frame_h)
    printed: list[str] = []
    y = frame_h * rng.uniform(0.05, 0.15)
    align = rng.choice(["centre", "centre", "left"])
    for text, share, is_brand in lines:
        target = max(12, int(frame_h * share))
        face = fonts.pick(rng, text, decorative=is_brand and rng.chance(0.3), bold=True if is_brand else None)
        size = fit_text_size(face, text, frame_w * 0.88, target, min_size=12)
        if size < 12 or y + size * 1.3 > frame_h:
            continue
        style = TextStyle(face, size, fill=accent if is_brand else ink)
        layer = render_text(text, style)
        if layer.width > frame_w * 0.95:
            continue
        x = (frame_w - layer.width) // 2 if align == "centre" else int(frame_w * 0.06)
        label.alpha_composite(layer, (max(0, x), int(y)))
        printed.append(text)
        y += layer.height + max(3, size * 0.35)
    if kind in ("box", "bottle", "can") and rng.chance(0.35) and y + frame_h * 0.12 < frame_h:
        # A barcode block, drawn as bars of random widths.
        draw = ImageDraw.Draw(label)
        bar_h = int(frame_h * 0.1)
        x0 = int(frame_w * rng.uniform(0.55, 0.7))
        x = x0
        end = min(frame_w - 4, x0 + int(frame_w * 0.28))
        while x < end:
            bw = rng.integer(1, 3)
            if rng.chance(0.55):
                draw.rectangle((x, frame_h - bar_h - 6, x + bw - 1, frame_h - 6), fill=(*ink, 255))
            x += bw
    if low_contrast and rng.chance(0.5):
        # Embossed / foil print: partially transparent ink.
        alpha = label.getchannel("A").point(lambda v: int(v * 0.75))
        label.putalpha(alpha)
    return label, printed


def _premultiplied(label: Image.Image) -> tuple[np.ndarray, np.ndarray]:
    rgba = np.asarray(label, np.float32)
    alpha = rgba[:, :, 3] / 255.0
    return rgba[:, :, :3] * alpha[:, :, None], alpha


def warp_print(product: Product, surface: Surface, label: Image.Image) -> tuple[np.ndarray, np.ndarray]:
    """Wrap flat artwork onto `surface`: perspective for flat faces, arcsin for cylinders."""
    h, w = product.alpha.shape
    colour_pm, alpha = _premultiplied(label)
    lh, lw = alpha.shape
    if surface.cylinder is None:
        src = points_array([[0, 0], [lw, 0], [lw, lh], [0, lh]])
        matrix = cv2.getPerspectiveTransform(src, surface.quad.astype(np.float32))
        warped_colour = cv2.warpPerspective(colour_pm, matrix, (w, h), flags=cv2.INTER_LINEAR)
        warped_alpha = cv2.warpPerspective(alpha, matrix, (w, h), flags=cv2.INTER_LINEAR)
    else:
        cx, radius = surface.cylinder
        q = surface.quad
        top, bottom = float(q[0, 1]), float(q[3, 1])
        half = min(1.0, float(q[1, 0] - q[0, 0]) / 2 / radius)
        theta_max = float(np.arcsin(half))
        xx, yy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
        t = np.clip((xx - cx) / radius, -1.0, 1.0)
        theta = np.arcsin(t)
        map_x = (theta / max(theta_max, 1e-3) + 1) / 2 * lw
        # The front of the cylinder sits lower than its sides when seen from slightly above.
        map_y = (yy - top - surface.bulge * np.cos(theta)) / max(bottom - top, 1) * lh
        outside = (np.abs(theta) > theta_max) | (np.abs((xx - cx) / radius) > 1)
        map_x[outside] = -10
        warped_colour = cv2.remap(colour_pm, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
        warped_alpha = cv2.remap(alpha, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    colour = warped_colour / np.maximum(warped_alpha, 1e-4)[:, :, None]
    # Clip to the silhouette: print cannot exist off the product.
    return colour, warped_alpha * (product.alpha > 0.5)


def apply_print(
    rng: Rng, fonts: FontLibrary, product: Product, low_contrast: bool | None = None, max_surfaces: int = 2
) -> list[str]:
    """Print brand / name / 净含量 / ingredients onto the product's surfaces; returns what was printed."""
    printed: list[str] = []
    surfaces = product.surfaces[:max_surfaces] if rng.chance(0.5) else product.surfaces[:1]
    for surface in surfaces:
        frame_w, frame_h = _surface_frame(surface)
        if surface.vertical_text:
            frame_w, frame_h = frame_h, frame_w
        if frame_w < 30 or frame_h < 16:
            continue
        faint = rng.chance(0.3) if low_contrast is None else low_contrast
        label, lines = compose_label(rng, fonts, product.kind, frame_w, frame_h, surface.colour, faint)
        if surface.vertical_text:
            label = label.transpose(
                Image.Transpose.ROTATE_90 if rng.chance(0.5) else Image.Transpose.ROTATE_270
            )
        colour, alpha = warp_print(product, surface, label)
        paint_weight = alpha[:, :, None]
        product.albedo[:] = product.albedo * (1 - paint_weight) + colour * paint_weight
        printed.extend(lines)
    product.printed_text.extend(printed)
    return printed

"""Measurements that tell an overlay (牛皮癣) from the product's own print, for the psoriasis model.

Inputs are the decoded RGB image and what the text detector found in it (boxes and probability
map); outputs are plain numbers, one row per detected text region plus one row for the image.
Nothing here is learned: ``image_audit.psoriasis`` feeds these rows to the trained model, and
``infra/train_psoriasis.py`` computes the very same rows for training, so the two cannot drift.

What separates the two kinds of text, and the feature that measures it:

- where it sits: overlays hug corners and edges and sit on the backdrop or across the picture;
  print lives inside the product's silhouette (``in_product``, ``ring_background``, ``edge_dist``,
  ``corner_dist``). The silhouette comes from a background model: the border's typical colour,
  everything that differs from it, with thin strokes (text) opened away so that a slogan on a
  white margin does not count as product;
- how it was made: overlay ink is one flat, often saturated colour rendered crisply, on a flat
  fill (banner, badge) or on the photo; print on a bottle follows the surface's shading and the
  camera's blur (``ink_std``, ``ink_sat``, ``fill_std``, ``fill_slope``, ``edge_crisp``);
  a semi-transparent mark lets the picture show through its ink (``see_through``);
- how faint and how repeated it is: watermarks are low-contrast, often tilted, and tiled ones
  repeat on a lattice (``ink_contrast``, ``tilt``, ``similar_boxes``, ``periodicity_text``,
  ``periodicity_image``, ``weak_text_mass``).

All geometry is relative (to the image's sides), so the same photo at another size gives the
same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from image_audit.ocr import TextDetection
from image_audit.ocr_types import Quad

# The background model and the periodicity work on a small copy: they describe layout, not detail.
LAYOUT_SIDE = 256
BORDER_BAND = 0.03  # share of the short side taken as the border band
BACKGROUND_TOLERANCE = 24  # any-channel difference from the border colour that still is backdrop
# Text strokes are thinner than this share of the short side: opening the foreground with it
# removes writing on the backdrop but keeps product bodies (and solid banners or badges).
STROKE_OPENING = 0.035
RING_PAD = 0.6  # ring around a box, in box heights, that tells what the box sits on
UNDER_MIN_STD = 3.0  # grey levels the picture under the ink must vary by to say it shows through
WEAK_TEXT = (0.1, 0.3)  # detector probabilities too faint for a box, typical of watermarks

IMAGE_FEATURES = (
    "bg_flat",
    "product_share",
    "n_boxes",
    "text_share",
    "periodicity_text",
    "periodicity_image",
    "weak_text_mass",
)
# What _ink measures inside a box (one block of BOX_FEATURES).
INK_FEATURES = (
    "ink_contrast",
    "ink_lum",
    "ink_sat",
    "ink_std",
    "fill_std",
    "fill_slope",
    "see_through",
    "see_through_slope",
    "under_std",
    "edge_crisp",
)
BOX_FEATURES = (
    "det_score",
    "height_rel",
    "width_rel",
    "aspect",
    "area_rel",
    "edge_dist",
    "corner_dist",
    "centre_dist",
    "tilt",
    "in_product",
    "ring_background",
    *INK_FEATURES,
    "crisp_ratio",
    "ring_std",
    "similar_boxes",
    "faint",
)
# A region row is its own measurements followed by its image's (context for the trees).
REGION_FEATURES = BOX_FEATURES + IMAGE_FEATURES


@dataclass(frozen=True)
class Layout:
    """The background model of one image, at LAYOUT_SIDE scale."""

    scale: float  # layout px per input px
    background: tuple[int, int, int]
    flat_share: float  # share of the border band within tolerance of the background colour
    backdrop: np.ndarray  # bool, pixels that look like the backdrop
    product: np.ndarray  # bool, the product silhouette (foreground without thin strokes)


@dataclass(frozen=True)
class ImageMeasurements:
    """Feature rows of one image: one per detected text box, plus the image's own row."""

    boxes: list[Quad]
    regions: np.ndarray  # (n_boxes, len(REGION_FEATURES)) float32
    image: np.ndarray  # (len(IMAGE_FEATURES),) float32
    product_box: tuple[int, int, int, int] | None  # x, y, w, h in input px, None if no backdrop
    scale: float = 1.0  # measured px per decoded px (image_audit.psoriasis works on a bounded copy)


def measure(rgb: np.ndarray, detection: TextDetection, faint_boxes: Sequence[Quad] = ()) -> ImageMeasurements:
    """Feature rows of the detector's boxes, then of ``faint_boxes`` (found only on the amplified
    copy, see image_audit.psoriasis.faint_marks; they get ``det_score`` 0 and ``faint`` 1)."""
    import cv2

    height, width = rgb.shape[:2]
    layout = _layout(rgb)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    boxes = [*detection.boxes, *faint_boxes]
    scores = [*detection.box_scores, *([0.0] * len(faint_boxes))]
    box_rows = [
        _box_features(rgb, gray, quad, score, layout) for quad, score in zip(boxes, scores, strict=True)
    ]
    for i, row in enumerate(box_rows):
        row["faint"] = 1.0 if i >= len(detection.boxes) else 0.0
    _add_similarity(box_rows, boxes)

    text_share = sum(row["area_rel"] for row in box_rows)
    image_row = {
        "bg_flat": layout.flat_share,
        "product_share": float(layout.product.mean()),
        "n_boxes": math.log1p(len(detection.boxes)),
        "text_share": min(1.0, text_share),
        "periodicity_text": _periodicity(detection.prob_map),
        "periodicity_image": _periodicity(_high_pass(gray)),
        "weak_text_mass": _weak_text_mass(detection.prob_map),
    }
    image_vector = np.array([image_row[name] for name in IMAGE_FEATURES], dtype=np.float32)
    if box_rows:
        regions = np.array([[row[name] for name in BOX_FEATURES] for row in box_rows], dtype=np.float32)
        regions = np.hstack([regions, np.repeat(image_vector[None, :], len(box_rows), axis=0)])
    else:
        regions = np.zeros((0, len(REGION_FEATURES)), dtype=np.float32)
    return ImageMeasurements(
        boxes=list(boxes),
        regions=regions,
        image=image_vector,
        product_box=_product_box(layout, width, height),
    )


# --------------------------------------------------------------------------- background model


def _layout(rgb: np.ndarray) -> Layout:
    import cv2

    height, width = rgb.shape[:2]
    scale = min(1.0, LAYOUT_SIDE / max(height, width))
    small = cv2.resize(
        rgb, (max(1, round(width * scale)), max(1, round(height * scale))), interpolation=cv2.INTER_AREA
    )
    sh, sw = small.shape[:2]
    band = max(1, round(BORDER_BAND * min(sh, sw)))
    border = np.concatenate(
        [
            small[:band].reshape(-1, 3),
            small[-band:].reshape(-1, 3),
            small[:, :band].reshape(-1, 3),
            small[:, -band:].reshape(-1, 3),
        ]
    )
    background = tuple(int(v) for v in np.median(border, axis=0))
    distance = np.abs(small.astype(np.int16) - np.array(background, dtype=np.int16)).max(axis=2)
    backdrop = distance <= BACKGROUND_TOLERANCE
    border_distance = np.abs(border.astype(np.int16) - np.array(background, dtype=np.int16)).max(axis=1)
    flat_share = float((border_distance <= BACKGROUND_TOLERANCE).mean())

    foreground = (~backdrop).astype(np.uint8)
    k = max(3, round(STROKE_OPENING * min(sh, sw)) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    product = cv2.morphologyEx(foreground, cv2.MORPH_OPEN, kernel)
    # Holes inside the silhouette (a label's white panel) are product too.
    product = cv2.morphologyEx(product, cv2.MORPH_CLOSE, kernel)
    return Layout(
        scale=sh / height,
        background=(background[0], background[1], background[2]),
        flat_share=flat_share,
        backdrop=backdrop,
        product=product.astype(bool),
    )


def _product_box(layout: Layout, width: int, height: int) -> tuple[int, int, int, int] | None:
    if layout.flat_share < 0.6 or not layout.product.any():
        return None
    rows = np.flatnonzero(layout.product.any(axis=1))
    cols = np.flatnonzero(layout.product.any(axis=0))
    inv = 1.0 / layout.scale
    x0, y0 = int(cols[0] * inv), int(rows[0] * inv)
    x1, y1 = min(width, int((cols[-1] + 1) * inv)), min(height, int((rows[-1] + 1) * inv))
    return x0, y0, x1 - x0, y1 - y0


# --------------------------------------------------------------------------- per-box measurements


def _box_features(
    rgb: np.ndarray, gray: np.ndarray, quad: Quad, score: float, layout: Layout
) -> dict[str, float]:
    height, width = gray.shape
    short = min(height, width)
    points = np.array(quad, dtype=np.float32)
    side_w = float(np.linalg.norm(points[1] - points[0]))
    side_h = float(np.linalg.norm(points[3] - points[0]))
    text_h, text_w = min(side_w, side_h), max(side_w, side_h)
    long_edge = points[1] - points[0] if side_w >= side_h else points[3] - points[0]
    angle = math.degrees(math.atan2(float(long_edge[1]), float(long_edge[0]))) % 90.0
    tilt = min(angle, 90.0 - angle)

    x0, y0 = (int(max(0, math.floor(v))) for v in points.min(axis=0))
    x1 = int(min(width, math.ceil(points[:, 0].max()) + 1))
    y1 = int(min(height, math.ceil(points[:, 1].max()) + 1))
    cx, cy = (x0 + x1) / 2 / width, (y0 + y1) / 2 / height
    edge_dist = min(x0, y0, width - x1, height - y1) / short
    corner_dist = min(math.hypot(cx - a, cy - b) for a in (0.0, 1.0) for b in (0.0, 1.0))

    row: dict[str, float] = {
        "det_score": float(score),
        "height_rel": text_h / short,
        "width_rel": text_w / max(height, width),
        "aspect": math.log1p(text_w / max(1.0, text_h)),
        "area_rel": (x1 - x0) * (y1 - y0) / (height * width),
        "edge_dist": edge_dist,
        "corner_dist": corner_dist,
        "centre_dist": math.hypot(cx - 0.5, cy - 0.5),
        "tilt": tilt / 45.0,
    }
    row.update(_placement(layout, (x0, y0, x1, y1), text_h, (width, height)))
    row.update(_ink(rgb[y0:y1, x0:x1], gray[y0:y1, x0:x1], text_h))
    row.update(_surroundings(gray, (x0, y0, x1, y1), text_h, row["edge_crisp"]))
    return row


def _surroundings(
    gray: np.ndarray, box: tuple[int, int, int, int], text_h: float, edge_crisp: float
) -> dict[str, float]:
    """Sharpness and texture of the picture right around a box, compared with the box's own.

    Text added after the photo was taken is rendered at the final resolution, so its edges are
    steeper than the photo's own edges next to it; print on a product went through the same lens,
    focus and resizing as its surroundings. A ring without edges (a flat backdrop) says nothing
    about sharpness: the ratio is then 1 (neutral) and ``ring_std`` tells the trees it was flat.
    """
    import cv2

    height, width = gray.shape
    x0, y0, x1, y1 = box
    pad = max(2, round(RING_PAD * text_h))
    rx0, ry0, rx1, ry1 = max(0, x0 - pad), max(0, y0 - pad), min(width, x1 + pad), min(height, y1 + pad)
    patch = gray[ry0:ry1, rx0:rx1].astype(np.float32)
    ring = np.ones(patch.shape, dtype=bool)
    ring[y0 - ry0 : y1 - ry0, x0 - rx0 : x1 - rx0] = False
    if ring.sum() < 16:
        return {"crisp_ratio": 1.0, "ring_std": 0.0}
    gx = cv2.Sobel(patch, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(patch, cv2.CV_32F, 0, 1, ksize=3)
    gradient = np.sqrt(gx * gx + gy * gy)[ring] / 4.0
    values = patch[ring]
    spread = float(np.percentile(values, 95) - np.percentile(values, 5))
    ring_std = float(values.std()) / 255.0
    if spread < 24.0:
        return {"crisp_ratio": 1.0, "ring_std": ring_std}
    ring_crisp = float(np.percentile(gradient, 95)) / spread
    return {"crisp_ratio": float(min(4.0, edge_crisp / max(0.02, ring_crisp))), "ring_std": ring_std}


def _placement(
    layout: Layout, box: tuple[int, int, int, int], text_h: float, size: tuple[int, int]
) -> dict[str, float]:
    """How much of the box lies on the product, and whether its surroundings are backdrop."""
    s = layout.scale
    lh, lw = layout.product.shape
    x0, y0, x1, y1 = box
    bx0, by0 = min(lw - 1, int(x0 * s)), min(lh - 1, int(y0 * s))
    bx1, by1 = max(bx0 + 1, min(lw, math.ceil(x1 * s))), max(by0 + 1, min(lh, math.ceil(y1 * s)))
    in_product = float(layout.product[by0:by1, bx0:bx1].mean())
    pad = max(1, round(RING_PAD * text_h * s))
    rx0, ry0, rx1, ry1 = max(0, bx0 - pad), max(0, by0 - pad), min(lw, bx1 + pad), min(lh, by1 + pad)
    ring = layout.backdrop[ry0:ry1, rx0:rx1].copy()
    ring_mask = np.ones(ring.shape, dtype=bool)
    ring_mask[by0 - ry0 : by1 - ry0, bx0 - rx0 : bx1 - rx0] = False
    ring_background = float(ring[ring_mask].mean()) if ring_mask.any() else 0.0
    return {"in_product": in_product, "ring_background": ring_background * layout.flat_share}


def _ink(rgb: np.ndarray, gray: np.ndarray, text_h: float) -> dict[str, float]:
    """Ink against fill inside one box: contrast, colour, flatness, shading, see-through and
    edge sharpness."""
    import cv2

    if gray.size < 16 or min(gray.shape) < 3:
        return dict.fromkeys(INK_FEATURES, 0.0)
    _, split = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = split > 0
    # Strokes cover less of a text box than the fill behind them.
    ink = bright if bright.mean() < 0.5 else ~bright
    if not ink.any() or ink.all():
        ink = np.zeros_like(bright)
        ink[gray.shape[0] // 2, gray.shape[1] // 2] = True
    fill = ~ink
    lum = gray.astype(np.float32)
    ink_lum, fill_lum = lum[ink], lum[fill] if fill.any() else lum[ink]
    contrast = abs(float(ink_lum.mean()) - float(fill_lum.mean())) / 255.0
    channels = rgb.reshape(-1, 3).astype(np.int16)
    saturation = (channels.max(axis=1) - channels.min(axis=1)).reshape(gray.shape)
    # Shading: the slope of a plane through the fill's luminance, in levels per box height.
    ys, xs = np.nonzero(fill)
    slope = 0.0
    if ys.size >= 6:
        design = np.column_stack([xs, ys, np.ones_like(xs)]).astype(np.float32)
        coef, *_ = np.linalg.lstsq(design, lum[fill], rcond=None)
        slope = float(math.hypot(coef[0], coef[1]) * gray.shape[0] / 255.0)
    gx = cv2.Sobel(lum, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(lum, cv2.CV_32F, 0, 1, ksize=3)
    gradient = np.sqrt(gx * gx + gy * gy) / 4.0  # Sobel 3x3 gain; now levels per pixel
    crisp = float(np.percentile(gradient, 95)) / max(8.0, contrast * 255.0)
    return {
        **_see_through(lum, text_h),
        "ink_contrast": contrast,
        "ink_lum": float(ink_lum.mean()) / 255.0,
        "ink_sat": float(saturation[ink].mean()) / 255.0,
        "ink_std": float(ink_lum.std()) / 255.0,
        "fill_std": float(fill_lum.std()) / 255.0,
        "fill_slope": min(slope, 2.0),
        "edge_crisp": min(crisp, 2.0),
    }


def _see_through(lum: np.ndarray, text_h: float) -> dict[str, float]:
    """How much the ink's brightness follows the picture under it.

    A semi-transparent mark is a blend, alpha * colour + (1 - alpha) * picture: where the
    picture under it brightens or darkens, so does the ink, by (1 - alpha) (``see_through_slope``
    0.4-0.9, ``see_through`` the correlation). Opaque ink keeps its colour (correlation near 0);
    print on a shaded surface follows the shading too, but scaled by the ink's darkness (a small
    slope for dark ink).

    The box's own Otsu split does not serve here: across a lit wall or a sky it separates the
    bright side from the dark one. Strokes are found against the local picture instead (a median
    about a text height wide, which thin strokes do not move), and the picture under a stroke is
    the mean of the non-stroke pixels around it. ``under_std`` says how much that picture
    varied; below UNDER_MIN_STD levels there is nothing to follow and both measures are 0.
    """
    import cv2

    if min(lum.shape) < 3:
        return {"see_through": 0.0, "see_through_slope": 0.0, "under_std": 0.0}
    k = max(3, round(text_h) | 1)
    local = cv2.medianBlur(lum.astype(np.uint8), min(k, 255))
    detail = lum - local.astype(np.float32)
    # Strokes stand out on one side of the picture: the side with the larger deviations.
    sign = 1.0 if np.percentile(detail, 95) >= -np.percentile(detail, 5) else -1.0
    signed = sign * detail
    _, split = cv2.threshold(
        np.clip(signed, 0, 255).astype(np.uint8), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU
    )
    ink = (split > 0) & (signed > UNDER_MIN_STD)
    fill = (~ink).astype(np.float32)
    window = max(3, round(0.5 * text_h) | 1)
    fill_sum = cv2.boxFilter(lum * fill, -1, (window, window), normalize=False, borderType=cv2.BORDER_REFLECT)
    fill_count = cv2.boxFilter(fill, -1, (window, window), normalize=False, borderType=cv2.BORDER_REFLECT)
    seen = ink & (fill_count > 0.5)
    if int(seen.sum()) < 12:
        return {"see_through": 0.0, "see_through_slope": 0.0, "under_std": 0.0}
    under = fill_sum[seen] / fill_count[seen]
    over = lum[seen]
    under_std = float(under.std())
    if under_std < UNDER_MIN_STD:
        return {"see_through": 0.0, "see_through_slope": 0.0, "under_std": under_std / 255.0}
    covariance = float(((under - under.mean()) * (over - over.mean())).mean())
    correlation = covariance / max(1e-6, under_std * float(over.std()))
    return {
        "see_through": correlation,
        "see_through_slope": float(np.clip(covariance / (under_std * under_std), -1.0, 2.0)),
        "under_std": under_std / 255.0,
    }


def _add_similarity(rows: list[dict[str, float]], boxes: Sequence[Quad]) -> None:
    """Share of the other boxes of about the same height and tilt: tiled marks repeat one stamp."""
    n = len(rows)
    heights = np.array([row["height_rel"] for row in rows])
    widths = np.array([row["width_rel"] for row in rows])
    tilts = np.array([row["tilt"] for row in rows])
    for i, row in enumerate(rows):
        if n < 2:
            row["similar_boxes"] = 0.0
            continue
        same = (
            (np.abs(heights - heights[i]) <= 0.15 * heights[i])
            & (np.abs(widths - widths[i]) <= 0.15 * widths[i])
            & (np.abs(tilts - tilts[i]) <= 0.06)
        )
        row["similar_boxes"] = math.log1p(int(same.sum()) - 1)


# --------------------------------------------------------------------------- image measurements


def _high_pass(gray: np.ndarray) -> np.ndarray:
    import cv2

    height, width = gray.shape
    scale = min(1.0, LAYOUT_SIDE / max(height, width))
    small = cv2.resize(
        gray, (max(1, round(width * scale)), max(1, round(height * scale))), interpolation=cv2.INTER_AREA
    )
    small = small.astype(np.float32)
    return np.abs(small - cv2.GaussianBlur(small, (0, 0), 3.0))


def _periodicity(plane: np.ndarray) -> float:
    """Strongest repeat of a pattern: how far the highest autocorrelation peak away from zero
    shift stands above the lowest correlation on the straight way to it.

    A tiled watermark correlates with itself shifted by one tile, and less in between; a single
    line of text, a product or a scene has no such dip. The zero-shift neighbourhood (radius 10 % of the short
    side) and shifts that keep less than half the image overlapping are ignored.
    """
    import cv2

    height, width = plane.shape
    if min(height, width) < 8:
        return 0.0
    scale = min(1.0, 128 / max(height, width))
    small = cv2.resize(
        plane.astype(np.float32),
        (max(8, round(width * scale)), max(8, round(height * scale))),
        interpolation=cv2.INTER_AREA,
    )
    centred = small - small.mean()
    energy = float((centred * centred).sum())
    if energy <= 1e-6:
        return 0.0
    sh, sw = centred.shape
    spectrum = np.fft.rfft2(centred, s=(2 * sh, 2 * sw))
    corr = np.fft.irfft2(spectrum * np.conj(spectrum), s=(2 * sh, 2 * sw))
    corr = np.fft.fftshift(corr)[sh // 2 : sh // 2 + sh, sw // 2 : sw // 2 + sw] / energy
    yy, xx = np.mgrid[0:sh, 0:sw]
    dy, dx = yy - sh // 2, xx - sw // 2
    radius = 0.1 * min(sh, sw)
    overlap = (1 - np.abs(dy) / sh) * (1 - np.abs(dx) / sw)
    valid = (np.hypot(dy, dx) > radius) & (overlap >= 0.5)
    if not valid.any():
        return 0.0
    # Normalise by the overlap so that a lattice far out is not penalised for its smaller overlap.
    normalised = np.where(valid, corr / np.maximum(overlap, 1e-6), -np.inf)
    peak = np.unravel_index(int(np.argmax(normalised)), normalised.shape)
    peak_value = float(normalised[peak])
    # A repeat is a peak that stands above a dip on the way to it: one long line or edge
    # correlates with itself all along its direction and has no dip.
    steps = np.linspace(0.0, 1.0, 24)[1:-1]
    ray_y = np.round(sh // 2 + steps * (peak[0] - sh // 2)).astype(int)
    ray_x = np.round(sw // 2 + steps * (peak[1] - sw // 2)).astype(int)
    ray = corr[ray_y, ray_x] / np.maximum(overlap[ray_y, ray_x], 1e-6)
    dip = float(ray.min()) if ray.size else peak_value
    return float(np.clip(peak_value - max(dip, 0.0), 0.0, 1.0))


def _weak_text_mass(prob_map: np.ndarray) -> float:
    """Share of the detector's attention that stayed below box level (faint, watermark-like)."""
    if prob_map.size == 0:
        return 0.0
    weak = float(((prob_map > WEAK_TEXT[0]) & (prob_map < WEAK_TEXT[1])).mean())
    return min(1.0, weak * 20.0)

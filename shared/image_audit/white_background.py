"""White-background analysis: the original edge-band rule plus robust rules and marketplace checks.

The original service scanned the share of white pixels in an edge band ``margin`` px wide at grey
level ``background_pixel``. That rule alone is fooled both ways: JPEG noise and soft shadows make a
real white sweep look non-white, while a thin frame or a white wall over a coloured table can pass.
The rules here (docs/white-background.md explains each with its threshold):

1. edge band: at least 3 of the 4 edges are white (a product may touch or cross one edge);
2. corners: at least 3 of the 4 corner patches are white (a split scene loses two corners);
3. level: every white edge's typical value is within 4 grey levels of ``background_pixel``
   (off-white 240 and light grey gradients fail even though single noisy pixels are tolerated);
4. frame: the outermost pixel lines are not a coloured border.

A pixel is white when its darkest channel is at least ``background_pixel - tolerance``; using the
darkest channel makes pale colours (cream, pale blue) non-white, which a grey-level test would miss.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

from image_audit.api import ApiSpec
from image_audit.contract import (
    AliyunWhiteBackgroundValue,
    Box,
    EdgeStats,
    MarketplaceCheck,
    ProductRegion,
    WhiteBackgroundOptions,
    WhiteBackgroundRequest,
    WhiteBackgroundResult,
)
from image_audit.imaging import DecodedImage

VERSION = "white-background/1.0"

# Reduced decoding: JPEG DCT scaling picks 1/2 for 800-1600 px images, 1/4 above. Edge statistics and
# the product box need far fewer pixels than the original has.
ANALYSIS_MAX_SIDE = 400

WHITE_EDGE_RATIO = 0.9  # an edge is white when this share of its band is white
MIN_WHITE_EDGES = 3
MIN_WHITE_CORNERS = 3
CORNER_WHITE_RATIO = 0.8
LEVEL_SLACK = 4  # typical value of a white edge may sit this far below background_pixel
FRAME_LINE_RATIO = 0.5  # an outermost line whiter than this is not a frame
PRODUCT_DIFFERENCE = 32  # a pixel this far (any channel) from the background belongs to the product
AMAZON_EXACT_WHITE_SHARE = 0.95
AMAZON_MIN_FILL = 0.85
AMAZON_MIN_LONGEST_SIDE = 1000

Edge = Literal["top", "bottom", "left", "right"]
EDGES: tuple[Edge, ...] = ("top", "bottom", "left", "right")


def analyze_white_background(image: DecodedImage, options: WhiteBackgroundOptions) -> WhiteBackgroundResult:
    rgb = image.rgb
    height, width = rgb.shape[:2]
    band = min(max(1, math.ceil(options.margin * image.scale)), max(1, min(height, width) // 4))
    darkest = rgb.min(axis=2)
    white = darkest >= options.background_pixel - options.tolerance
    exact = darkest >= options.background_pixel
    transparent = image.alpha is not None and bool((image.alpha < 16).any())
    if image.alpha is not None and not options.transparent_as_white:
        see_through = image.alpha < 250
        white &= ~see_through
        exact &= ~see_through

    band_slices = _edge_slices(height, width, band)
    edges: dict[Edge, EdgeStats] = {}
    edge_levels: dict[Edge, int] = {}
    for name, region in band_slices.items():
        edge_white = white[region]
        edges[name] = EdgeStats(
            white_ratio=round(float(edge_white.mean()), 4),
            median_rgb=_median_rgb(rgb[region]),
        )
        whites = darkest[region][edge_white]
        edge_levels[name] = int(np.median(whites)) if whites.size else 0

    band_mask = np.zeros((height, width), dtype=bool)
    for region in band_slices.values():
        band_mask[region] = True
    band_white = white & band_mask
    white_ratio = float(band_white.sum() / band_mask.sum())
    exact_white_share = float((exact & band_mask).sum() / max(1, band_white.sum()))
    background_pixels = rgb[band_white] if band_white.sum() >= 0.05 * band_mask.sum() else rgb[band_mask]
    background_rgb = _median_rgb(background_pixels)

    reasons: list[str] = []
    white_edges = [name for name in EDGES if edges[name].white_ratio >= WHITE_EDGE_RATIO]
    if len(white_edges) < MIN_WHITE_EDGES:
        ratios = ", ".join(f"{name} {edges[name].white_ratio:.2f}" for name in EDGES)
        reasons.append(f"only {len(white_edges)} of 4 edges are white ({ratios})")
    white_corners = _count_white_corners(white, band)
    if white_corners < MIN_WHITE_CORNERS:
        reasons.append(f"only {white_corners} of 4 corners are white")
    for name in white_edges:
        if edge_levels[name] < options.background_pixel - LEVEL_SLACK:
            reasons.append(f"{name} edge is off-white (typical level {edge_levels[name]})")
    frame_detected = _has_frame(white, band)
    if frame_detected:
        reasons.append("a border or frame runs along the image edges")

    product = _product_region(image, np.array(background_rgb, dtype=np.int16))
    checks = _amazon_checks(image, product, exact_white_share, not reasons, transparent) if options.preset else []
    return WhiteBackgroundResult(
        is_white=not reasons,
        white_ratio=round(white_ratio, 4),
        edges=edges,
        background_rgb=background_rgb,
        exact_white_share=round(exact_white_share, 4),
        white_corners=white_corners,
        frame_detected=frame_detected,
        transparent_background=transparent,
        reasons=reasons,
        product=product,
        checks=checks,
    )


def _edge_slices(height: int, width: int, band: int) -> dict[Edge, tuple[slice, slice]]:
    return {
        "top": (slice(0, band), slice(0, width)),
        "bottom": (slice(height - band, height), slice(0, width)),
        "left": (slice(0, height), slice(0, band)),
        "right": (slice(0, height), slice(width - band, width)),
    }


def _median_rgb(pixels: np.ndarray) -> tuple[int, int, int]:
    flat = pixels.reshape(-1, 3)
    red, green, blue = (int(v) for v in np.median(flat, axis=0))
    return red, green, blue


def _count_white_corners(white: np.ndarray, band: int) -> int:
    height, width = white.shape
    size = max(band, round(0.03 * min(height, width)))
    corners = (
        white[:size, :size],
        white[:size, width - size :],
        white[height - size :, :size],
        white[height - size :, width - size :],
    )
    return sum(1 for patch in corners if patch.mean() >= CORNER_WHITE_RATIO)


def _has_frame(white: np.ndarray, band: int) -> bool:
    """A frame darkens the outermost lines of at least three edges while the band inside is white.

    Only frames thinner than the band can hide from the edge-band rule; wider ones already fail it.
    """
    outer = (white[0, :], white[-1, :], white[:, 0], white[:, -1])
    inner_depth = min(band + 2, white.shape[0] // 4, white.shape[1] // 4)
    inner = (white[inner_depth, :], white[-1 - inner_depth, :], white[:, inner_depth], white[:, -1 - inner_depth])
    framed_edges = sum(
        1
        for out_line, in_line in zip(outer, inner, strict=True)
        if out_line.mean() < FRAME_LINE_RATIO and in_line.mean() >= WHITE_EDGE_RATIO
    )
    return framed_edges >= 3


def _product_region(image: DecodedImage, background: np.ndarray) -> ProductRegion | None:
    rgb = image.rgb
    height, width = rgb.shape[:2]
    foreground = (np.abs(rgb.astype(np.int16) - background).max(axis=2) > PRODUCT_DIFFERENCE)
    if image.alpha is not None:
        foreground |= image.alpha >= 128
        foreground &= image.alpha >= 16
    # Ignore isolated specks (dust, JPEG ringing): a row/column needs a few product pixels to count.
    rows = np.flatnonzero(foreground.sum(axis=1) >= max(2, 0.002 * width))
    cols = np.flatnonzero(foreground.sum(axis=0) >= max(2, 0.002 * height))
    if rows.size == 0 or cols.size == 0:
        return None
    top, bottom, left, right = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    scale = image.scale
    box = Box(
        x=round(left / scale),
        y=round(top / scale),
        width=min(image.info.width, round((right - left) / scale)),
        height=min(image.info.height, round((bottom - top) / scale)),
    )
    fill = max((right - left) / width, (bottom - top) / height)
    touches: list[Edge] = [
        name
        for name, touching in (
            ("top", top == 0),
            ("bottom", bottom == height),
            ("left", left == 0),
            ("right", right == width),
        )
        if touching
    ]
    return ProductRegion(box=box, fill_ratio=round(fill, 4), touches=touches)


def _amazon_checks(
    image: DecodedImage,
    product: ProductRegion | None,
    exact_white_share: float,
    is_white: bool,
    transparent: bool,
) -> list[MarketplaceCheck]:
    """Amazon main-image rules, each with the value we measured."""
    fill = product.fill_ratio if product else 0.0
    longest = max(image.info.width, image.info.height)
    return [
        MarketplaceCheck(
            name="background_rgb_255",
            passed=is_white and exact_white_share >= AMAZON_EXACT_WHITE_SHARE,
            measured=round(exact_white_share, 4),
            required=f"white background with >= {AMAZON_EXACT_WHITE_SHARE:.0%} of its edge pixels at RGB 255",
        ),
        MarketplaceCheck(
            name="product_fill",
            passed=fill >= AMAZON_MIN_FILL,
            measured=round(fill, 4),
            required=f"product spans >= {AMAZON_MIN_FILL:.0%} of the frame on its longest side",
        ),
        MarketplaceCheck(
            name="longest_side",
            passed=longest >= AMAZON_MIN_LONGEST_SIDE,
            measured=float(longest),
            required=f">= {AMAZON_MIN_LONGEST_SIDE} px (zoom)",
        ),
        MarketplaceCheck(
            name="no_transparency",
            passed=not transparent,
            measured="transparent" if transparent else "opaque",
            required="flattened image (transparent areas render grey or black)",
        ),
    ]


def _aliyun_white_background(result: WhiteBackgroundResult) -> AliyunWhiteBackgroundValue:
    return AliyunWhiteBackgroundValue(isWhite=1 if result.is_white else 0)


WHITE_BACKGROUND_API: ApiSpec[WhiteBackgroundOptions, WhiteBackgroundResult] = ApiSpec(
    name="white_background",
    output_label="WhiteBackground",
    version=VERSION,
    options_model=WhiteBackgroundOptions,
    request_model=WhiteBackgroundRequest,
    result_model=WhiteBackgroundResult,
    analyze=analyze_white_background,
    aliyun_value=_aliyun_white_background,
    decode_max_side=ANALYSIS_MAX_SIDE,
)

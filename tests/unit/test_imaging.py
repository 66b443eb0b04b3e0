"""The decode gate: every bad input is a typed refusal; every odd-but-valid image is normalised."""

from __future__ import annotations

import io

import numpy as np
import pytest
from conftest import golden
from image_audit.errors import ErrorCode, ImageError
from image_audit.imaging import DecodeLimits, decode_image, sniff_format
from images.generate import pixel_bomb_png
from PIL import Image, ImageFile


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("random.bin", ErrorCode.UNSUPPORTED_IMAGE_FORMAT),
        ("svg_script.svg", ErrorCode.UNSUPPORTED_IMAGE_FORMAT),
        ("tiff_small.tif", ErrorCode.UNSUPPORTED_IMAGE_FORMAT),
        ("heic_header.heic", ErrorCode.UNSUPPORTED_IMAGE_FORMAT),
        ("jpeg_truncated_in_header.jpg", ErrorCode.CORRUPT_IMAGE),
        ("jpeg_truncated_in_scan.jpg", ErrorCode.CORRUPT_IMAGE),
        ("png_bad_crc.png", ErrorCode.CORRUPT_IMAGE),
        ("png_tiny_20.png", ErrorCode.IMAGE_TOO_SMALL),
    ],
)
def test_bad_golden_inputs_are_refused_with_their_code(name: str, code: ErrorCode) -> None:
    # GIVEN a golden bad input WHEN it is decoded THEN the refusal is typed with a 4xx status
    with pytest.raises(ImageError) as refusal:
        decode_image(golden(name))
    assert refusal.value.code == code
    assert 400 <= refusal.value.http_status < 500
    assert refusal.value.message


def test_empty_bytes_are_refused() -> None:
    with pytest.raises(ImageError) as refusal:
        decode_image(b"")
    assert refusal.value.code == ErrorCode.EMPTY_IMAGE


def test_pixel_bomb_is_refused_before_pixels_are_allocated() -> None:
    # GIVEN a ~140 KB PNG that declares 12000 x 12000 px
    bomb = pixel_bomb_png(12000)
    assert len(bomb) < 400_000
    # WHEN decoded THEN it is refused as too large (header check, no 144 MP allocation)
    with pytest.raises(ImageError) as refusal:
        decode_image(bomb)
    assert refusal.value.code == ErrorCode.IMAGE_TOO_LARGE


def test_pixel_cap_applies_below_pillows_own_bomb_limit() -> None:
    data = pixel_bomb_png(2000)
    with pytest.raises(ImageError) as refusal:
        decode_image(data, limits=DecodeLimits(max_pixels=1_000_000))
    assert refusal.value.code == ErrorCode.IMAGE_TOO_LARGE
    assert decode_image(data).info.width == 2000


def test_byte_cap_is_checked_first() -> None:
    with pytest.raises(ImageError) as refusal:
        decode_image(golden("wb_white_clean.png"), limits=DecodeLimits(max_bytes=100))
    assert refusal.value.code == ErrorCode.IMAGE_TOO_LARGE


def test_truncated_images_stay_refused() -> None:
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("webp_small.webp", "WEBP"),
        ("bmp_small.bmp", "BMP"),
        ("gif_animated.gif", "GIF"),
        ("wb_white_clean.png", "PNG"),
        ("wb_white_jpeg_noise.jpg", "JPEG"),
    ],
)
def test_accepted_formats_are_sniffed_by_magic_bytes(name: str, fmt: str) -> None:
    assert sniff_format(golden(name)) == fmt
    assert decode_image(golden(name)).info.format == fmt


def test_exif_orientation_is_applied() -> None:
    # GIVEN a 300x200 JPEG stored sideways (Orientation 6) with a red mark at its stored top-left
    decoded = decode_image(golden("jpeg_exif_rotated.jpg"))
    # THEN the pixels are upright: 200 wide, 300 high, the mark now at the top-right
    assert (decoded.info.width, decoded.info.height) == (200, 300)
    assert decoded.rgb.shape == (300, 200, 3)
    assert decoded.info.exif_transposed
    top_right = decoded.rgb[10, 190]
    top_left = decoded.rgb[10, 10]
    assert top_right[0] > 200 and top_right[1] < 60
    assert top_left.min() > 200


def test_sixteen_bit_grey_is_scaled_not_clipped() -> None:
    decoded = decode_image(golden("png_gray16_near_white.png"))
    # 60000 / 65535 * 255 = 233.4; a naive convert("L") would give 255
    assert decoded.rgb.dtype == np.uint8
    assert int(decoded.rgb[0, 0, 0]) in (233, 234)


def test_cmyk_white_becomes_rgb_white() -> None:
    decoded = decode_image(golden("jpeg_cmyk_white.jpg"))
    assert decoded.rgb.shape[2] == 3
    assert decoded.rgb.min() >= 250


def test_transparency_is_composited_on_white_and_alpha_kept() -> None:
    decoded = decode_image(golden("png_palette_transparent.png"))
    assert decoded.alpha is not None and decoded.info.has_alpha
    assert decoded.rgb[0, 0].tolist() == [255, 255, 255]  # transparent corner: white, not black
    assert decoded.rgb[32, 32].tolist() == [200, 30, 30]  # opaque centre keeps its colour


def test_animated_gif_uses_its_first_frame() -> None:
    decoded = decode_image(golden("gif_animated.gif"))
    assert decoded.info.animated
    assert decoded.rgb[0, 0].tolist() == [255, 255, 255]


def test_reduced_decode_keeps_original_dimensions_in_info() -> None:
    photo = Image.fromarray(np.random.default_rng(1).integers(0, 255, (1100, 1000, 3), dtype=np.uint8))
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=85)
    decoded = decode_image(buffer.getvalue(), max_side=240)
    assert (decoded.info.width, decoded.info.height) == (1000, 1100)
    assert max(decoded.rgb.shape[:2]) < 1100 / 2
    assert max(decoded.rgb.shape[:2]) >= 240
    assert decoded.scale == pytest.approx(decoded.info.analysed_width / 1000)

"""Safe image decoding: the only place where untrusted bytes become pixels.

Policy (documented in docs/input-handling.md):

* Formats are allow-listed by magic bytes: JPEG, PNG, WebP, BMP and GIF (first frame). TIFF,
  HEIC/AVIF, SVG, PDF and everything else are refused with ``UNSUPPORTED_IMAGE_FORMAT`` before any
  decoder runs; Pillow is only ever asked to open the one format the bytes claim to be.
* Sizes are checked twice before pixels are allocated: bytes on arrival, then width/height from
  the header (``IMAGE_TOO_SMALL`` / ``IMAGE_TOO_LARGE``), so a 140 KB PNG that declares
  12000x12000 px is refused without spending memory. Pillow's own bomb warning is an error here.
* Truncated or corrupt files are refused (``CORRUPT_IMAGE``); ``LOAD_TRUNCATED_IMAGES`` is never set.
* OpenCV never sees encoded bytes: the OCR code receives the array decoded here.
* The pixels handed on are upright (EXIF orientation applied), 8-bit RGB. 16-bit samples are scaled
  (not clipped), CMYK and palettes are converted, and transparency is composited on white while the
  alpha channel is kept for callers that care (the white-background check).
* ``max_side`` asks for a reduced decode when the caller needs fewer pixels: JPEG uses the
  decoder's DCT scaling (``draft``), which is several times faster than a full decode.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFile, ImageOps

from image_audit.contract import ImageInfo
from image_audit.errors import ErrorCode, ImageError

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "BMP", "GIF")

# Recognised but refused: named in the error so the caller knows what to convert.
_REFUSED_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"II*\x00", 0, "TIFF"),
    (b"MM\x00*", 0, "TIFF"),
    (b"ftypheic", 4, "HEIC"),
    (b"ftypheix", 4, "HEIC"),
    (b"ftypmif1", 4, "HEIF"),
    (b"ftypavif", 4, "AVIF"),
    (b"%PDF", 0, "PDF"),
    (b"\x00\x00\x00\x0cjP  ", 0, "JPEG 2000"),
    (b"%!PS", 0, "PostScript/EPS"),
    (b"<svg", 0, "SVG"),
    (b"<?xml", 0, "SVG/XML"),
)


@dataclass(frozen=True, slots=True)
class DecodeLimits:
    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 50_000_000
    max_side: int = 30_000
    min_side: int = 32


@dataclass(frozen=True, slots=True)
class DecodedImage:
    rgb: np.ndarray
    """HxWx3 uint8, upright; transparent pixels composited on white."""
    alpha: np.ndarray | None
    """HxW uint8 alpha of the analysed pixels, or None when the image has no transparency."""
    info: ImageInfo

    @property
    def scale(self) -> float:
        """Analysed pixels per original pixel (1.0 unless the decode was reduced)."""
        return self.info.analysed_width / self.info.width


def sniff_format(data: bytes) -> str:
    """Name the format by magic bytes, or raise UNSUPPORTED_IMAGE_FORMAT."""
    head = data[:32]
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if head.startswith(b"BM") and len(head) >= 26:
        return "BMP"
    stripped = head.lstrip()
    for signature, offset, name in _REFUSED_SIGNATURES:
        probe = stripped if name.startswith("SVG") else head
        if probe[offset : offset + len(signature)].lower() == signature.lower():
            raise ImageError(
                ErrorCode.UNSUPPORTED_IMAGE_FORMAT,
                f"{name} images are not accepted; send JPEG, PNG, WebP, BMP or GIF.",
            )
    raise ImageError(
        ErrorCode.UNSUPPORTED_IMAGE_FORMAT,
        "The bytes are not a recognised image; send JPEG, PNG, WebP, BMP or GIF.",
    )


def decode_image(
    data: bytes, *, max_side: int | None = None, limits: DecodeLimits | None = None
) -> DecodedImage:
    """Decode untrusted bytes into upright 8-bit RGB, or raise a typed ImageError."""
    limits = limits or DecodeLimits()
    if not data:
        raise ImageError(ErrorCode.EMPTY_IMAGE, "The image is empty (0 bytes).")
    if len(data) > limits.max_bytes:
        raise ImageError(
            ErrorCode.IMAGE_TOO_LARGE,
            f"The image is {len(data)} bytes; the limit is {limits.max_bytes} bytes.",
        )
    image_format = sniff_format(data)
    # Process-global; someone flipping it would make truncated files decode silently.
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image, facts = _open_and_load(data, image_format, max_side, limits)
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError(ErrorCode.IMAGE_TOO_LARGE, f"Too many pixels: {exc}") from exc
    except MemoryError as exc:
        raise ImageError(ErrorCode.IMAGE_TOO_LARGE, "The image needs more memory than allowed.") from exc
    except Exception as exc:  # decoders raise OSError, SyntaxError, ValueError, EOFError, struct.error ...
        raise ImageError(
            ErrorCode.CORRUPT_IMAGE,
            f"The {image_format} data is corrupt or truncated ({type(exc).__name__}: {exc}).",
        ) from exc

    rgb, alpha = _to_rgb(image)
    if max_side and max(rgb.shape[:2]) > 2 * max_side:
        factor = max(rgb.shape[:2]) // max_side
        rgb = np.asarray(Image.fromarray(rgb).reduce(factor))
        alpha = None if alpha is None else np.asarray(Image.fromarray(alpha).reduce(factor))
    info = ImageInfo(
        format=image_format,
        bytes=len(data),
        analysed_width=rgb.shape[1],
        analysed_height=rgb.shape[0],
        has_alpha=alpha is not None,
        **facts,
    )
    return DecodedImage(rgb=rgb, alpha=alpha, info=info)


def _open_and_load(
    data: bytes, image_format: str, max_side: int | None, limits: DecodeLimits
) -> tuple[Image.Image, dict[str, int | bool]]:
    """Everything that runs decoder code; any exception here means the bytes are bad."""
    image: Image.Image = Image.open(io.BytesIO(data), formats=[image_format])
    width, height = image.size
    if min(width, height) < limits.min_side:
        raise ImageError(
            ErrorCode.IMAGE_TOO_SMALL,
            f"The image is {width}x{height} px; both sides must be at least {limits.min_side} px.",
        )
    if max(width, height) > limits.max_side or width * height > limits.max_pixels:
        raise ImageError(
            ErrorCode.IMAGE_TOO_LARGE,
            f"The image is {width}x{height} px; the limits are {limits.max_side} px per side "
            f"and {limits.max_pixels} pixels in all.",
        )
    animated = bool(getattr(image, "is_animated", False))
    orientation = image.getexif().get(0x0112, 1) if image_format in ("JPEG", "PNG", "WEBP") else 1
    transposed = orientation in (5, 6, 7, 8)
    if max_side and image_format == "JPEG" and max(width, height) > max_side:
        ratio = max_side / max(width, height)
        # draft() keeps the result at least as large as asked, picking a 1/2, 1/4 or 1/8 DCT scale.
        image.draft("RGB" if image.mode == "RGB" else None, (int(width * ratio), int(height * ratio)))
    image.load()
    if orientation != 1:
        image = ImageOps.exif_transpose(image)
    facts: dict[str, int | bool] = {
        "width": height if transposed else width,
        "height": width if transposed else height,
        "exif_transposed": orientation != 1,
        "animated": animated,
    }
    return image, facts


def _to_rgb(image: Image.Image) -> tuple[np.ndarray, np.ndarray | None]:
    """Normalise any mode to 8-bit RGB plus an optional alpha plane."""
    mode = image.mode
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        # 16-bit greyscale: scale 0..65535 onto 0..255 (a plain convert("L") would clip at 255).
        grey16 = np.asarray(image, dtype=np.int64)
        grey = ((np.clip(grey16, 0, 65535) * 255 + 32767) // 65535).astype(np.uint8)
        return np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2)), None
    if mode == "F":
        grey_f = np.asarray(image, dtype=np.float64)
        grey = np.clip(grey_f, 0, 255).astype(np.uint8)
        return np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2)), None
    if (mode == "P" and "transparency" in image.info) or mode in ("LA", "PA", "La", "RGBa"):
        image = image.convert("RGBA")
        mode = "RGBA"
    if mode == "RGBA":
        rgba = np.asarray(image)
        alpha = rgba[:, :, 3]
        if int(alpha.min()) == 255:
            return np.ascontiguousarray(rgba[:, :, :3]), None
        weight = alpha.astype(np.float32)[:, :, None] / 255.0
        composited = rgba[:, :, :3].astype(np.float32) * weight + 255.0 * (1.0 - weight)
        return np.ascontiguousarray(np.rint(composited).astype(np.uint8)), np.ascontiguousarray(alpha)
    if mode != "RGB":
        image = image.convert("RGB")
    return np.ascontiguousarray(np.asarray(image)), None

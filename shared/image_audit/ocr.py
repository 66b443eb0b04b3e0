"""Fast OCR on RapidOCR's PP-OCRv4 models (detector, recogniser, angle classifier), for Lambda.

The models are the ONNX files that ship inside the ``rapidocr_onnxruntime`` wheel; this module
only reads them, so nothing is downloaded or written at run time. The pre- and post-processing
follow RapidOCR/PaddleOCR (same normalisation, DB box extraction, crop warp, CTC decoding, so
scores compare), with these differences (figures: ``infra/bench_ocr.py``):

- Detection runs at a working size chosen from the image (see ``OcrConfig``) instead of "short
  side up to 736, long side up to 2000": big images are shrunk towards 1024 px but never by more
  than 0.8 (12 px text stays ~10 px), huge ones are capped at 1536 px so time and memory stay
  bounded, small ones are lifted towards 736 px (tiny thumbnails carry text of a few pixels).
  Lines are then cut from the full-resolution input, so recognition keeps what the shrink blurred.
- When the border is one flat colour (product shots on white), only the bounding box of what
  differs from it goes through the detector, whose cost is proportional to pixels.
- The angle classifier runs only on lines that may be upside down (vertical lines, whose turn is
  ambiguous, and lines recognised with low confidence) and a flip is kept only when it raises the
  recogniser's confidence: on upright text it never changes a result, so classifying every line
  (RapidOCR's default) only costs time.
- Recognition batches lines of similar width and pads a batch only to its widest line (at least
  96 px), not to RapidOCR's 320 px minimum.
- onnxruntime sessions have explicit threads, a memory arena and spinning that stops with each
  run (``image_audit.onnx_sessions``).
- Thresholds are fixed when the engine is built; per-request options belong to callers (or to
  the ``min_score`` argument of one call). Nothing in the engine changes after construction, so
  one engine serves every request of a container, from any thread.

Importing this module is cheap (numpy only): onnxruntime and OpenCV are imported when the engine
is built or used.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from image_audit.ocr_types import OcrLine, Quad

if TYPE_CHECKING:
    import onnxruntime

    from image_audit.onnx_sessions import SessionSettings

__all__ = ["OcrConfig", "OcrEngine", "OcrLine", "TextDetection", "get_ocr_engine"]

DET_MODEL = "ch_PP-OCRv4_det_infer.onnx"
REC_MODEL = "ch_PP-OCRv4_rec_infer.onnx"
CLS_MODEL = "ch_ppocr_mobile_v2.0_cls_infer.onnx"

DET_STRIDE = 32  # the detector's feature pyramid needs sides that are multiples of 32
REC_HEIGHT = 48  # PP-OCRv4 recogniser input height
REC_WIDTH_STEP = 8  # the recogniser emits one CTC step per 8 input columns
CLS_HEIGHT, CLS_WIDTH = 48, 192  # angle classifier input
# A crop this many times taller than wide is a vertical line (RapidOCR uses the same ratio).
VERTICAL_ASPECT = 1.5
# Lines are cut from the input at most this tall (text height), then resized to 48 px: cutting a
# 600 px banner headline at full size only to shrink it again wastes time and memory.
MAX_CROP_TEXT_HEIGHT = 2 * REC_HEIGHT
# Content cropping before detection: flat margin kept around the content (px of the probed
# image; the detector needs some context at a text's edge), share of the border that must be
# one colour, and the largest content box (share of the image) still worth cropping to.
CONTENT_MARGIN = 16
CONTENT_FLAT_BORDER_SHARE = 0.9
CONTENT_MIN_SAVING = 0.85

AngleClassifierMode = Literal["auto", "always", "never"]


@dataclass(frozen=True, slots=True)
class OcrConfig:
    """Everything that shapes the engine. Fixed per container: build one engine per config."""

    # onnxruntime threads; Lambda gives 2 vCPUs below ~3 GB of memory. Arena and spinning: see
    # image_audit.onnx_sessions.SessionSettings (both measured faster, spinning ends with each run).
    intra_op_threads: int = 2
    inter_op_threads: int = 1
    enable_cpu_mem_arena: bool = True
    allow_spinning: bool = True

    # Detection working size (OcrEngine._working_scale). An image whose long side exceeds
    # det_target_side is shrunk towards it, but by no more than det_min_scale, so that 12 px text
    # stays ~10 px; the long side never exceeds det_max_side, so that a huge input costs (time,
    # memory) what a big one does. An image whose short side is below det_min_side is enlarged
    # towards it, by at most det_max_upscale: thumbnails carry text a few pixels high, which the
    # detector misses at native size (measured on the kit's 240 px product shots).
    det_target_side: int = 1024
    det_min_scale: float = 0.8
    det_max_side: int = 1536
    det_min_side: int = 736
    det_max_upscale: float = 4.0
    # Pixels within this many grey levels of a flat border colour count as background when
    # cropping the detector's input to the content; -1 turns cropping off.
    content_tolerance: int = 10
    # DB post-processing, as PaddleOCR/RapidOCR: pixel threshold of the text mask, mean
    # probability a box needs to be kept, how far a shrunk text kernel is grown back.
    det_thresh: float = 0.3
    det_box_thresh: float = 0.5
    det_unclip_ratio: float = 1.6
    det_max_candidates: int = 1000
    # Boxes whose short side (text height, after unclip) is below this many input pixels cannot
    # hold legible text; recognising them costs a model run and returns noise.
    min_box_side: float = 4.0

    # Recognition: lines per model run, and how much padding a batch may carry (padded width of
    # the batch over the sum of its lines' own widths) before a new batch is started.
    rec_batch_size: int = 8
    rec_max_padding_ratio: float = 1.3
    # Lines are padded at least to this width (px at 48 px height). RapidOCR pads to 320, which
    # costs up to 3x on short words and read no short word better in our tests.
    rec_min_width: int = 96
    # Lines recognised below this confidence are dropped (RapidOCR's text_score).
    min_text_score: float = 0.5

    # Angle classifier: "auto" classifies only vertical lines and lines recognised below
    # cls_recheck_below; a line is flipped when the classifier says 180 deg with at least
    # cls_thresh and the flipped line is recognised with higher confidence.
    angle_classifier: AngleClassifierMode = "auto"
    cls_thresh: float = 0.9
    cls_recheck_below: float = 0.85

    def __post_init__(self) -> None:
        if self.intra_op_threads < 1 or self.inter_op_threads < 1:
            raise ValueError("thread counts must be >= 1 (0 would mean 'one per host core')")
        if not DET_STRIDE <= self.det_target_side <= self.det_max_side or self.det_min_side < 0:
            raise ValueError("need 32 <= det_target_side <= det_max_side and det_min_side >= 0")
        if not 0 < self.det_min_scale <= 1:
            raise ValueError("det_min_scale must be in (0, 1]")
        if self.det_max_upscale < 1.0:
            raise ValueError("det_max_upscale must be >= 1")
        if self.rec_batch_size < 1:
            raise ValueError("rec_batch_size must be >= 1")

    def session_settings(self) -> SessionSettings:
        from image_audit.onnx_sessions import SessionSettings

        return SessionSettings(
            intra_op_threads=self.intra_op_threads,
            inter_op_threads=self.inter_op_threads,
            enable_cpu_mem_arena=self.enable_cpu_mem_arena,
            allow_spinning=self.allow_spinning,
        )


DEFAULT_OCR_CONFIG = OcrConfig()


@dataclass(frozen=True, eq=False)
class TextDetection:
    """What the detector found in one image.

    ``boxes`` are in input-image pixels (clockwise from top-left), in reading order, with the
    detector's mean probability inside each box in ``box_scores``. ``prob_map`` is the
    detector's per-pixel text probability at its working resolution, ``scale`` working pixels
    per input pixel (so a point (x, y) of the input is at (x * scale, y * scale) in the map). The
    map is 0 where the detector did not look: the flat border around the content, if any.
    """

    boxes: list[Quad]
    box_scores: list[float]
    prob_map: np.ndarray
    scale: float


@dataclass(slots=True)
class _LineCrop:
    """One detected line cut out of the input and turned upright (horizontal) for the recogniser."""

    index: int  # position in the boxes given to recognize()
    pixels: np.ndarray  # HxWx3 uint8 RGB, text running left to right
    vertical: bool  # the line stood vertically in the image (rotated 90 deg to be read)
    text: str = ""
    score: float = 0.0


def _model_dir() -> Path:
    """The models folder inside the installed rapidocr_onnxruntime wheel, found without importing
    the package (its __init__ builds nothing, but imports its whole pipeline)."""
    spec = importlib.util.find_spec("rapidocr_onnxruntime")
    if spec is None or spec.origin is None:
        raise RuntimeError("rapidocr_onnxruntime is not installed: it carries the OCR models")
    return Path(spec.origin).parent / "models"


class OcrEngine:
    """Detector + recogniser (+ angle classifier) sessions and the fixed settings that use them."""

    def __init__(self, config: OcrConfig = DEFAULT_OCR_CONFIG, model_dir: Path | None = None) -> None:
        from image_audit.onnx_sessions import load_cpu_session

        self.config = config
        models = model_dir or _model_dir()
        settings = config.session_settings()
        self._det: onnxruntime.InferenceSession = load_cpu_session(models / DET_MODEL, settings)
        self._rec: onnxruntime.InferenceSession = load_cpu_session(models / REC_MODEL, settings)
        self._cls: onnxruntime.InferenceSession | None = None
        if config.angle_classifier != "never":
            self._cls = load_cpu_session(models / CLS_MODEL, settings)
        self._det_input = self._det.get_inputs()[0].name
        self._rec_input = self._rec.get_inputs()[0].name
        self._cls_input = self._cls.get_inputs()[0].name if self._cls is not None else ""
        # CTC alphabet: index 0 is the blank, the model's dictionary follows, then a space.
        dictionary = self._rec.get_modelmeta().custom_metadata_map["character"].splitlines()
        self._alphabet: tuple[str, ...] = ("", *dictionary, " ")

    @property
    def session_options(self) -> dict[str, onnxruntime.SessionOptions]:
        """The options each session was built with (threads are checked by tests and ops)."""
        sessions = {"det": self._det, "rec": self._rec}
        if self._cls is not None:
            sessions["cls"] = self._cls
        return {name: session.get_session_options() for name, session in sessions.items()}

    # ------------------------------------------------------------------ detection

    def detect(self, rgb: np.ndarray, *, scale: float | None = None) -> TextDetection:
        """Text boxes of an HxWx3 uint8 RGB image, in its own pixels, plus the probability map.

        ``scale`` (detector pixels per input pixel) overrides the working size chosen from the
        image (see OcrConfig) for this call only, e.g. 1.0 for an input already at working size.
        """
        import cv2

        rgb = _checked_rgb(rgb)
        height, width = rgb.shape[:2]
        scale = self._working_scale(height, width) if scale is None else scale
        work_w, work_h = max(1, round(width * scale)), max(1, round(height * scale))
        prob_map = np.zeros((work_h, work_w), dtype=np.float32)

        # The detector only sees the part of the image that differs from a flat border colour
        # (product shots on white are mostly border): its cost is proportional to pixels.
        # Shrinking happens first so that a huge input is probed (and copied) only at working size.
        if scale < 1:
            source = cv2.resize(rgb, (work_w, work_h), interpolation=cv2.INTER_AREA)
            to_input = (width / work_w, height / work_h)
        else:
            source, to_input = rgb, (1.0, 1.0)
        content = _content_box(source, self.config.content_tolerance)
        if content.empty:
            return TextDetection(boxes=[], box_scores=[], prob_map=prob_map, scale=work_w / width)
        x0, y0, x1, y1 = content.box
        region = source[y0:y1, x0:x1]
        if scale > 1:
            region_w, region_h = max(1, round((x1 - x0) * scale)), max(1, round((y1 - y0) * scale))
            region = cv2.resize(region, (region_w, region_h), interpolation=cv2.INTER_LINEAR)
            region_to_source = ((x1 - x0) / region_w, (y1 - y0) / region_h)
            map_x, map_y = round(x0 * scale), round(y0 * scale)
        else:
            region_to_source = (1.0, 1.0)
            map_x, map_y = x0, y0

        region_prob = self._run_detector(region, content.background)
        # The map of the whole working image: zero where the detector did not look.
        fit_h, fit_w = min(region_prob.shape[0], work_h - map_y), min(region_prob.shape[1], work_w - map_x)
        prob_map[map_y : map_y + fit_h, map_x : map_x + fit_w] = region_prob[:fit_h, :fit_w]

        quads, scores = _db_boxes(region_prob, self.config)
        # region px -> source px -> input px, per axis because working sizes were rounded. Corners
        # are rounded to whole input pixels: an axis-aligned line is then cut without resampling,
        # and those sharper crops measured +1.5 points of agreement with RapidOCR's text.
        factor = np.array([region_to_source[0] * to_input[0], region_to_source[1] * to_input[1]], np.float32)
        offset = np.array([x0 * to_input[0], y0 * to_input[1]], dtype=np.float32)
        boxes: list[Quad] = []
        box_scores: list[float] = []
        for quad, score in zip(quads, scores, strict=True):
            points = _order_clockwise(np.round(quad * factor + offset))
            points[:, 0] = np.clip(points[:, 0], 0, width - 1)
            points[:, 1] = np.clip(points[:, 1], 0, height - 1)
            box_w = float(np.linalg.norm(points[0] - points[1]))
            box_h = float(np.linalg.norm(points[0] - points[3]))
            if min(box_w, box_h) < self.config.min_box_side:
                continue
            boxes.append(_as_quad(points))
            box_scores.append(score)
        order = _reading_order(boxes)
        return TextDetection(
            boxes=[boxes[i] for i in order],
            box_scores=[box_scores[i] for i in order],
            prob_map=prob_map,
            scale=work_w / width,
        )

    def _run_detector(self, rgb: np.ndarray, background: tuple[int, int, int] | None) -> np.ndarray:
        """The detector's probability map of an RGB image already at working size."""
        height, width = rgb.shape[:2]
        # Pad (not stretch) to the detector's stride, so x and y keep one scale. The padding
        # continues the flat background when there is one (no false edge), else it is 0 after
        # normalisation, i.e. mid grey, as PaddleOCR pads.
        pad_h = _round_up(max(height, DET_STRIDE), DET_STRIDE)
        pad_w = _round_up(max(width, DET_STRIDE), DET_STRIDE)
        blob = np.empty((1, 3, pad_h, pad_w), dtype=np.float32)
        for channel in range(3):
            fill = 0.0 if background is None else background[2 - channel] * (2.0 / 255.0) - 1.0
            blob[0, channel, height:, :] = fill
            blob[0, channel, :height, width:] = fill
        _normalise_bgr_into(rgb, blob[0, :, :height, :width])
        output = self._det.run(None, {self._det_input: blob})[0]
        return np.ascontiguousarray(output[0, 0, :height, :width], dtype=np.float32)

    def _working_scale(self, height: int, width: int) -> float:
        """Input-to-detector scale (see OcrConfig): shrink towards det_target_side but no further
        than det_min_scale, never past det_max_side; lift small images towards det_min_side."""
        config = self.config
        long_side, short_side = max(height, width), min(height, width)
        scale = 1.0
        if long_side > config.det_target_side:
            scale = max(config.det_target_side / long_side, config.det_min_scale)
        if short_side * scale < config.det_min_side:
            scale = max(scale, min(config.det_min_side / short_side, config.det_max_upscale))
        return min(scale, config.det_max_side / long_side)

    # ------------------------------------------------------------------ recognition

    def recognize(
        self, rgb: np.ndarray, boxes: Sequence[Quad], *, min_score: float | None = None
    ) -> list[OcrLine]:
        """Read the given boxes (input-image pixels, clockwise from top-left) of an HxWx3 uint8
        RGB image.

        Returns one line per box whose text is non-empty and recognised with at least
        ``min_score`` (default: the config's ``min_text_score``), in the order of ``boxes``.
        """
        rgb = _checked_rgb(rgb)
        threshold = self.config.min_text_score if min_score is None else min_score
        crops: list[_LineCrop] = []
        for index, box in enumerate(boxes):
            cut = _cut_line(rgb, np.array(box, dtype=np.float32))
            if cut is not None:
                crops.append(_LineCrop(index, *cut))
        if not crops:
            return []
        self._recognize_crops(crops)
        if self._cls is not None:
            self._fix_upside_down(crops)
        lines: list[OcrLine] = []
        for crop in crops:
            text = crop.text.strip()
            if text and crop.score >= threshold:
                box = _as_quad(np.array(boxes[crop.index], dtype=np.float32))
                lines.append(OcrLine(text=text, box=box, score=crop.score))
        return lines

    def read(self, rgb: np.ndarray, *, min_score: float | None = None) -> list[OcrLine]:
        """Detect, then recognise: every line of text in the image, in reading order.

        ``min_score`` overrides the config's ``min_text_score`` for this call only.
        """
        detection = self.detect(rgb)
        if not detection.boxes:
            return []
        return self.recognize(rgb, detection.boxes, min_score=min_score)

    def _recognize_crops(self, crops: Sequence[_LineCrop]) -> None:
        """Fill text and score of each crop, batching lines of similar width."""
        import cv2

        config = self.config
        widths = [self._rec_width(crop.pixels) for crop in crops]
        padded_widths = [max(width, config.rec_min_width) for width in widths]
        for batch in _width_batches(padded_widths, config.rec_batch_size, config.rec_max_padding_ratio):
            batch_width = _round_up(max(padded_widths[i] for i in batch), REC_WIDTH_STEP)
            blob = np.zeros((len(batch), 3, REC_HEIGHT, batch_width), dtype=np.float32)
            for row, i in enumerate(batch):
                resized = cv2.resize(crops[i].pixels, (widths[i], REC_HEIGHT), interpolation=cv2.INTER_LINEAR)
                _normalise_bgr_into(resized, blob[row, :, :, : widths[i]])
            probs = self._rec.run(None, {self._rec_input: blob})[0]
            for row, (text, score) in enumerate(self._ctc_decode(probs)):
                crops[batch[row]].text, crops[batch[row]].score = text, score

    @staticmethod
    def _rec_width(pixels: np.ndarray) -> int:
        """Width of the line once resized to the recogniser's height, aspect kept."""
        height, width = pixels.shape[:2]
        return max(1, math.ceil(REC_HEIGHT * width / height))

    def _ctc_decode(self, probs: np.ndarray) -> list[tuple[str, float]]:
        """Greedy CTC: best class per step, repeats merged, blanks dropped; the score is the mean
        probability of the kept steps (as RapidOCR, so scores are comparable)."""
        best = probs.argmax(axis=2)
        best_prob = np.take_along_axis(probs, best[:, :, None], axis=2)[:, :, 0]
        results: list[tuple[str, float]] = []
        for indices, step_probs in zip(best, best_prob, strict=True):
            keep = indices != 0
            keep[1:] &= indices[1:] != indices[:-1]
            text = "".join(self._alphabet[i] for i in indices[keep])
            score = float(step_probs[keep].mean()) if keep.any() else 0.0
            results.append((text, score))
        return results

    def _fix_upside_down(self, crops: Sequence[_LineCrop]) -> None:
        """Flip the lines the classifier calls upside down, when that reads them better."""
        import cv2

        config = self.config
        if config.angle_classifier == "always":
            suspects = list(crops)
        else:
            suspects = [c for c in crops if c.vertical or c.score < config.cls_recheck_below]
        if not suspects:
            return
        p180 = self._prob_upside_down(suspects)
        upside_down = [crop for crop, p in zip(suspects, p180, strict=True) if p >= config.cls_thresh]
        if not upside_down:
            return
        flipped = [_LineCrop(c.index, cv2.rotate(c.pixels, cv2.ROTATE_180), c.vertical) for c in upside_down]
        self._recognize_crops(flipped)
        for original, candidate in zip(upside_down, flipped, strict=True):
            if candidate.score > original.score:
                original.text, original.score = candidate.text, candidate.score

    def _prob_upside_down(self, crops: Sequence[_LineCrop]) -> list[float]:
        import cv2

        assert self._cls is not None
        blob = np.zeros((len(crops), 3, CLS_HEIGHT, CLS_WIDTH), dtype=np.float32)
        for row, crop in enumerate(crops):
            height, width = crop.pixels.shape[:2]
            width = min(CLS_WIDTH, max(1, math.ceil(CLS_HEIGHT * width / height)))
            resized = cv2.resize(crop.pixels, (width, CLS_HEIGHT), interpolation=cv2.INTER_LINEAR)
            _normalise_bgr_into(resized, blob[row, :, :, :width])
        probs = self._cls.run(None, {self._cls_input: blob})[0]
        return [float(p) for p in probs[:, 1]]  # labels: 0 deg, 180 deg


_ENGINE_BUILD_LOCK = threading.Lock()


def get_ocr_engine(config: OcrConfig = DEFAULT_OCR_CONFIG) -> OcrEngine:
    """The process-wide engine for ``config``, built on first use (model load is the cold start).

    The lock makes "built once" hold even when two threads ask first at the same moment.
    """
    with _ENGINE_BUILD_LOCK:
        return _cached_engine(config)


@functools.cache
def _cached_engine(config: OcrConfig) -> OcrEngine:
    return OcrEngine(config)


# ---------------------------------------------------------------------- helpers


def _checked_rgb(rgb: np.ndarray) -> np.ndarray:
    """The image as a C-contiguous HxWx3 uint8 array (OpenCV needs one), or ValueError."""
    if not isinstance(rgb, np.ndarray) or rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        shape = getattr(rgb, "shape", None)
        dtype = getattr(rgb, "dtype", None)
        raise ValueError(f"expected an HxWx3 uint8 RGB array, got shape {shape} dtype {dtype}")
    if rgb.shape[0] < 1 or rgb.shape[1] < 1:
        raise ValueError(f"empty image: shape {rgb.shape}")
    return np.ascontiguousarray(rgb)


@dataclass(frozen=True, slots=True)
class _Content:
    """Where an image differs from its flat border colour (the whole image when the border is
    not flat). ``background`` is that colour, when there is one."""

    box: tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive)
    background: tuple[int, int, int] | None
    empty: bool = False


def _content_box(rgb: np.ndarray, tolerance: int) -> _Content:
    """The bounding box, plus a margin, of every pixel that differs from the border colour by
    more than ``tolerance`` in some channel, when nearly all the border has one colour."""
    import cv2

    height, width = rgb.shape[:2]
    whole = _Content((0, 0, width, height), None)
    if tolerance < 0 or height < 3 * CONTENT_MARGIN or width < 3 * CONTENT_MARGIN:
        return whole
    border = np.concatenate([rgb[0], rgb[-1], rgb[1:-1, 0], rgb[1:-1, -1]]).astype(np.int16)
    background = np.median(border, axis=0).astype(np.int16)
    if (np.abs(border - background).max(axis=1) <= tolerance).mean() < CONTENT_FLAT_BORDER_SHARE:
        return whole
    low = np.clip(background - tolerance, 0, 255).astype(np.uint8)
    high = np.clip(background + tolerance, 0, 255).astype(np.uint8)
    is_background = cv2.inRange(rgb, low, high)  # 255 where every channel is near the border
    rows = np.flatnonzero(is_background.min(axis=1) == 0)
    colour = (int(background[0]), int(background[1]), int(background[2]))
    if rows.size == 0:
        return _Content((0, 0, width, height), colour, empty=True)
    cols = np.flatnonzero(is_background.min(axis=0) == 0)
    x0, x1 = max(0, cols[0] - CONTENT_MARGIN), min(width, cols[-1] + 1 + CONTENT_MARGIN)
    y0, y1 = max(0, rows[0] - CONTENT_MARGIN), min(height, rows[-1] + 1 + CONTENT_MARGIN)
    if (x1 - x0) * (y1 - y0) > CONTENT_MIN_SAVING * width * height:
        return _Content((0, 0, width, height), colour)
    return _Content((int(x0), int(y0), int(x1), int(y1)), colour)


def _round_up(value: int, step: int) -> int:
    return -(-value // step) * step


def _normalise_bgr_into(rgb: np.ndarray, out: np.ndarray) -> None:
    """Write an HxWx3 RGB uint8 image into a 3xHxW float slice as BGR scaled to [-1, 1]."""
    for channel in range(3):
        np.multiply(rgb[:, :, 2 - channel], 2.0 / 255.0, out=out[channel])
    out -= 1.0


def _as_quad(points: np.ndarray) -> Quad:
    p = [(float(x), float(y)) for x, y in points[:4]]
    return (p[0], p[1], p[2], p[3])


def _order_clockwise(points: np.ndarray) -> np.ndarray:
    """Top-left, top-right, bottom-right, bottom-left: the two left-most points split by y into
    top-left/bottom-left, the two right-most likewise."""
    by_x = points[np.argsort(points[:, 0], kind="stable")]
    left, right = by_x[:2], by_x[2:]
    top_left, bottom_left = left[np.argsort(left[:, 1], kind="stable")]
    top_right, bottom_right = right[np.argsort(right[:, 1], kind="stable")]
    return np.array([top_left, top_right, bottom_right, bottom_left], dtype=np.float32)


def _reading_order(boxes: Sequence[Quad]) -> list[int]:
    """Top to bottom, then left to right among boxes whose tops are within 10 px (RapidOCR's
    order, so line lists compare one to one)."""
    order = sorted(range(len(boxes)), key=lambda i: (boxes[i][0][1], boxes[i][0][0]))
    for i in range(len(order) - 1):
        for j in range(i, -1, -1):
            upper, lower = boxes[order[j]][0], boxes[order[j + 1]][0]
            if abs(lower[1] - upper[1]) < 10 and lower[0] < upper[0]:
                order[j], order[j + 1] = order[j + 1], order[j]
            else:
                break
    return order


def _min_area_quad(contour: np.ndarray) -> tuple[np.ndarray, float]:
    import cv2

    rect = cv2.minAreaRect(contour)
    return _order_clockwise(cv2.boxPoints(rect)), float(min(rect[1]))


def _mean_prob_in_quad(prob_map: np.ndarray, quad: np.ndarray) -> float:
    """Mean detector probability inside the quad (DB's 'fast' box score)."""
    import cv2

    height, width = prob_map.shape
    x_min = int(np.clip(np.floor(quad[:, 0].min()), 0, width - 1))
    x_max = int(np.clip(np.ceil(quad[:, 0].max()), 0, width - 1))
    y_min = int(np.clip(np.floor(quad[:, 1].min()), 0, height - 1))
    y_max = int(np.clip(np.ceil(quad[:, 1].max()), 0, height - 1))
    mask = np.zeros((y_max - y_min + 1, x_max - x_min + 1), dtype=np.uint8)
    shifted = (quad - np.array([x_min, y_min], dtype=np.float32)).astype(np.int32)
    cv2.fillPoly(mask, [shifted], 1)
    return float(cv2.mean(prob_map[y_min : y_max + 1, x_min : x_max + 1], mask)[0])


def _unclip(quad: np.ndarray, ratio: float) -> np.ndarray | None:
    """Grow the shrunk text kernel back to the text's extent (DB offsets by area * r / perimeter)."""
    import cv2
    import pyclipper

    area = abs(cv2.contourArea(quad))
    perimeter = cv2.arcLength(quad, closed=True)
    if perimeter <= 0:
        return None
    offset = pyclipper.PyclipperOffset()
    offset.AddPath([tuple(p) for p in quad.tolist()], pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    grown = offset.Execute(area * ratio / perimeter)
    if not grown:
        return None
    largest = max(grown, key=len)
    return np.asarray(largest, dtype=np.float32).reshape(-1, 1, 2)


def _db_boxes(prob_map: np.ndarray, config: OcrConfig) -> tuple[list[np.ndarray], list[float]]:
    """Differentiable-binarisation post-processing: threshold, dilate, one min-area quad per
    blob scored by mean probability, grown back by unclip. Quads are in working pixels."""
    import cv2

    # Dilation joins characters whose kernels the threshold split (RapidOCR's use_dilation).
    mask = cv2.dilate((prob_map > config.det_thresh).astype(np.uint8), np.ones((2, 2), dtype=np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    quads: list[np.ndarray] = []
    scores: list[float] = []
    for contour in contours[: config.det_max_candidates]:
        kernel, short_side = _min_area_quad(contour)
        if short_side < 3:
            continue
        score = _mean_prob_in_quad(prob_map, kernel)
        if score < config.det_box_thresh:
            continue
        grown = _unclip(kernel, config.det_unclip_ratio)
        if grown is None:
            continue
        quad, short_side = _min_area_quad(grown)
        if short_side < 5:
            continue
        quads.append(quad)
        scores.append(score)
    return quads, scores


def _cut_line(rgb: np.ndarray, quad: np.ndarray) -> tuple[np.ndarray, bool] | None:
    """The quad's pixels warped to an upright rectangle, horizontal text running left to right.

    Vertical lines are turned 90 deg counter-clockwise (top of the column to the left), as
    RapidOCR does; the angle classifier catches those that end up upside down. Tall text is
    shrunk (area-averaged) before the warp so that the crop never exceeds MAX_CROP_TEXT_HEIGHT.
    """
    import cv2

    crop_w = float(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3])))
    crop_h = float(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2])))
    if crop_w < 1 or crop_h < 1:
        return None
    height, width = rgb.shape[:2]
    x0 = int(max(0, math.floor(quad[:, 0].min())))
    y0 = int(max(0, math.floor(quad[:, 1].min())))
    x1 = int(min(width, math.ceil(quad[:, 0].max()) + 1))
    y1 = int(min(height, math.ceil(quad[:, 1].max()) + 1))
    region = rgb[y0:y1, x0:x1]
    points = quad - np.array([x0, y0], dtype=np.float32)
    shrink = MAX_CROP_TEXT_HEIGHT / min(crop_w, crop_h)
    if shrink < 1:
        new_w, new_h = max(1, round(region.shape[1] * shrink)), max(1, round(region.shape[0] * shrink))
        points *= np.array([new_w / region.shape[1], new_h / region.shape[0]], dtype=np.float32)
        region = cv2.resize(region, (new_w, new_h), interpolation=cv2.INTER_AREA)
        crop_w, crop_h = crop_w * shrink, crop_h * shrink
    out_w, out_h = max(1, int(crop_w)), max(1, int(crop_h))
    target = np.array([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]], dtype=np.float32)
    warp = cv2.getPerspectiveTransform(points.astype(np.float32), target)
    line = cv2.warpPerspective(
        region, warp, (out_w, out_h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    vertical = out_h / out_w >= VERTICAL_ASPECT
    if vertical:
        line = cv2.rotate(line, cv2.ROTATE_90_COUNTERCLOCKWISE)
    return line, vertical


def _width_batches(widths: Sequence[int], max_size: int, max_padding_ratio: float) -> list[list[int]]:
    """Indices grouped into recognition batches: sorted by width, a batch grows while it has room
    and padding every member to the widest keeps the total under max_padding_ratio x real width."""
    order = sorted(range(len(widths)), key=lambda i: widths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    real_width = 0
    for i in order:
        if current:
            padded = widths[i] * (len(current) + 1)
            if len(current) >= max_size or padded > max_padding_ratio * (real_width + widths[i]):
                batches.append(current)
                current, real_width = [], 0
        current.append(i)
        real_width += widths[i]
    if current:
        batches.append(current)
    return batches

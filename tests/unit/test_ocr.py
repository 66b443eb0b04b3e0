"""The OCR engine: what it reads, where it says the text is, and how it is built.

Images are rendered here with PIL and a CJK font (the tests skip when none is installed);
tests that run the models are marked ``models``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from image_audit.ocr import DEFAULT_OCR_CONFIG, OcrConfig, OcrEngine, get_ocr_engine
from PIL import Image, ImageDraw, ImageFont

SHARED_DIR = Path(__file__).resolve().parents[2] / "shared"
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
)
SOLICITATION = "加微信领红包返现"


def _cjk_font_path() -> str | None:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    return None


CJK_FONT = _cjk_font_path()
needs_font = pytest.mark.skipif(CJK_FONT is None, reason="no CJK font installed")


def render_line(text: str, size: int = 40, pad: int = 30) -> Image.Image:
    """Black text on white, ``pad`` pixels of margin around the ink."""
    assert CJK_FONT is not None
    font = ImageFont.truetype(CJK_FONT, size)
    left, top, right, bottom = (round(v) for v in font.getbbox(text))
    image = Image.new("RGB", (right - left + 2 * pad, bottom - top + 2 * pad), "white")
    ImageDraw.Draw(image).text((pad - left, pad - top), text, font=font, fill="black")
    return image


def render_column(text: str, size: int = 40, pad: int = 30) -> Image.Image:
    """Vertical writing: one character under the other, read top to bottom."""
    assert CJK_FONT is not None
    font = ImageFont.truetype(CJK_FONT, size)
    step = round(size * 1.1)
    image = Image.new("RGB", (size + 2 * pad, step * len(text) + 2 * pad), "white")
    draw = ImageDraw.Draw(image)
    for i, char in enumerate(text):
        draw.text((pad, pad + i * step), char, font=font, fill="black")
    return image


def _gradient(side: int) -> np.ndarray:
    """A smooth two-colour ramp: texture and edges-free colour change, but no text."""
    ramp = np.linspace(0, 255, side, dtype=np.float32)
    red, green = np.meshgrid(ramp, ramp[::-1])
    return np.dstack([red, green, np.full_like(red, 90)]).astype(np.uint8)


def read_text(engine: OcrEngine, image: Image.Image | np.ndarray) -> str:
    lines = engine.read(np.asarray(image))
    return "".join(line.text for line in lines).replace(" ", "")


# ---------------------------------------------------------------------- no models needed


def test_importing_the_module_does_not_load_the_ocr_stack() -> None:
    probe = "import sys, image_audit.ocr; print(sorted({'onnxruntime', 'cv2'} & set(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SHARED_DIR)},
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "bad",
    [
        {"intra_op_threads": 0},
        {"det_target_side": 2048, "det_max_side": 1536},
        {"det_min_scale": 0.0},
        {"det_max_upscale": 0.5},
        {"rec_batch_size": 0},
    ],
)
def test_config_rejects_impossible_settings(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        OcrConfig(**bad)  # type: ignore[arg-type]


def test_config_is_hashable_and_fixed() -> None:
    assert hash(OcrConfig()) == hash(DEFAULT_OCR_CONFIG)
    with pytest.raises(AttributeError):
        DEFAULT_OCR_CONFIG.min_text_score = 0.1  # type: ignore[misc]


# ---------------------------------------------------------------------- with the models


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    pytest.importorskip("onnxruntime")
    pytest.importorskip("cv2")
    return get_ocr_engine()


@pytest.mark.models
def test_engine_is_built_once_per_process(engine: OcrEngine) -> None:
    assert get_ocr_engine() is engine
    assert get_ocr_engine(DEFAULT_OCR_CONFIG) is engine
    assert get_ocr_engine(OcrConfig()) is engine  # equal configs share the engine


@pytest.mark.models
def test_sessions_use_the_configured_threads(engine: OcrEngine) -> None:
    options = engine.session_options
    assert set(options) == {"det", "rec", "cls"}
    for session_options in options.values():
        assert session_options.intra_op_num_threads == DEFAULT_OCR_CONFIG.intra_op_threads == 2
        assert session_options.inter_op_num_threads == DEFAULT_OCR_CONFIG.inter_op_threads == 1

    single = OcrEngine(OcrConfig(intra_op_threads=1, angle_classifier="never"))
    assert set(single.session_options) == {"det", "rec"}
    assert all(o.intra_op_num_threads == 1 for o in single.session_options.values())


@pytest.mark.models
@needs_font
def test_reads_upright_chinese_and_boxes_it_where_it_is(engine: OcrEngine) -> None:
    image = render_line(SOLICITATION, size=40, pad=30)
    lines = engine.read(np.asarray(image))
    assert [line.text for line in lines] == [SOLICITATION]
    (x0, y0), (x1, _), (_, y1), _ = lines[0].box
    # The ink starts 30 px from the edges; the box wraps it with a small margin.
    assert 10 <= x0 <= 32 and 10 <= y0 <= 32
    assert image.width - 32 <= x1 <= image.width and image.height - 32 <= y1 <= image.height
    assert 0.5 <= lines[0].score <= 1.0


@pytest.mark.models
@needs_font
def test_reads_small_text(engine: OcrEngine) -> None:
    # 12 px is the smallest text size the service promises to read.
    text = read_text(engine, render_line(f"{SOLICITATION} 12345678", size=12, pad=10))
    assert text == f"{SOLICITATION}12345678"


@pytest.mark.models
@needs_font
def test_reads_a_vertical_column(engine: OcrEngine) -> None:
    assert read_text(engine, render_column(SOLICITATION)) == SOLICITATION


@pytest.mark.models
@needs_font
@pytest.mark.parametrize("angle", [90, 180, 270])
def test_reads_rotated_lines(engine: OcrEngine, angle: int) -> None:
    rotated = render_line(SOLICITATION).rotate(angle, expand=True, fillcolor="white")
    assert read_text(engine, rotated) == SOLICITATION


@pytest.mark.models
@needs_font
def test_upside_down_needs_the_angle_classifier(engine: OcrEngine) -> None:
    upside_down = np.asarray(render_line(SOLICITATION).rotate(180))
    without_classifier = OcrEngine(OcrConfig(angle_classifier="never"))
    assert SOLICITATION not in read_text(without_classifier, upside_down)
    assert read_text(engine, upside_down) == SOLICITATION


@pytest.mark.models
@pytest.mark.parametrize(
    "blank",
    [
        np.full((300, 400, 3), 255, dtype=np.uint8),
        np.zeros((64, 64, 3), dtype=np.uint8),
        np.full((1, 1, 3), 128, dtype=np.uint8),
        _gradient(256),
    ],
    ids=["white", "black", "one-pixel", "gradient"],
)
def test_no_text_gives_no_lines(engine: OcrEngine, blank: np.ndarray) -> None:
    assert engine.read(blank) == []
    detection = engine.detect(blank)
    assert detection.boxes == [] and detection.box_scores == []


@pytest.mark.models
@needs_font
def test_detection_exposes_scores_and_the_probability_map(engine: OcrEngine) -> None:
    canvas = Image.new("RGB", (800, 600), (230, 240, 250))
    line = render_line(SOLICITATION, size=36, pad=0)
    canvas.paste(line, (120, 400))
    detection = engine.detect(np.asarray(canvas))

    assert len(detection.boxes) == len(detection.box_scores) == 1
    assert 0.5 <= detection.box_scores[0] <= 1.0
    prob_map = detection.prob_map
    assert prob_map.dtype == np.float32 and prob_map.ndim == 2
    assert prob_map.shape == (round(600 * detection.scale), round(800 * detection.scale))
    # High probability on the text's centre, none in the empty top-left corner.
    centre_x = (120 + line.width / 2) * detection.scale
    centre_y = (400 + line.height / 2) * detection.scale
    assert prob_map[round(centre_y), round(centre_x)] > 0.5
    assert prob_map[: round(300 * detection.scale), : round(100 * detection.scale)].max() < 0.3


@pytest.mark.models
@needs_font
def test_huge_input_is_detected_small_and_read_in_its_own_pixels(engine: OcrEngine) -> None:
    canvas = Image.new("RGB", (4000, 4000), "white")
    line = render_line(SOLICITATION, size=120, pad=0)
    canvas.paste(line, (1500, 2600))
    detection = engine.detect(np.asarray(canvas))

    assert max(detection.prob_map.shape) <= DEFAULT_OCR_CONFIG.det_max_side
    assert detection.scale < 0.5
    lines = engine.recognize(np.asarray(canvas), detection.boxes)
    assert [line.text for line in lines] == [SOLICITATION]
    xs = [x for x, _ in lines[0].box]
    ys = [y for _, y in lines[0].box]
    # Within a few working pixels (1 working px = 1/scale input px) of the pasted ink.
    slack = 8 / detection.scale
    assert abs(min(xs) - 1500) < slack and abs(max(xs) - (1500 + line.width)) < slack
    assert abs(min(ys) - 2600) < slack and abs(max(ys) - (2600 + line.height)) < slack


@pytest.mark.models
@needs_font
def test_recognize_keeps_box_order_and_per_call_threshold(engine: OcrEngine) -> None:
    canvas = Image.new("RGB", (700, 300), "white")
    canvas.paste(render_line("兼职刷单", size=40, pad=0), (40, 40))
    canvas.paste(render_line("返现", size=40, pad=0), (400, 200))
    rgb = np.asarray(canvas)
    boxes = engine.detect(rgb).boxes
    assert len(boxes) == 2
    texts = [line.text for line in engine.recognize(rgb, list(reversed(boxes)))]
    assert texts == ["返现", "兼职刷单"]
    assert engine.read(rgb, min_score=1.01) == []
    assert engine.config.min_text_score == DEFAULT_OCR_CONFIG.min_text_score


@pytest.mark.models
@pytest.mark.parametrize(
    "bad",
    [np.zeros((10, 10), np.uint8), np.zeros((10, 10, 4), np.uint8), np.zeros((10, 10, 3), np.float32)],
    ids=["grey", "rgba", "float"],
)
def test_rejects_arrays_that_are_not_rgb_bytes(engine: OcrEngine, bad: np.ndarray) -> None:
    with pytest.raises(ValueError, match="HxWx3 uint8"):
        engine.read(bad)


@pytest.mark.models
@needs_font
def test_accepts_non_contiguous_views(engine: OcrEngine) -> None:
    rgb = np.asarray(render_line(SOLICITATION))
    mirrored_twice = rgb[:, ::-1][:, ::-1]  # a strided view of the same pixels
    assert read_text(engine, mirrored_twice) == SOLICITATION

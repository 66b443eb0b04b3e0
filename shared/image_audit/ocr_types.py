"""Plain value types for recognised text, importable without the OCR stack (no onnxruntime/cv2)."""

from __future__ import annotations

from dataclasses import dataclass

Point = tuple[float, float]
Quad = tuple[Point, Point, Point, Point]


@dataclass(frozen=True, slots=True)
class OcrLine:
    """One recognised text line: its text, its quadrilateral (clockwise from top-left, in pixels
    of the upright original image) and the recogniser's confidence (0..1)."""

    text: str
    box: Quad
    score: float

"""ONNX Runtime sessions sized for Lambda rather than for the host.

ONNX Runtime sizes its intra-op thread pool to the cores it can see, and on Lambda that is the
host's cores, not the function's vCPUs: an over-sized pool makes threads fight for two vCPUs.
Every session of this package is therefore built here with explicit thread counts.

``onnxruntime`` is imported inside the functions so that importing this module stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import onnxruntime


@dataclass(frozen=True, slots=True)
class SessionSettings:
    """How to run one ONNX model on the CPU."""

    intra_op_threads: int = 2
    inter_op_threads: int = 1
    # The arena keeps the high-water mark of every tensor size ever seen; with inputs of many
    # sizes (one per image shape) it only grows, so it is off by default. The bench measured no
    # latency cost for turning it off.
    enable_cpu_mem_arena: bool = False
    # Spinning pool threads keep a vCPU busy after each run, stealing it from the Python pre- and
    # post-processing that runs between the many small recognition runs.
    allow_spinning: bool = False
    log_severity_level: int = 3  # errors only: ONNX Runtime warns about unused initializers

    def __post_init__(self) -> None:
        if self.intra_op_threads < 1 or self.inter_op_threads < 1:
            raise ValueError("thread counts must be >= 1 (0 would mean 'one per host core')")


def make_session_options(settings: SessionSettings) -> onnxruntime.SessionOptions:
    """Session options with explicit threads, full graph optimisation and sequential execution."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = settings.intra_op_threads
    options.inter_op_num_threads = settings.inter_op_threads
    # Sequential: the OCR graphs are chains, so a parallel executor only adds scheduling cost.
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.enable_cpu_mem_arena = settings.enable_cpu_mem_arena
    options.log_severity_level = settings.log_severity_level
    options.add_session_config_entry(
        "session.intra_op.allow_spinning", "1" if settings.allow_spinning else "0"
    )
    return options


def load_cpu_session(model_path: Path, settings: SessionSettings) -> onnxruntime.InferenceSession:
    """An inference session on the CPU provider only (Lambda has no accelerator)."""
    import onnxruntime

    if not model_path.is_file():
        raise FileNotFoundError(f"ONNX model not found: {model_path}")
    return onnxruntime.InferenceSession(
        str(model_path),
        sess_options=make_session_options(settings),
        providers=["CPUExecutionProvider"],
    )

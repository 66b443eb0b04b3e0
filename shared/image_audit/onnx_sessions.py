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
    # The arena keeps freed tensor memory for reuse instead of handing it back to the allocator:
    # without it every run maps and faults in fresh pages for its large activations, which cost
    # ~20% of detection time. Its footprint stays bounded by the largest working size (the
    # OCR engine caps it), and Lambda's memory must cover that peak anyway.
    enable_cpu_mem_arena: bool = True
    # Pool threads spin (instead of sleeping) between the parallel sections of one run, which
    # saves a wake-up per operator; they stop spinning when the run returns (see
    # make_session_options), because a thread still spinning after its run steals one of the two
    # vCPUs from the Python pre- and post-processing and from the next session's run.
    allow_spinning: bool = True
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
    if settings.allow_spinning:
        # Measured: spinning that outlives the run (onnxruntime's default) made the whole pipeline
        # ~1.5x slower, as each session's idle pool competed with the next session's work.
        options.add_session_config_entry("session.force_spinning_stop", "1")
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

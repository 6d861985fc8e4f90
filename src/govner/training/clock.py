"""Time a training run apart from its evaluations, record dev F1 against time, and stop at
limits that leave the learning-rate schedule alone (for benchmarks and time budgets)."""

from __future__ import annotations

import time

from accelerate.utils import broadcast_object_list
from transformers import TrainerCallback, TrainerControl, TrainerState, TrainingArguments


class TrainingClock(TrainerCallback):
    """Sums the seconds spent in training epochs (evaluation and checkpointing excluded), logs
    ``{"epoch", "seconds", "train_seconds", "f1"}`` after each dev evaluation (``seconds``: wall
    time since training began), and stops training after an evaluation once ``stop_after_epochs``
    epochs, ``stop_after_seconds`` seconds or a dev F1 of ``stop_at_f1`` are reached.

    The time limit is decided on process 0 and broadcast, so every data-parallel process stops
    after the same epoch."""

    def __init__(
        self,
        stop_after_epochs: float | None = None,
        stop_after_seconds: float | None = None,
        stop_at_f1: float | None = None,
    ):
        self.stop_after_epochs = stop_after_epochs
        self.stop_after_seconds = stop_after_seconds
        self.stop_at_f1 = stop_at_f1
        self.train_seconds = 0.0
        self.epochs = 0.0  # epochs run in this call (after a resumed checkpoint's)
        self.history: list[dict] = []
        self.stopped_by: str | None = None
        self._started = self._epoch_started = self._first_epoch = 0.0

    def on_train_begin(self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs):
        self._started = time.perf_counter()
        self._first_epoch = state.epoch or 0.0

    def on_epoch_begin(self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs):
        self._epoch_started = time.perf_counter()

    def on_epoch_end(self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs):
        self.train_seconds += time.perf_counter() - self._epoch_started
        self.epochs = (state.epoch or 0.0) - self._first_epoch

    def on_evaluate(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, metrics=None, **kwargs
    ):
        seconds = time.perf_counter() - self._started
        f1 = (metrics or {}).get("eval_f1")
        self.history.append(
            {
                "epoch": round(state.epoch or 0.0, 2),
                "seconds": round(seconds, 2),
                "train_seconds": round(self.train_seconds, 2),
                "f1": f1,
            }
        )
        reasons = []
        if self.stop_after_epochs is not None and (state.epoch or 0.0) >= self.stop_after_epochs - 1e-6:
            reasons.append(f"stop_after_epochs={self.stop_after_epochs}")
        if self.stop_after_seconds is not None:
            # Clocks differ between processes: process 0's decision holds for all.
            [late] = broadcast_object_list([seconds >= self.stop_after_seconds])
            if late:
                reasons.append(f"stop_after_seconds={self.stop_after_seconds}")
        if self.stop_at_f1 is not None and f1 is not None and f1 >= self.stop_at_f1:
            reasons.append(f"stop_at_f1={self.stop_at_f1}")
        if reasons and not control.should_training_stop:
            self.stopped_by = ", ".join(reasons)
            control.should_training_stop = True
        return control

"""Turning per-token label scores into an IOB2 sequence.

``argmax`` picks each token's best tag on its own; ``viterbi`` picks the best sequence in
which every ``I-X`` follows a ``B-X`` or ``I-X`` (constrained decoding over the classifier's
log-probabilities, no learned transitions).
"""

from __future__ import annotations

import torch

DECODERS = ("argmax", "viterbi")


def allowed_transitions(tags: list[str]) -> torch.Tensor:
    """``allowed[i, j]``: tag ``j`` may follow tag ``i`` in IOB2."""
    n = len(tags)
    allowed = torch.ones(n, n, dtype=torch.bool)
    for j, tag in enumerate(tags):
        if tag.startswith("I-"):
            label = tag[2:]
            for i, prev in enumerate(tags):
                allowed[i, j] = prev in (f"B-{label}", f"I-{label}")
    return allowed


def viterbi(log_probs: torch.Tensor, allowed: torch.Tensor, can_start: torch.Tensor) -> list[int]:
    """Best allowed tag path for one sequence of ``(length, n_tags)`` log-probabilities."""
    length = log_probs.shape[0]
    if length == 0:
        return []
    forbidden = torch.where(allowed, 0.0, float("-inf"))
    score = log_probs[0] + torch.where(can_start, 0.0, float("-inf"))
    back = []
    for t in range(1, length):
        total = score.unsqueeze(1) + forbidden  # (previous, current)
        best_prev = total.argmax(0)
        score = total.gather(0, best_prev.unsqueeze(0)).squeeze(0) + log_probs[t]
        back.append(best_prev)
    path = [int(score.argmax())]
    for best_prev in reversed(back):
        path.append(int(best_prev[path[-1]]))
    return path[::-1]

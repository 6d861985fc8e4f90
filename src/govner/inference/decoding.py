"""Turning per-token label scores into an IOB2 sequence.

``argmax`` picks each token's best tag on its own; ``viterbi`` picks the best sequence in
which every ``I-X`` follows a ``B-X`` or ``I-X``: over the classifier's log-probabilities with
no learned transitions, or, for a model with a CRF layer, over its emission scores plus the
transition, start and end scores it learned.
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
    if log_probs.shape[0] == 0:
        return []
    lengths = torch.tensor([log_probs.shape[0]])
    return batch_viterbi(log_probs.unsqueeze(0), lengths, allowed, can_start)[0].tolist()


def batch_viterbi(
    log_probs: torch.Tensor,
    lengths: torch.Tensor,
    allowed: torch.Tensor,
    can_start: torch.Tensor,
    transitions: torch.Tensor | None = None,
    start: torch.Tensor | None = None,
    end: torch.Tensor | None = None,
) -> torch.Tensor:
    """Best allowed paths for a batch of ``(batch, length, n_tags)`` log-probabilities whose rows
    hold ``lengths`` real positions each (the rest is padding): ``(batch, length)`` tag ids, of
    which those past a row's length mean nothing. One pass over the positions serves the batch.
    ``transitions[i, j]`` (score of tag ``j`` after tag ``i``), ``start`` and ``end``: a CRF's
    learned scores, added to the path score (``log_probs`` are then its emission scores)."""
    n_rows, width, _ = log_probs.shape
    path = torch.zeros(n_rows, width, dtype=torch.long)
    if width == 0:
        return path
    forbidden = torch.where(allowed, 0.0, float("-inf"))
    score = log_probs[:, 0] + torch.where(can_start, 0.0, float("-inf"))
    if transitions is not None:
        forbidden = forbidden + transitions
    if start is not None:
        score = score + start
    back = []
    for t in range(1, width):
        total = score.unsqueeze(2) + forbidden  # (row, previous, current)
        best_prev = total.argmax(1)
        new = total.gather(1, best_prev.unsqueeze(1)).squeeze(1) + log_probs[:, t]
        score = torch.where((t < lengths).unsqueeze(1), new, score)
        back.append(best_prev)
    if end is not None:
        score = score + end  # each row's score is frozen at its last real position
    rows = torch.arange(n_rows)
    current = score.argmax(-1)  # each row's tag at its last real position
    path[rows, (lengths - 1).clamp(min=0)] = current
    for t in range(width - 1, 0, -1):
        inside = t < lengths
        previous = back[t - 1][rows, current]
        path[:, t - 1] = torch.where(inside, previous, path[:, t - 1])
        current = torch.where(inside, previous, current)
    return path


def decode(
    logits: torch.Tensor,
    lengths: torch.Tensor,
    decoding: str,
    allowed: torch.Tensor,
    can_start: torch.Tensor,
    crf: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None,
) -> torch.Tensor:
    """Tag ids for left-aligned ``(batch, length, n_tags)`` logits, as a model ships them: ``argmax``,
    or ``viterbi`` over the emission scores plus a CRF layer's learned ``crf`` scores when it has
    them, else over the log-probabilities (constrained only)."""
    if decoding == "viterbi" and crf is not None:
        return batch_viterbi(logits, lengths, allowed, can_start, *crf)
    if decoding == "viterbi":
        return batch_viterbi(logits.log_softmax(-1), lengths, allowed, can_start)
    return logits.argmax(-1)


def path_log_probs(
    emissions: torch.Tensor,
    lengths: torch.Tensor,
    path: torch.Tensor,
    transitions: torch.Tensor,
    start: torch.Tensor,
    end: torch.Tensor,
) -> torch.Tensor:
    """``(batch,)`` log-probability of each row's ``path`` under the linear-chain model with these
    emission, transition, start and end scores: its score minus the log-sum over all paths (the
    forward algorithm). Rows are left-aligned with ``lengths`` real positions; an empty row has
    probability 1."""
    n_rows, width, _ = emissions.shape
    if width == 0:
        return torch.zeros(n_rows)
    inside = torch.arange(width).unsqueeze(0) < lengths.unsqueeze(1)
    emitted = torch.where(inside, emissions.gather(2, path.unsqueeze(2)).squeeze(2), 0.0).sum(1)
    moved = torch.where(inside[:, 1:], transitions[path[:, :-1], path[:, 1:]], 0.0).sum(1)
    last = path.gather(1, (lengths - 1).clamp(min=0).unsqueeze(1)).squeeze(1)
    score = start[path[:, 0]] + emitted + moved + end[last]
    alpha = start + emissions[:, 0]
    for t in range(1, width):
        step = torch.logsumexp(alpha.unsqueeze(2) + transitions, 1) + emissions[:, t]
        alpha = torch.where(inside[:, t : t + 1], step, alpha)
    log_prob = score - torch.logsumexp(alpha + end, 1)
    return torch.where(lengths > 0, log_prob, 0.0).clamp(max=0.0)


def decoded_log_probs(
    logits: torch.Tensor,
    lengths: torch.Tensor,
    path: torch.Tensor,
    decoding: str,
    allowed: torch.Tensor,
    can_start: torch.Tensor,
    crf: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None,
) -> torch.Tensor:
    """``(batch,)`` log-probability of the path :func:`decode` chose, under the model that chose it:
    the CRF layer's (``viterbi`` with ``crf``) or the classifier's (``viterbi`` without), over the
    IOB2-allowed paths the decoder chooses among; the product of the per-token probabilities
    (``argmax``)."""
    n_tags = logits.shape[-1]
    forbidden = torch.where(allowed, 0.0, float("-inf"))
    no_start = torch.where(can_start, 0.0, float("-inf"))
    if decoding == "viterbi" and crf is not None:
        transitions, start, end = crf
        return path_log_probs(logits, lengths, path, transitions + forbidden, start + no_start, end)
    if decoding == "viterbi":
        return path_log_probs(logits.log_softmax(-1), lengths, path, forbidden, no_start, torch.zeros(n_tags))
    free = torch.zeros(n_tags, n_tags)
    return path_log_probs(logits.log_softmax(-1), lengths, path, free, torch.zeros(n_tags), torch.zeros(n_tags))

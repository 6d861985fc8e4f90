"""A domain lexicon inside the model: strings with a label (an organization's name, an indicator,
a unit), held as two hashed tables of label bits, and the per-character match features the tagger
reads from them (a match of each label begins / ends / covers the character).

The lexicon file is a TSV (``text<TAB>label[<TAB>count]``, ``#`` comments), e.g. the one
``govner build-lexicon`` mines from the unlabeled corpus (dev and test reports excluded). Matching
works on token ids, so it is computed inside the model, the same in training, evaluation, the
pipeline and ONNX; a string is hashed twice and both tables must hold its label, which makes a false
match about as rare as (entries / buckets)².
"""

from __future__ import annotations

from pathlib import Path

import torch

_PRIME = 1_000_003
_MODULUS = 2_147_483_647
_SEEDS = (17, 7919)  # one per table
EXCLUDED = "# excluded: "  # header line naming a report the lexicon was not mined from


def read_lexicon(path: str | Path, labels: list[str]) -> list[tuple[str, str]]:
    """The ``(text, label)`` entries of the TSV at ``path`` whose label is in ``labels``."""
    entries = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").split("\n"), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 2 or not fields[0]:
            raise ValueError(f"{path}, line {number}: expected 'text<TAB>label[<TAB>count]', got {line[:60]!r}")
        if fields[1] in labels:
            entries.append((fields[0], fields[1]))
    return entries


def check_held_out(path: str | Path, held_out: set[str]) -> None:
    """Raise unless every report in ``held_out`` (dev and test) is one the lexicon's header says it
    was not mined from."""
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    excluded = {line[len(EXCLUDED) :] for line in lines if line.startswith(EXCLUDED)}
    leaked = sorted(held_out - excluded)
    if leaked:
        raise ValueError(
            f"lexicon {path} may have been mined from {len(leaked)} dev/test report(s) of this run, e.g. "
            f"{leaked[0]!r} (its header does not list them as excluded); mine it again with a teacher "
            "trained on this split: govner build-lexicon teacher=<model dir>"
        )


def _hashes(padded: torch.Tensor, width: int, max_len: int, seed: int) -> list[torch.Tensor]:
    """Rolling hashes of the id n-grams starting at each of ``width`` positions, one tensor per
    length 1..``max_len`` (``padded``: ids + 1, zero past the end)."""
    h = torch.full_like(padded[:, :width], seed)
    out = []
    for length in range(max_len):
        h = (h * _PRIME + padded[:, length : length + width]) % _MODULUS
        out.append(h)
    return out


def lexicon_tables(entries: list[list[int]], label_ids: list[int], buckets: int, max_len: int) -> torch.Tensor:
    """(2, buckets) uint8 tables: bit ``label_ids[k]`` set at both hashes of ``entries[k]`` (token ids;
    entries longer than ``max_len`` are left out)."""
    tables = torch.zeros(2, buckets, dtype=torch.int64)
    for ids, bit in zip(entries, label_ids, strict=True):
        if not 0 < len(ids) <= max_len:
            continue
        padded = torch.tensor([ids], dtype=torch.int64) + 1
        for t, seed in enumerate(_SEEDS):
            bucket = int(_hashes(padded, 1, len(ids), seed)[-1][0, 0] % buckets)
            tables[t, bucket] |= 1 << bit
    return tables.to(torch.uint8)


def lexicon_features(input_ids: torch.Tensor, mask: torch.Tensor, tables: torch.Tensor, n_labels: int, max_len: int) -> torch.Tensor:
    """(B, L, 3 × n_labels) floats: for each label, whether a lexicon match begins at, ends at, or
    covers the character (matches lie within the unmasked positions)."""
    batch, width = input_ids.shape
    padded = torch.nn.functional.pad((input_ids + 1) * mask.long(), (0, max_len))
    valid = torch.nn.functional.pad(mask.long(), (0, max_len))
    buckets = tables.shape[1]
    hits = [
        [tables[t][h % buckets].long() for h in _hashes(padded, width, max_len, seed)] for t, seed in enumerate(_SEEDS)
    ]
    device = input_ids.device  # the model's: on a GPU every tensor here must be there too
    bits = torch.tensor([1 << b for b in range(n_labels)], dtype=torch.int64, device=device)
    begins = torch.zeros(batch, width, n_labels, dtype=torch.int64, device=device)
    ends = torch.zeros(batch, width + max_len, n_labels, dtype=torch.int64, device=device)
    delta = torch.zeros(batch, width + max_len + 1, n_labels, dtype=torch.int64, device=device)
    for length in range(1, max_len + 1):
        first, second = ((hits[t][length - 1].unsqueeze(2) // bits) % 2 for t in range(2))
        inside = valid[:, length - 1 : length - 1 + width].unsqueeze(2)  # the match's last character is real
        match = first * second * inside
        begins = torch.maximum(begins, match)
        ends[:, length - 1 : length - 1 + width] = torch.maximum(ends[:, length - 1 : length - 1 + width], match)
        delta[:, :width] += match
        delta[:, length : length + width] -= match
    covers = (torch.cumsum(delta, 1)[:, :width] > 0).long()
    return torch.cat([begins, ends[:, :width], covers], 2).float()

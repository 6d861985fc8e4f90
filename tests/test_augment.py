from govner.data.augment import AugmentSettings, replace_mentions
from govner.data.spans import Document, Span


def doc(i: int, text: str, spans: list[tuple[str, str]]) -> Document:
    out, pos = [], 0
    for surface, label in spans:
        start = text.index(surface, pos)
        out.append(Span(start, start + len(surface), label))
        pos = start + len(surface)
    return Document(str(i), text, out, f"r{i}.txt", f"batch.json, task {i}")


DOCS = [
    doc(
        1,
        "宁德时代等企业投资50亿元",
        [("宁德时代", "ORG"), ("投资", "INDICATOR"), ("50", "QUANTITY"), ("亿元", "UNIT")],
    ),
    doc(
        2,
        "县教育局牵头，新建学校3所",
        [("县教育局", "ORG"), ("新建学校", "INDICATOR"), ("3", "QUANTITY"), ("所", "UNIT")],
    ),
    doc(3, "粮食产量120万吨", [("粮食产量", "INDICATOR"), ("120", "QUANTITY"), ("万吨", "UNIT")]),
]


def test_off_by_default():
    assert replace_mentions(DOCS, AugmentSettings()) == []


def test_copies_swap_names_of_the_label_and_keep_every_other_span_exact():
    copies = replace_mentions(DOCS, AugmentSettings(copies=2, labels=("ORG",), seed=1))
    assert len(copies) == 4  # the two sentences with an ORG, twice each; the third has none
    names = {"宁德时代", "县教育局"}
    for copy in copies:
        original = next(d for d in DOCS if copy.id.startswith(d.id + "#"))
        surfaces = [(copy.text[s.start : s.end], s.label) for s in copy.spans]
        assert [label for _, label in surfaces] == [s.label for s in original.spans]
        org = next(t for t, label in surfaces if label == "ORG")
        assert org in names and org != original.text[original.spans[0].start : original.spans[0].end]
        assert [x for x in surfaces if x[1] != "ORG"] == [
            (original.text[s.start : s.end], s.label) for s in original.spans if s.label != "ORG"
        ]
        assert copy.source == original.source and "mention replacement" in copy.origin


def test_deterministic_for_a_seed():
    a = replace_mentions(DOCS, AugmentSettings(copies=1, seed=5))
    b = replace_mentions(DOCS, AugmentSettings(copies=1, seed=5))
    assert [(d.text, d.spans) for d in a] == [(d.text, d.spans) for d in b]


def test_data_config_reads_augment_settings():
    from govner.data.dataset import DataSettings

    settings = DataSettings.of({"path": "x", "augment": {"copies": 2, "labels": ["ORG", "UNIT"], "seed": 3}})
    assert settings.augment == AugmentSettings(copies=2, labels=("ORG", "UNIT"), seed=3)
    assert DataSettings.of({"path": "x"}).augment.copies == 0

"""The labeling interface (Label Studio XML config) and the labeling instructions, generated from
the label schema."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence

from label_studio_sdk.label_interface import LabelInterface

from govner.data.labelstudio_format import REPORT_FIELD
from govner.errors import GovnerError

GUIDE = "annotations/GUIDELINES.md"


def labeling_config(
    labels: Sequence[str],
    style: Mapping[str, Mapping[str, str]],
    from_name: str = "label",
    to_name: str = "text",
    text_field: str = "text",
    source_field: str = REPORT_FIELD,
) -> str:
    """A ``Labels`` control named ``from_name`` over a ``Text`` named ``to_name`` (character
    granularity), one ``Label`` per schema label with its color and hotkey, and the report
    name as a header. Validated with the SDK; raises ``ValueError`` on a schema mismatch."""
    missing, extra = set(labels) - set(style), set(style) - set(labels)
    if missing or extra:
        raise GovnerError(
            f"label_style must name exactly the labels {list(labels)}: "
            f"missing {sorted(missing) or 'none'}, unknown {sorted(extra) or 'none'}"
        )
    hotkeys = [str(style[label].get("hotkey", "")) for label in labels]
    if len(set(hotkeys)) != len(hotkeys) or "" in hotkeys:
        raise GovnerError(f"every label needs its own hotkey, got {dict(zip(labels, hotkeys, strict=True))}")
    view = ET.Element("View")
    ET.SubElement(view, "Header", value=f"${source_field}", size="6")
    control = ET.SubElement(view, "Labels", name=from_name, toName=to_name)
    for label, hotkey in zip(labels, hotkeys, strict=True):
        ET.SubElement(control, "Label", value=label, background=str(style[label]["color"]), hotkey=hotkey)
    ET.SubElement(view, "Text", name=to_name, value=f"${text_field}", granularity="symbol")
    ET.indent(view)
    config = ET.tostring(view, encoding="unicode")
    LabelInterface(config).validate()
    return config


def labeling_instructions(
    labels: Sequence[str], style: Mapping[str, Mapping[str, str]], hints: Mapping[str, str], rules: Sequence[str]
) -> str:
    """The project's labeling instructions (HTML, Label Studio shows them before the first task and
    under the ``i`` button): each label with its color, hotkey and a one-line hint, the main rules,
    and where the full guide is."""
    rows = "".join(
        f'<p>• <b style="color:{html.escape(str(style[label]["color"]))}">{label}</b> '
        f"(key {html.escape(str(style[label]['hotkey']))}): {html.escape(hints.get(label, ''), quote=False)}</p>"
        for label in labels
    )
    items = "".join(f"<p>• {html.escape(rule, quote=False)}</p>" for rule in rules)
    return (  # Label Studio's style sheet drops list bullets and paragraph margins: bullets and <br> by hand
        "<p>Label what a reader needs to pull out which measure, how much, and which organization.</p><br>"
        f"{rows}<br>{items}<br>"
        f"<p>The full guide, with every settled case: <code>{GUIDE}</code> in the govner repository.</p>"
    )

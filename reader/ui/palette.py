"""The window's colours: entity highlight groups, the page, and the annotations' highlight colours,
for light and dark schemes.

Fills come from Paul Tol's colour-blind-safe schemes: "light" (designed as
backgrounds for black text) in a light scheme and "dark" (backgrounds for white
text) in a dark one. Colour is never the only cue: each group also has its own
underline style, the legend names it, and the tooltip spells out the type.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QTextCharFormat



@dataclass(frozen=True)
class EntityGroup:
    key: str                  # stable id used in settings and object names
    name: str                 # shown in the legend and tooltips
    labels: tuple[str, ...]   # the core's entity labels in this group
    fill_light: str           # Tol "light"
    fill_dark: str            # Tol "dark"
    line_light: str           # underline colour, Tol "bright"/"muted" counterpart
    line_dark: str
    underline: QTextCharFormat.UnderlineStyle


GROUPS: tuple[EntityGroup, ...] = (
    EntityGroup("person", "Person", ("PERSON",), "#FFAABB", "#663333", "#AA3377", "#FFAABB",
                QTextCharFormat.UnderlineStyle.SingleUnderline),
    EntityGroup("org", "Organization", ("ORG",), "#99DDFF", "#222255", "#0077BB", "#99DDFF",
                QTextCharFormat.UnderlineStyle.DashUnderline),
    EntityGroup("place", "Place", ("GPE", "LOC", "FAC"), "#BBCC33", "#225522", "#228833", "#BBCC33",
                QTextCharFormat.UnderlineStyle.DotLine),
    EntityGroup("date", "Date / time", ("DATE", "TIME"), "#EEDD88", "#666633", "#997700", "#EEDD88",
                QTextCharFormat.UnderlineStyle.DashDotLine),
    EntityGroup("amount", "Amount", ("MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"),
                "#EE8866", "#663311", "#CC3311", "#EE8866", QTextCharFormat.UnderlineStyle.DashDotDotLine),
    EntityGroup("other", "Other", ("NORP", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART", "LANGUAGE"),
                "#DDDDDD", "#555555", "#555555", "#BBBBBB", QTextCharFormat.UnderlineStyle.WaveUnderline),
)

GROUP_BY_KEY = {g.key: g for g in GROUPS}
_GROUP_BY_LABEL = {label: g for g in GROUPS for label in g.labels}

LABEL_NAMES = {
    "PERSON": "Person", "NORP": "Nationality / group", "ORG": "Organization", "GPE": "Country / city",
    "LOC": "Location", "FAC": "Facility", "EVENT": "Event", "LAW": "Law / treaty", "PRODUCT": "Product",
    "WORK_OF_ART": "Work", "DATE": "Date", "TIME": "Time", "MONEY": "Money", "PERCENT": "Percent",
    "QUANTITY": "Quantity", "CARDINAL": "Number", "ORDINAL": "Ordinal", "LANGUAGE": "Language",
}


def group_for(label: str) -> EntityGroup:
    """The highlight group of an entity label; unknown labels fall into "Other"."""
    return _GROUP_BY_LABEL.get(label, GROUP_BY_KEY["other"])


def label_name(label: str) -> str:
    return LABEL_NAMES.get(label, label.title().replace("_", " "))


LIGHT_TINT = 0.55   # share of the Tol colour in a light-scheme fill (the rest is white): calmer pages


def fill(group: EntityGroup, dark: bool) -> QColor:
    if dark:
        return QColor(group.fill_dark)
    base = QColor(group.fill_light)
    mix = lambda c: round(255 - (255 - c) * LIGHT_TINT)  # noqa: E731
    return QColor(mix(base.red()), mix(base.green()), mix(base.blue()))


def line(group: EntityGroup, dark: bool) -> QColor:
    return QColor(group.line_dark if dark else group.line_light)


def text_colour(dark: bool) -> QColor:
    """The text colour the fills are designed for."""
    return QColor("#F4F4F4" if dark else "#111111")


def char_format(group: EntityGroup, dark: bool, counted: bool = True) -> QTextCharFormat:
    """The format of a highlighted mention; mentions that do not count (inside a repeated
    or boilerplate passage) keep the underline but get no fill."""
    fmt = QTextCharFormat()
    if counted:
        fmt.setBackground(fill(group, dark))
        fmt.setForeground(text_colour(dark))
    fmt.setUnderlineStyle(group.underline)
    fmt.setUnderlineColor(line(group, dark))
    return fmt


def relative_luminance(colour: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast_ratio(a: QColor, b: QColor) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# Reading-pane surface colours (the pane has its own calm paper tone).
PAPER = {False: "#FBFAF7", True: "#1E1F22"}
INK = {False: "#1D1D1F", True: "#E6E6E3"}
MUTED_INK = {False: "#8A8A8E", True: "#8C8C90"}
FIND_ALL = {False: "#FFF59D", True: "#5C5020"}
FIND_CURRENT = {False: "#FBC02D", True: "#9E7C00"}
FLASH = {False: "#FFD54F", True: "#8D6E00"}


def pretty_date(value: str | None) -> str:
    """ISO dates as people read them: "2025-03-14 19:27"."""
    return (value or "").replace("T", " ")


# -- annotation highlights -----------------------------------------------------------------------

# Highlight colours: (light fill, dark fill, light edge, dark edge). Marker tones, stronger than the
# entity fills (Tol "light" at 55 %), and each annotation also gets a solid edge under it in the text.
COLOURS_HEX = {
    "yellow": ("#FFE97A", "#6B5B14", "#D9A900", "#E8C547"),
    "green": ("#BDEFA9", "#2E5728", "#3E9B32", "#86D178"),
    "blue": ("#B6DBFF", "#23466B", "#2F7FD0", "#86BDF2"),
    "pink": ("#FFC4E0", "#6A2946", "#D64A8A", "#F291BF"),
    "purple": ("#DCCBFF", "#432F6B", "#7E57C2", "#B9A2E6"),
}
COLOUR_LABELS = {c: c.capitalize() for c in COLOURS_HEX}   # the colours of reader.annotations.model.COLOURS


def fill_colour(colour: str, dark: bool) -> QColor:
    light, deep, _edge, _dark_edge = COLOURS_HEX.get(colour, COLOURS_HEX["yellow"])
    return QColor(deep if dark else light)


def edge_colour(colour: str, dark: bool) -> QColor:
    _light, _deep, edge, dark_edge = COLOURS_HEX.get(colour, COLOURS_HEX["yellow"])
    return QColor(dark_edge if dark else edge)


def icon_canvas(size: int) -> tuple[QPixmap, QPainter]:
    """A transparent, sharp (2× pixels) square pixmap for a small icon, and an antialiased painter on it."""
    ratio = 2
    pixmap = QPixmap(size * ratio, size * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pixmap, painter


def colour_icon(colour: str, dark: bool = False, size: int = 14, ring: bool = False) -> QIcon:
    """A round swatch of a highlight colour (a ring around it when it is the current one)."""
    pixmap, painter = icon_canvas(size)
    painter.setPen(edge_colour(colour, dark))
    painter.setBrush(fill_colour(colour, dark))
    inset = 3.0 if ring else 1.0
    painter.drawEllipse(QRectF(inset, inset, size - 2 * inset, size - 2 * inset))
    if ring:
        pen = painter.pen()
        pen.setColor(QColor("#F4F4F4" if dark else "#333333"))
        pen.setWidthF(1.4)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(QRectF(0.8, 0.8, size - 1.6, size - 1.6))
    painter.end()
    return QIcon(pixmap)

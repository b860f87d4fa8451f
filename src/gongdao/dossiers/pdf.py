"""The dossier as an A4 PDF in Chinese, with Noto Sans CJK SC embedded (subset) so that it prints
the same everywhere: title, addressee, parties, request, facts and reasons, the body and why,
the evidence index (kind, description, time and the full lowercase SHA-256 on one line), page
numbers on every page, and how to verify the bundle.

The document is first laid out as a list of operations, so that the font is loaded knowing every
character it will draw (fonts.for_text chooses the compact copy when it holds them all, and fpdf2
keeps widths only for those characters).
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos

from gongdao.dossiers import fonts, words
from gongdao.dossiers.content import Block, Dossier

CHINA = ZoneInfo("Asia/Shanghai")
FONT = "cjk"
MARGIN = 20
LABEL_WIDTH = (28, 64)  # a block's label column fits its longest label, within these bounds (mm)
BODY = 10.5
LINE = 6.2
HASH_SIZES = (8.5, 8, 7.5, 7, 6.5, 6)
PAGE_WORDS = "第页共/ "


@dataclass(frozen=True)
class Stamp:
    """What the document says about its own origin (shown under the title and in the footer)."""

    dossier_id: str
    generated_at: datetime
    fingerprint: str = ""


@dataclass(frozen=True)
class Op:
    kind: str  # title, text, heading, rows, hash, gap, page_check
    text: str = ""
    size: float = BODY
    height: float = LINE
    indent: float = 0
    rows: tuple[tuple[str, str], ...] = ()


class _Document(FPDF):
    def __init__(self, footer_text: str, characters: set[str]) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        font = fonts.for_text(characters)
        self.add_font(
            FONT,
            "",
            str(font.path),
            collection_font_number=font.index,
            unicode_range=sorted({ord(c) for c in characters}),
        )
        self.set_margins(MARGIN, 18, MARGIN)
        self.set_auto_page_break(auto=True, margin=20)
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, size=8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"{self.footer_text}　　第 {self.page_no()} 页 / 共 {{nb}} 页", align="C")
        self.set_text_color(0, 0, 0)


def render(dossier: Dossier, stamp: Stamp) -> bytes:
    footer = f"案件 {dossier.case_id} · 文书 {stamp.dossier_id}"
    ops = list(_layout(dossier, stamp))
    characters = set(footer + PAGE_WORDS + string.digits + "{}nb　")
    for op in ops:
        characters.update(op.text)
        for label, value in op.rows:
            characters.update(label + "：" + value)
    doc = _Document(footer, characters)
    doc.set_title(f"{dossier.title} {dossier.case_id}")
    doc.set_author("公道 Gongdao")
    doc.set_creator("Gongdao")
    doc.set_lang("zh-CN")
    doc.set_creation_date(stamp.generated_at)
    doc.add_page()
    for op in ops:
        _draw(doc, op)
    return bytes(doc.output())


# ---- layout: what the document says, in order ---------------------------------------------


def _layout(dossier: Dossier, stamp: Stamp) -> Iterator[Op]:
    yield Op("title", dossier.title)
    if dossier.addressee:
        yield Op("text", f"致：{dossier.addressee}", size=11)
    generated = stamp.generated_at.astimezone(CHINA)
    yield Op(
        "text",
        f"案件编号：{dossier.case_id}　文书编号：{stamp.dossier_id}　生成时间：{generated:%Y-%m-%d %H:%M}（北京时间）",
        size=8.5,
        height=5,
    )
    yield Op("gap", size=2)
    for block in dossier.blocks:
        yield from _block(block)
    yield from _evidence(dossier)
    if dossier.paste:
        yield from _block(Block("附：全国12315平台填写参考（逐项复制粘贴）", rows=dossier.paste))
    if dossier.closing:
        yield Op("gap", size=4)
        for line in dossier.closing:
            yield Op("text", line)
    yield Op("gap", size=4)
    yield Op(
        "text",
        f"本文书由公道（Gongdao）依据案件 {dossier.case_id} 的记录生成。案件记录中的每一条事件以哈希链相连，"
        "并由平台以 Ed25519 密钥签名；随附证据包中的 manifest.json 列出每个文件的 SHA-256，"
        "其签名（manifest.sig）可使用 `gongdao verify-dossier 文件.zip` 或网页“核验文书”离线校验。",
        size=8,
        height=4.6,
    )
    if stamp.fingerprint:
        yield Op("text", f"平台签名密钥指纹（SHA-256）：{stamp.fingerprint}", size=8, height=4.6)


def _block(block: Block) -> Iterator[Op]:
    yield Op("heading", block.heading)
    if block.rows:
        yield Op("rows", rows=tuple(block.rows))
    for paragraph in block.paragraphs:
        yield Op("text", paragraph)
        yield Op("gap", size=0.8)
    for number, item in enumerate(block.numbered, 1):
        yield Op("text", f"{number}. {item}")


def _evidence(dossier: Dossier) -> Iterator[Op]:
    yield Op("heading", "证据清单")
    if not dossier.evidence:
        yield Op("text", "（无）")
        return
    yield Op(
        "text",
        "每份证据的 SHA-256 校验值与证据包中的原始文件一致，可用于核对文件未被修改。",
        size=9,
        height=5,
    )
    for number, item in enumerate(dossier.evidence, 1):
        received = item.received_at.astimezone(CHINA)
        kind = words.EVIDENCE_KINDS.get(item.kind, item.kind)
        side = words.SIDES.get(item.side, item.side)
        cite = f"，事件#{item.event_seq}" if item.event_seq else ""
        yield Op("page_check", size=22)
        yield Op(
            "text",
            f"{number}. 证据 {item.id}　{kind}　提交方：{side}　收到时间：{received:%Y-%m-%d %H:%M}{cite}",
        )
        if item.description:
            yield Op("text", f"说明：{item.description}", indent=5)
        if item.name:
            yield Op("text", f"文件：{item.name}（{item.size:,} 字节）", size=9, height=5, indent=5)
        yield Op("hash", f"SHA-256：{item.sha256.lower()}")
        yield Op("gap", size=1)


# ---- drawing -----------------------------------------------------------------------------------


def _draw(doc: FPDF, op: Op) -> None:
    if op.kind == "title":
        doc.set_font(FONT, size=20)
        doc.cell(0, 12, op.text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    elif op.kind == "text":
        doc.set_font(FONT, size=op.size)
        doc.set_x(MARGIN + op.indent)
        doc.multi_cell(
            doc.epw - op.indent,
            op.height,
            op.text,
            wrapmode=WrapMode.CHAR,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    elif op.kind == "gap":
        doc.ln(op.size)
    elif op.kind == "page_check":
        if doc.get_y() > doc.h - 20 - op.size:
            doc.add_page()
    elif op.kind == "heading":
        _heading(doc, op.text)
    elif op.kind == "rows":
        _rows(doc, op.rows)
    elif op.kind == "hash":
        _hash_line(doc, op.text)


def _heading(doc: FPDF, text: str) -> None:
    if doc.get_y() > doc.h - 45:
        doc.add_page()
    doc.ln(3)
    doc.set_font(FONT, size=13)
    doc.cell(0, 8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    y = doc.get_y()
    doc.set_draw_color(160, 160, 160)
    doc.line(MARGIN, y, doc.w - MARGIN, y)
    doc.ln(1.5)


def _rows(doc: FPDF, rows: tuple[tuple[str, str], ...]) -> None:
    doc.set_font(FONT, size=BODY)
    widest = max((doc.get_string_width(label + "：") + 3 for label, _value in rows), default=0)
    width = min(max(widest, LABEL_WIDTH[0]), LABEL_WIDTH[1])
    for label, value in rows:
        doc.set_font(FONT, size=BODY)
        top = doc.get_y()
        doc.set_x(MARGIN)
        doc.multi_cell(width, LINE, label + "：", wrapmode=WrapMode.CHAR, new_x=XPos.RIGHT, new_y=YPos.TOP)
        after_label = doc.get_y()
        page = doc.page_no()
        doc.set_xy(MARGIN + width, top)
        doc.multi_cell(
            doc.epw - width, LINE, value or "", wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        if doc.page_no() == page and after_label > doc.get_y():
            doc.set_y(after_label)


def _hash_line(doc: FPDF, text: str) -> None:
    """The full lowercase SHA-256 on one line: the size shrinks until it fits."""
    width = doc.epw - 5
    for size in HASH_SIZES:
        doc.set_font(FONT, size=size)
        if doc.get_string_width(text) <= width:
            break
    doc.set_x(MARGIN + 5)
    doc.cell(width, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

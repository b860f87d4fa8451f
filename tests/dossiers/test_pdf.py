"""Each target's PDF: A4, every font embedded, the required fields in Chinese in the extracted
text, page numbers; page 1 rendered to test-output/dossiers/<target>.png for a look by eye."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gongdao.dossiers import actions, export, fonts
from gongdao.parties.models import Profile

OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "dossiers"
A4 = "595.28 x 841.89 pts (A4)"
COMMON = ["案件编号", "证据清单", "SHA-256", "第1页/共"]
REQUIRED = {
    "12315": [
        "消费投诉书",
        "投诉人",
        "姓名",
        "Alice",
        "联系电话",
        "13812345678",
        "通讯地址",
        "上海市浦东新区世纪大道100号",
        "被投诉人",
        "统一社会信用代码",
        "91330110MA2AXXXX1X",
        "浙江省杭州市余杭区",
        "投诉请求",
        "办理退货并退还货款¥249.00",
        "事实与理由",
        "商家拒绝消费者的请求",
        "受理部门及依据",
        "杭州市余杭区市场监督管理局",
        "受理条件",
        "三年受理期限",
        "全国12315平台填写参考",
        "投诉内容（事实与理由）",
    ],
    "regulator_report": [
        "举报材料",
        "举报人",
        "被举报人",
        "被举报行为",
        "事实经过",
        "处理部门及时限",
        "十五个工作日内决定是否立案",
    ],
    "tax": [
        "发票问题举报材料",
        "被举报人（销售方）",
        "纳税人识别号",
        "交易信息",
        "订单号",
        "实付金额",
        "索要发票及被拒绝的经过",
        "12366",
    ],
    "media": ["消费维权情况说明（公开版）", "标题", "正文", "本摘要已隐去个人信息", "A****"],
    "internet_court": [
        "民事起诉状（草稿）",
        "原告",
        "公民身份号码",
        "110101199003074514",
        "被告",
        "住所地",
        "诉讼请求",
        "判令被告办理退货并退还货款¥249.00",
        "判令被告承担本案诉讼费用",
        "管辖",
        "杭州互联网法院",
        "此致",
    ],
}


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def court_ready(world, disputed):
    Profile.objects.filter(user=world.alice).update(id_number="110101199003074514")
    actions.save_draft(
        disputed,
        world.actor("alice"),
        "internet_court",
        answers={"delivery_city": "上海市", "defendant_domicile": "浙江省杭州市余杭区文一西路 1 号"},
    )
    return disputed


@pytest.mark.parametrize("target", list(REQUIRED))
def test_pdf_holds_the_required_fields_in_chinese(target, world, court_ready):
    result = export.prepare(court_ready, world.actor("alice"), target)
    source = save(result.pdf, target)
    raw = poppler("pdftotext", "-layout", str(source), "-")
    text = squash(raw)
    for required in COMMON + REQUIRED[target]:
        assert squash(required) in text, f"{target}: {required!r} missing"
    lines = raw.splitlines()
    for sha in (e.sha256 for e in result.dossier.evidence):
        assert any(f"SHA-256：{sha}" in line for line in lines)  # full, lowercase, on one line
    info = poppler("pdfinfo", str(source))
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert f"共{pages}页" in text
    assert A4 in info
    assert_every_font_embedded(source)
    if target == "media":
        for secret in ("13812345678", "上海市浦东新区世纪大道100号", "T10000"):
            assert secret not in text
    render_first_page(source, target)


def poppler(*command: str) -> str:
    assert shutil.which(command[0]), f"{command[0]} is missing: install poppler-utils (scripts/test does)"
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def save(pdf: bytes, target: str) -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    source = OUTPUT / f"{target}.pdf"
    source.write_bytes(pdf)
    return source


def assert_every_font_embedded(source: Path) -> None:
    rows = poppler("pdffonts", str(source)).splitlines()[2:]
    assert rows, "no fonts listed"
    for row in rows:
        emb, sub = row.split()[-5:-3]
        assert (emb, sub) == ("yes", "yes"), row


def render_first_page(source: Path, target: str) -> None:
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(source),
            str(OUTPUT / target),
        ],
        check=True,
    )
    assert (OUTPUT / f"{target}.png").stat().st_size > 10_000


def test_no_font_fails_saying_how_to_install_one(monkeypatch):
    fonts.find.cache_clear()
    monkeypatch.setattr(fonts, "_from_fontconfig", lambda: None)
    monkeypatch.setattr(fonts, "KNOWN_PATHS", ("/nonexistent/NotoSansCJK-Regular.ttc",))
    try:
        with pytest.raises(fonts.FontMissing, match="apt-get install fonts-noto-cjk"):
            fonts.find()
    finally:
        fonts.find.cache_clear()


def test_font_is_found_without_fontconfig(monkeypatch):
    fonts.find.cache_clear()
    monkeypatch.setattr(fonts, "_from_fontconfig", lambda: None)
    try:
        found = fonts.find()
    finally:
        fonts.find.cache_clear()
    assert found.path.exists()
    assert found == fonts.FontFile(found.path, found.index)


def test_the_compact_font_is_used_only_when_it_holds_every_character(monkeypatch, tmp_path):
    fonts.find.cache_clear()
    source = fonts.find()
    compact = tmp_path / "compact.otf"
    started = []
    monkeypatch.setattr(fonts, "compact_path", lambda src: compact)
    monkeypatch.setattr(fonts, "_start_background_build", lambda src, dest: started.append(dest))
    assert fonts.for_text({"中", "A"}) == source and started == [
        compact
    ]  # not built yet: built in the background
    compact.write_bytes(b"built")
    assert fonts.for_text({"中", "A", "¥", "“"}) == fonts.FontFile(compact, 0)
    assert fonts.for_text({"中", "\U00020bb7"}) == source  # beyond GBK: the full face
    fonts.find.cache_clear()


def test_building_the_compact_copy_keeps_gbk_and_drops_the_rest(tmp_path):
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont

    def box():
        pen = TTGlyphPen(None)
        (
            pen.moveTo((100, 0)),
            pen.lineTo((100, 700)),
            pen.lineTo((500, 700)),
            pen.lineTo((500, 0)),
            pen.closePath(),
        )
        return pen.glyph()

    names = [".notdef", "A", "zhong", "rare"]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord("A"): "A", ord("中"): "zhong", 0x20BB7: "rare"})
    builder.setupGlyf({n: box() for n in names})
    builder.setupHorizontalMetrics({n: (600, 100) for n in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Test", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    source = tmp_path / "test.ttf"
    builder.save(str(source))
    out = fonts.build_compact(fonts.FontFile(source, 0), tmp_path / "cache" / "compact.otf")
    kept = TTFont(str(out)).getBestCmap()
    assert set(kept) == {ord("A"), ord("中")}
    assert not list((tmp_path / "cache").glob("*.part"))

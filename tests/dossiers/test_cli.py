"""``gongdao dossier``: writes the ZIP (default) or the PDF; exits non-zero listing the complainant
details or answers that are missing, never inventing them."""

from __future__ import annotations

import zipfile

from click.testing import CliRunner

from gongdao.cli import main
from gongdao.dossiers import verify
from gongdao.parties.models import Profile


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_dossier_writes_a_bundle_that_verifies(world, disputed, tmp_path):
    out = tmp_path / "complaint.zip"
    result = run("dossier", disputed.public_id, "--target", "12315", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output and "dossier D-" in result.output
    assert zipfile.is_zipfile(out) and verify.verify(out).ok
    assert not (tmp_path / "complaint.zip.part").exists()


def test_missing_complainant_details_are_listed_and_nothing_is_written(world, disputed, tmp_path):
    Profile.objects.filter(user=world.alice).update(phone="", address="")
    out = tmp_path / "complaint.zip"
    result = run("dossier", disputed.public_id, "--target", "12315", "--out", str(out))
    assert result.exit_code == 1
    assert "missing: phone" in result.output and "missing: address" in result.output
    assert not out.exists()


def test_internet_court_asks_for_the_delivery_city_and_the_defendants_domicile(world, disputed, tmp_path):
    Profile.objects.filter(user=world.alice).update(id_number="110101199003074514")
    out = tmp_path / "claim.pdf"
    result = run(
        "dossier", disputed.public_id, "--target", "internet_court", "--out", str(out), "--format", "pdf"
    )
    assert result.exit_code == 1
    assert "missing: delivery_city" in result.output and "missing: defendant_domicile" in result.output
    nowhere = run(
        "dossier",
        disputed.public_id,
        "--target",
        "internet_court",
        "--out",
        str(out),
        "--format",
        "pdf",
        "--delivery-city",
        "上海",
        "--defendant-domicile",
        "江苏省南京市鼓楼区",
    )
    assert (
        nowhere.exit_code == 1
        and "not possible: 被告住所地和收货地均不在北京市、广州市或杭州市" in nowhere.output
    )
    ok = run(
        "dossier",
        disputed.public_id,
        "--target",
        "internet_court",
        "--out",
        str(out),
        "--format",
        "pdf",
        "--delivery-city",
        "杭州",
        "--defendant-domicile",
        "江苏省南京市鼓楼区",
    )
    assert ok.exit_code == 0, ok.output
    assert out.read_bytes().startswith(b"%PDF-")


def test_unknown_case_and_target_fail_in_one_line(world, disputed, tmp_path):
    assert run("dossier", "C-00000000", "--target", "12315", "--out", str(tmp_path / "x.zip")).exit_code == 1
    assert (
        run("dossier", disputed.public_id, "--target", "nowhere", "--out", str(tmp_path / "x.zip")).exit_code
        == 2
    )


def _quiet_init(monkeypatch, settings, tmp_path):
    """``gongdao init`` without its slow steps (the test database is migrated already)."""
    import gongdao.cli
    import gongdao.evidence.cli

    settings.DATA_DIR = tmp_path / "data"
    monkeypatch.setattr(gongdao.cli, "migrate", lambda verbose=False: None)
    monkeypatch.setattr(gongdao.evidence.cli, "prepare_storage", lambda: None)


def test_init_prepares_the_dossier_font_once(monkeypatch, settings, tmp_path, db):
    from gongdao.dossiers import fonts

    _quiet_init(monkeypatch, settings, tmp_path)
    source = tmp_path / "NotoSansCJK-Regular.ttc"
    source.write_bytes(b"font")
    monkeypatch.setattr(fonts, "find", lambda: fonts.FontFile(source, 2))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    built = []

    def build(src, dest):
        built.append(src)
        dest.write_bytes(b"compact")
        return dest

    monkeypatch.setattr(fonts, "build_compact", build)
    first = run("init")
    assert first.exit_code == 0, first.output
    assert built == [fonts.FontFile(source, 2)] and "building its compact copy" in first.output
    assert fonts.compact_path(fonts.FontFile(source, 2)).exists()
    again = run("init")
    assert again.exit_code == 0 and len(built) == 1 and "built already" in again.output
    assert run("init", "--skip-fonts").output.count("dossier font") == 0


def test_init_without_a_chinese_font_says_how_to_install_one_and_carries_on(
    monkeypatch, settings, tmp_path, db
):
    from gongdao.dossiers import fonts

    _quiet_init(monkeypatch, settings, tmp_path)

    def missing():
        raise fonts.FontMissing(fonts.INSTALL_HINT)

    monkeypatch.setattr(fonts, "find", missing)
    result = CliRunner().invoke(main, ["init"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "fonts-noto-cjk" in result.stderr and "signing key:" in result.stdout

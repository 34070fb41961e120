"""The vendored GOV.UK and MoJ assets: versions, fonts, and what collectstatic will need."""

import hashlib
import re
import shutil
from pathlib import Path

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

STATIC = Path(__file__).resolve().parents[1] / "static"
VENDORED = STATIC / "frontend"
CSS_FILES = [VENDORED / "govuk.css", VENDORED / "moj.css"]
JS_FILES = [VENDORED / "govuk-frontend.min.js", VENDORED / "moj-frontend.min.js"]


def _versions():
    return (VENDORED / "VERSIONS.txt").read_text()


def test_versions_are_the_majors_we_build_against():
    versions = _versions()
    assert re.search(r"^govuk-frontend 6\.\d+\.\d+ ", versions, re.MULTILINE)
    assert re.search(r"^@ministryofjustice/frontend 11\.\d+\.\d+ ", versions, re.MULTILINE)
    assert re.search(r'const version="6\.\d+\.\d+"', (VENDORED / "govuk-frontend.min.js").read_text())


def test_vendored_files_match_the_recorded_checksums():
    """Vendored files are rebuilt by scripts/build_assets.sh, never edited by hand."""
    recorded = re.findall(r"^([0-9a-f]{64})  (\S+)$", _versions(), re.MULTILINE)
    assert len(recorded) >= 10
    for digest, relative in recorded:
        assert hashlib.sha256((STATIC / relative).read_bytes()).hexdigest() == digest, relative


@pytest.mark.parametrize("css", CSS_FILES, ids=lambda path: path.name)
def test_css_uses_arial_and_ships_no_gds_transport(css):
    text = css.read_text(encoding="utf-8-sig")
    assert "GDS Transport" not in text
    assert "@font-face" not in text
    assert "font-family:arial,sans-serif" in text
    assert "sourceMappingURL" not in text  # we ship no CSS maps for the manifest to follow


@pytest.mark.parametrize("css", CSS_FILES, ids=lambda path: path.name)
def test_every_css_url_resolves_to_a_shipped_file(css):
    urls = set(re.findall(r"url\(\s*[\"']?([^\"')]+)", css.read_text(encoding="utf-8-sig")))
    assert urls, "the CSS should reference images"
    for url in urls:
        assert url.startswith("/static/assets/images/"), url
        assert (STATIC / url.removeprefix("/static/")).is_file(), url


def test_gov_uk_and_moj_images_are_shipped():
    images = STATIC / "assets" / "images"
    assert (images / "govuk-crest.svg").is_file()  # GOV.UK
    assert (images / "icon-arrow-black-up.svg").is_file()  # MoJ (sortable table)
    assert not list(STATIC.rglob("*.woff*"))


@pytest.mark.parametrize("js", JS_FILES, ids=lambda path: path.name)
def test_es_module_bundles_export_init_all_and_ship_their_maps(js):
    text = js.read_text()
    assert re.search(r"export\{[^}]*\binitAll\b", text)
    map_name = re.search(r"sourceMappingURL=(\S+)", text).group(1)
    assert (js.parent / map_name).is_file()


def test_manifest_storage_post_processes_our_static_files(tmp_path):
    """What collectstatic does in production: hash every file, rewrite url() and maps, compress."""
    shutil.copytree(STATIC, tmp_path, dirs_exist_ok=True)
    storage = CompressedManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    paths = {
        path.relative_to(tmp_path).as_posix(): (storage, path.relative_to(tmp_path).as_posix())
        for path in tmp_path.rglob("*")
        if path.is_file()
    }

    results = list(storage.post_process(paths))

    failures = [(name, error) for name, _, error in results if isinstance(error, Exception)]
    assert failures == []
    hashed_css = (tmp_path / storage.stored_name("frontend/moj.css")).read_text(encoding="utf-8-sig")
    hashed_icon = storage.stored_name("assets/images/icon-document.svg")
    assert hashed_icon != "assets/images/icon-document.svg"
    # The bundles' sourceMappingURL comments are not at the start of a line, so Django leaves
    # them alone; the browser then asks for the unhashed map, which collectstatic also keeps.
    for js in JS_FILES:
        hashed_js = (tmp_path / storage.stored_name(f"frontend/{js.name}")).read_text()
        map_name = re.search(r"sourceMappingURL=(\S+)", hashed_js).group(1)
        assert storage.exists(f"frontend/{map_name}")
    assert f"/static/{hashed_icon}" in hashed_css

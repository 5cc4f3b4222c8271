"""Production's static files storage gives whitenoise's hashed URLs, each worked out once."""

import json

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from iacs_portal.static_storage import StaticFilesStorage


@pytest.fixture
def collected(tmp_path):
    manifest = {"paths": {"css/site.css": "css/site.0123abcd.css"}, "version": "1.1"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return tmp_path


def test_the_url_is_whitenoises_hashed_one_and_is_worked_out_once(collected, settings):
    settings.DEBUG = False
    storage = StaticFilesStorage(location=collected, base_url="/static/")
    theirs = CompressedManifestStaticFilesStorage(location=collected, base_url="/static/")
    assert (
        storage.url("css/site.css") == theirs.url("css/site.css") == "/static/css/site.0123abcd.css"
    )
    storage.hashed_files["css/site.css"] = "css/site.changed.css"  # not read again
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"


def test_a_file_missing_from_the_manifest_is_refused_every_time(collected, settings):
    settings.DEBUG = False
    storage = StaticFilesStorage(location=collected, base_url="/static/")
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("js/missing.js")

"""Production's static files storage, each file's URL worked out once per process (issue 9).

whitenoise's ``CompressedManifestStaticFilesStorage`` looks the hashed name up in its manifest
and builds the URL on every ``{% static %}``: base.html has nine, about 80 µs of every page. The
manifest is read once when the process starts and does not change until the next release (a
new process), so the same name always gives the same URL: kept here after the first time.
A missing file still raises ``ValueError`` (manifest_strict) each time it is asked for.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force=True)
        found = self._urls.get(name)
        if found is None:
            found = self._urls[name] = super().url(name)
        return found

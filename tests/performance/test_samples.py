"""The samples' summary: py-spy's raw lines read into where the web workers' time went."""

from tests.performance.samples import lines, read

HANDLER = (
    "handle_request (gunicorn/workers/sync.py:180);get_response (django/core/handlers/base.py:140)"
)
DRAFT_READ = (
    f"{HANDLER};draft_for (approvals/registration/drafts.py:108);"
    "CompiledRead.__call__ (iacs_portal/compiled_reads.py:120);"
    "execute (django/db/backends/utils.py:79);"
    "_BeginningCursor.execute (iacs_portal/postgresql/base.py:116)"
)
SESSION_READ = (
    f"{HANDLER};OneStatementSave._get_session_from_db (accounts/session_store.py:72);"
    "_BeginningCursor.execute (iacs_portal/postgresql/base.py:116)"
)
TEMPLATE = (
    f"{HANDLER};render (django/template/base.py:171);"
    "render_annotated (django/template/base.py:1008);conditional_escape (django/utils/html.py:114)"
)
HEALTH_CHECK = (
    f"{HANDLER};OneStatementSave._get_session_from_db (accounts/session_store.py:72);"
    "close_if_health_check_failed (django/db/backends/base/base.py:560);"
    "is_usable (django/db/backends/postgresql/base.py:491);"
    "_BeginningCursor.execute (iacs_portal/postgresql/base.py:116)"
)
CLOSING = "handle (gunicorn/workers/sync.py:166);close_graceful (gunicorn/util.py:312)"


def test_the_samples_are_split_into_waiting_running_and_outside_django(tmp_path):
    samples = tmp_path / "Registration.txt"
    samples.write_text(
        f"{DRAFT_READ} 6\n{SESSION_READ} 2\n{TEMPLATE} 8\n{CLOSING} 4\nnot a sample line\n"
        f"{HEALTH_CHECK} 4\n",
        encoding="utf-8",
    )

    breakdown = read([samples])

    assert (breakdown.samples, breakdown.in_django) == (24, 20)
    assert breakdown.waiting == {
        "CompiledRead.__call__ (iacs_portal/compiled_reads.py)": 6,
        "OneStatementSave._get_session_from_db (accounts/session_store.py)": 2,
        "the connection's health check (CONN_HEALTH_CHECKS: SELECT 1)": 4,
    }
    assert breakdown.running == {"templates": 8}
    assert breakdown.outside_django == {"close_graceful (gunicorn/util.py)": 4}
    printed = "\n".join(lines(breakdown))
    assert "In Django, waiting for PostgreSQL:  60.0%" in printed
    assert " 30.0%  CompiledRead.__call__" in printed and " 40.0%  templates" in printed
    assert " 16.7%  close_graceful" in printed


def test_several_files_add_up(tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(f"{TEMPLATE} 3\n", encoding="utf-8")
    second.write_text(f"{TEMPLATE} 4\n", encoding="utf-8")
    assert read([first, second]).running == {"templates": 7}

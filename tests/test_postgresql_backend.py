"""iacs_portal.postgresql: a transaction's BEGIN goes with its first statement, and the
transaction is the one psycopg2 would have opened (PostgreSQL only)."""

import io

import pytest
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.db.backends.postgresql.base import DatabaseWrapper as DjangoWrapper
from django.test.utils import CaptureQueriesContext
from psycopg2.extensions import TRANSACTION_STATUS_IDLE, TRANSACTION_STATUS_INTRANS

from accounts.models import User
from iacs_portal.compiled_writes import expecting_rows
from iacs_portal.postgresql.base import DatabaseWrapper
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend"),
]


def server_status() -> int:
    return connection.connection.info.transaction_status


def transaction_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT txid_current()")
        return cursor.fetchone()[0]


def test_the_portal_runs_on_it():
    assert isinstance(connections["default"], DatabaseWrapper)


def test_an_atomic_block_is_one_transaction_opened_by_its_first_statement():
    connection.ensure_connection()
    with transaction.atomic():
        assert server_status() == TRANSACTION_STATUS_IDLE  # nothing sent yet
        first = transaction_id()
        assert server_status() == TRANSACTION_STATUS_INTRANS
        UserFactory(username="ONEXACT")
        assert transaction_id() == first
    assert server_status() == TRANSACTION_STATUS_IDLE
    assert transaction_id() != first  # autocommit again: each statement its own
    assert User.objects.filter(username="ONEXACT").exists()


def test_the_begin_goes_in_the_first_statements_round_trip():
    connection.ensure_connection()
    sent = []

    def record(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.cursor.query == b"BEGIN; SELECT 1"  # what psycopg2 sent, at once
        cursor.execute("SELECT 2")
        assert cursor.cursor.query == b"SELECT 2"
    assert sent == ["SELECT 1", "SELECT 2"]  # Django's statements and logs are unchanged


def test_a_block_that_runs_no_statement_sends_nothing():
    connection.ensure_connection()
    with CaptureQueriesContext(connection), transaction.atomic():
        pass
    assert server_status() == TRANSACTION_STATUS_IDLE
    assert not connection._begun and not connection._begin_pending


def test_an_error_rolls_the_whole_block_back():
    with pytest.raises(ValueError), transaction.atomic():
        UserFactory(username="ROLLEDBACK")
        raise ValueError("after the write")
    assert server_status() == TRANSACTION_STATUS_IDLE
    assert not User.objects.filter(username="ROLLEDBACK").exists()


def test_a_failing_first_statement_is_rolled_back_and_the_connection_stays_usable():
    connection.ensure_connection()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")
    assert server_status() == TRANSACTION_STATUS_IDLE
    assert User.objects.count() == 0


def test_savepoints_roll_back_their_part_only():
    UserFactory(username="TAKEN")
    with transaction.atomic():
        UserFactory(username="KEPT")
        with pytest.raises(IntegrityError), transaction.atomic():
            UserFactory(username="TAKEN")
        assert server_status() == TRANSACTION_STATUS_INTRANS
    assert set(User.objects.values_list("username", flat=True)) == {"TAKEN", "KEPT"}


def test_a_named_cursor_first_reads_inside_the_transaction():
    with transaction.atomic():
        connection.ensure_connection()
        users = User.objects.filter(username__startswith="CURSOR").iterator(chunk_size=1)
        assert server_status() == TRANSACTION_STATUS_IDLE  # nothing sent before the cursor
        assert list(users) == []
        assert server_status() == TRANSACTION_STATUS_INTRANS  # BEGIN went alone, then DECLARE
        UserFactory(username="CURSOR1")
        found = User.objects.filter(username__startswith="CURSOR").iterator(chunk_size=1)
        assert [user.username for user in found] == ["CURSOR1"]


def test_on_commit_runs_after_the_commit_only():
    ran = []
    with transaction.atomic():
        UserFactory(username="HOOKED")
        transaction.on_commit(lambda: ran.append(server_status()))
        assert ran == []
    assert ran == [TRANSACTION_STATUS_IDLE]
    with pytest.raises(ValueError), transaction.atomic():
        UserFactory(username="UNHOOKED")
        transaction.on_commit(lambda: ran.append("rolled back"))
        raise ValueError
    assert ran == [TRANSACTION_STATUS_IDLE]


def test_select_for_update_holds_its_lock_until_the_commit():
    user = UserFactory(username="LOCKED")
    other = connections.create_connection("default")
    try:
        with transaction.atomic():
            User.objects.select_for_update().get(pk=user.pk)
            with other.cursor() as cursor:
                cursor.execute(
                    "SELECT id FROM accounts_user WHERE id = %s FOR UPDATE SKIP LOCKED", [user.pk]
                )
                assert cursor.fetchall() == []  # the lock is held here
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM accounts_user WHERE id = %s FOR UPDATE SKIP LOCKED", [user.pk]
            )
            assert cursor.fetchall() == [(user.pk,)]
    finally:
        other.close()


def test_autocommit_turned_off_by_hand_is_psycopg2s_transaction():
    connection.ensure_connection()
    transaction.set_autocommit(False)
    try:
        UserFactory(username="BYHAND")
        assert server_status() == TRANSACTION_STATUS_INTRANS
        transaction.commit()
        assert server_status() == TRANSACTION_STATUS_IDLE
    finally:
        transaction.set_autocommit(True)
    assert User.objects.filter(username="BYHAND").exists()


def test_an_isolation_level_in_the_options_leaves_the_begin_to_psycopg2():
    settings_dict = {**connection.settings_dict, "OPTIONS": {"isolation_level": 3}}
    own = DatabaseWrapper(settings_dict)  # a second connection to the default database
    try:
        own.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        assert own.connection.autocommit is False and not own._begin_pending
        with own.cursor() as cursor:
            cursor.execute("SHOW transaction_isolation")
            assert cursor.fetchone() == ("serializable",)
        own.rollback()
        own.set_autocommit(True)
    finally:
        own.close()
    assert issubclass(DatabaseWrapper, DjangoWrapper)


def test_statements_that_cannot_carry_it_send_the_begin_alone_first():
    connection.ensure_connection()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany("SELECT %s", [(1,), (2,)])
        assert server_status() == TRANSACTION_STATUS_INTRANS
        first = transaction_id()
        out = io.StringIO()
        cursor.cursor.copy_expert("COPY (SELECT txid_current()) TO STDOUT", out)
        assert int(out.getvalue()) == first  # the same transaction


# Writes held for the next statement (hold_write, ADR 22)

UPDATE_NAME = "UPDATE accounts_user SET first_name = %s WHERE username = %s"


def first_name(username: str) -> str:
    return User.objects.values_list("first_name", flat=True).get(username=username)


def test_a_held_write_goes_in_the_next_statements_round_trip_in_order():
    UserFactory(username="HELD", first_name="Before")
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        assert connection.hold_write(UPDATE_NAME, ["50% held", "HELD"])
        assert server_status() == TRANSACTION_STATUS_IDLE  # nothing sent yet: not even BEGIN
        with connection.cursor() as cursor:
            cursor.execute("SELECT first_name FROM accounts_user WHERE username = %s", ["HELD"])
            assert cursor.fetchone() == ("50% held",)  # the write ran first, its % intact
            assert cursor.cursor.query.startswith(b"BEGIN; UPDATE accounts_user SET first_name")
    logged = [query["sql"] for query in captured.captured_queries]
    assert logged[:2] == ["BEGIN", "UPDATE accounts_user SET first_name = '50% held' WHERE username = 'HELD'"]  # fmt: skip
    assert logged[2].startswith("SELECT first_name") and logged[3] == "COMMIT"
    assert first_name("HELD") == "50% held"


def test_a_write_held_last_goes_with_the_commit_and_a_rollback_drops_it():
    UserFactory(username="LAST", first_name="Before")
    with transaction.atomic():
        UserFactory(username="OTHER")
        assert connection.hold_write(UPDATE_NAME, ["Committed", "LAST"])
        assert first_name("LAST") == "Committed"  # this read carried it
        assert connection.hold_write(UPDATE_NAME, ["With the commit", "LAST"])
    assert first_name("LAST") == "With the commit"
    with pytest.raises(ValueError), transaction.atomic():
        assert connection.hold_write(UPDATE_NAME, ["Rolled back", "LAST"])
        raise ValueError("nothing of it was sent")
    assert server_status() == TRANSACTION_STATUS_IDLE
    assert first_name("LAST") == "With the commit"


def test_a_held_write_is_undone_with_its_savepoint_only():
    UserFactory(username="SAVED", first_name="Before")
    with transaction.atomic():
        assert connection.hold_write(UPDATE_NAME, ["Kept", "SAVED"])
        with pytest.raises(ValueError), transaction.atomic():
            assert connection.hold_write(UPDATE_NAME, ["Undone", "SAVED"])
            raise ValueError("back to the savepoint")
    assert first_name("SAVED") == "Kept"


def test_a_failing_held_write_fails_its_transaction_where_it_is_sent():
    UserFactory(username="TAKEN")
    UserFactory(username="MINE")
    rename = "UPDATE accounts_user SET username = %s WHERE username = %s"
    with pytest.raises(IntegrityError), transaction.atomic():
        assert connection.hold_write(rename, ["TAKEN", "MINE"])  # unique: refused, when sent
    assert server_status() == TRANSACTION_STATUS_IDLE  # the failed transaction was ended
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="LOST")
        assert connection.hold_write(rename, ["TAKEN", "MINE"])
        User.objects.count()  # raises for the held write sent with it
    assert server_status() == TRANSACTION_STATUS_IDLE
    assert not User.objects.filter(username="LOST").exists()
    assert User.objects.filter(username="MINE").exists()


def test_a_held_write_expecting_rows_fails_where_it_is_sent_if_it_changed_other_rows():
    UserFactory(username="THERE", first_name="Before")
    expect_one = [1, "IAT01", "the row was not there"]
    with transaction.atomic():
        assert connection.hold_write(expecting_rows(UPDATE_NAME), ["Found", "THERE", *expect_one])
    assert first_name("THERE") == "Found"
    with pytest.raises(DatabaseError) as refused, transaction.atomic():
        UserFactory(username="LOST")
        assert connection.hold_write(expecting_rows(UPDATE_NAME), ["No", "GONE", *expect_one])
    assert refused.value.__cause__.pgcode == "IAT01"
    assert "the row was not there" in str(refused.value)
    assert server_status() == TRANSACTION_STATUS_IDLE  # the failed transaction was ended
    assert not User.objects.filter(username="LOST").exists()


def test_a_write_is_held_only_in_a_transaction_this_backend_opened():
    UserFactory(username="NOTHELD")
    assert not connection.hold_write(UPDATE_NAME, ["Autocommit", "NOTHELD"])  # not in a block
    transaction.set_autocommit(False)
    try:
        assert not connection.hold_write(UPDATE_NAME, ["By hand", "NOTHELD"])
    finally:
        transaction.rollback()
        transaction.set_autocommit(True)


def test_held_writes_go_alone_before_a_statement_that_cannot_carry_them():
    UserFactory(username="ALONE", first_name="Before")
    with transaction.atomic():
        assert connection.hold_write(UPDATE_NAME, ["Sent first", "ALONE"])
        found = User.objects.filter(username="ALONE").iterator(chunk_size=1)  # a named cursor
        assert [user.first_name for user in found] == ["Sent first"]


# Reads run as prepared statements (prepare_when_run, ADR 22)

NAMED = "SELECT first_name FROM accounts_user WHERE username = %s AND first_name LIKE '%%e%%'"


def test_a_preparable_read_is_prepared_on_its_first_run_then_only_executed():
    UserFactory(username="PREPARED", first_name="Prepared")
    connection.prepare_when_run(NAMED)
    with CaptureQueriesContext(connection) as captured, connection.cursor() as cursor:
        cursor.execute(NAMED, ["PREPARED"])
        assert cursor.fetchall() == [("Prepared",)]
        assert b"PREPARE iacs_read_" in cursor.cursor.query  # with its EXECUTE, one string
        cursor.execute(NAMED, ["NOBODY"])
        assert cursor.fetchall() == []
        assert cursor.cursor.query.startswith(b"EXECUTE iacs_read_")
    # The log shows the statement run, the % of its text as it is
    assert captured.captured_queries[1]["sql"] == (
        "SELECT first_name FROM accounts_user WHERE username = 'NOBODY' AND first_name LIKE '%e%'"
    )


def test_a_prepared_read_goes_with_a_pending_begin_and_held_writes():
    UserFactory(username="WITHHELD", first_name="Before")
    sql = "SELECT first_name FROM accounts_user WHERE username = %s AND id > %s"
    connection.prepare_when_run(sql)
    with transaction.atomic(), connection.cursor() as cursor:
        assert connection.hold_write(UPDATE_NAME, ["Seen", "WITHHELD"])
        cursor.execute(sql, ["WITHHELD", 0])
        assert cursor.fetchall() == [("Seen",)]
        assert cursor.cursor.query.startswith(b"BEGIN; UPDATE accounts_user")


def test_a_read_whose_first_run_failed_is_prepared_again_under_a_new_name():
    UserFactory(username="AGAIN", first_name="Again")
    sql = "SELECT first_name FROM accounts_user WHERE username = %s AND first_name = %s"
    connection.prepare_when_run(sql)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        UserFactory(username="TAKENNAME")
        rename = "UPDATE accounts_user SET username = %s WHERE username = %s"
        assert connection.hold_write(rename, ["TAKENNAME", "AGAIN"])
        cursor.execute(sql, ["AGAIN", "Again"])  # the held write fails first: no PREPARE ran
    assert sql not in connection._prepared
    with connection.cursor() as cursor:
        cursor.execute(sql, ["AGAIN", "Again"])
        assert cursor.fetchall() == [("Again",)]
    assert connection._prepared[sql].startswith("iacs_read_")


def test_prepared_reads_can_be_turned_off(settings):
    settings.POSTGRESQL_PREPARED_READS = False
    sql = "SELECT first_name FROM accounts_user WHERE username = %s AND email = %s"
    connection.prepare_when_run(sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, ["OFF", ""])
        assert cursor.cursor.query.startswith(b"SELECT first_name")

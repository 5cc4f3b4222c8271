import os
from datetime import date
from unittest import mock

import pytest

from accounts.ssa import CsvStubVerifier, SSAUnavailable, get_verifier, ssa_identity_matches

RECORDS = "first_name,last_name,date_of_birth,ssn\nBarbara,Okafor,1984-03-12,123456781\nbad,row\n"


@pytest.fixture
def records(tmp_path, settings):
    path = tmp_path / "ssa.csv"
    path.write_text(RECORDS)
    settings.SSA_STUB_RECORDS = str(path)
    return path


def check(**overrides):
    identity = {"first_name": "Barbara", "last_name": "Okafor",
                "date_of_birth": date(1984, 3, 12), "ssn": "123456781"}  # fmt: skip
    return ssa_identity_matches(**{**identity, **overrides})


def test_matching_triple_passes(records):
    assert check() is True


def test_names_compare_without_case_or_extra_spaces(records):
    assert check(first_name="  barbara ", last_name="OKAFOR") is True


@pytest.mark.parametrize(
    "overrides",
    [{"first_name": "Barbra"}, {"last_name": "Okafo"}, {"date_of_birth": date(1984, 3, 13)},
     {"ssn": "123456782"}],
)  # fmt: skip
def test_any_differing_field_is_refused(records, overrides):
    assert check(**overrides) is False


def test_missing_records_file_is_unavailable_not_a_mismatch(settings, tmp_path):
    settings.SSA_STUB_RECORDS = str(tmp_path / "missing.csv")
    with pytest.raises(SSAUnavailable):
        check()


def test_backend_is_chosen_by_setting(settings):
    settings.SSA_VERIFIER_BACKEND = "tests.accounts.test_ssa.AlwaysYes"
    assert isinstance(get_verifier(), AlwaysYes)
    assert check(first_name="Nobody") is True


def test_demo_records_file_ships_with_the_project():
    verifier = CsvStubVerifier()
    assert verifier.matches(first_name="Barbara", last_name="Okafor",
                            date_of_birth=date(1984, 3, 12), ssn="123456781")  # fmt: skip


class AlwaysYes:
    def matches(self, **identity):
        return True


def test_the_file_is_parsed_once_while_it_is_unchanged(records):
    parse_for_real = CsvStubVerifier._parse
    with mock.patch.object(CsvStubVerifier, "_parse", autospec=True) as parse:
        parse.side_effect = parse_for_real
        assert check() is True
        assert check(ssn="123456782") is False
        assert check(first_name="barbara") is True
    assert parse.call_count == 1  # each test has its own file, so none was parsed before


def test_an_edited_file_is_read_again(records):
    assert check(first_name="Ada", last_name="Lovelace") is False
    records.write_text(RECORDS + "Ada,Lovelace,1984-03-12,123456781\n")
    os.utime(records, ns=(1, 1))  # a different mtime even on a coarse-clock filesystem
    assert check(first_name="Ada", last_name="Lovelace") is True
    records.write_text("first_name,last_name,date_of_birth,ssn\n")
    os.utime(records, ns=(2, 2))
    assert check() is False


def test_a_file_removed_after_being_read_is_unavailable(records):
    assert check() is True
    records.unlink()
    with pytest.raises(SSAUnavailable):
        check()

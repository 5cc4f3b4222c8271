"""The benchmark's report: each page against the floor of its own scenario and visitor."""

from pathlib import Path

from tests.performance import report

HEADER = "Type,Name,Request Count,Failure Count,50%,95%,Requests/s\n"


def scenario(tmp_path: Path, name: str, samples: dict[str, list[float]], failures=None) -> Path:
    """A scenario's locust CSV file and its unrounded samples, as the run leaves them."""
    stats = tmp_path / f"{name}_stats.csv"
    lines = [HEADER]
    for page, times in samples.items():
        failed = (failures or {}).get(page, 0)
        lines.append(
            f"GET,{page},{len(times)},{failed},{round(max(times))},{round(max(times))},1.0\n"
        )
    lines.append(",Aggregated,1,0,1,1,1.0\n")
    stats.write_text("".join(lines))
    (tmp_path / f"{name}_samples.tsv").write_text(
        "".join(f"{page}\t{time:.3f}\n" for page, times in samples.items() for time in times)
    )
    return stats


def evaluated(results: dict[str, Path]) -> report.Table:
    table = report.Table(rows=report.read(results), machine={}, dataset={})
    report.evaluate(table)
    return table


def verdicts(table: report.Table) -> dict[str, tuple[bool, str]]:
    return {what: (met, detail) for what, met, detail in table.targets}


def test_a_page_is_compared_with_the_floor_of_its_own_scenario(tmp_path):
    results = {
        "Floor": scenario(tmp_path, "Floor", {"floor": [4.0, 4.0, 4.0]}),
        "Registration": scenario(
            tmp_path, "Registration", {"floor": [6.0, 6.0, 6.0], "reg: terms GET": [12.0] * 3}
        ),
    }
    table = evaluated(results)
    terms = table.page("reg: terms GET")
    assert table.floor_of(terms).scenario == "Registration"
    assert table.ratio(terms, table.floor_of(terms)) == 2.0  # at the limit: met
    assert table.ratio(terms, table.quiet_floor()) == 3.0
    met, detail = verdicts(table)["reg: terms GET: p50 at most 2x the floor"]
    assert met, detail
    assert "6.0 ms, floor in Registration" in detail


def test_just_over_twice_its_floor_is_a_miss(tmp_path):
    results = {
        "Registration": scenario(
            tmp_path, "Registration", {"floor": [5.0], "reg: review POST (submits)": [10.01]}
        )
    }
    met, detail = verdicts(evaluated(results))[
        "reg: review POST (submits): p50 at most 2x the floor"
    ]
    assert not met
    assert detail.startswith("2.00x")


def test_a_signed_in_page_takes_its_visitors_floor_not_the_anonymous_one(tmp_path):
    so_floor = report.SO_FLOOR
    results = {
        "Floor": scenario(tmp_path, "Floor", {"floor": [1.0]}),
        "Approve": scenario(
            tmp_path, "Approve", {so_floor: [10.0], "approve: decision POST": [19.0]}
        ),
    }
    table = evaluated(results)
    decision = table.page("approve: decision POST")
    assert table.floor_of(decision).name == so_floor
    assert verdicts(table)["approve: decision POST: p50 at most 2x the floor"][0]
    assert table.floor_of(table.find("Approve", so_floor)).name == so_floor  # its own, 1.0


def test_a_page_without_a_floor_in_its_scenario_misses(tmp_path):
    results = {
        "Floor": scenario(tmp_path, "Floor", {"floor": [4.0]}),
        "Search": scenario(tmp_path, "Search", {"organization search": [5.0]}),
    }
    met, detail = verdicts(evaluated(results))["organization search: p50 at most 2x the floor"]
    assert not met
    assert "no floor" in detail


def test_the_password_step_is_reported_not_held_to_the_ratio(tmp_path):
    results = {
        "SignIn": scenario(
            tmp_path,
            "SignIn",
            {"floor": [4.0], report.PASSWORD_STEP: [130.0], "sign-in: code POST": [9.0]},
        )
    }
    table = evaluated(results)
    found = verdicts(table)
    assert not any(what.startswith(report.PASSWORD_STEP) for what in found)
    assert not found["sign-in: code POST: p50 at most 2x the floor"][0]
    assert table.page(report.PASSWORD_STEP).p50 == 130.0


def test_percentiles_come_from_the_unrounded_samples(tmp_path):
    times = [float(n) for n in range(1, 101)]
    results = {"Floor": scenario(tmp_path, "Floor", {"floor": times})}
    floor = evaluated(results).page("floor")
    assert (floor.p50, floor.p95) == (50.0, 95.0)


def test_the_broker_down_step_must_not_be_slower_than_with_the_broker_up(tmp_path):
    def table_with(down: float) -> dict:
        return verdicts(
            evaluated(
                {
                    "EmailStep": scenario(
                        tmp_path, "EmailStep", {"floor": [5.0], report.EMAIL_UP: [20.0]}
                    ),
                    "EmailStepBrokerDown": scenario(
                        tmp_path, "EmailStepBrokerDown", {"floor": [5.0], report.EMAIL_DOWN: [down]}
                    ),
                }
            )
        )

    target = "the step that queues an email: same latency with the broker down"
    assert table_with(30.0)[target][0]  # up to 10 ms or 25 % slower: the same, within noise
    assert not table_with(30.1)[target][0]


def test_a_failed_request_is_a_miss(tmp_path):
    results = {
        "Floor": scenario(
            tmp_path, "Floor", {"floor": [4.0], "warning page": [5.0]}, {"warning page": 2}
        )
    }
    met, detail = verdicts(evaluated(results))["no failed request"]
    assert not met
    assert detail == "warning page: 2"


def test_the_table_is_written_between_the_markers_only(tmp_path):
    doc = tmp_path / "performance.md"
    doc.write_text(
        "# Performance\n\nbefore\n\n<!-- bench:begin -->\nold\n<!-- bench:end -->\n\nafter\n"
    )
    results = {"Floor": scenario(tmp_path, "Floor", {"floor": [4.0], "warning page": [5.0]})}
    table = evaluated(results)
    table.machine = {"cores": "2", "date": "2026-11-24 06:00 UTC"}
    report.write(table, doc, users=2, duration=20)
    text = doc.read_text()
    assert text.startswith("# Performance\n\nbefore\n\n<!-- bench:begin -->")
    assert text.endswith("<!-- bench:end -->\n\nafter\n")
    assert "old" not in text
    assert "| Floor | warning page | 1 | 0 | 5.0 | 5.0 | 1.0 | 1.25 | 1.25 |" in text
    assert "| Floor | *floor* |" in text

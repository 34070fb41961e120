"""`openprobation rules ogrs3|tier`: JSON Lines in, one JSON line out per case, past bad lines too."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from openprobation.cli import main

REPEAT = {"gender": "male", "date_of_birth": "1964-10-15", "date_of_current_conviction": "2014-12-13",
          "date_at_start_of_followup": "2027-12-12", "total_number_of_sanctions": 10, "age_at_first_sanction": 30,
          "offence_group": "fraud_and_forgery"}
FIRST = {**REPEAT, "date_of_birth": "1980-01-01", "date_of_current_conviction": "2020-01-01",
         "date_at_start_of_followup": "2040-01-01", "total_number_of_sanctions": 1, "age_at_first_sanction": 40,
         "offence_group": "soliciting_or_prostitution", "assessment_date": "2026-01-01", "unknown_key": [1]}


def run(monkeypatch, capsys, rule, text):
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    status = main(["rules", rule])
    out = capsys.readouterr().out
    return status, [json.loads(line) for line in out.splitlines()]


def lines(*objects):
    return "".join((o if isinstance(o, str) else json.dumps(o)) + "\n" for o in objects)


def test_ogrs3_answers_each_line_in_order(monkeypatch, capsys):
    status, out = run(monkeypatch, capsys, "ogrs3", lines(REPEAT, FIRST))
    assert status == 0
    assert [(o["ogrs3_1y"], o["ogrs3_2y"], o["band"]) for o in out] == [(20, 34, "low"), (7, 13, "low")]
    assert out[0]["feature_values"]["conviction_status_score"] == 0.46306


@pytest.mark.parametrize(("line", "error_type"), [
    ("{not json", "INVALID_INPUT"),
    ("[1, 2]", "INVALID_INPUT"),
    ('"text"', "INVALID_INPUT"),
    (json.dumps({**REPEAT, "gender": "MALE"}), "INVALID_INPUT"),
    (json.dumps({**REPEAT, "date_of_birth": "1964-02-30"}), "INVALID_INPUT"),
    (json.dumps({**REPEAT, "date_of_birth": "15/10/1964"}), "INVALID_INPUT"),
    (json.dumps({**REPEAT, "total_number_of_sanctions": 10.0}), "INVALID_INPUT"),
    (json.dumps({**REPEAT, "total_number_of_sanctions": "10"}), "INVALID_INPUT"),
    (json.dumps({**REPEAT, "age_at_first_sanction": True}), "INVALID_INPUT"),
    ('{"total_number_of_sanctions": NaN}', "INVALID_INPUT"),
    (json.dumps({**REPEAT, "offence_group": None}), "MISSING_MANDATORY_INPUT"),
    (json.dumps({k: v for k, v in REPEAT.items() if k != "gender"}), "MISSING_MANDATORY_INPUT"),
    (json.dumps({**REPEAT, "total_number_of_sanctions": 0}), "TOTAL_NUMBER_OF_SANCTIONS_LESS_THAN_ONE"),
    (json.dumps({**REPEAT, "offence_group": "Fraud and forgery"}), "UNKNOWN_OFFENCE_GROUP"),
    (json.dumps({**REPEAT, "date_of_current_conviction": "1964-10-15"}), "DATE_ON_OR_BEFORE_DATE_OF_BIRTH"),
    (json.dumps({**REPEAT, "date_of_current_conviction": "1972-10-15"}), "AGE_AT_CURRENT_CONVICTION_LESS_THAN_TEN"),
    (json.dumps({**REPEAT, "age_at_first_sanction": 51}), "AGE_AT_FIRST_SANCTION_AFTER_AGE_AT_CURRENT_CONVICTION"),
    (json.dumps({**REPEAT, "date_of_current_conviction": "1976-01-01", "date_at_start_of_followup": "1973-01-01",
                 "age_at_first_sanction": 11}), "AGE_AT_START_OF_FOLLOWUP_LESS_THAN_TEN"),
])
def test_ogrs3_bad_lines_give_an_error_and_the_run_goes_on(monkeypatch, capsys, line, error_type):
    status, out = run(monkeypatch, capsys, "ogrs3", lines(REPEAT, line, FIRST))
    assert status == 0
    assert len(out) == 3
    assert out[1]["error"]
    assert out[1]["error_type"] == error_type
    assert "ogrs3_2y" not in out[1]
    assert (out[0]["ogrs3_2y"], out[2]["ogrs3_2y"]) == (34, 13)


def test_blank_lines_are_skipped(monkeypatch, capsys):
    _, out = run(monkeypatch, capsys, "ogrs3", "\n   \n" + lines(REPEAT) + "\n\n")
    assert len(out) == 1


def test_tier_v2_and_v3_lines(monkeypatch, capsys):
    v2_line = {"calculation_date": "2025-06-01", "rsr": 7.25, "ogrs": 59,
               "registrations": [{"code": "RHRH", "date": "2024-01-01"}, {"code": "MAPP", "level": "M1",
                                                                          "category": "M2", "date": None}],
               "convictions": [{"sentence_type": "SP", "termination_date": None,
                                "requirements": [{"main_category": "F", "restrictive": False}]}],
               "needs_assessment": {"completed_date": "2025-01-01", "needs": {"attitudes": "severe"},
                                    "need_answers": {"accommodation": {"noFixedAbodeOrTransient": "yes"}}}}
    v3_line = {"calculation_date": "2026-09-01", "rosh": "high", "registrations": [{"code": "SPO"}],
               "predictors": {"arp": {"score": 60, "static_or_dynamic": "dynamic", "band": "high"},
                              "csrp": {"score": 3.5, "static_or_dynamic": "dynamic"}, "iic_srp": {"score": 1}}}
    status, out = run(monkeypatch, capsys, "tier", lines(v2_line, v3_line, {**v3_line, "scheme": "v2"}))
    assert status == 0
    first, second, third = out
    assert first["scheme"] == "v2"
    assert first["tier"] == "B2"
    assert first["protect_points"] == 25
    assert first["protect_breakdown"] == {"rsr": 20, "rosh": 20, "mappa": 5, "complexity": 0,
                                          "additional_factors_for_women": 0}
    assert first["change_breakdown"] == {"needs": 5, "ogrs": 5, "iom": 0}
    assert first["needs"] == {"accommodation": "standard", "attitudes": "severe"}
    assert first["derived"]["rsr"] == 7.25
    assert first["derived"]["mappa_level"] == "M1"
    assert first["reasons"][0].startswith("B2 because: ")
    assert set(second) == {"scheme", "tier", "provisional", "derived", "reasons"}
    assert (second["scheme"], second["tier"], second["provisional"]) == ("v3", "C", False)
    assert third["scheme"] == "v2"
    assert third["change_breakdown"] == {"no_mandate_for_change": 0}


@pytest.mark.parametrize(("line", "message"), [
    ("nope", "not valid JSON"),
    ("[]", "JSON object"),
    ("{}", "calculation_date"),
    ('{"calculation_date": "2025-13-01"}', "calendar date"),
    ('{"calculation_date": "2025-06-01", "scheme": "v9"}', "scheme"),
    ('{"calculation_date": "2025-06-01", "rosh": "severe"}', "RoSH"),
    ('{"calculation_date": "2025-06-01", "registrations": [{"level": "M1"}]}', "registrations[0] needs a code"),
    ('{"calculation_date": "2025-06-01", "registrations": {"code": "MAPP"}}', "list"),
    ('{"calculation_date": "2025-06-01", "needs_assessment": {"needs": {"attitudes": "severe"}, '
     '"need_answers": {"attitudes": {"q": "some"}}}}', "both"),
    ('{"calculation_date": "2026-06-01", "predictors": {"arp": {"score": -1}, "csrp": {"score": 1}}}', "negative"),
    ('{"calculation_date": "2026-06-01", "predictors": {"arp": {"score": 1}, "csrp": {"score": 1}, '
     '"dc_srp": {"score": 0.5, "band": "medium"}}}', "0.60"),
    ('{"calculation_date": "2025-06-01", "has_active_event": "yes"}', "true or false"),
])
def test_tier_errors_continue(monkeypatch, capsys, line, message):
    good = '{"calculation_date": "2026-06-01", "has_active_event": false}'
    _, out = run(monkeypatch, capsys, "tier", lines(good, line, good))
    assert out[0]["tier"] == out[2]["tier"] == "NOT_SUPERVISED"
    assert list(out[1]) == ["error"]
    assert message in out[1]["error"]


def test_the_installed_command_in_a_subprocess():
    command = Path(sys.executable).parent / "openprobation"
    stdin = (lines(REPEAT, "garbage") + "\n").encode() + b'{"gender": "\xff"}\n' + lines(FIRST).encode()
    done = subprocess.run([str(command), "rules", "ogrs3"], input=stdin, capture_output=True, timeout=60,  # noqa: S603
                          check=False)
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [o.get("ogrs3_2y") for o in out] == [34, None, None, 13]
    assert out[1]["error_type"] == out[2]["error_type"] == "INVALID_INPUT"
    assert "UTF-8" in out[2]["error"]


def test_an_unknown_rule_is_a_usage_error(monkeypatch, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["rules", "ogrs4"])
    assert caught.value.code == 2

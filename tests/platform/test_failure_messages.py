"""How lifecycle failures become user errors: title, cause and fix."""

from seldon_platform.phases import PhaseFailure, explain


def test_detect_failure_lists_the_buildpacks():
    tail = [
        "===> DETECT",
        "ERROR: No buildpack group passed detection:",
        "  a/b@1: skip",
        "      no file",
    ]
    err = explain(PhaseFailure(20, tail))
    assert err.title == "No buildpack group applies to this source"
    assert "a/b@1: skip" in err.cause and "no file" in err.cause


def test_known_failures_are_classified():
    tail = [
        "Collecting nope==9",
        "ERROR: No matching distribution found for nope==9",
        "ERROR: x failed",
    ]
    err = explain(PhaseFailure(51, tail))
    assert err.title == "A Python dependency could not be found"
    assert "nope==9" in err.cause
    assert explain(PhaseFailure(51, ["OSError: [Errno 28] No space left on device"])).title == (
        "The disk is full"
    )


def test_a_buildpacks_own_error_becomes_the_title():
    tail = ["--- a/b", "ERROR: MODEL_NAME is not set", "  details", "ERROR: buildpack a/b failed"]
    err = explain(PhaseFailure(51, tail))
    assert err.title == "MODEL_NAME is not set"
    assert err.cause.startswith("  details")


def test_unknown_failure_shows_the_exit_code_and_tail():
    err = explain(PhaseFailure(1, ["Traceback", "boom"]))
    assert "exit 1" in err.title and "boom" in err.cause

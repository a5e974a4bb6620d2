"""How lifecycle failures become user errors: the buildpack's own error wins, shown once."""

import io
import re

import pytest

from seldon_detect.errors import UserError
from seldon_detect.scribe import Scribe
from seldon_platform.errors import DependencyNotFound, DiskFull, ModuleNotInstalled
from seldon_platform.phases import PhaseFailure, Relay, explain

NO_MATCH = UserError(
    "pip install -r requirements.txt: no matching distribution for nope==9",
    "None of the configured indexes has a version of this package.\n\n"
    "ERROR: No matching distribution found for nope==9",
    ["Check the name and version of nope==9.", "If it lives on a private index, set it."],
    "requirements.txt:1",
)
PIP_OUTPUT = [
    "--- seldon/pip-requirements@0.1.0",
    "  Collecting nope==9",
    "ERROR: Could not find a version that satisfies the requirement nope==9",
    "ERROR: No matching distribution found for nope==9",
]
LIFECYCLE = "ERROR: buildpack seldon/pip-requirements@0.1.0 failed (bin/build exit 1)"


def relayed(lines: list[str], code: int) -> tuple[str, UserError]:
    """What the user sees: the streamed output, then the final error (as the CLI prints it)."""
    out = io.StringIO()
    relay = Relay(Scribe(stream=out))
    for line in lines:
        relay.add(line)
    err = explain(relay.failed(code))
    return out.getvalue() + err.render() + "\n", err


def test_the_buildpacks_error_wins_over_the_generic_classes():
    shown, err = relayed([*PIP_OUTPUT, *NO_MATCH.render().splitlines(), LIFECYCLE], 51)
    assert err.render() == NO_MATCH.render()
    assert shown.count(NO_MATCH.title) == 1
    assert "A Python dependency could not be found" not in shown
    # the pip lines the buildpack printed before its block are still shown, before the error
    assert shown.index("No matching distribution found for nope==9") < shown.index(NO_MATCH.title)
    assert "buildpack seldon/pip-requirements@0.1.0 failed" in shown


def test_a_missing_module_keeps_the_buildpacks_title():
    own = UserError("The model IrisClassifier cannot be imported: module 'sklearn' is missing",
                    "Traceback (most recent call last):\nModuleNotFoundError: No module named "
                    "'sklearn'", ["Add scikit-learn to requirements.txt."], "IrisClassifier.py")
    tail = ["--- seldon/runtime@0.1.0", "importing IrisClassifier", *own.render().splitlines(),
            "ERROR: buildpack seldon/runtime@0.1.0 failed (bin/build exit 1)"]
    shown, err = relayed(tail, 51)
    assert err == own
    assert shown.count(own.title) == 1


def test_progress_lines_landing_after_the_block_still_leave_it_whole():
    # the engine copies stdout and stderr separately: a late progress line may follow the block
    tail = [*NO_MATCH.render().splitlines(), "pip install: done in 2.0s", LIFECYCLE]
    shown, err = relayed(tail, 51)
    assert err.render() == NO_MATCH.render()
    assert "pip install: done in 2.0s" in shown


def test_advice_is_added_only_where_the_buildpack_gave_none():
    # a buildpack (not ours) that lets pip's own error line be its last word
    tail = ["Collecting nope==9", "ERROR: No matching distribution found for nope==9", LIFECYCLE]
    err = explain(PhaseFailure(51, tail))
    assert err.title == "No matching distribution found for nope==9"
    assert tuple(err.fix) == DependencyNotFound.FIX
    assert "Collecting nope==9" in err.cause
    bare = UserError("MODEL_NAME is not set", "The model class cannot be found.")
    err = explain(PhaseFailure(51, ["--- a/b", *bare.render().splitlines(), LIFECYCLE]))
    assert (err.title, err.cause) == (bare.title, bare.cause)
    assert list(err.fix) == ["Fix the cause shown above and build again."]


def test_a_crash_without_an_error_block_is_classified():
    tail = ["ERROR: pip warned about something", "Traceback (most recent call last):",
            "  File \"x.py\", line 1", "ModuleNotFoundError: No module named 'yaml'", LIFECYCLE]
    err = explain(PhaseFailure(51, tail))
    assert isinstance(err, ModuleNotInstalled)
    assert err.title == "The model code imports a module that is not installed"
    assert isinstance(explain(PhaseFailure(51, ["OSError: [Errno 28] No space left on device"])),
                      DiskFull)


def test_a_detect_error_shows_the_buildpacks_block():
    own = UserError("Invalid requirement", "'nope==' is not a requirement.", ["Fix it."],
                    "requirements.txt:2")
    tail = [
        "===> DETECT",
        "ERROR: No buildpack group passed detection:",
        "  seldon/s2i-environment@0.1.0: pass",
        "  seldon/pip-requirements@0.1.0: error (exit 1)",
        *["      " + line for line in own.render().splitlines()],
        "  seldon/runtime@0.1.0: pass",
    ]
    shown, err = relayed(tail, 21)
    assert err.render() == own.render()
    assert shown.count(own.title) == 1
    assert "seldon/pip-requirements@0.1.0: error (exit 1)" in shown


def test_detect_failure_lists_the_buildpacks():
    tail = [
        "===> DETECT",
        "ERROR: No buildpack group passed detection:",
        "  a/b@1: skip",
        "      no file",
    ]
    shown, err = relayed(tail, 20)
    assert err.title == "No buildpack group applies to this source"
    assert "a/b@1: skip" in err.cause and "no file" in err.cause
    assert shown.count("No buildpack group passed detection") == 1


def test_unknown_failure_shows_the_exit_code_and_tail():
    err = explain(PhaseFailure(1, ["Traceback", "boom"]))
    assert "exit 1" in err.title and "boom" in err.cause


def test_error_lines_of_a_run_that_goes_on_are_shown():
    out = io.StringIO()
    relay = Relay(Scribe(stream=out))
    for line in ["ERROR: a tool complained", "  but carried on", "next step", "  detail"]:
        relay.add(line)
    relay.flush()
    assert out.getvalue().splitlines() == [
        "  ERROR: a tool complained", "    but carried on", "  next step", "    detail"]


def test_rendered_errors_read_back_to_the_same_text():
    cases = [
        UserError("t"), UserError("t", "c"), UserError("t", fix=["f"]),
        UserError("a title (with a remark)", "a\n\nb", ["one\ntwo"]),
        UserError("Title", "line1\n  indented\n\nline3", ["a", "b\nc", "d"], "requirements.txt:3"),
        NO_MATCH,
    ]
    for case in cases:
        assert UserError.from_rendered(case.render()).render() == case.render()
    assert UserError.from_rendered(NO_MATCH.render()) == NO_MATCH


def test_each_failure_kind_has_one_title_and_fix():
    from seldon_platform.errors import ImageNotFound, LifecycleFailed, kinds

    err = ImageNotFound("The engine has no such image.", image="m:1")
    assert (err.title, err.cause, list(err.fix)) == (
        "Image m:1 not found", "The engine has no such image.", list(ImageNotFound.FIX))
    assert err.render().startswith("ERROR: Image m:1 not found\n")
    assert LifecycleFailed("tail", code=126).title == "The build failed (lifecycle exit 126)"
    assert re.fullmatch(LifecycleFailed.title_pattern(), "The build failed (lifecycle exit <n>)")
    titles = [kind.TITLE for kind in kinds()]
    assert len(titles) == len(set(titles)) and ImageNotFound in kinds()


def _buildpack_failures() -> list[UserError]:
    """One error of every buildpack kind, with a multi-line cause as installers give."""
    import string

    from seldon_detect.failures import kinds

    def values(kind) -> dict[str, str]:
        return {name: f"<{name}>" for text in (kind.TITLE, *kind.FIX)
                for _, name, _, _ in string.Formatter().parse(text) if name}

    return [kind("what went wrong\n\nERROR: pip's own line\n  indented", location="file:2",
                 **values(kind)) for kind in kinds()]


@pytest.mark.parametrize("own", _buildpack_failures(), ids=lambda err: type(err).__name__)
def test_every_buildpack_kind_reaches_the_user_verbatim(own):
    build = ["--- seldon/x@0.1.0", *own.render().splitlines(), LIFECYCLE]
    shown, err = relayed(build, 51)
    assert err.render() == own.render() and shown.count(own.title) == 1
    detect = ["===> DETECT", "ERROR: No buildpack group passed detection:",
              "  seldon/x@0.1.0: error (exit 1)",
              *["      " + line for line in own.render().splitlines()]]
    assert relayed(detect, 21)[1].render() == own.render()

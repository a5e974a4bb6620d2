"""requirements.txt parsing: nesting, options, hashes, markers, URLs and precise errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from seldon_detect.errors import UserError
from seldon_detect.requirements import parse_requirements


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root / "requirements.txt"


def test_seldon_core_style_file(tmp_path):
    req = _write(tmp_path, {"requirements.txt": """\
# pinned like the seldon examples
scikit-learn==1.3.2
numpy>=1.19,<2 ; python_version >= "3.8"
joblib  # trailing comment
--extra-index-url https://user:pw@pypi.example.com/simple
--trusted-host pypi.example.com
-f /whl
--find-links=./wheels
--prefer-binary
requests[socks]==2.31.0 \\
    --hash=sha256:aaaa \\
    --hash=sha256:bbbb
git+https://github.com/org/repo.git@v1#egg=mylib
./local_pkg
https://files.example.com/pkg-1.0-py3-none-any.whl
-e ./editable_pkg
"""})
    parsed = parse_requirements(req, tmp_path)
    assert parsed.names == ["scikit-learn", "numpy", "joblib", "requests", "mylib"]
    assert parsed.extra_index_urls == ["https://user:pw@pypi.example.com/simple"]
    assert parsed.trusted_hosts == ["pypi.example.com"]
    assert parsed.find_links == ["/whl", "./wheels"]
    requests = next(r for r in parsed.requirements if r.name == "requests")
    assert requests.hashes == ("sha256:aaaa", "sha256:bbbb")
    assert requests.location == "requirements.txt:10"
    assert [r.editable for r in parsed.requirements][-1] is True
    assert len(parsed.requirements) == 8


def test_nested_files_and_constraints(tmp_path):
    req = _write(tmp_path, {
        "requirements.txt": "-r reqs/base.txt\n-c constraints.txt\nflask\n",
        "reqs/base.txt": "-r ../common.txt\nnumpy\n",
        "common.txt": "pyyaml\n",
        "constraints.txt": "numpy<2\n",
    })
    parsed = parse_requirements(req, tmp_path)
    assert [f.name for f in parsed.files] == ["requirements.txt", "base.txt", "common.txt",
                                              "constraints.txt"]
    assert parsed.names == ["pyyaml", "numpy", "flask"]
    assert [c.name for c in parsed.constraints] == ["numpy"]
    assert parsed.constraints[0].location == "constraints.txt:1"


def test_index_url_and_no_index(tmp_path):
    req = _write(tmp_path, {"requirements.txt": "-i https://mirror/simple\n--no-index\nx\n"})
    parsed = parse_requirements(req, tmp_path)
    assert parsed.index_url == "https://mirror/simple" and parsed.no_index


@pytest.mark.parametrize("files, title, location", [
    ({"requirements.txt": "flask\nnumpy==>1\n"}, "Invalid requirement", "requirements.txt:2"),
    ({"requirements.txt": "-r nope.txt\n"}, "nested requirements file is missing",
     "requirements.txt:1"),
    ({"requirements.txt": "-r a.txt\n", "a.txt": "-r requirements.txt\n"}, "loop",
     "requirements.txt"),
    ({"requirements.txt": "--frobnicate\n"}, "Unknown option --frobnicate", "requirements.txt:1"),
    ({"requirements.txt": "--extra-index-url\n"}, "needs a value", "requirements.txt:1"),
    ({"requirements.txt": "-r https://example.com/r.txt\n"}, "Remote requirements",
     "requirements.txt:1"),
    ({"requirements.txt": "x --hash=abc\n"}, "Invalid --hash", "requirements.txt:1"),
    ({"requirements.txt": "ok\n", "sub/b.txt": "bad spec !\n"}, None, None),
])
def test_errors_name_file_and_line(tmp_path, files, title, location):
    req = _write(tmp_path, files)
    if title is None:
        assert parse_requirements(req, tmp_path).names == ["ok"]
        return
    with pytest.raises(UserError) as err:
        parse_requirements(req, tmp_path)
    assert title in err.value.title
    assert err.value.location.startswith(location)
    assert err.value.fix


def test_nested_error_points_into_the_nested_file(tmp_path):
    req = _write(tmp_path, {"requirements.txt": "-r sub/b.txt\n", "sub/b.txt": "ok\n\nbad !\n"})
    with pytest.raises(UserError) as err:
        parse_requirements(req, tmp_path)
    assert err.value.location == "sub/b.txt:3"

"""Assertions shared by the runtime REST tests."""


def error(r, status, reason, info=None):
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"] == "application/json"
    body = r.json()
    assert set(body) == {"status"}
    assert body["status"]["code"] == -1 and body["status"]["status"] == 1
    assert body["status"]["reason"] == reason
    if info is not None:
        assert info in body["status"]["info"], body
    return body

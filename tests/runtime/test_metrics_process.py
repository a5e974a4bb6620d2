"""The metrics side process listens before it is forked, so a scrape right after the REST side
reports ready is answered (it was refused now and then while the child was still binding)."""

from __future__ import annotations

import logging
import socket

from conftest import free_port

from seldon_runtime.metrics import server as metrics_server


def test_the_port_listens_before_the_fork(monkeypatch):
    port = free_port()
    seen = []

    def fork_child(target, what):
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            seen.append(what)  # accepted by the kernel: the socket was listening
        return 4242

    monkeypatch.setattr(metrics_server, "fork_child", fork_child)
    assert metrics_server.start_process("127.0.0.1", port, ["/prometheus"]) == 4242
    assert seen == [f"metrics server on port {port}"]
    # the parent keeps no copy of the socket: only the child serves it
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_a_port_in_use_is_logged_and_the_model_is_served_without_metrics(monkeypatch, caplog):
    forked = []
    monkeypatch.setattr(metrics_server, "fork_child", lambda *a: forked.append(a) or 1)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with caplog.at_level(logging.ERROR):
            assert metrics_server.start_process("127.0.0.1", port, ["/metrics"]) is None
    assert not forked
    assert f"metrics server on port {port} failed" in caplog.text

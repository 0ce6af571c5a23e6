"""pytest plugin (`-p enterprise_gateway_itests_plugin`) for running Enterprise Gateway's own
itests against Lattice, loaded from tests/conformance/enterprise-gateway-itests.test.ts.

Enterprise Gateway's test client (enterprise_gateway.client.gateway_client) has no way to send
a token: it calls `requests.post/delete` and `websocket.create_connection` with nothing but a
URL. Lattice requires `Authorization: token <t>` on every call, so this plugin adds that header
to every requests Session and websocket handshake, leaving the installed package untouched.

It also writes each test's outcome to the JSON file named by LATTICE_ITESTS_REPORT, so the
Node test reads structured results instead of pytest's console output.
"""

import json
import os

import requests
import websocket

_outcomes = {}


def pytest_configure(config):
    token = os.environ["LATTICE_ITESTS_TOKEN"]
    auth = f"token {token}"

    session_init = requests.Session.__init__

    def init_with_token(self, *args, **kwargs):
        session_init(self, *args, **kwargs)
        self.headers["Authorization"] = auth

    requests.Session.__init__ = init_with_token

    create_connection = websocket.create_connection

    def connect_with_token(url, *args, **kwargs):
        kwargs["header"] = [*kwargs.get("header", []), f"Authorization: {auth}"]
        return create_connection(url, *args, **kwargs)

    websocket.create_connection = connect_with_token


def pytest_runtest_logreport(report):
    # A test's outcome is its call's, unless setup or teardown (setUpClass starts the kernel) failed.
    name = report.nodeid.split("::")[-1]
    if report.when == "call" or report.failed or (report.when == "setup" and report.skipped):
        previous = _outcomes.get(name)
        if previous is None or previous["outcome"] == "passed":
            _outcomes[name] = {"outcome": report.outcome, "when": report.when, "detail": report.longreprtext[-2000:]}


def pytest_sessionfinish(session, exitstatus):
    with open(os.environ["LATTICE_ITESTS_REPORT"], "w") as f:
        json.dump({"exitstatus": int(exitstatus), "tests": _outcomes}, f)

import re
import subprocess
import sys

import requests


def test_python_m_sfsandbox_serves_and_reports_its_port():
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sfsandbox",
            "--port",
            "0",
            "--records",
            "50",
            "--seed",
            "3",
            "--faults",
            "latency_ms=1,daily_limit=500",
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = server.stderr.readline()
        url = re.search(r"listening on (http://\S+)", line).group(1)
        versions = requests.get(url + "/services/data/", timeout=10).json()
        assert versions[-1]["version"] == "62.0"
        stats = requests.get(url + "/_sandbox/stats", timeout=10).json()
        assert stats["faults"]["daily_limit"] == 500 and stats["faults"]["latency_ms"] == 1
    finally:
        server.terminate()
        server.wait(timeout=10)

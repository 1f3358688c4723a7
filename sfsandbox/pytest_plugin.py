"""pytest fixtures: `sfsandbox` (a small org per test) and `sfsandbox_factory` (your options).

Register with `pytest_plugins = ["sfsandbox.pytest_plugin"]` or `-p sfsandbox.pytest_plugin`.
"""

from __future__ import annotations

import contextlib

import pytest

from sfsandbox.testing import SandboxHandle, running_sandbox


@pytest.fixture
def sfsandbox_factory():
    """Call with running_sandbox's options; every sandbox started stops after the test."""
    with contextlib.ExitStack() as stack:

        def start(**options) -> SandboxHandle:
            return stack.enter_context(running_sandbox(**options))

        yield start


@pytest.fixture
def sfsandbox(sfsandbox_factory) -> SandboxHandle:
    """A running 200-record sandbox (seed 1) on a free loopback port."""
    return sfsandbox_factory(records=200, seed=1)

import pytest

from sfsandbox.pytest_plugin import sfsandbox, sfsandbox_factory  # noqa: F401 - fixtures
from sfsandbox.testing import running_sandbox


@pytest.fixture(scope="module")
def shared_sandbox():
    """One 2,000-record org shared by a module's read-only tests; faults cleared per test."""
    with running_sandbox(records=2000, seed=7) as sandbox:
        yield sandbox


@pytest.fixture
def sandbox(shared_sandbox):
    shared_sandbox.set_faults({})
    yield shared_sandbox
    shared_sandbox.set_faults({})

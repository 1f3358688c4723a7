"""common/memory.py: the importing process asks glibc for fewer malloc arenas, unless the
operator set MALLOC_ARENA_MAX."""

import os
import subprocess
import sys

import pytest

CHECK = "from common.memory import limit_malloc_arenas; print(limit_malloc_arenas())"


def run(env: dict) -> str:
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, check=True, env=env, cwd=os.getcwd()
    )
    return result.stdout.strip()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_glibc_takes_the_arena_limit():
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    assert run(env) == "True"


def test_an_operators_malloc_arena_max_is_left_alone():
    assert run({**os.environ, "MALLOC_ARENA_MAX": "4"}) == "False"

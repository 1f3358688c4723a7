"""engine/collector.big_blocks_back_to_the_system: page-sized blocks get their own mapping
from glibc's allocator (handed back to the system when freed), even after a big block freed
earlier raised glibc's adaptive threshold past them."""

import ctypes
import subprocess
import sys
import textwrap

import pytest

PROBE = textwrap.dedent(
    """
    import ctypes, sys

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
            "uordblks", "fordblks", "keepcost")]

    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = MallInfo2
    big = bytearray(16 << 20)  # mapped, and once freed glibc raises its threshold past it
    del big
    if sys.argv[1] == "tuned":
        from salesforce_imports.engine.collector import big_blocks_back_to_the_system
        big_blocks_back_to_the_system()
    before = libc.mallinfo2().hblks
    page = bytearray(4 << 20)  # a REST page's size
    print(libc.mallinfo2().hblks - before)
    """
)


def mapped_blocks_for_a_page(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, timeout=60, check=True
    )
    return int(done.stdout.strip())


def test_a_page_sized_block_gets_its_own_mapping_once_tuned():
    try:
        ctypes.CDLL(None).mallinfo2  # noqa: B018 - glibc 2.33 and later
    except AttributeError:
        pytest.skip("not glibc: its allocator is left as it is")
    assert mapped_blocks_for_a_page("as-is") == 0  # from the heap: its space stays with the process
    assert mapped_blocks_for_a_page("tuned") == 1

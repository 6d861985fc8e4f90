"""Process settings for batch inference: the allocator setting that keeps memory flat, and the
peak-memory figure batch inference reports."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from govner.inference.cpu import peak_memory_mib

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc and /proc are Linux's")

# Allocate blocks of 1 MiB after freeing a larger one (which makes glibc raise its mmap threshold),
# free every other block, and print the resident size that remains.
FRAGMENT = """
import sys, numpy as np
from govner.inference.cpu import map_large_allocations
map_large_allocations(None if sys.argv[1] == "default" else int(sys.argv[1]))
big = np.ones(8 * 2**20 // 8); del big
blocks = [np.ones(2**20 // 8 + k) for k in range(300)]
del blocks[::2]
rss = int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20
print(round(rss))
"""


def resident_mib(setting: str) -> int:
    out = subprocess.run([sys.executable, "-c", FRAGMENT, setting], capture_output=True, text=True, check=True)
    return int(out.stdout)


def test_fixed_mmap_threshold_gives_freed_blocks_back_where_glibcs_default_keeps_them():
    kept_by_default = resident_mib("default")
    kept_when_fixed = resident_mib("256")
    # 150 blocks of 1 MiB were freed: glibc's default keeps them in the heap, a fixed threshold unmaps them
    assert kept_by_default - kept_when_fixed > 100, (kept_by_default, kept_when_fixed)


def test_peak_memory_counts_what_this_process_touched():
    # against the resident size now, not the peak so far: earlier tests in this process may have
    # peaked higher than what it holds now
    resident = int(re.search(r"^VmRSS:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.MULTILINE).group(1)) / 1024
    block = np.ones(300 * 2**20 // 8)  # 300 MiB, touched
    assert peak_memory_mib() >= resident + 250
    del block

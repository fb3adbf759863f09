"""bot/runtime/memory.py `release_freed_memory`: the pages C's malloc keeps after frees go back to the system
(after the model has loaded, and after each sweep that forgot conversations)."""
import json
import subprocess
import sys

import pytest

from bot import ROOT
from bot.runtime.processes import child_env

FREED = """
import json
from bot.runtime.memory import release_freed_memory
def rss():
    return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmRSS')) / 1024
blocks = [bytes(1500) for _ in range(100_000)]  # ~150 MB in malloc's heap (over pymalloc's 512 bytes)
kept = blocks[::100]  # a few kept all over the heap, so that freeing cannot just shrink its top
del blocks
before = rss()
release_freed_memory()
print(json.dumps({"before": before, "after": rss()}))
"""


@pytest.mark.fast
def test_freed_memory_goes_back_to_the_system():
    done = subprocess.run([sys.executable, "-c", FREED], cwd=ROOT, env=child_env(), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["before"] - found["after"] >= 100, found

"""Giving freed memory back to the system (the API worker: after the model has loaded, and after a
sweep has forgotten conversations)."""
import ctypes


def _malloc_trim():
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to call, the memory stays with malloc
        return None


_MALLOC_TRIM = _malloc_trim()


def release_freed_memory() -> None:
    """Gives the pages that C's malloc holds free back to the system. Loading the model frees a
    lot (the unpacked archive, parsed JSON, the language models' decompression), and glibc keeps
    freed pages in its heaps: ~26 MB of the worker's RSS when ready (measured). A few ms."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)

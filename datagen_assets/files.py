"""Local files written whole or not at all.

Every file DataGen writes for others to read (snapshots, annotations, cached schemas) goes to
a temporary name in the same folder, is flushed to disk, then renamed over the final name
(`os.replace`, atomic on one file system): a reader, or a crash, sees the old file or the new
one, never half of one. Data under storage URLs has its own path (`write/storage.py`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write `data` (text as UTF-8) to `path`, creating its folder; the file keeps the mode a
    plain write would give it, not mkstemp's private 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data.encode("utf-8") if isinstance(data, str) else data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, _file_mode(path))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _file_mode(path: Path) -> int:
    """The mode a plain write would give: the existing file's, else 0666 minus the umask."""
    with contextlib.suppress(FileNotFoundError):
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask

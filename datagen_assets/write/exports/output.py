"""Where export bytes go: an fsspec folder, through optional compression, published atomically.

Every file of a run is first written under a temporary name (beside its final name on a local
disk, in the system temp folder for an object store) while its size and sha256 are taken from
the bytes as they pass. Only when every file of the run is complete are they moved into place:
`os.replace` locally, one put per object on a store (which commits whole or not at all). A run
that fails midway therefore leaves no file under a final name, and no temporary file either.

Compression streams are set up to be byte-deterministic: gzip gets a zero mtime and no file
name in its header, the others carry no timestamps at all.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import lzma
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import BinaryIO

from fsspec.implementations.local import LocalFileSystem
from upath import UPath

COMPRESSIONS: dict[str, str] = {"gzip": ".gz", "bz2": ".bz2", "xz": ".xz", "zstd": ".zst"}
GZIP_LEVEL = 6  # gzip's own default: level 9 costs twice the time for ~1% smaller files
ZSTD_LEVEL = 3  # zstd's own default


@dataclass(frozen=True)
class WrittenFile:
    """A published file: its path relative to the export folder ('/'-separated)."""

    path: str
    bytes: int
    sha256: str


def output_root(url: str) -> UPath:
    """The export folder as a UPath; a local folder is made absolute so renames stay in it."""
    root = UPath(url)
    if isinstance(root.fs, LocalFileSystem):
        root = UPath(os.path.abspath(os.path.expanduser(root.path)))
    return root


def compression_suffix(compression: str | None) -> str:
    if compression is None:
        return ""
    try:
        return COMPRESSIONS[compression]
    except KeyError:
        raise ValueError(
            f"unknown compression {compression!r} (choose from {', '.join(COMPRESSIONS)})"
        ) from None


class _Digest(io.RawIOBase):
    """Passes bytes through to `raw`, hashing and counting them on the way."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.raw.write(data)
        self.sha256.update(data)
        size = memoryview(data).nbytes
        self.size += size
        return size

    def tell(self) -> int:
        return self.size


def _compressor(compression: str | None, sink: BinaryIO) -> BinaryIO:
    """A writable stream compressing into `sink` (closing it does not close `sink`)."""
    if compression is None:
        return sink
    if compression == "gzip":
        return gzip.GzipFile(
            filename="", mode="wb", fileobj=sink, mtime=0, compresslevel=GZIP_LEVEL
        )
    if compression == "bz2":
        return bz2.BZ2File(sink, "wb")
    if compression == "xz":
        return lzma.LZMAFile(sink, "wb", format=lzma.FORMAT_XZ)
    if compression == "zstd":
        import zstandard  # only needed for zstd

        return zstandard.ZstdCompressor(level=ZSTD_LEVEL).stream_writer(sink, closefd=False)
    compression_suffix(compression)  # raises the helpful message
    raise AssertionError(compression)


@dataclass
class _Staged:
    temporary: str
    final: UPath
    written: WrittenFile


class Staging:
    """The files of one export run, written under temporary names and published together.

    Use as a context manager: leaving it with an exception discards everything staged.
    """

    def __init__(self, url: str):
        self.root = output_root(url)
        self.local = isinstance(self.root.fs, LocalFileSystem)
        self._staged: list[_Staged] = []

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        self.discard()

    @contextmanager
    def create(self, name: str, compression: str | None = None) -> Iterator[BinaryIO]:
        """A binary stream for the file `name` (relative, '/'-separated) of this export."""
        final = self.root.joinpath(*name.split("/"))
        if self.local:
            os.makedirs(os.path.dirname(final.path), exist_ok=True)
            folder, base = os.path.split(final.path)
            temporary = os.path.join(folder, f".{base}.{uuid.uuid4().hex}.tmp")
        else:
            descriptor, temporary = tempfile.mkstemp(prefix="datagen-export-", suffix=".tmp")
            os.close(descriptor)
        raw = open(temporary, "wb")  # noqa: SIM115 - closed on both paths below
        digest = _Digest(raw)
        stream: BinaryIO | None = None
        try:
            stream = _compressor(compression, digest)
            yield stream
            stream.close()  # writes the compression trailer
            raw.flush()
            os.fsync(raw.fileno())  # a rename must not outlive the data on a power cut
            raw.close()
        except BaseException:
            for handle in (stream, raw):
                with suppress(Exception):  # the original error is what matters
                    if handle is not None:
                        handle.close()
            _remove(temporary)
            raise
        written = WrittenFile(name, digest.size, digest.sha256.hexdigest())
        self._staged.append(_Staged(temporary, final, written))

    def publish(self) -> list[WrittenFile]:
        """Move every staged file to its final name, in the order they were written."""
        published = []
        while self._staged:
            staged = self._staged.pop(0)
            try:
                if self.local:
                    os.replace(staged.temporary, staged.final.path)
                else:
                    staged.final.fs.put_file(staged.temporary, staged.final.path)
            finally:
                _remove(staged.temporary)
            published.append(staged.written)
        return published

    def discard(self) -> None:
        while self._staged:
            _remove(self._staged.pop().temporary)

    def remove(self, name: str) -> None:
        """Delete a final file if present (the previous run's manifest, before publishing)."""
        path = self.root.joinpath(*name.split("/"))
        if path.exists():
            path.fs.rm(path.path)


def _remove(path: str) -> None:
    with suppress(FileNotFoundError):
        os.remove(path)

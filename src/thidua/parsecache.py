"""Reading a data file, with a cache of parsed files for large years.

Parsing YAML with positions is most of the time of ``check`` and ``rank`` on a large year
(1,000 members: half of it, with libyaml). The parsed form of a file (its tree, source
map and tone-ambiguous words) depends only on the file's bytes and on thidua's reader, so
a year of at least :data:`MIN_YEAR_BYTES` keeps it in a cache, one entry per data file,
and later runs read unchanged files from there in about a tenth of the time. A member who
edits its own file re-parses that file only. Validation, checks, scoring and ranking
always run on the data; only the parse is reused.

- Where: ``$THIDUA_CACHE_DIR``, else ``$XDG_CACHE_HOME/thidua`` or ``~/.cache/thidua``
  (``%LOCALAPPDATA%\\thidua\\cache`` on Windows). ``THIDUA_NO_CACHE=1`` turns it off.
- An entry is named after the data file's absolute path (so the cache holds at most one
  entry per data file) and holds a digest of the file's bytes together with a fingerprint
  of the reader (thidua's version, the source of :mod:`thidua.yamlio` and
  :mod:`thidua.spelling`, Python, PyYAML and libyaml versions). It is used only when both
  match and the entry's own checksum is intact; anything else is a miss, and the file is
  parsed as if there were no cache.
- Only files that parsed without a problem are cached; a file with problems is parsed,
  and reported, every time.
- The cache never changes the outcome and never fails a command: an unwritable or
  corrupt cache is skipped silently. Entries are written to a temporary file and renamed.
- Small years (every real cluster) do not use it at all: their parse takes milliseconds.

Entries are :mod:`marshal` data (plain dicts, lists, tuples, strings and ints), the format
Python's own bytecode cache uses, and they get the same trust: the cache directory is the
user's own.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import tempfile
from pathlib import Path

from thidua.spelling import Found, find_words
from thidua.yamlio import SourceMap, YamlPath, parse_yaml, read_file

__all__ = ["MIN_YEAR_BYTES", "ParseCache", "cache_directory", "open_for", "read_parsed"]

#: A year whose YAML files add up to at least this many bytes uses the cache.
MIN_YEAR_BYTES = 1024 * 1024

CACHE_DIR_ENV = "THIDUA_CACHE_DIR"
NO_CACHE_ENV = "THIDUA_NO_CACHE"

_MAGIC = b"thidua-parse-1\n"
_DIGEST = 32

Parsed = tuple[object, SourceMap, Found]
_Payload = tuple[object, dict[YamlPath, int], dict[YamlPath, int], Found]


def cache_directory() -> Path | None:
    """Where entries go, from the environment (module doc); None when turned off."""
    if os.environ.get(NO_CACHE_ENV, "") not in ("", "0"):
        return None
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured)
    if os.name == "nt":
        local = os.environ.get("LOCALAPPDATA")
        return Path(local) / "thidua" / "cache" if local else None
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "thidua"
    try:
        return Path.home() / ".cache" / "thidua"
    except RuntimeError:  # no home directory to be found
        return None


def _fingerprint() -> bytes:
    """What the parsed form depends on besides the file's bytes (module doc)."""
    import yaml

    from thidua import __version__, spelling, yamlio

    libyaml = ""
    with contextlib.suppress(ImportError, AttributeError):
        from yaml import _yaml

        libyaml = _yaml.get_version_string()
    digest = hashlib.blake2b(digest_size=_DIGEST)
    for part in (__version__, sys.version, str(marshal.version), yaml.__version__, libyaml):
        digest.update(part.encode() + b"\0")
    for module in (yamlio, spelling):
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.digest()


class ParseCache:
    """The entries of one cache directory (see the module doc)."""

    def __init__(self, directory: Path, fingerprint: bytes) -> None:
        self.directory = directory
        self._fingerprint = fingerprint
        self._ready = False

    def _entry(self, file: Path) -> Path:
        name = hashlib.blake2b(str(file.absolute()).encode("utf-8", "surrogatepass"))
        return self.directory / (name.hexdigest()[:40] + ".bin")

    def _key(self, data: bytes) -> bytes:
        return hashlib.blake2b(data, digest_size=_DIGEST, key=self._fingerprint).digest()

    def get(self, file: Path, data: bytes) -> _Payload | None:
        """The parsed form of ``data`` (the bytes of ``file``) if cached; else None."""
        try:
            blob = self._entry(file).read_bytes()
        except OSError:
            return None
        head = len(_MAGIC)
        if (
            blob[:head] != _MAGIC
            or blob[head : head + _DIGEST] != self._key(data)
            or blob[head + _DIGEST : head + 2 * _DIGEST]
            != hashlib.blake2b(blob[head + 2 * _DIGEST :], digest_size=_DIGEST).digest()
        ):
            return None
        try:
            payload = marshal.loads(blob[head + 2 * _DIGEST :])
        except (ValueError, EOFError, TypeError):
            return None
        return payload if isinstance(payload, tuple) and len(payload) == 4 else None

    def put(self, file: Path, data: bytes, payload: _Payload) -> None:
        """Store the parsed form of ``data``; any failure leaves the cache as it was."""
        # The tree is typed ``object`` but holds only dicts, lists, str and None (yamlio).
        body = marshal.dumps(payload)  # type: ignore[arg-type]
        blob = b"".join(
            (
                _MAGIC,
                self._key(data),
                hashlib.blake2b(body, digest_size=_DIGEST).digest(),
                body,
            )
        )
        target = self._entry(file)
        try:
            if not self._ready:
                self.directory.mkdir(parents=True, exist_ok=True)
                self._ready = True
            fd, name = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.directory)
        except OSError:
            return
        tmp = Path(name)
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(blob)
            tmp.replace(target)
        except BaseException as exc:  # a full disk, or Ctrl+C: leave no temporary file
            with contextlib.suppress(OSError):
                tmp.unlink()
            if not isinstance(exc, OSError):
                raise


def open_for(files: list[Path]) -> ParseCache | None:
    """The cache to use for a year made of ``files``: None for a small year, or when off."""
    total = 0
    for file in files:
        with contextlib.suppress(OSError):
            total += file.stat().st_size
    if total < MIN_YEAR_BYTES:
        return None
    directory = cache_directory()
    if directory is None:
        return None
    try:
        fingerprint = _fingerprint()
    except OSError:  # thidua's sources are not readable files (a frozen install)
        return None
    return ParseCache(directory, fingerprint)


def read_parsed(file: Path, display_path: str, cache: ParseCache | None) -> Parsed:
    """Read and parse ``file`` (through ``cache`` when given); DataError for problems."""
    data = read_file(file, display_path)
    if cache is not None:
        hit = cache.get(file, data)
        if hit is not None:
            root, values, keys, found = hit
            return root, SourceMap(display_path, values, keys), found
    root, source = parse_yaml(data, display_path)
    found = find_words(root)
    if cache is not None:
        cache.put(file, data, (root, source.values, source.keys, found))
    return root, source, found

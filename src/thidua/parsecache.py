"""Reading a data file, with a cache of parsed files for large years.

Parsing YAML with positions is most of the time of ``check`` and ``rank`` on a large year
(1,000 members: half of it, with libyaml). The parsed form of a file (its tree, source
map and tone-ambiguous words) depends only on the file's bytes and on thidua's reader, so
a year of at least :data:`MIN_YEAR_BYTES` keeps the parsed form of its files in a cache,
and later runs take unchanged files from there in about a tenth of the time. A member who
edits its own file re-parses that file only. Validation, checks, scoring and ranking
always run on the data; only the parse is reused.

- Where: ``$THIDUA_CACHE_DIR``, else ``$XDG_CACHE_HOME/thidua`` or ``~/.cache/thidua``
  (``%LOCALAPPDATA%\\thidua\\cache`` on Windows). ``THIDUA_NO_CACHE=1`` turns it off.
- One cache file per year folder, named after the folder's absolute path, so the cache
  never grows with edits. It records, for each data file, a digest of the file's bytes
  keyed with a fingerprint of the reader (thidua's version, the source of
  :mod:`thidua.yamlio` and :mod:`thidua.spelling`, Python, PyYAML and libyaml versions).
  A file's parsed form is used only when that digest matches and the cache file's own
  checksum is intact; anything else is a miss, and the file is parsed as if there were no
  cache.
- Only files that parsed without a problem are kept; a file with problems is parsed, and
  reported, every time.
- The cache never changes the outcome and never fails a command: an unwritable or
  corrupt cache is skipped silently. It is rewritten (to a temporary file, then renamed)
  only when a file was added, changed or removed.
- Small years (every real cluster) do not use it at all: their parse takes milliseconds.
- On a first run (at least :data:`PARALLEL_MIN_FILES` files the cache has no entry for),
  where ``os.fork`` exists and the program runs a single thread,
  :meth:`ParseCache.prefill` parses those files on two processes: a child process parses
  every other file and hands the parsed forms over in a file of the same format, the
  command's own process parses the rest. A child that fails leaves nothing but misses,
  which are parsed as usual.

The cache holds :mod:`marshal` data (plain dicts, lists, tuples, strings, ints, bytes),
the format of Python's own bytecode cache, with the same trust: the cache directory is the
user's own, and a cache file owned by another user is ignored. Deleting the cache
directory at any time is safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import tempfile
import threading
from pathlib import Path

from thidua.errors import DataError
from thidua.spelling import Found, find_words
from thidua.yamlio import SourceMap, YamlPath, parse_yaml, read_file

__all__ = [
    "MIN_YEAR_BYTES",
    "ParseCache",
    "cache_directory",
    "open_for",
    "parse_bytes",
    "read_parsed",
]

#: A year whose YAML files add up to at least this many bytes uses the cache.
MIN_YEAR_BYTES = 1024 * 1024
#: A first run parses on two processes when the cache lacks at least this many files.
PARALLEL_MIN_FILES = 64

CACHE_DIR_ENV = "THIDUA_CACHE_DIR"
NO_CACHE_ENV = "THIDUA_NO_CACHE"

_MAGIC = b"thidua-parse-2\n"
_DIGEST = 32

Parsed = tuple[object, SourceMap, Found]
_Payload = tuple[object, dict[YamlPath, int], dict[YamlPath, int], Found]
# A data file's absolute path -> (digest of its bytes, its marshalled payload).
_Entries = dict[str, tuple[bytes, bytes]]


def cache_directory() -> Path | None:
    """Where the cache goes, from the environment (module doc); None when turned off."""
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


def _name(file: Path) -> str:
    """A data file's key in the cache: its absolute path."""
    return str(file.absolute())


def _payload(parsed: Parsed) -> _Payload:
    """What the cache keeps of a parsed file (the source map without its display path)."""
    root, source, found = parsed
    return root, source.values, source.keys, found


def _marshal(payload: _Payload) -> bytes:
    # The tree is typed ``object`` but holds only dicts, lists, str and None (yamlio).
    return marshal.dumps(payload)  # type: ignore[arg-type]


def _dump(fingerprint: bytes, entries: _Entries) -> bytes:
    body = marshal.dumps(entries)
    checksum = hashlib.blake2b(body, digest_size=_DIGEST).digest()
    return b"".join((_MAGIC, fingerprint, checksum, body))


def _load(fingerprint: bytes, path: Path) -> _Entries:
    """The entries of a cache file; empty if absent, damaged, from another reader, or
    (POSIX) written by another user: parsed data is trusted only from oneself."""
    try:
        with path.open("rb") as stream:
            getuid = getattr(os, "getuid", None)
            if getuid is not None and os.fstat(stream.fileno()).st_uid != getuid():
                return {}
            blob = stream.read()
    except OSError:
        return {}
    head = len(_MAGIC)
    body = blob[head + 2 * _DIGEST :]
    if (
        blob[:head] != _MAGIC
        or blob[head : head + _DIGEST] != fingerprint
        or blob[head + _DIGEST : head + 2 * _DIGEST]
        != hashlib.blake2b(body, digest_size=_DIGEST).digest()
    ):
        return {}
    try:
        entries = marshal.loads(body)
    except (ValueError, EOFError, TypeError):
        return {}
    return entries if isinstance(entries, dict) else {}


def _write(path: Path, blob: bytes) -> None:
    """Replace ``path`` by ``blob`` through a temporary file; failures are ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
    except OSError:
        return
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(blob)
        tmp.replace(path)
    except BaseException as exc:  # a full disk, or Ctrl+C: leave no temporary file
        with contextlib.suppress(OSError):
            tmp.unlink()
        if not isinstance(exc, OSError):
            raise


class ParseCache:
    """The cache file of one year folder (see the module doc)."""

    def __init__(self, path: Path, fingerprint: bytes) -> None:
        self.path = path
        self._fingerprint = fingerprint
        self._stored = _load(fingerprint, path)
        # What this run read without problems: the content of the next cache file.
        self._seen: _Entries = {}
        # Parsed in this process by prefill, not marshalled back and forth.
        self._parsed: dict[str, tuple[bytes, _Payload]] = {}

    def _key(self, data: bytes) -> bytes:
        return hashlib.blake2b(data, digest_size=_DIGEST, key=self._fingerprint).digest()

    def get(self, file: Path, data: bytes) -> _Payload | None:
        """The parsed form of ``data`` (the bytes of ``file``) if cached; else None."""
        name = _name(file)
        key = self._key(data)
        parsed = self._parsed.pop(name, None)
        if parsed is not None and parsed[0] == key:
            self._seen[name] = (key, _marshal(parsed[1]))
            return parsed[1]
        stored = self._stored.get(name)
        if stored is None or stored[0] != key:
            return None
        try:
            payload = marshal.loads(stored[1])
        except (ValueError, EOFError, TypeError):
            return None
        if not (isinstance(payload, tuple) and len(payload) == 4):
            return None
        self._seen[name] = stored
        return payload

    def put(self, file: Path, data: bytes, payload: _Payload) -> None:
        """Keep the parsed form of ``data`` (the bytes of ``file``) for the next run."""
        self._seen[_name(file)] = (self._key(data), _marshal(payload))

    def save(self) -> None:
        """Write the cache file if this run added, changed or dropped a file's entry."""
        if self._seen == self._stored:
            return
        _write(self.path, _dump(self._fingerprint, self._seen))
        self._stored = dict(self._seen)

    def prefill(self, files: list[Path]) -> None:
        """Parse the files the cache has no entry for on two processes (module doc).

        Only absent entries count, so deciding reads no file; a file edited since the cache
        was written is parsed again by :func:`read_parsed`, like any miss.
        """
        if not hasattr(os, "fork") or threading.active_count() > 1:
            return
        missing = [f for f in files if _name(f) not in self._stored and f.is_file()]
        if len(missing) < PARALLEL_MIN_FILES:
            return
        handover = self.path.with_name(f"{self.path.name}.{os.getpid()}.part")
        try:
            handover.parent.mkdir(parents=True, exist_ok=True)
            pid = os.fork()
        except OSError:
            return
        if pid == 0:  # the child: parse every other file, hand the results over, vanish
            code = 1
            try:
                entries: _Entries = {}
                for file in missing[::2]:
                    parsed = self._parse(file)
                    if parsed is not None:
                        entries[_name(file)] = (parsed[0], _marshal(parsed[1]))
                _write(handover, _dump(self._fingerprint, entries))
                code = 0
            finally:
                os._exit(code)  # no atexit handlers, no flushing of the parent's buffers
        try:
            for file in missing[1::2]:
                parsed = self._parse(file)
                if parsed is not None:
                    self._parsed[_name(file)] = parsed
        finally:
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
        self._stored.update(_load(self._fingerprint, handover))
        with contextlib.suppress(OSError):
            handover.unlink()

    def _parse(self, file: Path) -> tuple[bytes, _Payload] | None:
        """The digest and parsed form of ``file``; None if it has problems (reported later)."""
        try:
            data = read_file(file, "")
            parsed = parse_bytes(data, "")
        except DataError:
            return None
        return self._key(data), _payload(parsed)


def open_for(folder: Path, files: list[Path]) -> ParseCache | None:
    """The cache of the year ``folder`` made of ``files``: None for a small year, or when off."""
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
    name = hashlib.blake2b(str(folder.absolute()).encode("utf-8", "surrogatepass"))
    return ParseCache(directory / (name.hexdigest()[:40] + ".bin"), fingerprint)


def parse_bytes(data: bytes, display_path: str) -> Parsed:
    """The tree, source map and tone-ambiguous words of one file; DataError for problems."""
    root, source = parse_yaml(data, display_path)
    return root, source, find_words(root)


def read_parsed(file: Path, display_path: str, cache: ParseCache | None) -> Parsed:
    """Read and parse ``file`` (through ``cache`` when given); DataError for problems."""
    data = read_file(file, display_path)
    if cache is not None:
        hit = cache.get(file, data)
        if hit is not None:
            root, values, keys, found = hit
            return root, SourceMap(display_path, values, keys), found
    parsed = parse_bytes(data, display_path)
    if cache is not None:
        cache.put(file, data, _payload(parsed))
    return parsed

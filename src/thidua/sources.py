"""Where each node of a parsed YAML file starts: :class:`SourceMap` and :data:`YamlPath`.

Made by :func:`thidua.read.yamlio.parse_yaml`; kept with a year's data so that every later
check can point at the exact line and column of a fault.
"""

from __future__ import annotations

from dataclasses import dataclass

from thidua.errors import Position

YamlPath = tuple[str | int, ...]


# A position as stored in a source map: one int, ``line << 32 | column`` (0-based, as
# libyaml counts). Half a million nodes make half a million of them; a plain int costs a
# fraction of a Position object, and most are never looked at (Positions are made on
# lookup, when a problem is reported).
_COLUMN_BITS = 32
_COLUMN_MASK = (1 << _COLUMN_BITS) - 1


@dataclass(frozen=True)
class SourceMap:
    """Where each node of one parsed file starts.

    ``values`` maps the path of every node (root ``()``, mapping value ``("a", "b")``,
    list item ``("a", 0)``) to its start; ``keys`` maps the same path of every mapping
    value to the start of its key. Starts are packed ints (``line << 32 | column``,
    0-based); :meth:`at` and :meth:`key_at` give them as :class:`Position`.
    """

    path: str
    values: dict[YamlPath, int]
    keys: dict[YamlPath, int]

    def position(self, packed: int) -> Position:
        """The 1-based :class:`Position` of a packed start in this file."""
        return Position(self.path, (packed >> _COLUMN_BITS) + 1, (packed & _COLUMN_MASK) + 1)

    def at(self, path: YamlPath) -> Position:
        """Start of the node at ``path``, else of its longest existing prefix, else 1:1."""
        values = self.values
        packed = values.get(path)
        if packed is not None:
            return self.position(packed)
        # A missing node (e.g. a required key that is absent) is best shown at the
        # nearest enclosing node that does exist.
        for end in range(len(path) - 1, -1, -1):
            packed = values.get(path[:end])
            if packed is not None:
                return self.position(packed)
        return Position(self.path, 1, 1)

    def key_at(self, path: YamlPath) -> Position:
        """Start of the key of the mapping entry at ``path``, else :meth:`at`."""
        packed = self.keys.get(path)
        return self.position(packed) if packed is not None else self.at(path)

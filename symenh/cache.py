"""On-disk cache for slow SymPy derivations: keyed by their source, never evaluated, checked.

Keys.  :func:`make_key` is a SHA-256 of the symenh version (always prepended) and the parts
the caller passes: every caller passes the full source text of each module its values
derive from (``inspect.getsource(module)``), the model's
:meth:`~symenh.models.base.SymbolicModel.source` and its other inputs, so the cache is
rebuilt whenever the deriving code, the model or the version changes.

Format.  One file ``<key>.json`` per value, canonical JSON (sorted keys, no spaces)::

    {"format": "symenh-cache", "version": 2, "sympy": "<sympy version>", "key": "<key>",
     "payload": {"nodes": [...], "value": ...}, "sha256": "<hex>"}

``nodes`` is a table of SymPy nodes, each stored once, children before parents:
``["Symbol", name, {assumption: bool}]`` (the assumptions it was created with), ``["Integer", n]``,
``["Rational", p, q]``,
``["Float", sign, mantissa, exponent, precision_bits]`` (the exact binary value),
``["Pi"]`` and the other constants, or ``[type, i, j, ...]`` with the indices of its
arguments (Add, Mul, Pow, Abs, sign, re, im, conjugate, sin, cos, exp, log, Max, Min,
Piecewise, relationals, And/Or/Not, ... : the whitelist ``_OPS``).  ``value`` is a node
index or a (nested) list of them (a tuple).  Loading rebuilds each node with its own
constructor and ``evaluate=False`` (so the tree is identical to the one stored); nothing
is parsed as an expression or evaluated.  A value containing a node outside the
whitelist (or a symbol whose name is not a plain identifier) is not cached; every value
that is written is first checked to rebuild exactly.

Checks and threat model.  The cache directory (``$SYMENH_CACHE`` or ``~/.cache/symenh``;
``off``/``0``/``false``/``no``/``none`` in any case disable it) is created with mode 0700
and is ignored for the rest of the process, with one warning line on stderr, when it is
not a directory, is not owned by the current user, or is writable by group or others:
nobody else may be able to plant an entry.  Entries are written 0600 under a temporary
name and moved into place (:mod:`symenh.fileio`), so a reader never sees a partial
entry.  A name that is not a regular file (symlink, FIFO, directory) is never opened for
reading (``O_NOFOLLOW | O_NONBLOCK`` and ``fstat`` guard the race), entries larger than
``MAX_ENTRY_BYTES`` are not read, and a missing, unreadable, wrong-shaped, other-version
or corrupt entry is simply rebuilt and rewritten, so a cold run always works.  The SHA-256
inside each entry (over the canonical entry without it, key included) detects corruption
and accidental edits; it is not a signature (whoever can write the directory can
recompute it): security comes from never evaluating and from the directory checks.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import sys
from pathlib import Path

import sympy as sp
from sympy.core.assumptions import _assume_defined
from sympy.functions.elementary.piecewise import ExprCondPair

from .errors import CacheError
from .fileio import atomic_path

#: identifies the entry format; a different value is a clean miss (the entry is rebuilt)
FORMAT = "symenh-cache"
VERSION = 2
#: entries larger than this (bytes) are not read
MAX_ENTRY_BYTES = 64 * 2**20
#: SYMENH_CACHE values (case-insensitive, stripped) that disable the cache
OFF_VALUES = frozenset({"off", "0", "false", "no", "none"})

_MAX_DEPTH = 64             # nesting of the tuples of a value
_MAX_PREC = 1 << 20         # bits of a Float
_NAME = re.compile(r"(?!__)[A-Za-z_][A-Za-z0-9_]{0,99}")   # symbol names (printed into lambdify code)
_HEX_KEY = re.compile(r"[0-9a-f]{64}")
_NOT_CONSTRUCTED = object()

#: directories refused in this process (warned about once)
_REFUSED: set[str] = set()


def cache_dir() -> Path | None:
    """The configured cache folder (``$SYMENH_CACHE``, or ``~/.cache/symenh`` when it is unset
    or empty), or None when caching is off (``off``, ``0``, ``false``, ``no``, ``none``, in
    any case).  Whether the folder may be used is decided when it is used."""
    env = os.environ.get("SYMENH_CACHE", "").strip()
    if env.lower() in OFF_VALUES:
        return None
    if env:
        return Path(env).expanduser()
    try:
        return Path.home() / ".cache" / "symenh"
    except (RuntimeError, KeyError):  # no home directory: no cache
        return None


def make_key(*parts: str) -> str:
    """SHA-256 hex digest of the symenh version followed by the given source texts."""
    from . import __version__

    h = hashlib.sha256()
    h.update(f"symenh {__version__}".encode())
    h.update(b"\0")
    for p in parts:
        h.update(p.encode())
        h.update(b"\0")
    return h.hexdigest()


def cached_exprs(key: str, build):
    """Return ``build()`` (a SymPy object, or nested tuples/lists of them), cached under ``key``.

    Lists come back as tuples, on a hit (the stored value rebuilt exactly) as on a miss;
    a miss, or any entry that fails a check, calls ``build()`` and (re)writes the entry.
    Caching problems are never errors: the value is then simply computed.
    """
    folder = _usable_dir()
    if folder is None:
        return _as_tuples(build())
    name = key if _HEX_KEY.fullmatch(key) else hashlib.sha256(key.encode()).hexdigest()
    path = folder / f"{name}.json"
    value = _load(path, key)
    if value is not _NOT_CONSTRUCTED:
        return value
    value = _as_tuples(build())
    data = _entry_bytes(key, value)
    if data is not None:
        try:
            with atomic_path(path, mode=0o600) as tmp:
                tmp.write_bytes(data)
        except OSError:
            pass  # read-only folder, or a directory under the entry's name: stay uncached
    return value


# --------------------------------------------------------------------------- the folder

def _usable_dir() -> Path | None:
    """The cache folder, created 0700 if missing, or None (off, cannot be created, or unsafe:
    then one line on stderr, once per process)."""
    folder = cache_dir()
    if folder is None or str(folder) in _REFUSED:
        return None
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            pass
        else:
            os.chmod(folder, 0o700)  # whatever the umask
        st = os.stat(folder)
    except FileExistsError:
        return _refuse(folder, "it is not a directory")
    except OSError:
        return None  # e.g. a read-only home: not an error, we just compute
    if not stat.S_ISDIR(st.st_mode):
        return _refuse(folder, "it is not a directory")
    if os.name != "posix":
        return folder  # no POSIX owner and mode bits to check
    if st.st_uid != os.geteuid():
        return _refuse(folder, f"it is owned by uid {st.st_uid}, not by you (uid {os.geteuid()})")
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return _refuse(folder, f"it is writable by group or others (mode {stat.S_IMODE(st.st_mode):04o}; "
                               f"chmod 700 it to use it)")
    return folder


def _refuse(folder: Path, why: str) -> None:
    _REFUSED.add(str(folder))
    sys.stderr.write(f"symenh: cache directory {folder} ignored: {why}; computing without the cache\n")
    return None


# --------------------------------------------------------------------------- reading

def _load(path: Path, key: str, decode=None):
    """The value stored at ``path`` for ``key``, or ``_NOT_CONSTRUCTED`` (missing or rejected)."""
    try:
        raw = _read_regular(path)
        if raw is None:
            return _NOT_CONSTRUCTED
        return _parse_entry(raw, key, decode)
    except Exception:  # noqa: BLE001 - any unreadable/invalid entry is a miss, never an error
        return _NOT_CONSTRUCTED


def _read_regular(path: Path) -> bytes | None:
    """The bytes of ``path`` if it is a regular file of at most MAX_ENTRY_BYTES; None if missing.
    Symlinks, FIFOs, devices and directories are never opened (CacheError)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(st.st_mode):
        raise CacheError(f"cache entry {path}: not a regular file")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)  # the file opened, not the name looked at (it may have been swapped)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_ENTRY_BYTES:
            raise CacheError(f"cache entry {path}: not a regular file of at most {MAX_ENTRY_BYTES} bytes")
        chunks, size = [], 0
        while chunk := os.read(fd, 1 << 20):
            size += len(chunk)
            if size > MAX_ENTRY_BYTES:
                raise CacheError(f"cache entry {path}: larger than {MAX_ENTRY_BYTES} bytes")
            chunks.append(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks)


def _parse_entry(raw: bytes, key: str, decode=None):
    """The value of an entry's bytes, after checking format, version, key and SHA-256
    (``decode`` rebuilds the payload: :func:`_decode` for expressions by default)."""
    entry = json.loads(raw.decode("utf-8"))
    if not isinstance(entry, dict) or set(entry) != {"format", "version", "sympy", "key", "payload", "sha256"}:
        raise CacheError("cache entry: not a symenh cache entry")
    digest = entry.pop("sha256")
    if entry["format"] != FORMAT or entry["version"] != VERSION or entry["sympy"] != sp.__version__:
        raise CacheError("cache entry: another format or SymPy version")
    if entry["key"] != key:
        raise CacheError("cache entry: stored under another key")
    if digest != hashlib.sha256(_canonical(entry)).hexdigest():
        raise CacheError("cache entry: checksum mismatch")
    return (decode or _decode)(entry["payload"])


def _canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode()


# --------------------------------------------------------------------------- the node whitelist

#: the SymPy node types (besides the atoms in _leaf) that are stored and rebuilt:
#: (class, min args, max args or None); a node is named by its class name
_WHITELIST = [
    (sp.Add, 2, None), (sp.Mul, 2, None), (sp.Pow, 2, 2),
    (sp.Abs, 1, 1), (sp.sign, 1, 1), (sp.re, 1, 1), (sp.im, 1, 1), (sp.conjugate, 1, 1), (sp.arg, 1, 1),
    (sp.sin, 1, 1), (sp.cos, 1, 1), (sp.tan, 1, 1), (sp.asin, 1, 1), (sp.acos, 1, 1), (sp.atan, 1, 1),
    (sp.atan2, 2, 2), (sp.sinh, 1, 1), (sp.cosh, 1, 1), (sp.tanh, 1, 1), (sp.exp, 1, 1), (sp.log, 1, 1),
    (sp.Max, 2, None), (sp.Min, 2, None), (sp.Heaviside, 1, 2), (sp.Piecewise, 1, None), (ExprCondPair, 2, 2),
    (sp.Eq, 2, 2), (sp.Ne, 2, 2), (sp.Lt, 2, 2), (sp.Le, 2, 2), (sp.Gt, 2, 2), (sp.Ge, 2, 2),
    (sp.And, 2, None), (sp.Or, 2, None), (sp.Not, 1, 1)]
_OPS = {cls.__name__: (cls, lo, hi) for cls, lo, hi in _WHITELIST}
_OP_TYPES = {cls: cls.__name__ for cls, _, _ in _WHITELIST}
#: constants without arguments, by class name
_CONSTANTS = {type(c).__name__: c for c in (
    sp.pi, sp.E, sp.I, sp.oo, -sp.oo, sp.zoo, sp.nan, sp.true, sp.false,
    sp.EulerGamma, sp.Catalan, sp.GoldenRatio)}
_CONSTANT_TYPES = {type(c): n for n, c in _CONSTANTS.items()}


def _leaf(obj) -> tuple | None:
    """The node of an atom (a hashable tuple, JSON-ready as a list), or None if ``obj`` is not one."""
    t = type(obj)
    if t in _CONSTANT_TYPES:
        return (_CONSTANT_TYPES[t],)
    if isinstance(obj, sp.Integer):
        return ("Integer", int(obj))
    if isinstance(obj, sp.Rational):
        return ("Rational", int(obj.p), int(obj.q))
    if t is sp.Float:
        sign, man, exp, _ = obj._mpf_
        return ("Float", int(sign), int(man), int(exp), int(obj._prec))
    if t is sp.Symbol:
        if not _NAME.fullmatch(obj.name):
            raise CacheError(f"symbol name {obj.name!r}: not a plain identifier")
        args, assumptions = obj.__getnewargs_ex__()  # the pickle protocol: Symbol(name, **assumptions as given)
        if args != (obj.name,):
            raise CacheError(f"symbol {obj.name!r}: unexpected constructor arguments")
        return ("Symbol", obj.name, tuple(sorted(assumptions.items())))
    return None


def _encode(value) -> dict:
    """The payload {"nodes", "value"} of ``value``; CacheError if it holds a type outside the whitelist."""
    nodes: list[list] = []
    index: dict[tuple, int] = {}   # node -> its position (each distinct node stored once)
    seen: dict[int, int] = {}      # id(SymPy object) -> position (the objects stay alive meanwhile)

    def add(node: tuple) -> int:
        if node not in index:
            index[node] = len(nodes)
            out = list(node)
            if node[0] == "Symbol":
                out[2] = dict(node[2])
            nodes.append(out)
        return index[node]

    def expr(root) -> int:
        stack = [(root, False)]
        while stack:  # post-order without recursion: children get their positions first
            obj, ready = stack.pop()
            if id(obj) in seen:
                continue
            if not isinstance(obj, sp.Basic):
                raise CacheError(f"cache value: {type(obj).__name__} is not a SymPy object")
            leaf = _leaf(obj)
            if leaf is not None:
                seen[id(obj)] = add(leaf)
                continue
            name = _OP_TYPES.get(type(obj))
            if name is None:
                raise CacheError(f"cache value: SymPy type {type(obj).__name__} is not in the whitelist")
            if not ready:
                stack.append((obj, True))
                stack.extend((a, False) for a in reversed(obj.args))
                continue
            seen[id(obj)] = add((name, *(seen[id(a)] for a in obj.args)))
        return seen[id(root)]

    def tree(v, depth: int):
        if depth > _MAX_DEPTH:
            raise CacheError("cache value: nested too deeply")
        if isinstance(v, (list, tuple)):
            return [tree(x, depth + 1) for x in v]
        return expr(v)

    return {"nodes": nodes, "value": tree(value, 0)}


def _decode(payload):
    """Rebuild the value of a payload with the whitelisted constructors (``evaluate=False``);
    CacheError on anything unknown or malformed."""
    if not isinstance(payload, dict) or set(payload) != {"nodes", "value"} or type(payload["nodes"]) is not list:
        raise CacheError("cache payload: wrong shape")
    built = []
    for node in payload["nodes"]:
        if type(node) is not list or not node or type(node[0]) is not str:
            raise CacheError("cache payload: a node is not [type, ...]")
        built.append(_decode_node(node[0], node[1:], len(built), built))

    def tree(v, depth: int):
        if depth > _MAX_DEPTH:
            raise CacheError("cache payload: nested too deeply")
        if type(v) is list:
            return tuple(tree(x, depth + 1) for x in v)
        if type(v) is int and 0 <= v < len(built):
            return built[v]
        raise CacheError("cache payload: a value is neither a node index nor a list")

    return tree(payload["value"], 0)


def _ints(fields, n: int) -> bool:
    return len(fields) == n and all(type(f) is int for f in fields)


def _decode_node(tag: str, fields: list, position: int, built: list):
    if tag in _OPS:
        cls, lo, hi = _OPS[tag]
        if len(fields) < lo or (hi is not None and len(fields) > hi) \
                or not all(type(i) is int and 0 <= i < position for i in fields):
            raise CacheError(f"cache payload: bad arguments of a {tag} node")
        args = [built[i] for i in fields]
        return cls(*args) if cls is ExprCondPair else cls(*args, evaluate=False)
    if tag in _CONSTANTS and not fields:
        return _CONSTANTS[tag]
    if tag == "Integer" and _ints(fields, 1):
        return sp.Integer(fields[0])
    if tag == "Rational" and _ints(fields, 2) and fields[1] > 1:
        out = sp.Rational(*fields)
        if (out.p, out.q) == tuple(fields):
            return out
    if tag == "Float" and _ints(fields, 4):
        sign, man, exp, prec = fields
        if sign in (0, 1) and man >= 0 and 0 < prec <= _MAX_PREC:
            out = sp.Float(0, precision=prec) if man == 0 else sp.Float((sign, man, exp), precision=prec)
            if type(out) is sp.Float and out._mpf_[:3] == (sign, man, exp) and out._prec == prec:
                return out  # exactly the stored binary value (a normalised mantissa)
    if tag == "Symbol" and len(fields) == 2 and type(fields[0]) is str and _NAME.fullmatch(fields[0]) \
            and type(fields[1]) is dict and all(k in _assume_defined and type(v) is bool
                                                for k, v in fields[1].items()):
        return sp.Symbol(fields[0], **fields[1])
    raise CacheError(f"cache payload: unknown or malformed node {tag!r}")


def _as_tuples(value):
    return tuple(_as_tuples(v) for v in value) if isinstance(value, (list, tuple)) else value


def _entry_bytes(key: str, value) -> bytes | None:
    """The entry file for ``value``, or None when it cannot be stored exactly (not cached)."""
    try:
        payload = _encode(value)
        back = _decode(payload)
        if back != value or _encode(back) != payload:
            return None  # would not come back identical: do not cache it
        entry = {"format": FORMAT, "version": VERSION, "sympy": sp.__version__, "key": key, "payload": payload}
        entry["sha256"] = hashlib.sha256(_canonical(entry)).hexdigest()
        data = _canonical(entry)
    except (CacheError, ValueError, TypeError, RecursionError):
        return None
    return data if len(data) <= MAX_ENTRY_BYTES else None


# --------------------------------------------------------------------------- numeric arrays

#: dtypes an array entry may hold (little-endian, fixed size; never object arrays)
ARRAY_DTYPES = frozenset({"<f8", "<c16", "<i8", "|b1", "|u1"})


def source_digest() -> str:
    """SHA-256 of the text of every ``.py`` file of the symenh package (sorted by path) and of the
    numpy version: a key part for values that depend on much of the package (a figure's arrays)."""
    import numpy as np

    root = Path(__file__).resolve().parent
    h = hashlib.sha256(f"numpy {np.__version__}".encode())
    for f in sorted(root.rglob("*.py")):
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def _encode_arrays(arrays: dict) -> dict:
    import base64

    import numpy as np

    out = {}
    for name, a in arrays.items():
        a = np.asarray(a)  # tobytes() is C order (ascontiguousarray would make a 0-d array 1-d)
        dt = a.dtype.newbyteorder("<") if a.dtype.byteorder == ">" else a.dtype
        if type(name) is not str or dt.str not in ARRAY_DTYPES:
            raise CacheError(f"cache arrays: {name!r} of dtype {a.dtype} is not storable")
        out[name] = {"dtype": dt.str, "shape": list(a.shape),
                     "data": base64.b64encode(a.astype(dt, copy=False).tobytes()).decode("ascii")}
    return {"arrays": out}


def _decode_arrays(payload) -> dict:
    """The arrays of a payload (``np.frombuffer`` of the stored bytes: nothing is unpickled or evaluated)."""
    import base64

    import numpy as np

    if not isinstance(payload, dict) or set(payload) != {"arrays"} or type(payload["arrays"]) is not dict:
        raise CacheError("cache payload: wrong shape")
    out = {}
    for name, item in payload["arrays"].items():
        if type(item) is not dict or set(item) != {"dtype", "shape", "data"} or item["dtype"] not in ARRAY_DTYPES \
                or type(item["shape"]) is not list or not all(type(n) is int and n >= 0 for n in item["shape"]) \
                or type(item["data"]) is not str:
            raise CacheError(f"cache payload: array {name!r} is malformed")
        raw = base64.b64decode(item["data"], validate=True)
        dt = np.dtype(item["dtype"])
        if len(raw) != dt.itemsize * int(np.prod(item["shape"], dtype=np.int64)):
            raise CacheError(f"cache payload: array {name!r} has the wrong size")
        out[name] = np.frombuffer(raw, dtype=dt).reshape(item["shape"]).copy()
    return out


def cached_arrays(key: str, build) -> dict:
    """Return ``build()`` (a dict of name -> numpy array of a dtype in :data:`ARRAY_DTYPES`), cached under
    ``key`` in the same folder, with the same checks and the same entry envelope as :func:`cached_exprs`
    (the payload holds each array's dtype, shape and base64 bytes).  On a hit the arrays are bit-identical
    to the ones stored; caching problems are never errors."""
    import numpy as np

    folder = _usable_dir()
    if folder is None:
        return build()
    path = folder / f"{hashlib.sha256(('arrays ' + key).encode()).hexdigest()}.json"
    value = _load(path, key, _decode_arrays)
    if value is not _NOT_CONSTRUCTED:
        return value
    value = {k: np.asarray(v) for k, v in build().items()}
    try:
        entry = {"format": FORMAT, "version": VERSION, "sympy": sp.__version__, "key": key,
                 "payload": _encode_arrays(value)}
        entry["sha256"] = hashlib.sha256(_canonical(entry)).hexdigest()
        data = _canonical(entry)
    except (CacheError, ValueError, TypeError):
        return value
    if len(data) <= MAX_ENTRY_BYTES:
        try:
            with atomic_path(path, mode=0o600) as tmp:
                tmp.write_bytes(data)
        except OSError:
            pass
    return value


__all__ = ["ARRAY_DTYPES", "FORMAT", "MAX_ENTRY_BYTES", "OFF_VALUES", "VERSION", "cache_dir", "cached_arrays",
           "cached_exprs", "make_key", "source_digest"]

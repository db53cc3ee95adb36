"""Write a file so that readers see the old or the new content, never half of it; and say
in the user's words why a path cannot be used.

Every output the project writes goes through :func:`write_text` (files) or a staging folder
swapped in whole (builds). Both use hidden temporary names beside the target
(``.view.html.ioe7y3kn.tmp``, ``.graph.new-x1y2``); an error about such a name is reported for
the target the user asked for (:func:`user_path`), never for the temporary file.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
from pathlib import Path

from graph.core.errors import FileAccessError
from graph.core.i18n import msg

#: Hidden temporary names beside a target: ``.NAME.xxxxxxxx.tmp`` (write_text),
#: ``.NAME.tmp-PID`` (ingest), ``.NAME.new-xxxxxxxx`` and ``.NAME.old`` (staged folders).
_TEMPORARY = re.compile(r"^\.(?P<name>.+?)\.(?:[A-Za-z0-9_]{8}\.tmp|tmp-\d+|new-[A-Za-z0-9_]+|old)$")


def user_path(path: str | os.PathLike) -> str:
    """The path the user named, for a temporary name beside it (else ``path`` unchanged).

    >>> user_path("/sys/.view.html.ioe7y3kn.tmp"), user_path("build/.graph.new-k2_x9a1b")
    ('/sys/view.html', 'build/graph')
    >>> user_path("data/.cooperations.ttl.tmp-4711"), user_path("build/view-partners.html")
    ('data/cooperations.ttl', 'build/view-partners.html')
    """
    text = os.fspath(path)
    head, name = os.path.split(text)
    match = _TEMPORARY.match(name)
    return os.path.join(head, match.group("name")) if match else text


#: errno -> catalogue keys of (what, fix); the texts name the user's path.
_REASONS = {
    errno.EACCES: ("core.file.permission", "core.file.permission_fix"),
    errno.EPERM: ("core.file.permission", "core.file.permission_fix"),
    errno.EROFS: ("core.file.read_only", "core.file.permission_fix"),
    errno.ENOENT: ("core.file.missing", "core.file.missing_fix"),
    errno.ENOTDIR: ("core.file.not_a_folder", "core.file.in_the_way_fix"),
    errno.EISDIR: ("core.file.is_a_folder", "core.file.is_a_folder_fix"),
    errno.EEXIST: ("core.file.not_a_folder", "core.file.in_the_way_fix"),  # mkdir: a file is in the way
    errno.ENOSPC: ("core.file.disk_full", "core.file.disk_full_fix"),
    errno.EDQUOT: ("core.file.disk_full", "core.file.disk_full_fix"),
    errno.ENAMETOOLONG: ("core.file.name_too_long", "core.file.name_too_long_fix"),
}


def file_error(error: OSError, path: str | os.PathLike | None = None, *, writing: bool = False) -> FileAccessError:
    """``error`` as a :class:`FileAccessError` that names the user's path (``path``, else the
    error's own file name mapped back from a temporary name) and the fix.

    >>> from graph.core.i18n import use
    >>> problem = file_error(PermissionError(13, "Permission denied", "/sys/.x.html.ioe7y3kn.tmp"), writing=True)
    >>> with use("de"):
    ...     print(problem)
    Die Datei /sys/x.html kann nicht geschrieben werden: keine Berechtigung.
      Behebung: Wählen Sie einen Ordner, in den Sie schreiben dürfen, z. B. einen unter ~/ikz/ (Option -o).
    >>> problem.exit_code
    2
    """
    shown = user_path(path if path is not None else (error.filename or ""))
    what, fix = _REASONS.get(error.errno, ("core.file.other", "core.file.other_fix"))
    if what == "core.file.permission" and not writing:
        what = "core.file.permission_read"
    reason = error.strerror or type(error).__name__
    return FileAccessError(msg(what, path=shown, reason=reason), path=shown, fix=msg(fix, path=shown))


def write_text(text: str, output: str | os.PathLike) -> Path:
    """Write ``text`` as UTF-8 atomically (temporary file in the same folder, fsync,
    ``os.replace``); the file gets the usual permissions. Returns the path.

    A path that cannot be written (no permission, a file in the way, disk full) raises a
    :class:`~graph.core.errors.FileAccessError` naming ``output``; nothing is left behind.
    """
    return write_bytes(text.encode("utf-8"), output)


def write_bytes(data: bytes, output: str | os.PathLike) -> Path:
    """Write ``data`` atomically, as :func:`write_text` does (an xlsx workbook, for one)."""
    path = Path(output)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise file_error(error, path, writing=True) from error
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException as error:  # Ctrl-C included: never leave the temporary file behind
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(error, OSError):
            raise file_error(error, path, writing=True) from error
        raise
    return path

"""One small exception hierarchy: every error says what, where and how to fix it.

``what`` and ``fix`` are catalogue messages (:class:`graph.core.i18n.Message`), so the same
error reads German by default and English under ``--lang en``; a plain string is accepted for
texts that are data (a parser's own words, a path).

Each class carries its exit code; the CLI maps an error to its code in one place
(:func:`exit_code`):

====  =========================================================================
0     done
1     the data has findings (SHACL violations, data checks): :class:`ValidationError`
2     bad input or usage; the user can fix it (the default of :class:`IKZError`,
      also :class:`FileAccessError`: an unwritable, missing or occupied path)
3     a failure we could not avoid (timeout, server unreachable) or an internal error
130   interrupted (Ctrl-C)
====  =========================================================================
"""

from __future__ import annotations

import errno

from graph.core.i18n import Message, render, t

#: OS errors that are the user's to fix even when they name no path (disk full, quota).
USER_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM})


class IKZError(Exception):
    """Base class of all errors IKZ-Graph reports to its users.

    ``str(error)`` is the complete message: what is wrong, where (file:line or the IRI) and
    how to fix it. The CLI prints it without a traceback and exits with ``exit_code``.
    """

    exit_code = 2  # a user error: the input must change

    def __init__(self, message: Message | str, *, where: str | None = None, fix: Message | str | None = None):
        self.message = message
        self.where = where
        self.fix_message = fix
        super().__init__(message)

    @property
    def what(self) -> str:
        """What is wrong, in the language in force."""
        return render(self.message)

    @property
    def fix(self) -> str | None:
        """How to fix it, in the language in force (None when there is nothing to say)."""
        return render(self.fix_message) if self.fix_message is not None else None

    def format(self, lang: str | None = None) -> str:
        """The complete message in ``lang`` (default: the language in force)."""
        what = render(self.message, lang)
        text = f"{self.where}: {what}" if self.where else what
        if self.fix_message is not None:
            text += f"\n  {t('core.error.fix', lang)}: {render(self.fix_message, lang)}"
        return text

    def __str__(self) -> str:
        return self.format()

    def __reduce__(self):  # errors cross the query worker's pipe whole (where and fix included)
        return _rebuild, (type(self), self.message, dict(self.__dict__))


def _rebuild(cls, message, state):
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


#: The exit codes (see the module's table).
EXIT_OK, EXIT_FINDINGS, EXIT_USER, EXIT_FAILURE, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def exit_code(error: BaseException) -> int:
    """The exit code of ``error``: its class's ``exit_code`` for our errors, 2 for OS errors
    about a path (the user's to fix), 130 for Ctrl-C and 3 for anything else (a bug).

    >>> exit_code(ValidationError("x")), exit_code(IKZError("x")), exit_code(KeyboardInterrupt())
    (1, 2, 130)
    >>> exit_code(PermissionError(13, "Permission denied", "/sys/x.html")), exit_code(ZeroDivisionError())
    (2, 3)
    """
    if isinstance(error, IKZError):
        return error.exit_code
    if isinstance(error, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if isinstance(error, OSError) and (error.filename is not None or error.errno in USER_ERRNOS):
        return EXIT_USER
    return EXIT_FAILURE


class ProjectError(IKZError):
    """The project layout is incomplete (no ontology/, no data/, a missing file)."""


class SourceDataError(IKZError):
    """A data, ontology or reference file cannot be read or says something impossible."""


class QuoteError(SourceDataError):
    """A quote does not occur (exactly once) in the text of its source document."""


class FileAccessError(IKZError):
    """A file or folder the user named cannot be read or written (no permission, missing,
    a file in the way, disk full). ``path`` is the user's path, never a temporary file."""

    def __init__(self, message: Message | str, *, path: str, where: str | None = None,
                 fix: Message | str | None = None):
        self.path = path
        super().__init__(message, where=where, fix=fix)


class ValidationError(IKZError):
    """The graph does not conform to the SHACL shapes; ``report`` holds the results."""

    exit_code = 1  # the data has findings

    def __init__(self, message: str, report=None, **kwargs):
        self.report = report
        super().__init__(message, **kwargs)

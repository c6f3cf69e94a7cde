"""What the template reader reports: each problem with its place, and the error raised for them.

:class:`TemplateInvalid` is a :class:`~domain.errors.DomainError`, so the command line shows its
``user_message`` (every problem, one per line) as it shows any other user error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.errors import DomainError

__all__ = ["TemplateError", "TemplateInvalid", "file_error"]


@dataclass(frozen=True)
class TemplateError:
    """One problem in a template: where (sheet, Excel row, column header) and what, in Vietnamese.

    ``sheet`` is ``""`` for problems with the file itself; ``row``/``column`` are ``None`` when the
    problem concerns a whole sheet or row. ``str()`` gives e.g.
    ``Chỉ tiêu, dòng 7, cột "Kiểu": "số thực" không hợp lệ — chọn: số, số nguyên, ...``.
    """

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.sheet] if self.sheet else []
        if self.row is not None:
            where.append(f"dòng {self.row}")
        if self.column is not None:
            where.append(f'cột "{self.column}"')
        return f"{', '.join(where)}: {self.message}" if where else self.message


class TemplateInvalid(DomainError):
    """A template cannot be imported; ``errors`` lists every problem, in sheet and row order.

    ``user_message`` is ``"File mẫu có N lỗi:"`` followed by one ``- ...`` line per error.
    """

    def __init__(self, errors: Sequence[TemplateError]) -> None:
        self.errors: list[TemplateError] = list(errors)
        lines = [f"File mẫu có {len(self.errors)} lỗi:", *(f"- {error}" for error in self.errors)]
        super().__init__("\n".join(lines))


def file_error(message: str) -> TemplateInvalid:
    """The error for a file that cannot be read at all (one problem, no sheet)."""
    return TemplateInvalid([TemplateError("", None, None, message)])

"""Why an upload is refused: a stable code for machines and a sentence a person can act on.

The codes are a contract (API error bodies, tests, translations): add new ones, never rename.
Messages are lazy so they are translated in the language of whoever reads them, when they
read them; ``params`` fill the ``%(name)s`` placeholders at that time.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from gongdao.errors import InvalidInput

MESSAGES: dict[str, Promise] = {
    "empty_file": _("The file is empty. Choose the file again and upload it."),
    "too_large": _(
        "The file is larger than %(limit_mb)s MB, the most allowed for %(category)s files. "
        "Upload a smaller or compressed copy."
    ),
    "type_not_allowed": _(
        "This kind of evidence cannot be a %(content_type)s file. Accepted here: %(allowed)s."
    ),
    "type_mismatch": _(
        "The file says it is %(claimed)s but its content is %(content_type)s. "
        "Upload the original file, not a renamed or converted one."
    ),
    "image_bomb": _(
        "The image has more than %(max_mp)s megapixels, too many to process safely. Upload a smaller copy."
    ),
    "truncated": _("The file did not arrive complete. Upload it again."),
    "unreadable_image": _("The image cannot be read; it may be damaged. Upload the original photo again."),
    "bad_filename": _(
        "The file name must be a plain name, without folders or control characters. Rename the file and "
        "upload it again."
    ),
    "filename_too_long": _(
        "The file name is longer than 255 characters. Rename the file with a shorter name and upload it again."
    ),
}

CODES: tuple[str, ...] = tuple(MESSAGES)


def _interpolate(template: Promise | str, params: dict[str, Any]) -> str:
    text = str(template)
    return text % params if params else text


_lazy_message = lazy(_interpolate, str)


class EvidenceRejected(InvalidInput):
    """An upload refused for a reason the uploader can fix; nothing of it is kept.

    ``message`` stays lazy: it is translated (and its ``params`` filled in) when read.
    """

    def __init__(self, code: str, message: Promise | str | None = None, **params: Any) -> None:
        if code not in MESSAGES:
            raise ValueError(f"unknown evidence rejection code {code!r}")
        template = MESSAGES[code] if message is None else message
        super().__init__(code, _lazy_message(template, params), field="file", **params)
        self.params = params

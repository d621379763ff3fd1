"""What every file reader receives and how it finishes: :class:`RawFile`.

A reader is a function ``RawFile -> Document`` (see :data:`sciwire.readers.READERS`). The
file's bytes, the id and name the Document gets, where it came from and the input limits
travel together in one :class:`RawFile`, so a new format is one function of one argument.

Example:
    >>> from sciwire.document import Metadata
    >>> raw = RawFile(b"ignored", id="mice", name="mice.txt")
    >>> text = "Mice that were fed only at night slept longer and woke up less often."
    >>> raw.document(text, default_kind="paper", title="Mice", metadata=Metadata()).kind
    'paper'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sciwire.config import InputConfig, load_config
from sciwire.document import Document, Metadata, Section
from sciwire.readers._checks import check_text, decode_text


def _configured_input() -> InputConfig:
    return load_config().input


@dataclass(frozen=True)
class RawFile:
    """A file handed to a reader.

    Attributes:
        data: The file's bytes.
        id: The id the Document gets (readers of Document JSON keep their own).
        name: The file name used in messages.
        source: Stored as ``metadata.source``.
        kind: ``"paper"`` or ``"news"``; None lets the reader choose its default.
        config: Input limits (``[input]`` of the resolved config by default).
    """

    data: bytes
    id: str
    name: str
    source: str | None = None
    kind: str | None = None
    config: InputConfig = field(default_factory=_configured_input)

    def decode(self) -> str:
        """The bytes decoded as text (UTF-8, or the charset they declare).

        Raises:
            InputError: When the data is binary (see :func:`~sciwire.readers._checks.decode_text`).
        """
        return decode_text(self.data, self.name)

    def document(
        self,
        text: str,
        *,
        default_kind: str,
        title: str,
        metadata: Metadata,
        sections: Sequence[Section] = (),
    ) -> Document:
        """The Document a reader returns, after the text checks every input passes.

        Raises:
            InputError: When the text is empty or too short.
            UnsupportedLanguageError: When the text is not English.
        """
        check_text(text, self.name, self.config)
        return Document(
            id=self.id,
            kind=self.kind or default_kind,
            title=title,
            text=text,
            metadata=metadata,
            sections=tuple(sections),
        )


#: A reader: the file in, a Document out.
Reader = Callable[[RawFile], Document]

"""Development mail capture: one `.eml` file per delivery in a folder (instance/mail by default),
written by the capture sender in the worker and read by the `/_dev/mail` pages.

Files, not a table, so that production's schema holds no development-only table. A repeated
delivery of one message makes a second file with the same Message-ID, as a real inbox would.
"""
from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

NAME_RE = re.compile(r"^[0-9]{8}T[0-9]{12}-[0-9a-f]{8}\.eml$")


@dataclass(frozen=True)
class CapturedMail:
    name: str
    captured_at: datetime
    to: str
    subject: str
    message_id: str
    language: str
    body: str


class MailCapture:
    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def store(self, message: EmailMessage) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        now = datetime.now(timezone.utc)
        name = f"{now:%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}.eml"
        temporary = self.directory / f".{name}.tmp"
        temporary.write_bytes(message.as_bytes(policy=policy.SMTP))
        os.replace(temporary, self.directory / name)  # readers never see half a file
        return name

    def names(self) -> list[str]:
        if not self.directory.is_dir():
            return []
        return sorted((p.name for p in self.directory.iterdir() if NAME_RE.match(p.name)),
                      reverse=True)

    def read(self, name: str) -> CapturedMail | None:
        if not NAME_RE.match(name):
            return None
        path = self.directory / name
        if not path.is_file():
            return None
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        body_part = message.get_body(preferencelist=("plain",))
        captured = datetime.strptime(name[:21], "%Y%m%dT%H%M%S%f").replace(tzinfo=timezone.utc)
        return CapturedMail(name=name, captured_at=captured, to=str(message["To"] or ""),
                            subject=str(message["Subject"] or ""),
                            message_id=str(message["Message-ID"] or ""),
                            language=str(message["Content-Language"] or ""),
                            body=body_part.get_content() if body_part else "")

    def latest(self, limit: int = 100) -> list[CapturedMail]:
        mails = (self.read(name) for name in self.names()[:limit])
        return [mail for mail in mails if mail is not None]

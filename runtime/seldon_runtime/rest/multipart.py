"""`multipart/form-data` requests turned into a SeldonMessage dict.

Follows seldon-core: a text field `strData` stays a string, every other text
field is JSON; a file field `binData` carries bytes, any other file is UTF-8
text. Parsed with the standard library's email parser (no Flask needed).
"""

from __future__ import annotations

import base64
from email.parser import BytesParser
from email.policy import HTTP

from ..errors import SeldonMicroserviceException
from ..jsonio import loads


def parse(body: bytes, content_type: str) -> dict:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise SeldonMicroserviceException("Invalid multipart/form-data body")
    out: dict = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        raw = part.get_payload(decode=True) or b""
        is_file = part.get_filename() is not None
        try:
            if is_file and name == "binData":
                out[name] = base64.b64encode(raw).decode()
            elif is_file or name == "strData":
                out[name] = raw.decode("utf-8")
            else:
                out[name] = loads(raw)
        except ValueError as exc:
            raise SeldonMicroserviceException(f"Invalid form field {name!r}: {exc}") from None
    return out

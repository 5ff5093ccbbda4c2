"""What an uploaded file may be, and the harmless copy of it that is stored.

The type is decided by the content, never by the name or the browser's word. Images are decoded
and encoded again, which drops EXIF (it holds the phone's GPS position) and anything hidden
after the image data; a file that only starts like an image fails to decode and is refused.
"""

import io
import re
import warnings
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

from massline.core.errors import InvalidInput

IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
"""Decoded format → stored type and extension. GIF is stored as PNG (its first frame)."""
PDF = ("application/pdf", "pdf")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\\\:*?\"<>|]+")


@dataclass(frozen=True)
class CleanFile:
    name: str
    content_type: str
    extension: str
    content: bytes


def _refuse(message: str, code: str = "bad_type") -> InvalidInput:
    return InvalidInput(message, field="file", code=code)


def display_name(raw: str, extension: str) -> str:
    """The name shown to people: the uploader's name, cleaned, ending in the real extension."""
    stem = _UNSAFE_NAME.sub("_", (raw or "").rsplit(".", 1)[0]).strip(" ._") or "附件"
    return f"{stem[:80]}.{extension}"


def _image(data: bytes) -> tuple[str, str, bytes]:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as img:
                source = img.format
                img.load()
                upright = ImageOps.exif_transpose(img)
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise _refuse("图片已损坏或格式不受支持。") from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refuse("图片尺寸过大。", "too_large") from None
    content_type, extension = IMAGE_FORMATS.get(source or "", IMAGE_FORMATS["PNG"])
    fmt = source if source in IMAGE_FORMATS else "PNG"
    if fmt == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    elif upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        upright = upright.convert("RGBA")
    out = io.BytesIO()
    upright.save(out, format=fmt, **({"quality": 90} if fmt in ("JPEG", "WEBP") else {}))
    return content_type, extension, out.getvalue()


def sanitise(upload) -> CleanFile:
    """Refuse what is too large or not an image/PDF; return what may be stored and served."""
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        limit = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise _refuse(f"附件不能超过{limit}MB。", "too_large")
    data = upload.read()
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise _refuse("PDF 文件不完整。")
        content_type, extension, content = *PDF, data
    elif (
        data[:3] == b"\xff\xd8\xff"
        or data[:8] == b"\x89PNG\r\n\x1a\n"
        or data[:4]
        in (
            b"GIF8",
            b"RIFF",
        )
    ):
        content_type, extension, content = _image(data)
    else:
        raise _refuse("附件只能是图片（JPG/PNG/GIF/WEBP）或PDF。")
    return CleanFile(display_name(upload.name, extension), content_type, extension, content)

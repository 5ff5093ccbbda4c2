"""A small HTTP client for black-box tests against the suite's live server (real sockets)."""

import http.cookiejar
import json
import urllib.error
import urllib.request
import uuid


class Browser:
    def __init__(self, base: str, token: str | None = None):
        self.base = base
        self.token = token
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def _send(self, req: urllib.request.Request, headers: dict | None):
        req.add_header("Referer", self.base + "/api/docs")
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        for key, value in (headers or {}).items():
            req.add_header(key, value)
        try:
            with self.opener.open(req, timeout=30) as res:
                return res.status, dict(res.headers), res.read()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read()

    def csrf(self) -> dict:
        """What the site's own pages send: the csrftoken cookie (any page sets it) as a header."""
        if self.cookie("csrftoken") is None:
            self.call("GET", "/api/docs")
        return {"X-CSRFToken": self.cookie("csrftoken")}

    def raw(self, method: str, path: str, data: bytes, content_type: str, headers=None):
        """A body as another site's form would send it: any bytes, any Content-Type."""
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", content_type)
        return self._send(req, headers)

    def call(self, method: str, path: str, body=None, headers: dict | None = None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        return self._send(req, headers)

    def json(self, method: str, path: str, body=None) -> tuple[int, dict]:
        status, _, raw = self.call(method, path, body)
        return status, json.loads(raw) if raw else {}

    def upload(self, path: str, name: str, data: bytes, content_type: str):
        boundary = uuid.uuid4().hex
        disposition = f'form-data; name="file"; filename="{name}"'
        body = (
            (
                f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
                f"Content-Type: {content_type}\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        req = urllib.request.Request(self.base + path, data=body, method="POST")
        req.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        return self._send(req, None)

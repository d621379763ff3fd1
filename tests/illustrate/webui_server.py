"""A local server that keeps the AUTOMATIC1111 WebUI API contract sciwire uses, and returns a real PNG.

``/sdapi/v1/samplers`` (GET), ``/sdapi/v1/options`` (GET, POST), ``/sdapi/v1/txt2img`` (POST) and
``/sdapi/v1/scripts`` (GET, which webuiapi asks for when it connects), with the WebUI's JSON shapes:
txt2img answers ``{"images": [base64 PNG], "parameters": {...the request...}, "info": "<JSON text>"}``.
``mode`` makes it misbehave: ``401`` (basic auth required), ``malformed`` (a body that is not
JSON), ``no image`` (an empty ``images`` list), ``bad image`` (base64 that is not an image).
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.httpfake import serve

SAMPLERS = [{"name": "Euler a", "aliases": ["k_euler_a"], "options": {}},
            {"name": "DPM++ 2M", "aliases": ["k_dpmpp_2m"], "options": {}}]  # fmt: skip
#: What txt2img must receive, and the type of each field.
REQUIRED = {"prompt": str, "negative_prompt": str, "seed": int, "steps": int, "cfg_scale": (int, float), "width": int,
            "height": int, "sampler_name": str, "styles": list, "enable_hr": bool, "hr_scale": (int, float),
            "denoising_strength": (int, float), "alwayson_scripts": dict}  # fmt: skip


def png(width: int, height: int) -> bytes:
    """A real PNG (a gradient) of the size asked for."""
    from PIL import Image

    image = Image.new("RGB", (width, height))
    image.putdata([(x * 255 // width, y * 255 // height, 128) for y in range(height) for x in range(width)])
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@dataclass
class WebUI:
    mode: str = "ok"
    auth: tuple[str, str] | None = None
    checkpoint: str = "v1-5-pruned-emaonly.safetensors [6ce0161689]"
    requests: list[tuple[str, str, Any]] = field(default_factory=list)

    def answer(self, method: str, path: str, body: Any, authorization: str | None) -> tuple[int, bytes]:
        self.requests.append((method, path, body))
        if self.auth is not None:
            token = base64.b64encode(f"{self.auth[0]}:{self.auth[1]}".encode()).decode()
            if authorization != f"Basic {token}":
                return 401, b'{"detail": "Not authenticated"}'
        if self.mode == "malformed":
            return 200, b"<html><body>Gateway error</body></html>"
        if (method, path) == ("GET", "/sdapi/v1/samplers"):
            return 200, json.dumps(SAMPLERS).encode()
        if (method, path) == ("GET", "/sdapi/v1/scripts"):
            return 200, b'{"txt2img": [], "img2img": []}'
        if (method, path) == ("GET", "/sdapi/v1/options"):
            return 200, json.dumps({"sd_model_checkpoint": self.checkpoint, "CLIP_stop_at_last_layers": 1}).encode()
        if (method, path) == ("POST", "/sdapi/v1/options"):
            self.checkpoint = body.get("sd_model_checkpoint", self.checkpoint)
            return 200, b"null"
        if (method, path) == ("POST", "/sdapi/v1/txt2img"):
            return self.txt2img(body)
        return 404, b'{"detail": "Not Found"}'

    def txt2img(self, body: Any) -> tuple[int, bytes]:
        wrong = [k for k, t in REQUIRED.items() if not isinstance(body, dict) or not isinstance(body.get(k), t)]
        if wrong:
            detail = [{"loc": ["body", k], "msg": "field required or wrong type", "type": "value_error"} for k in wrong]
            return 422, json.dumps({"detail": detail}).encode()
        if self.mode == "no image":
            return 200, json.dumps({"images": [], "parameters": body, "info": "{}"}).encode()
        image = b"not a png" if self.mode == "bad image" else png(body["width"] // 8, body["height"] // 8)
        seed = body["seed"] if body["seed"] != -1 else 123456
        info = {"prompt": body["prompt"], "seed": seed, "sd_model_name": self.checkpoint.split(".")[0],
                "sampler_name": body["sampler_name"], "steps": body["steps"]}  # fmt: skip
        out = {"images": [base64.b64encode(image).decode()], "parameters": body, "info": json.dumps(info)}
        return 200, json.dumps(out).encode()


@contextmanager
def running(webui: WebUI) -> Iterator[int]:
    """Serve ``webui`` on 127.0.0.1; yields the port."""

    def answer(method: str, path: str, body: Any, headers: Mapping[str, str]) -> tuple[int, bytes]:
        return webui.answer(method, path, body, headers.get("Authorization"))

    with serve(answer) as url:
        yield int(url.rsplit(":", 1)[1])

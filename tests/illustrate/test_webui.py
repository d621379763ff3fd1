"""The real webuiapi client against a server that keeps the WebUI's /sdapi/v1 contract."""

from __future__ import annotations

import io
import json

import pytest

from sciwire.config import IllustrateConfig
from sciwire.errors import IllustrationError
from sciwire.illustrate.webui import txt2img
from tests.illustrate.webui_server import WebUI, running
from tests.llm.conftest import free_port

pytest.importorskip("webuiapi", reason="the llm extra (webuiapi) is not installed")


def config(port: int, **kw) -> IllustrateConfig:
    return IllustrateConfig(port=port, steps=4, width=256, height=192, **kw)


def test_an_image_with_every_setting_sent():
    from PIL import Image

    webui = WebUI()
    scripts = json.dumps({"ControlNet": {"args": []}})
    settings = dict(seed=7, styles="flat, pastel", enable_hr=True, hr_scale=1.5, cfg_scale=5.5, sampler="DPM++ 2M",
                    alwayson_scripts=scripts, model="sdxl.safetensors")  # fmt: skip
    with running(webui) as port:
        image = txt2img("sleep, mice", "text", config(port, **settings))
    picture = Image.open(io.BytesIO(image.png))
    assert picture.format == "PNG" and picture.size == (32, 24)
    assert image.model == "sdxl.safetensors" and image.seed == 7
    sent = next(body for method, path, body in webui.requests if path == "/sdapi/v1/txt2img")
    assert (sent["prompt"], sent["negative_prompt"], sent["seed"], sent["steps"]) == ("sleep, mice", "text", 7, 4)
    assert sent["sampler_name"] == "DPM++ 2M" and sent["styles"] == ["flat", "pastel"] and sent["cfg_scale"] == 5.5
    assert (
        sent["enable_hr"] is True
        and sent["hr_scale"] == 1.5
        and sent["alwayson_scripts"] == {"ControlNet": {"args": []}}
    )
    assert ("POST", "/sdapi/v1/options", {"sd_model_checkpoint": "sdxl.safetensors"}) in webui.requests


def test_basic_auth(monkeypatch):
    monkeypatch.setenv("SD_PASSWORD", "s3cret")
    with running(WebUI(auth=("ana", "s3cret"))) as port:
        assert txt2img("p", "n", config(port, username="ana", password_env="SD_PASSWORD")).png.startswith(b"\x89PNG")
    monkeypatch.setenv("SD_PASSWORD", "wrong")
    with (
        running(WebUI(auth=("ana", "s3cret"))) as port,
        pytest.raises(
            IllustrationError,
            match=r"refused the credentials \(HTTP 401\); set illustrate.username and illustrate.password_env",
        ),
    ):
        txt2img("p", "n", config(port, username="ana", password_env="SD_PASSWORD"))
    with pytest.raises(IllustrationError, match="no password"):
        txt2img("p", "n", config(1, username="ana", password_env="NOT_SET_ANYWHERE"))


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("401", r"refused the credentials \(HTTP 401\)"),
        ("malformed", r"gave a malformed answer"),
        ("no image", r"answered without an image"),
        ("bad image", r"malformed answer|cannot be decoded"),
    ],
)
def test_failures_are_one_line(mode, message):
    webui = WebUI(auth=("x", "y")) if mode == "401" else WebUI(mode=mode)
    with running(webui) as port, pytest.raises(IllustrationError, match=message) as info:
        txt2img("p", "n", config(port))
    assert "\n" not in str(info.value)


def test_server_down_and_unknown_sampler():
    with pytest.raises(
        IllustrationError, match=r"^Cannot reach the Stable Diffusion WebUI at http://127.0.0.1:\d+/sdapi/v1"
    ):
        txt2img("p", "n", config(free_port()))
    with (
        running(WebUI()) as port,
        pytest.raises(IllustrationError, match=r"'Heun' is not offered.*Euler a, DPM\+\+ 2M"),
    ):
        txt2img("p", "n", config(port, sampler="Heun"))

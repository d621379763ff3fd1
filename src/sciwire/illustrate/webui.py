"""A thin adapter to an AUTOMATIC1111 Stable Diffusion WebUI through the ``webuiapi`` client.

:func:`txt2img` checks the sampler (``/sdapi/v1/samplers``), selects the checkpoint when one is
configured and reads the one in use (``/sdapi/v1/options``), then calls ``/sdapi/v1/txt2img``.
Every failure (down, 401, timeout, malformed answer, no image) is one
:class:`~sciwire.errors.IllustrationError` line.
"""

from __future__ import annotations

import functools
import io
import json
import logging
import os
from dataclasses import dataclass
from typing import Any

from sciwire.config import IllustrateConfig
from sciwire.errors import IllustrationError, MissingDependencyError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WebUIImage:
    """What the WebUI made: the PNG bytes, the checkpoint in use and the seed it reports."""

    png: bytes
    model: str
    seed: int
    info: dict[str, Any]


def url_of(config: IllustrateConfig) -> str:
    """The WebUI's API base URL (no credentials)."""
    return f"{'https' if config.https else 'http'}://{config.host}:{config.port}/sdapi/v1"


def _client(config: IllustrateConfig) -> Any:
    try:
        import requests
        import webuiapi
    except ImportError as exc:
        raise MissingDependencyError("webuiapi", "Illustrations through a Stable Diffusion WebUI", extra="llm") from exc
    password = os.environ.get(config.password_env, "") if config.password_env else ""
    if config.username and not password:
        raise IllustrationError(
            f"illustrate.username is set but no password: set illustrate.password_env to the name of an environment "
            f"variable holding it (got {config.password_env!r})"
        )
    api = webuiapi.WebUIApi(
        host=config.host,
        port=config.port,
        use_https=config.https,
        sampler=config.sampler,
        steps=config.steps,
        username=config.username or None,
        password=password or None,
    )
    api.session.request = functools.partial(api.session.request, timeout=config.timeout_s)  # every call bounded
    return api, requests


def _fail(exc: BaseException, config: IllustrateConfig) -> IllustrationError:
    where = f"The Stable Diffusion WebUI at {url_of(config)}"
    name = type(exc).__name__
    if name in ("ConnectionError", "ConnectTimeout") or "Connection refused" in str(exc):
        return IllustrationError(
            f"Cannot reach the Stable Diffusion WebUI at {url_of(config)}; is it running with --api?"
        )
    if "Timeout" in name:
        return IllustrationError(f"{where} did not answer within illustrate.timeout_s={config.timeout_s:g} s")
    if isinstance(exc, RuntimeError) and exc.args and exc.args[0] in (401, 403):
        return IllustrationError(
            f"{where} refused the credentials (HTTP {exc.args[0]}); set illustrate.username and illustrate.password_env"
        )
    if isinstance(exc, RuntimeError) and len(exc.args) == 2 and isinstance(exc.args[0], int):
        return IllustrationError(f"{where} answered HTTP {exc.args[0]}: {' '.join(str(exc.args[1]).split())[:200]}")
    return IllustrationError(f"{where} gave a malformed answer ({name}: {' '.join(str(exc).split())[:200]})")


def _get(api: Any, method: str, config: IllustrateConfig) -> Any:
    """``api.method()`` with HTTP errors raised (webuiapi's getters do not check the status)."""
    response = api.session.get(url=f"{api.baseurl}/{method}")
    if response.status_code != 200:
        raise RuntimeError(response.status_code, response.text)
    return response.json()


def _check_sampler(api: Any, config: IllustrateConfig) -> None:
    samplers = [str(s.get("name")) for s in _get(api, "samplers", config) if isinstance(s, dict)]
    if samplers and config.sampler not in samplers:
        raise IllustrationError(
            f"illustrate.sampler {config.sampler!r} is not offered by the WebUI; it offers: {', '.join(samplers)}"
        )


def preflight(config: IllustrateConfig) -> None:
    """Check that the WebUI answers and offers the sampler, before any slow work.

    Raises:
        IllustrationError: As :func:`txt2img`.
    """
    api, requests = _client(config)
    try:
        _check_sampler(api, config)
    except IllustrationError:
        raise
    except (requests.RequestException, RuntimeError, ValueError, TypeError, KeyError, AttributeError, OSError) as exc:
        raise _fail(exc, config) from exc


def txt2img(prompt: str, negative_prompt: str, config: IllustrateConfig) -> WebUIImage:
    """One image for ``prompt`` from the WebUI that ``config`` names.

    Raises:
        IllustrationError: On any failure, in one line.
        MissingDependencyError: When ``webuiapi`` is not installed.
    """
    api, requests = _client(config)
    try:
        _check_sampler(api, config)
        if config.model:
            api.set_options({"sd_model_checkpoint": config.model})
        options = _get(api, "options", config)
        model = str(options.get("sd_model_checkpoint", "")) if isinstance(options, dict) else ""
        scripts = json.loads(config.alwayson_scripts) if config.alwayson_scripts.strip() else {}
        styles = [s.strip() for s in config.styles.split(",") if s.strip()]
        result = api.txt2img(prompt=prompt, negative_prompt=negative_prompt, seed=config.seed, steps=config.steps,
                             sampler_name=config.sampler, cfg_scale=config.cfg_scale, width=config.width,
                             height=config.height, styles=styles, enable_hr=config.enable_hr, hr_scale=config.hr_scale,
                             hr_upscaler=config.hr_upscaler, denoising_strength=config.denoising_strength,
                             alwayson_scripts=scripts)  # fmt: skip
    except IllustrationError:
        raise
    except (requests.RequestException, RuntimeError, ValueError, TypeError, KeyError, AttributeError, OSError) as exc:
        raise _fail(exc, config) from exc
    if not result.images:
        raise IllustrationError(f"The Stable Diffusion WebUI at {url_of(config)} answered without an image")
    buffer = io.BytesIO()
    try:
        result.images[0].save(buffer, format="PNG")
    except (OSError, ValueError) as exc:
        raise IllustrationError(f"The WebUI's image cannot be decoded as an image: {exc}") from exc
    info = result.info if isinstance(result.info, dict) else {}
    seed = info.get("seed", config.seed)
    return WebUIImage(buffer.getvalue(), model or "unknown", int(seed) if isinstance(seed, int) else config.seed, info)

"""AI-generated illustrations of a paper through a Stable Diffusion WebUI (``sciwire illustrate``)."""

from sciwire.illustrate.api import Illustration, illustrate
from sciwire.illustrate.prompt import ImagePrompt, build_prompt

__all__ = ["Illustration", "ImagePrompt", "build_prompt", "illustrate"]

"""``illustrate``: an AI-generated illustration of a paper, saved with its receipt and caption.

Writes ``illustration.png``, ``illustration.json`` (the receipt: prompt, negative prompt, seed,
model, sampler and every setting sent, the WebUI URL without credentials) and
``illustration.txt`` (the caption, which says the image is AI-generated).

Example:
    >>> from sciwire.examples import paper_path
    >>> result = illustrate(paper_path(), out_dir="out")   # doctest: +SKIP
    >>> result.caption.startswith("AI-generated illustration")  # doctest: +SKIP
    True
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sciwire.analysis import FIDELITY, KEYPHRASES
from sciwire.config import Config, load_config
from sciwire.errors import OutputError
from sciwire.illustrate.prompt import ImagePrompt, build_prompt
from sciwire.illustrate.webui import preflight, txt2img, url_of
from sciwire.version import __version__

FILES = ("illustration.png", "illustration.json", "illustration.txt")


@dataclass(frozen=True)
class Illustration:
    """The files written and what they say."""

    png: Path
    receipt: Path
    caption_file: Path
    caption: str
    prompt: ImagePrompt


def caption_for(prompt: ImagePrompt, model: str, paper_title: str) -> str:
    """The caption shown with the image: AI-generated, by which model, from what."""
    about = f" for {paper_title!r}" if paper_title else ""
    return (
        f"AI-generated illustration{about} (Stable Diffusion, checkpoint {model}); not a figure from the paper. "
        f"Prompt built by sciwire from the paper's keyphrases: {', '.join(prompt.phrases) or 'its title'}."
    )


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def illustrate(
    paper: str | os.PathLike[str],
    story: str | os.PathLike[str] | None = None,
    out_dir: str | os.PathLike[str] = "sciwire-illustration",
    config: Config | None = None,
) -> Illustration:
    """Read and analyse the paper (keyphrases, findings), build the prompt, call the WebUI, save.

    Args:
        paper: The paper.
        story: A news story; the paper keyphrases it mentions lead the prompt (its text never enters it).
        out_dir: Folder for the three files.
        config: Settings; ``[illustrate]`` names the WebUI and the sampling settings.

    Raises:
        InputError: When the paper or story cannot be read.
        IllustrationError: When the WebUI fails (one line); nothing is written then.
        OutputError: When the folder cannot be written.
    """
    from sciwire.pipeline import analyze, read_inputs

    config = config or load_config()
    preflight(config.illustrate)  # a WebUI that is down fails before the analysis, not after
    paper_doc, stories = read_inputs(paper, [story] if story is not None else [], config)
    analysis = analyze(paper_doc, stories, config, steps=[FIDELITY, KEYPHRASES])
    prompt = build_prompt(analysis.paper, analysis.stories[0] if analysis.stories else None)
    settings = config.illustrate
    image = txt2img(prompt.prompt, settings.negative_prompt, settings)
    caption = caption_for(prompt, image.model, analysis.paper.title or "")
    receipt: dict[str, Any] = {
        "caption": caption,
        "prompt": prompt.prompt,
        "negative_prompt": settings.negative_prompt,
        "seed": image.seed,
        "model": image.model,
        "sampler": settings.sampler,
        "keyphrases": list(prompt.phrases),
        "keyphrases_in_findings": list(prompt.from_findings),
        "keyphrases_the_story_mentions": list(prompt.story_mentions),
        "paper": analysis.paper.id,
        "story": analysis.stories[0].id if analysis.stories else None,
        "webui": url_of(settings),
        "settings": {k: v for k, v in asdict(settings).items() if k not in ("password_env", "username")},
        "sciwire_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    out = Path(out_dir)
    paths = [out / name for name in FILES]
    try:
        out.mkdir(parents=True, exist_ok=True)
        _write(paths[0], image.png)
        _write(paths[1], (json.dumps(receipt, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
        _write(paths[2], (caption + "\n").encode("utf-8"))
    except OSError as exc:
        raise OutputError(f"Cannot write the illustration to {out}: {exc.strerror or exc}") from exc
    return Illustration(paths[0], paths[1], paths[2], caption, prompt)

"""Fonts on this computer that can write a text: Chinese and Russian words burnt into evidence images, and the
check ``ozon-rpa setup`` makes that Chinese pages (the portal in Chinese, the report) will not show empty boxes.

Pillow's own font writes Latin only. A font is looked for where each OS keeps its own: fontconfig's list on Linux
(``fc-list``), then the usual files (Windows: Microsoft YaHei, SimHei, Segoe UI; macOS: PingFang, Hiragino Sans GB,
Arial Unicode; Linux: Noto Sans CJK, WenQuanYi, Droid Sans Fallback, DejaVu Sans). A font counts only when it
really has a glyph for every character asked (a missing glyph draws the same box as a private-use character).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from agent.core.i18n import N_, _

#: Words the check of Chinese fonts writes (simplified Chinese, as the portal and the report show it).
CHINESE_SAMPLE = "货件跟踪号修改证据报告"
#: A character no font draws: what a missing glyph looks like in a font.
_NO_GLYPH = "\U0010fffd"

_WINDOWS_FONTS = (Path("C:/Windows/Fonts"), Path.home() / "AppData/Local/Microsoft/Windows/Fonts")
_MAC_FONTS = (Path("/System/Library/Fonts"), Path("/System/Library/Fonts/Supplemental"), Path("/Library/Fonts"),
              Path.home() / "Library/Fonts")
_LINUX_FONTS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts",
                Path.home() / ".fonts")
#: File names of fonts known to write Chinese (first) and Cyrillic, per OS, most suitable first.
KNOWN_FILES = {
    "win32": ("msyh.ttc", "msyh.ttf", "simhei.ttf", "simsun.ttc", "Deng.ttf", "segoeui.ttf", "arial.ttf"),
    "darwin": ("PingFang.ttc", "Hiragino Sans GB.ttc", "STHeiti Light.ttc", "Arial Unicode.ttf", "Helvetica.ttc"),
    "linux": ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "wqy-microhei.ttc", "wqy-zenhei.ttc",
              "DroidSansFallbackFull.ttf", "DejaVuSans.ttf", "LiberationSans-Regular.ttf"),
}


#: How to get fonts for Chinese, per OS.
CHINESE_FONT_FIXES = {
    "win32": N_("add Chinese (Simplified) in Settings > Time & language > Language & region (it brings its fonts)"),
    "darwin": N_("Chinese fonts come with macOS: restore them in Font Book (File > Restore Standard Fonts)"),
    "linux": N_("install them: sudo apt-get install -y fonts-noto-cjk (Debian, Ubuntu) or "
                "sudo dnf install -y google-noto-sans-cjk-fonts (Fedora)"),
}


@dataclass(frozen=True)
class FontFile:
    """A font file, and which face of a collection (``.ttc``) to use."""

    path: Path
    index: int = 0

    def describe(self) -> str:
        """The file, for people."""
        return str(self.path) if not self.index else f"{self.path} (#{self.index})"


def _fontconfig(text: str) -> list[FontFile]:
    """Fonts fontconfig says support the language of ``text`` (Linux, and macOS with fontconfig installed)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    language = "zh-cn" if any("\u4e00" <= c <= "\u9fff" for c in text) else "ru" if any(
        "\u0400" <= c <= "\u04ff" for c in text) else "en"
    try:
        listed = subprocess.run([fc_list, "--format", "%{file}|%{index}|%{family[0]}|%{style[0]}\n",
                                 f":lang={language}"], capture_output=True, text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    ranked = []
    for line in listed.splitlines():
        path, index, family, style = (line.split("|") + ["", "", ""])[:4]
        if path.lower().endswith((".ttf", ".ttc", ".otf", ".otc")):
            # A regular, proportional sans face first; of a CJK collection, its simplified Chinese face.
            rank = (style != "Regular", "Mono" in family, "Sans" not in family,
                    language == "zh-cn" and not family.endswith(" SC"))
            ranked.append((rank, FontFile(Path(path), int(index) if index.isdigit() else 0)))
    return [font for _rank, font in sorted(ranked, key=lambda item: item[0])]


def _known_files() -> list[FontFile]:
    platform = sys.platform if sys.platform in KNOWN_FILES else "linux"
    folders = {"win32": _WINDOWS_FONTS, "darwin": _MAC_FONTS}.get(platform, _LINUX_FONTS)
    found = []
    for name in KNOWN_FILES[platform]:
        for folder in folders:
            direct = folder / name
            hits = [direct] if direct.is_file() else (sorted(folder.rglob(name)) if platform == "linux"
                                                      and folder.is_dir() else [])
            found += [FontFile(hit, 2 if hit.name.startswith("NotoSansCJK") else 0) for hit in hits[:1]]
    return found


def _writes(font: ImageFont.FreeTypeFont, text: str) -> bool:
    """Whether ``font`` has a glyph of its own for every character of ``text`` (spaces aside)."""
    missing = _drawn(font, _NO_GLYPH)
    return all(_drawn(font, c) != missing for c in set(text) if not c.isspace())


def _drawn(font: ImageFont.FreeTypeFont, character: str) -> tuple[tuple[int, int], bytes]:
    left, top, right, bottom = (int(v) for v in font.getbbox(character))
    picture = Image.new("L", (max(1, right - left), max(1, bottom - top)))
    ImageDraw.Draw(picture).text((-left, -top), character, font=font, fill=255)
    return picture.size, picture.tobytes()


def _load(font_file: FontFile, size: int) -> ImageFont.FreeTypeFont | None:
    try:
        return ImageFont.truetype(str(font_file.path), size, index=font_file.index)
    except OSError:
        try:  # a collection with fewer faces than guessed: its first face
            return ImageFont.truetype(str(font_file.path), size) if font_file.index else None
        except OSError:
            return None


def font_file_for(text: str) -> FontFile | None:
    """A font file on this computer that writes every character of ``text``; None when there is none."""
    return _font_file_for(frozenset(c for c in text if ord(c) > 127))


@cache  # fonts do not come and go during a run; the search reads files, so it is made once per set of characters
def _font_file_for(characters: frozenset[str]) -> FontFile | None:
    text = "".join(sorted(characters))
    for candidate in _fontconfig(text) + _known_files():
        font = _load(candidate, 16)
        if font is not None and _writes(font, text):
            return candidate
    return None


@cache
def font_for(text: str, size: int) -> ImageFont.FreeTypeFont | None:
    """A font of ``size`` pixels that writes every character of ``text`` (cache per text: call with the words
    that vary by language, not with every value); None when this computer has none."""
    found = font_file_for(text)
    return _load(found, size) if found is not None else None


def chinese_font() -> FontFile | None:
    """A font that writes simplified Chinese, or None: pages and evidence in Chinese would show empty boxes."""
    return font_file_for(CHINESE_SAMPLE)


def chinese_font_fix(platform: str = sys.platform) -> str:
    """How to get fonts that write Chinese on ``platform`` (``sys.platform``), in the operator's language."""
    return _(CHINESE_FONT_FIXES.get(platform, CHINESE_FONT_FIXES["linux"]))

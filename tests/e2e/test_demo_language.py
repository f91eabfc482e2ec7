"""``OZON_RPA_UI_LANG=zh ozon-rpa demo`` reads Chinese from start to end, ``ru`` Russian: the sandbox line, the log
lines, the plan table and its reasons, the progress, the summary and the closing lines. Run as a user runs it (its
own process, console and logs together) on a few rows of the sample: a typo, a missing posting and a repeat among
them, so the rejections' reasons are read too."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "samples" / "tracking-changes-gbk.csv"
#: Rows of the sample (1 = the header): three changes, the typo (6), the missing posting (17), a repeat of row 4 (22).
ROWS = (1, 2, 3, 4, 6, 17, 22)
#: Latin words that may stand in any language: names of files and formats, the command itself.
ALLOWED = {"ozon", "rpa", "csv", "xlsx", "html", "report", "results", "plan", "json"}
EXPECTED = {"zh": ["沙盒后台", "已登录为", "的计划", "汇总：", "与第", "行重复", "未找到", "已修改", "货件数", "报告：",
                   "被拒绝的行"],
            "ru": ["тестовый кабинет", "вход выполнен как", "план по файлу", "итого:", "повтор строки", "не найдено",
                   "изменено", "отправлений", "отчёт:", "отклонённые строки"]}


def few_rows(folder: Path) -> Path:
    """The chosen rows of the sample, in its own encoding (GBK) and Chinese headers."""
    lines = SAMPLE.read_bytes().decode("gbk").splitlines()
    small = folder / "few.csv"
    small.write_bytes("\r\n".join(lines[n - 1] for n in ROWS).encode("gbk"))
    return small


def latin_words(output: str) -> list[str]:
    """Lower-case Latin words of the output, leaving out paths, URLs, file names, codes and hashes."""
    words = [w for w in output.split() if not re.search(r"[/._\-0-9]", w)]
    return sorted({m.lower() for w in words for m in re.findall(r"(?<![A-Za-z])[a-z]{3,}(?![A-Za-z])", w)} - ALLOWED)


@pytest.mark.parametrize("lang", ["zh", "ru"])
def test_the_demo_should_speak_the_operators_language_from_start_to_end(lang: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OZON_RPA_")}
    env.update({"OZON_RPA_UI_LANG": lang, "COLUMNS": "300"})
    done = subprocess.run([sys.executable, "-m", "agent", "--state-dir", str(tmp_path / "state"), "demo", "--file",
                           str(few_rows(tmp_path)), "--workers", "1"], capture_output=True, text=True, env=env,
                          timeout=300, check=False, stdin=subprocess.DEVNULL)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    squashed = re.sub(r"\s+", " ", output)
    for text in EXPECTED[lang]:
        assert text in squashed, f"{text!r} missing:\n{output}"
    english = latin_words(output)
    assert english == [], f"still English: {english}\n{output}"

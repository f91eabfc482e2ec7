"""A front end that names the buyer again without a label: the change's pictures still show none of it.

Another portal's drawer may carry the buyer in its header ("Иванов Иван · Москва, …") besides the labelled
fields. The masking finds values beside their labels; the change scenario also hands it the name and address it
read from the drawer, so they are painted over wherever they show. Here a script of the page adds such a header,
in pure red, to every drawer the portal opens; any red pixel left in a kept picture is the buyer in clear.
Runs on every front end in ``--skins``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.core.records import ChangeRequest, Outcome
from agent.core.settings import Settings
from tests.conftest import Oracle, run_in_thread
from tests.e2e.test_change import s10
from tests.evidence_check import red_pixels

pytestmark = [pytest.mark.e2e, pytest.mark.every_skin]  # masking: on every front end

#: Adds a red, unlabelled "name · address" line on top of each dialog (a drawer) or page section (the inline skin's
#: details) that shows up, and again after re-renders.
HEADER = """
(() => {
  const line = %s;
  const add = () => document.querySelectorAll('[role=dialog], dialog, main section').forEach(d => {
    if (d.querySelector('[data-unlabelled-buyer]')) return;
    const p = document.createElement('p');
    p.setAttribute('data-unlabelled-buyer', '');
    p.style.cssText = 'color:#f00;font:bold 22px sans-serif;margin:8px';
    p.textContent = line;
    d.prepend(p);
  });
  new MutationObserver(add).observe(document, {childList: true, subtree: true});
})();
"""


def test_change_pictures_should_paint_over_the_buyer_named_without_a_label(
    sandbox: Oracle, agent_settings: Settings
) -> None:
    posting = sandbox.postings(editable=True, limit=12)[11]
    number = posting["posting_number"]
    truth = sandbox.posting(number)
    line = f"{truth['buyer_name']} · {truth['address']}"
    header = HEADER % repr(line)

    def change() -> tuple[Outcome, list[Path], int]:
        from agent.runner import run_change, workbench

        with workbench(agent_settings) as bench:  # in a thread of its own, as the CLI runs it (no asyncio loop)
            bench.context.add_init_script(header)
            run, result = run_change(bench, ChangeRequest(posting_number=number, new_tracking=s10(13_000_090)))
            # The control: the page really shows the red header (else the check below proves nothing).
            shown = bench.portal.page.evaluate("document.querySelectorAll('[data-unlabelled-buyer]').length")
        return result.outcome, [agent_settings.runs_dir / run.id / name for name in result.evidence], shown

    outcome, evidence, shown = run_in_thread(change)

    assert outcome == Outcome.CHANGED
    assert shown >= 1
    assert [path.name for path in evidence] == ["before.jpg", "after.jpg"]
    assert [red_pixels(path) for path in evidence] == [0, 0]

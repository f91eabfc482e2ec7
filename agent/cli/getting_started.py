"""Commands to get started: ``sandbox`` (serve the sandbox back-office), ``doctor`` and ``demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.markup import escape
from rich.table import Table

from agent.cli.alerting import alerts_check
from agent.cli.shared import ask_code, console, exit_for, fail, print_json, settings_from
from agent.core.browser.choice import choose_browser
from agent.core.browser.portal_check import PortalUnreachable, check_portal
from agent.core.errors import AgentError
from agent.core.i18n import _, ngettext, pgettext
from agent.core.records import ExitCode
from agent.preflight import check_input_file, check_posting_number, check_setup


def sandbox(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port; 0 picks a free one.")] = 8400,
    db: Annotated[Path | None, typer.Option(help="SQLite file to keep state across restarts.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the generated postings.")] = 42,
    postings: Annotated[int, typer.Option(help="How many postings to generate.")] = 300,
    latency_ms: Annotated[int, typer.Option(help="Added to every API call (with jitter).")] = 0,
    fail_rate: Annotated[float, typer.Option(help="Share of saves answered 503 and not applied.")] = 0.0,
    ack_loss_rate: Annotated[float, typer.Option(help="Share of saves applied but answered 504.")] = 0.0,
    session_ttl: Annotated[int, typer.Option(help="Seconds a session lives.")] = 86400,
    antibot_rate: Annotated[float, typer.Option(help="Share of page loads answered by the challenge.")] = 0.0,
    list_delay_ms: Annotated[int, typer.Option(help="Extra delay of the orders list.")] = 0,
    chat_subscription: Annotated[bool, typer.Option(help="The account has the chat subscription.")] = True,
    skin: Annotated[Literal["classic", "modern", "inline"],
                    typer.Option(help="Front end: classic, modern (a production-UI-kit DOM), or inline (details as a "
                                      "page section, the number edited in place).")] = "classic",
) -> None:
    """Serve the sandbox back-office (the default target of every command and test)."""
    from fixtures.sandbox.config import SandboxConfig
    from fixtures.sandbox.server import serve

    config = SandboxConfig(seed=seed, postings=postings, db=db, latency_ms=latency_ms,
                           latency_jitter_ms=latency_ms // 5, fail_rate=fail_rate, ack_loss_rate=ack_loss_rate,
                           session_ttl=session_ttl, antibot_rate=antibot_rate, list_delay_ms=list_delay_ms,
                           chat_subscription=chat_subscription, skin=skin)
    serve(config, host=host, port=port)


def doctor(
    ctx: typer.Context,
    live: Annotated[bool, typer.Option(help="Also walk the portal read-only and check every control.")] = True,
    posting: Annotated[str | None, typer.Option(
        help="Check the details and the tracking editor of this posting (default: the first editable one).")] = None,
    otp_source: Annotated[str | None, typer.Option(help="prompt or sandbox (OZON_RPA_OTP_SOURCE).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
) -> None:
    """Check the browser, the settings, the session and (read-only) that every page object finds its controls."""
    from agent.runner import workbench
    from scenarios.ui_check import check_ui

    settings = settings_from(ctx, otp_source=otp_source)
    checks: list[tuple[str, bool, str]] = []
    try:
        if posting is not None:
            check_posting_number(posting)
        checks.append(("browser", True, choose_browser(settings).describe()))
        check_setup(settings)
        checks.append(("settings", True, _("{url} (portal language {lang}, state {state})", url=settings.base_url,
                                           lang=settings.lang, state=settings.state_dir)))
        checks.append(alerts_check(settings))  # where alerts go: service and host only, never a token
    except AgentError as err:
        checks.append(("setup", False, str(err)))
        _print_checks(checks, as_json)
        raise typer.Exit(ExitCode.BAD_INPUT) from None
    try:  # the first contact, before a browser: an unreachable portal is said in words, not net::ERR_...
        checks.append(("portal", True, check_portal(settings).describe()))
    except PortalUnreachable as err:
        checks.append(("portal", False, str(err)))
        _print_checks(checks, as_json)
        raise typer.Exit(ExitCode.ABORTED) from None
    drift = []
    try:
        with workbench(settings, ask_code) as bench:
            checks.append(("session", True, ngettext("signed in ({n} new sign-in)", "signed in ({n} new sign-ins)",
                                                     bench.portal.logins)))
            if live:
                report = check_ui(bench.portal, settings.state_dir / "doctor", posting)
                drift = report.drift
                checks.append(("portal ui", report.ok,
                               ngettext("{n} control checked in {lang}", "{n} controls checked in {lang}",
                                        len(report.checked), lang=report.lang)
                               + "".join(f"; {d}" for d in report.drift) + "".join(f"; {n}" for n in report.notes)))
                if report.shapes:  # what holds the details and the editor on this portal
                    checks.append(("shape", True, _shape_words(report.posting, report.shapes)))
                for what in report.not_checked:  # never a pass: what it could not reach, and how to get there
                    checks.append(("not checked", False, what))
                for what, line, seen in report.fixes:  # the profile line that teaches the agent the new label
                    fix = _("{drift}; put in your portal profile: {line}", drift=what, line=line) if line else what
                    if seen:
                        fix += _("; shown there: {texts}", texts=", ".join(f"«{t}»" for t in seen))
                    checks.append(("fix", False, fix))
                for shot in report.screenshots:
                    checks.append(("screenshot", False, shot))
                if report.found_by:  # how each control was found: role+name, label, placeholder, text, layout
                    ways = sorted(set(report.found_by.values()))
                    checks.append(("found by", True, "; ".join(
                        f"{_way_label(way)}: " + ", ".join(k for k, v in report.found_by.items() if v == way)
                        for way in ways)))
    except AgentError as err:
        checks.append(("session", False, str(err)))
    _print_checks(checks, as_json)
    if drift or not all(ok for _name, ok, _detail in checks):
        raise typer.Exit(ExitCode.SOME_FAILED)


def _shape_words(posting: str, shapes: dict[str, str]) -> str:
    """Where the details and the tracking editor showed up, in the operator's words."""
    details = {"drawer": _("a drawer"), "modal": _("a modal dialog"), "section": _("a section of the list's page"),
               "page": _("a page of their own")}
    editor = {"dialog": _("a dialog"), "in_place": _("in place, inside the details"), "page": _("a page of its own")}
    words = [_("details of {posting}: {shape}", posting=posting,
               shape=details.get(shapes.get("details", ""), shapes.get("details", "?")))]
    if "editor" in shapes:
        words.append(_("tracking editor: {shape}", shape=editor.get(shapes["editor"], shapes["editor"])))
    return "; ".join(words)


def _print_checks(checks: list[tuple[str, bool, str]], as_json: bool) -> None:
    if as_json:
        print_json([{"check": c, "ok": ok, "detail": d} for c, ok, d in checks])
        return
    table = Table(pgettext("column", "check"), "", pgettext("column", "detail"))
    passed, failed = pgettext("check", "ok"), pgettext("check", "FAIL")
    for name, ok, detail in checks:
        table.add_row(_check_label(name), f"[green]{passed}[/]" if ok else f"[red]{failed}[/]", escape(detail))
    console.print(table)


def _way_label(way: str) -> str:
    """How a control was found (``role``, ``label``, ``placeholder``, ``text``, ``layout``), in people's words."""
    labels = {"role": pgettext("found by", "role and name"), "label": pgettext("found by", "label"),
              "placeholder": pgettext("found by", "placeholder"), "text": pgettext("found by", "visible text"),
              "layout": pgettext("found by", "layout")}
    return labels.get(way, way)


def _check_label(name: str) -> str:
    """A doctor check's name in the operator's words (the JSON keeps the code)."""
    labels = {"browser": pgettext("check", "browser"), "settings": pgettext("check", "settings"),
              "setup": pgettext("check", "setup"), "portal": pgettext("check", "portal"),
              "session": pgettext("check", "session"), "portal ui": pgettext("check", "portal ui"),
              "screenshot": pgettext("check", "screenshot"), "found by": pgettext("check", "found by"),
              "fix": pgettext("check", "fix"), "shape": pgettext("check", "shape"),
              "not checked": pgettext("check", "not checked"), "alerts": pgettext("check", "alerts")}
    return labels.get(name, name)


SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "samples" / "tracking-changes-gbk.csv"


def demo(
    ctx: typer.Context,
    file: Annotated[Path, typer.Option(help="Input file to apply.")] = SAMPLE,
    workers: Annotated[int, typer.Option(min=1, max=8, help="Parallel workers (contexts of one browser).")] = 2,
) -> None:
    """Start the sandbox, sign in, plan, approve and apply the sample file; print where the report is."""
    from agent.bulk.plan import save_plan
    from agent.bulk.plan_checks import approve_plan
    from agent.bulk.runner import apply_run, make_plan, start_run
    from agent.cli.bulk_output import print_plan, print_summary
    from agent.core.journal.store import Journal
    from agent.runner import code_source_for, operator_name, workbench
    from fixtures.sandbox.config import SandboxConfig
    from fixtures.sandbox.server import SandboxServer

    base = settings_from(ctx)
    try:
        check_input_file(file)  # before the sandbox and the browsers start
    except AgentError as err:
        fail(str(err), exit_for(err))
    with SandboxServer(SandboxConfig()) as server:
        # The demo's own portal speaks the operator's language unless OZON_RPA_LANG / --lang says otherwise, so a
        # Chinese-speaking operator sees a Chinese back-office; buyer notices stay Russian (OZON_RPA_NOTICE_LANG).
        lang = base.lang if "lang" in base.model_fields_set else base.ui_language
        # Its approval is a typed name: signed approvals (OZON_RPA_REQUIRE_APPROVAL) are for real plans, not the demo's.
        settings = base.model_copy(update={"base_url": server.url, "otp_source": "sandbox", "lang": lang,
                                           "state_dir": base.state_dir / "demo", "require_approval": False,
                                           "four_eyes": False})
        console.print(_("sandbox back-office: {url} (sign-in codes come from its outbox)", url=server.url),
                      highlight=False)
        journal = Journal(settings.journal_path)
        try:
            with workbench(settings):
                pass
            codes = code_source_for(settings, None)
            plan = make_plan(settings, file, created_by=operator_name(settings), code_source=codes, workers=workers)
            plan_path = settings.state_dir / "demo.plan.json"
            save_plan(plan, plan_path)
            print_plan(plan, limit=40)
            approve_plan(plan, journal, approved_by=_("demo supervisor"))
            run, run_dir = start_run(settings, journal, plan, operator=operator_name(settings))
            result = apply_run(settings, journal, run, run_dir, plan, code_source=codes, workers=workers)
        except AgentError as err:
            fail(str(err), exit_for(err))
        finally:
            journal.close()
    print_summary(result)
    console.print(_("the rejected rows are the sample's deliberate mistakes (typo, not editable, missing, duplicate)"))
    raise typer.Exit(ExitCode.ABORTED if result.aborted else ExitCode.OK)

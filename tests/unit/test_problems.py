"""The collector of the checks before a browser: every problem kept, said together, exit 2."""

from __future__ import annotations

import pytest

from agent.cli.shared import exit_for
from agent.core.errors import BusinessRuleError, ConfigError, InputError, Problems
from agent.core.problems import all_problems
from agent.core.records import ExitCode


def refuse(error: Exception) -> None:
    raise error


def test_two_problems_should_be_raised_together_in_the_order_found_and_exit_2() -> None:
    with pytest.raises(Problems) as found, all_problems() as check:
        check(refuse, ConfigError("no saved sign-in; run `ozon-rpa login`"))
        assert check(lambda: 7) == 7, "a check that passes gives its result"
        check(refuse, InputError("c.csv: no column for the posting number"))

    assert [str(p) for p in found.value.problems] == ["no saved sign-in; run `ozon-rpa login`",
                                                      "c.csv: no column for the posting number"]
    assert "1. no saved sign-in" in str(found.value) and "2. c.csv" in str(found.value)
    assert exit_for(found.value) == ExitCode.BAD_INPUT


def test_one_problem_should_be_raised_as_it_is_keeping_its_exit_code() -> None:
    rejected = BusinessRuleError("the journal has no change of 48173252-0033-2")
    with pytest.raises(BusinessRuleError) as found, all_problems() as check:
        check(refuse, rejected)
    assert found.value is rejected and exit_for(found.value) == ExitCode.SOME_FAILED


def test_the_problems_of_a_check_that_collects_its_own_should_be_taken_one_by_one() -> None:
    with pytest.raises(Problems) as found, all_problems() as check:
        check(refuse, Problems([ConfigError("a"), ConfigError("b")]))
        check(refuse, InputError("c"))
    assert [str(p) for p in found.value.problems] == ["a", "b", "c"]


def test_a_bug_should_not_be_collected_but_stop_at_once() -> None:
    with pytest.raises(ZeroDivisionError), all_problems() as check:
        check(lambda: 1 // 0)
        pytest.fail("the next check must not run")


def test_no_problem_should_raise_nothing() -> None:
    with all_problems() as check:
        check(lambda: None)


def test_a_refusal_worded_by_the_caller_should_be_kept_with_the_checks_problems() -> None:
    with pytest.raises(Problems) as found, all_problems() as check:
        check.add(InputError("give a plan or input file, or --resume RUN"))
        check(refuse, ConfigError("no saved sign-in"))
    assert [str(p) for p in found.value.problems] == ["give a plan or input file, or --resume RUN", "no saved sign-in"]

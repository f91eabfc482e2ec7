"""``python -m agent.core.browser``: which browser headless and headed runs take (see ``choice.main``)."""

from agent.core.browser.choice import main

if __name__ == "__main__":
    raise SystemExit(main())

"""``calibrate``: teach the agent the portal a person sees, into their portal profile; and the profile's check.

Importing this module registers the portal profile's check with :func:`agent.preflight.check_setup`, so every
command loads, checks and installs the profile (``OZON_RPA_PORTAL_PROFILE`` / ``--profile``) before any browser.
"""

from __future__ import annotations

from agent import preflight
from agent.settings import Settings
from pages.profile import use_profile


def check_profile(settings: Settings) -> None:
    """Load, check and install the portal profile (none: the label tables as shipped).

    Raises:
        ConfigError: the profile cannot be used; the message names the file, the line and the key.
    """
    use_profile(settings.portal_profile)


preflight.SETUP_CHECKS.append(check_profile)

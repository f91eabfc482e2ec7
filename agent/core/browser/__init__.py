"""The browser and how it reaches the portal: which Chromium (``choice``), installing one (``setup``), a signed-in
context (``session``), Chromium's own network log (``netlog``), where one-time codes come from (``otp``), the first
contact before any browser (``portal_check``) and the hosts the agent may open (``hosts``).

``python -m agent.core.browser`` prints which browser headless and headed runs take.
"""

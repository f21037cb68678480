"""Conversation tests: YAML conversations with the behaviour expected of the bot,
run against the live bot over REST (what a runner actually gets, custom actions
included), with a terminal summary and an HTML report.

spec.py loads and validates the YAML; check.py compares one turn's reply with its
expectations; runner.py drives conversations through the REST client; report.py
writes the HTML; export.py turns a stored conversation into a test file;
command.py is the command-line glue (starting a bot of its own when no URL is given).
The guide for support staff is docs/conversation-tests.md.
"""

"""The HTML report of a conversation test run: one self-contained page a person can open.

Everything the bot or a test file says is escaped (Jinja's autoescape): a bot
reply containing markup must show as text, never run in the reader's browser.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2

from bot.conversations.runner import ConversationResult

_TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Conversation tests: {{ failed|length }} failed, {{ passed|length }} passed</title>
<style>
 body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 60em; padding: 0 1em; color: #222; }
 h1 { font-size: 1.5em; } .when { color: #666; }
 .pass { color: #17692b; } .fail { color: #b00020; } .skip { color: #777; }
 details { border: 1px solid #ccc; border-radius: 6px; margin: .6em 0; padding: .3em .8em; }
 details.failed { border-color: #b00020; background: #fff8f8; }
 summary { cursor: pointer; font-weight: 600; }
 .file, .sender { font-weight: normal; color: #666; font-size: .9em; }
 table { border-collapse: collapse; width: 100%; margin: .5em 0 1em; }
 td, th { border-top: 1px solid #e3e3e3; padding: .4em; vertical-align: top; text-align: left; }
 tr.bad { background: #fde7ea; }
 .said { white-space: pre-wrap; font-weight: 600; }
 .bot { white-space: pre-wrap; font-family: inherit; margin: 0 0 .4em; padding: .2em .5em; background: #f1f3f7; border-radius: 6px; }
 .button { display: inline-block; border: 1px solid #88a; border-radius: 1em; padding: 0 .6em; margin: .15em; font-size: .85em; }
 .payload { color: #555; font-size: .85em; }
 ul.checks { margin: 0; padding-left: 1.1em; } ul.checks li { margin: .1em 0; }
 .expected { color: #17692b; } .actual { color: #b00020; }
 .problem { color: #b00020; font-weight: 600; }
</style>
</head>
<body>
<h1>Conversation tests:
 {% if failed %}<span class="fail">{{ failed|length }} failed</span>, {% endif %}
 <span class="pass">{{ passed|length }} passed</span> of {{ results|length }}</h1>
<p class="when">Run {{ when }} against {{ url }}.
 Failed conversations come first and are open; click a passed one to see its turns.</p>
{% for result in failed + passed %}
<details class="{{ 'failed' if not result.passed else 'passed' }}"{% if not result.passed %} open{% endif %}>
<summary><span class="{{ 'pass' if result.passed else 'fail' }}">{{ 'PASS' if result.passed else 'FAIL' }}</span>
 {{ result.conversation.name }} <span class="file">{{ result.conversation.file }}</span></summary>
{% if result.conversation.description %}<p>{{ result.conversation.description }}</p>{% endif %}
<p class="sender">Conversation id: {{ result.sender }}</p>
{% set first = result.first_failure %}{% if first %}
<p class="problem">Failed at turn {{ first.turn.number }} of {{ result.conversation.turns|length }} (the runner {{ first.turn.said }}):
 {% if first.error %}{{ first.error }}{% endif %}
 {% for check in first.failures %}expected {{ check.expected }}, actual {{ check.actual }}{{ "; " if not loop.last }}{% endfor %}</p>
{% endif %}
<table>
<tr><th>#</th><th>The runner</th><th>The bot</th><th>Checks</th></tr>
{% for turn in result.conversation.turns %}
{% set played = result.turns[loop.index0] if loop.index0 < result.turns|length else none %}
<tr class="{{ 'bad' if played and not played.passed else '' }}">
<td>{{ turn.number }}</td>
<td><div class="said">{{ turn.user if turn.press is none else '[' ~ turn.press ~ ']' }}</div>
 {% if turn.press is not none and played and played.sent %}<div class="payload">sent {{ played.sent }}</div>{% endif %}</td>
<td>{% if not played %}<span class="skip">not run (an earlier turn failed)</span>
 {% else %}
 {% if played.error %}<div class="problem">{{ played.error }}</div>{% endif %}
 {% for message in played.reply.messages if message.get('text') %}<pre class="bot">{{ message['text'] }}</pre>{% endfor %}
 {% for button in played.reply.buttons %}<span class="button">{{ button.title }}</span>{% endfor %}
 <div class="payload">{{ describe(played.reply) }}</div>
 {% endif %}</td>
<td>{% if played and played.checks %}<ul class="checks">
 {% for check in played.checks %}
  {% if check.passed %}<li class="pass">&#10003; {{ check.expected }}</li>
  {% else %}<li class="fail">&#10007; <span class="expected">expected {{ check.expected }}</span><br><span class="actual">actual {{ check.actual }}</span></li>{% endif %}
 {% endfor %}</ul>
 {% elif not turn.expect.is_empty() and not played %}<span class="skip">not checked</span>{% endif %}</td>
</tr>
{% endfor %}
</table>
</details>
{% endfor %}
</body>
</html>
"""


def describe(reply) -> str:
    """The structured part of a reply in a few words: question, triage, citations, no answer."""
    parts = []
    if reply.asked:
        parts.append(f"asks {reply.asked}")
    if reply.triage:
        rules = ", ".join(reply.rules) or "none"
        parts.append(f"triage {reply.triage.get('level')} (rules {rules})")
        if reply.triage.get("unknown"):
            parts.append("unknown " + ", ".join(reply.triage["unknown"]))
    if reply.answer_sections:
        quoted = reply.answer_sections[0]
        runners_up = [s for s in dict.fromkeys(reply.answer_sections) if s != quoted]
        parts.append("quotes " + quoted + (f" (also found: {'; '.join(runners_up)})" if runners_up else ""))
    if reply.custom.get("no_answer"):
        parts.append("no answer")
    return " · ".join(parts)


def render(results: list[ConversationResult], url: str, when: dt.datetime | None = None) -> str:
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = environment.from_string(_TEMPLATE)
    return template.render(
        results=results,
        failed=[r for r in results if not r.passed],
        passed=[r for r in results if r.passed],
        url=url,
        when=(when or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%d %H:%M UTC"),
        describe=describe,
    )


def write_report(results: list[ConversationResult], url: str, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(results, url), encoding="utf-8")
    return path

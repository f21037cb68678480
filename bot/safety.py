"""Replies that must reach the runner even when part of the bot is down."""

EMERGENCY_ADVICE = (
    "If you have chest pain, breathlessness or are coughing up blood, if your leg "
    "or foot is cold, pale or blue, if your urine is dark like cola, or if a muscle "
    "is tight, hard and getting quickly worse: call 999 / 112 / 911 now or go to an "
    "emergency department."
)
SAFE_REPLY = (
    "Sorry, something went wrong on my side and I can't assess your pain right now. "
    "Please try again in a minute.\n\n" + EMERGENCY_ADVICE
)
# The longest message any channel accepts (REST answers 413, the widget and the
# messaging platforms ask the runner to shorten it).
MAX_MESSAGE_CHARS = 20_000
TOO_LONG_REPLY = (
    f"That message is too long for me: at most {MAX_MESSAGE_CHARS:,} characters. "
    "Could you tell me in a few sentences what hurts?"
)
EMPTY_MESSAGE_REPLY = (
    "I didn't get any text. Tell me what hurts, or ask me a question about sore legs "
    "after running."
)

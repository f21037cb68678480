"""Rasa NLU component: the triage facts, found by two readers.

The lexicon reader (triage.extract) and the reader that learns from labelled
examples (triage.sign_reader) both judge each message; a sign counts when
either is sure of it, and a sign they disagree on, which could make the result
urgent or an emergency, becomes a `sign` entity with role "check", which the
assessment asks back ("Just to check: ...").

It turns the mentions into Rasa entities (pain_type, onset,
location, spread, duration, run_age, sign with role present/absent, answer) and
overrules the classifier where the facts are plain:
- emergency, when the message alone meets an emergency rule: a red flag must
  not depend on a statistical model (docs/TRIAGE.md);
- not_sure and deny, when the whole message is "not sure" or "none of these";
- inform, when the message states facts but the classifier heard chit-chat,
  or heard an emergency that no emergency sign supports;
- report_pain, when a statement of facts was taken for a question.
- ask_question, when a question with no warning sign was taken for a report.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge.embedder import CACHE_DIR
from knowledge.search import not_discussed
from bot.nlu.local_time import runner_now
from triage.engine import assess
from triage.extract import ANSWER_ONLY, PHRASE_FACTS, THEIRS, Extraction, extract
from triage.sign_reader import SignReader, combine, load_or_train, signs_in_rules
from triage.phrasing import (asks_after_a_preamble, asks_in_words, asks_something, calls_for_help, is_request,
                             looks_like_a_question, names_a_condition, names_the_legs, opens_like_a_question,
                             says_it_hurts, speaks_as_i, speaks_of_themself, states_a_pain)

# Intents that never carry facts: when facts are found, the message is inform.
# Whole-message answers ("not sure", "none of these") and their intents.
WHOLE_ANSWERS = {"unsure": "not_sure", "none": "deny", "stop": "stop"}
# Facts that make a question about the runner's own pain a report.
REPORT_FACTS = (*PHRASE_FACTS, "duration")
# A question that names stopping the conversation is a stop request ("can we stop now?").
NAMES_STOPPING = re.compile(r"\b(?:stop|quit|cancel|end|enough|finish|done)\b")
CHIT_CHAT = {"greet", "goodbye", "thank", "bot_challenge", "out_of_scope", "affirm", "deny", "not_sure"}


logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class FactExtractor(GraphComponent, EntityExtractorMixin):
    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "FactExtractor":
        return cls()

    def __init__(self) -> None:
        extract("warm up")  # build the matcher now, not on the first runner's turn
        self.sign_reader = _load_sign_reader()
        self.checkable = signs_in_rules()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue  # a button payload already carries its intent and entities
            # "since 2pm" on the runner's clock, when the channel sent it (bot/nlu/local_time.py)
            found = extract(text, runner_now(message.get("metadata")))
            aside = _aside_entities(found)
            # What the sentence put elsewhere is not the leg's, whatever the learned reader thinks.
            learned = [e for e in self._second_reading(found, text) if e["value"] not in {a["value"] for a in aside}]
            entities = ([_entity(m) for m in _chosen_mentions(found)] + _their_entities(found) + _answer_entity(found) + learned
                        + aside + _ordinary_entities(found) + _subject_entity(found))
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
            intent = _certain_intent(found, text, _intent_name(message), _intent_confidence(message))
            if intent:
                _set_intent(message, intent)
        return messages

    def _second_reading(self, found: Extraction, text: str) -> List[Dict[str, Any]]:
        """Sign entities from the learned reader: signs it is sure of that the
        lexicon missed (role learned: they count only in an answer to the
        warning-sign checklist, where the question is the context; see
        actions/assessment.py), and signs to ask back (role check). Neither can
        make this message an emergency: every sign of an emergency rule is
        asked back before it counts (triage.sign_reader.combine)."""
        if self.sign_reader is None or found.answer or len(text.strip()) < 4:
            return []
        try:
            reading = self.sign_reader.read(text[:2000])
            combined = combine(_lexicon_reading(found), reading, self.checkable)
        except Exception:  # the lexicon's reading stands alone
            logger.exception("Learned sign reader failed")
            return []
        # A sign to check carries how sure the learned reader is of it: a reply
        # to its own check that it reads as surely present is a yes.
        return ([_sign_entity(sign, "learned", reading.present[sign]) for sign in sorted(combined.present)]
                + [_sign_entity(sign, "check", reading.present[sign]) for sign in combined.to_check])


def _lexicon_reading(found: Extraction) -> Dict[str, bool]:
    """The lexicon's signs, and its denials of someone else's too: "she isn't
    breathless" is no sign to ask back on the learned reader's word, whoever
    the conversation is about."""
    denied_of_others = {m.value: False for m in found.others if m.fact == "sign" and not m.present}
    return {**denied_of_others, **found.signs()}


def _load_sign_reader() -> Optional[SignReader]:
    """The learned reader on the MiniLM model; None (lexicon only, logged) if it cannot load."""
    try:
        from bot.nlu.sentence_featurizer import shared_embedder

        embedder = shared_embedder()
        model = load_or_train(lambda texts: embedder.many(texts, CACHE_DIR), CACHE_DIR)
        reader = SignReader(model, embedder.few)
        reader.read("warm up, my calf is sore")  # compile now, not on the first runner's turn
        return reader
    except Exception:
        logger.exception("Learned sign reader not available; reading signs with the lexicon only")
        return None


def _subject_entity(found: Extraction) -> List[Dict[str, Any]]:
    """`subject` someone_else when the message speaks only of another person's
    pain (they are the one assessed)."""
    role = {"role": "only"} if found.only_others else {}  # every pain in it, signs too, is theirs
    return ([{"entity": "subject", "value": "someone_else", "extractor": FactExtractor.__name__, **role}]
            if found.someone_else else [])


def _aside_entities(found: Extraction) -> List[Dict[str, Any]]:
    """Signs the sentence sets aside (someone else's, another body part's, explained
    by the tape or the ice bath): role "aside", asked back, never counted."""
    return [_sign_entity(m.value, "aside", 0.0) for m in found.others
            if m.fact == "sign" and m.present and m.value not in found.signs()]


def _ordinary_entities(found: Extraction) -> List[Dict[str, Any]]:
    """Signs named only as running talk or as long-standing: role "ordinary",
    never counted and never asked back; a reply to a question about one that
    names it this way is no yes."""
    return [_sign_entity(sign, "ordinary", 0.0) for sign in sorted(found.ordinary)]


def _sign_entity(sign: str, role: str, confidence: float = 1.0) -> Dict[str, Any]:
    return {"entity": "sign", "value": sign, "role": role, "confidence_entity": round(float(confidence), 3),
            "extractor": "SignReader"}


def _chosen_mentions(found: Extraction) -> List[Any]:
    """One mention per fact, the one the extractor chose, and every sign.

    Rasa fills a slot from the last entity of its type, so passing every
    mention would let "sharp at first, now a dull ache" become a dull ache;
    the extractor's choice (the most telling pain, for example) must win.
    """
    chosen = [found.mention(fact) for fact in PHRASE_FACTS]
    duration, run_age = found.mention("duration"), found.mention("run_age")
    if duration is not None and not (run_age is not None and duration.value == run_age.value):
        # A duration equal to the run's age dated only the run ("hill reps
        # yesterday"): how long the pain has lasted is still asked.
        chosen.append(duration)
    chosen.append(run_age)
    return [m for m in chosen if m is not None] + [m for m in found.mentions if m.fact == "sign"]


def _their_entities(found: Extraction) -> List[Dict[str, Any]]:
    """Facts other than signs said only of someone else, in a message that is
    not about them alone: "he says friday morning when he got out of bed",
    in reply to "When did it start?" about a husband. Role "theirs": no slot
    takes them by itself; the question they answer does, when the person
    assessed is someone else (actions/assessment.py)."""
    told = {m.fact for m in found.mentions if m.present}
    theirs = {}
    for mention in found.others:
        if (mention.fact in (*PHRASE_FACTS, "duration") and mention.other and not mention.aside and mention.present
                and mention.fact not in told):
            theirs.setdefault(mention.fact, mention)
    return [{**_entity(mention), "role": THEIRS} for mention in theirs.values()]


def _entity(mention) -> Dict[str, Any]:
    entity = {
        "entity": mention.fact,
        "value": mention.value,
        "start": mention.start,
        "end": mention.end,
        "confidence_entity": 1.0,
        "extractor": FactExtractor.__name__,
    }
    if mention.fact == "sign":
        entity["role"] = "present" if mention.present else "absent"
    if mention.answer_only:
        # "Sore" says it hurts, not how: it fills the pain type only as the
        # answer to its question (actions/assessment.py), since a slot mapping
        # without a role does not take an entity with one.
        entity["role"] = ANSWER_ONLY
    if mention.other:
        # Said of someone else in a message about them: theirs, which counts
        # only where they are the one assessed (actions/tracker_facts.py).
        entity["said_of"] = "other"  # not Rasa's "group", which slot mappings match on
    return entity


def _answer_entity(found: Extraction) -> List[Dict[str, Any]]:
    """The whole-message answer ("unsure", "none", an explicit "stop"), and
    "nothing_else" when a checklist reply says nothing else applies."""
    values = [found.answer] if found.answer else []
    if found.nothing_else:
        values.append("nothing_else")
    return [{"entity": "answer", "value": value, "extractor": FactExtractor.__name__} for value in values]


def _certain_intent(found: Extraction, text: str, predicted: Optional[str], confidence: float = 0.0) -> Optional[str]:
    """The intent the facts make certain, or None to keep the classifier's.

    In order: an emergency by rule; a whole-message answer; then question or
    report, decided by the message's shape and whether it speaks of the
    runner's own pain; then facts that make a report or an answer certain.
    """
    if assess(found.facts()).level == "emergency" and not (found.someone_else and speaks_as_i(text)):
        # A red flag never depends on the classifier. One said only of someone
        # else by a writer who also speaks of themself ("none for me, my brother
        # was short of breath") is the conversation's to weigh: theirs in an
        # assessment about them, asked back in the writer's own (actions/tracker_facts.py).
        return "emergency"
    if found.answer in WHOLE_ANSWERS:
        return WHOLE_ANSWERS[found.answer]
    if predicted == "stop" and opens_like_a_question(text) and not NAMES_STOPPING.search(text.lower()):
        # "can i run with a cold or should i skip it" asks something; "can we stop?" stops.
        return "ask_question"
    if found.someone_else and predicted in ("ask_question", "out_of_scope", "report_pain", None):
        # "my son's legs ache after his race, should he rest?": the answer, then
        # the questions about him (ActionStartAssessment answers what it asks).
        return "report_pain"
    if predicted in ("ask_question", "out_of_scope") and _names_a_sign_or_own_pain(found, text):
        # "my calf is swollen, red and hot, should i just ice it?", "hammy
        # feels sore, should i still run tmrw?": the article's answer, then the
        # assessment (ActionStartAssessment). A warning sign is never only looked up.
        return "report_pain"
    if predicted in ("report_pain", "inform") and _asks_the_article(found, text):
        return "ask_question"
    if predicted == "report_pain" and asks_something(text) and not _tells_of_pain(found, text) and not_discussed(text):
        # "how do i pop a blister on my toe?", "black toenail after my marathon,
        # should i drain it": a thing the article does not discuss
        # (knowledge/data/not_discussed.yml), and no pain: the article says so.
        # "knee not happy after my trail run, any ideas" stays a report.
        return "ask_question"
    if predicted != "emergency" and names_a_condition(text):
        # "DOMS", "shin splints?": the article's answer. Said in reply to a
        # question of the assessment, the fact it names still fills its slot.
        return "ask_question"
    if (predicted == "emergency" and not found.mentions and opens_like_a_question(text)
            and not calls_for_help(text) and not speaks_of_themself(text)):
        # "is cold water swimming good for you" names no warning sign, asks for
        # no help and says nothing of the runner: a question, not an emergency.
        # "will i lose my leg?" stays an emergency: over-triage is the policy.
        return "ask_question"
    if not found.mentions:
        if (predicted in ("ask_question", "out_of_scope") and names_the_legs(text) and speaks_of_themself(text)
                and not asks_something(text)):
            # "my wifes just back from her run and says her legs gone funny, im
            # typing for her": no word the lexicon knows and nothing asked, but
            # someone's legs that are not right: a report, never a declined
            # question. ("elevating legs after a long run - worth it" speaks of
            # no one: a topic to look up.)
            return "report_pain"
        return None
    if predicted == "out_of_scope" and _asks_the_article(found, text):
        return None  # "does running cause arthritis in your knees": a knee, but no report
    if predicted in CHIT_CHAT or predicted in ("stop", None):
        return "inform"  # "near the end of the run" answers a question; it does not stop
    if predicted in ("report_pain", "inform"):
        return predicted  # facts make it certain: no fallback for "shin pain keeps me up at night"
    if predicted == "emergency":
        # The classifier heard an emergency, but the message states ordinary
        # facts and no emergency sign ("it kicked in the next morning"). A
        # message with no facts at all ("help, it's an emergency") keeps it.
        return "inform"
    if (predicted == "ask_question" and not looks_like_a_question(text)
            and not (asks_in_words(text) and not _tells_of_pain(found, text))  # "blisters on my toes, how to treat them"
            and not _general_request(text)
            and not (confidence >= SURE_OF_A_REQUEST and _asks_for_nothing_of_the_writer(found, text))):
        return "report_pain"  # "quads are insanely sore after a half" is a report; "tips for sore quads" asks
    return None


def _reports_then_asks(found: Extraction, text: str) -> bool:
    """A message that tells of a pain of the writer's own (a place and how it
    feels) and asks something, in either order: "hammy feels sore, should i
    still run?", "why do my thighs ache in bed at night?", "calf is sore,
    whats the best stretch?". "ice or heat for stiff calves" names a place and
    a feeling too, but asks for something without stating a pain of the
    runner's own: a request, not a report."""
    facts = {m.fact for m in found.mentions if m.present}
    stated = states_a_pain(text)
    if (_general_request(text) and not stated) or not ("pain_type" in facts or stated):
        return False
    # "Legs" stands for the place in a statement ("legs destroyed since"), not in
    # a question ("why do my legs ache after running?" is the article's own).
    if not ("location" in facts or (names_the_legs(text) and not opens_like_a_question(text))):
        return False
    return not opens_like_a_question(text) or speaks_of_themself(text) or stated


def _tells_of_pain(found: Extraction, text: str) -> bool:
    """A pain word, a warning sign or a stated pain: what every report has."""
    return (any(m.present and m.fact in ("pain_type", "sign") for m in found.mentions)
            or states_a_pain(text) or says_it_hurts(text))


def _general_request(text: str) -> bool:
    """'tips for sore quads': a request that says nothing of the runner's own legs."""
    return is_request(text) and not speaks_of_themself(text)


# Signs whose words also name a topic in a general request: "common overuse
# injuries in runners", "warning signs that mean stop running". No other sign
# is ever only looked up.
TOPIC_SIGNS = frozenset({"injury", "had_to_stop"})


def _asks_the_article(found: Extraction, text: str) -> bool:
    """A question the article can answer, not a report: it opens like a
    question, names no warning sign, and is not about the runner's own pain.
    "is it bad that my calf is swollen?" and "should i be worried about my
    calf, it hurts when i walk" stay reports: they get the assessment, with the
    article's answer first (ActionStartAssessment)."""
    signs = {m.value for m in found.mentions if m.fact == "sign" and m.present}
    if signs and not (_general_request(text) and signs <= TOPIC_SIGNS):
        return False
    # A time that only answers its own question ("stuck at 26:40 for ages") tells of no pain.
    own_pain = ((speaks_of_themself(text) and any(m.present and m.fact in REPORT_FACTS and not m.answer_only
                                                  for m in found.mentions))
                or states_a_pain(text) or _reports_then_asks(found, text))
    # The question may come after a preamble: "prob a dumb q but what is going on in the muscles".
    return not own_pain and (opens_like_a_question(text) or asks_after_a_preamble(text) or _general_request(text))


def _intent_name(message: Message) -> Optional[str]:
    return (message.get(INTENT) or {}).get("name")


def _intent_confidence(message: Message) -> float:
    return float((message.get(INTENT) or {}).get("confidence") or 0.0)


# The classifier, sure that a message without a question word asks ("shin
# splints causes and fixes", "building up mileage safely for my first
# marathon"), is believed when the message tells of no pain of the writer's
# own and names no warning sign: its
# sentence embedding knows more ways to ask than the REQUEST pattern does.
SURE_OF_A_REQUEST = 0.8


def _asks_for_nothing_of_the_writer(found: Extraction, text: str) -> bool:
    """No warning sign, and no pain of the writer's own ("my first marathon" is no pain)."""
    present = {m.fact for m in found.mentions if m.present}
    return ("sign" not in present and not {"location", "pain_type"} <= present
            and not (speaks_of_themself(text) and present & set(REPORT_FACTS)))


def _names_a_sign_or_own_pain(found: Extraction, text: str) -> bool:
    """A warning sign, or a pain of the writer's own told with a place and a
    feeling ("legs destroyed since", "hammy feels sore, should i run?")."""
    present = {m.fact for m in found.mentions if m.present}
    # "how can i tell if it's soreness or an injury?" names a sign as a topic;
    # "is it bad that my calf is swollen?" tells of one on the writer's leg.
    own_sign = "sign" in present and (not opens_like_a_question(text)
                                      or (speaks_of_themself(text) and "location" in present))
    return (own_sign and not _general_request(text)) or _reports_then_asks(found, text)


def _set_intent(message: Message, name: str) -> None:
    # The classifier's other guesses stay in the ranking, at half their
    # confidence, so the FallbackClassifier does not call a certain intent
    # ambiguous because the classifier was sure of another one.
    ranking = [
        {**r, "confidence": r.get("confidence", 0.0) / 2}
        for r in message.get(INTENT_RANKING_KEY) or []
        if r.get("name") != name
    ]
    certain = {"name": name, "confidence": 1.0}
    message.set(INTENT, certain, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [certain] + ranking, add_to_output=True)

"""The shape of a runner's message: pure string rules, no Rasa.

Does it ask something, does it speak of the runner's own pain, does it call
for help? Used by the NLU component (bot/nlu/fact_extractor.py) to tell a
question from a report, and by the assessment's first turn (a report that
also asks "is that normal?" gets the article's answer before the first question).
"""
from __future__ import annotations

import re

# A message that opens with one of these asks something ("how do you stop legs
# aching", "should i put my legs up"). "can't" is no question ("can't put
# weight on it").
ASKING_WORDS = (r"how|what|whats|what's|why|which|should|shall|is|isn't|are|does|do (?:i|you|my)|"
                # "can i run", "can foam rolling help" ask; "can barely get off the
                # toilet", "can walk fine" tell.
                r"can(?!['’]t| (?:barely|hardly|only|still|just|not|feel|see|walk|run|move|put|stand|bear|manage|"
                r"get|do|tell|sit|sleep|hop|limp|jog)\b)|"
                # A modal and its subject open a question too: "will doing strength
                # training help", "could weak glutes be why", "did i do too much".
                r"(?:will|would|could) (?:i|you|my|doing|running|weak|tight|bad)|did i|"
                # Whether a thing works: "do menthol gels work", "does foam rolling actually help".
                r"(?:do|does) (?:\w+ ){1,3}(?:actually |really |even )?(?:work|help|matter|do anything)")
# These open questions too, but also answers to the assessment's questions
# ("when i run downhill", "could be since monday", "did a long run sunday").
ANSWER_TOO_WORDS = r"when|where|who|could|do|did|will|would|any"
ASKING_START = re.compile(rf"(?:{ASKING_WORDS})\b")
# Question phrases a runner tucks into a report, often without punctuation:
# "IT band really tight after running what do i do".
ASKING_PHRASE = re.compile(
    r"\b(what (do|should|can|shall) i|how (long|do|can|should|often|much|soon)|should i|can i|"
    r"is (that|this|it) (normal|ok|okay|bad|serious|fine|common)|why (do|does|is|are|am)|"
    r"could (that|this|it) be|(difference|diff) between|anything (serious|to worry about)|"
    # "could the shoes be why", "would a foam roller help"
    r"(could|would|will|might) (the|a|an|my|her|his|their|these|those|new|old) \w+ (be|cause|help|make|fix)|"
    # A question after a preamble: "dumb q but what is actually going on in
    # the muscles", "runners knee - where does it hurt".
    r"(what|where|why|which|how|when) (is|are|does|do|did|should|can|could|would|will) "
    r"(it|they|that|this|the|my|your|you|i|we|these|those|a|an|runners?)|"
    r"what('s| is| are)( actually| really| even)? (going on|happening|causing|the (cause|reason|point|difference|best))|"
    r"what (makes|causes|happens)|"
    # A plea at the end: "calves cramping on hot runs, help", "shins again pls help!!"
    r"(?:(?<=[,.!-] )(?:pls |please |plz )?help|(?:pls|please|plz) help)(?: pls| please| plz)?(?=\s*[!?.]*$)|"
    # "anything i can do at home to ease it", "anything that helps"
    r"anything (i|you|we|he|she|they) (can|could|should) (do|try|take|use)|anything that (helps|works)|"
    # An inverted "it" asks: "black toenail after my marathon, will it grow out on its own"
    r"(will|would|does|is|can|could|should) it (just |ever |actually |really )?\w+)\b"
)
# Requests that ask without a question word: "best stretches for tight calves",
# "tips for sore quads", "ice or heat for stiff calves", "warm up routine pls",
# "tell me about shin splints". A request names what it wants (tips, a routine,
# the best thing, a choice between two) rather than how the runner's leg feels.
REQUEST = re.compile(
    r"\b(tips?|advice|best|recommend\w*|ideas?|routines?|remed(y|ies)|tweaks?|fixes|hacks?|suggestions?|pointers?|exercises? (for|to)|stretch(es)? (for|to)|"
    r"ways? to|how to|what to (do|eat|wear)|tell me (about|more|how|what|why)|^explain|info\w* (on|about)|"
    r"guide (to|for)|\w+ or \w+ for|any (good )?(tips|advice|ideas|stretches|exercises)|"
    r"help (with|fixing|me)|snacks?|(difference|diff) between|yay or nay|for runners|rules? of thumb|"
    r"need (some |a |an )?([\w-]+ ){0,3}(advice|help|tips|plan|program\w*|schedule|guidance)|^list|^(give|show|send) me|guidelines?|in runners|"
    # A comparison asked for: "doms vs injury comparison", "heat versus ice"
    r"vs|versus|comparison|"
    r"for (sore|achy|aching|tired|stiff|tight|heavy|dead|painful) (legs?|calves|calf|quads|thighs|hamstrings|shins|muscles))\b"
)
# Broader: any message that could be a question, for telling a question from a
# statement of facts ("quads are insanely sore after a half" is a report).
QUESTION_START = re.compile(rf"(?:{ASKING_WORDS}|{ANSWER_TOO_WORDS})\b")
# The runner speaks of themself: "my calf", "I can't", "me".
_I = r"i|i'm|im|i've|ive|i'd|me|myself"
FIRST_PERSON = re.compile(rf"\b({_I}|my|mine)\b")
SUBJECT_I = re.compile(rf"\b({_I})\b")  # the writer as "I" or "me", not only "my"
# Words that ask for emergency help whatever else a message says. A message the
# classifier took for an emergency keeps it if it has one of these, even with
# no warning sign the extractor knows ("should i call an ambulance?").
CALLS_FOR_HELP = re.compile(
    r"\b(emergency|ambulance|paramedics?|999|911|112|a&e|er|hospital|dying|collaps\w*|passed out|"
    r"faint\w*|breath\w*|help)\b"
)
# Punctuation, a dash, or an emoji ("quads are in bits 😩 is downhill worse") ends a clause.
CLAUSE_BREAK = re.compile(r"(?:[,;:!.]|\s-+\s|[\u2600-\u27bf\U0001f000-\U0001faff])+\s*")
# Pain words the lexicon leaves out of the pain type ("it hurts", "pain in my calf").
HURTS = re.compile(r"\b(?:hurt\w*|pain\w*|injur\w*|agony|killing)\b")


# Question words and pronouns as typed on a phone: read as their full forms
# by every check below ("wat is it", "shud i run", "hw long does doms last").
PHONE_SPELLINGS = {
    "wat": "what", "wot": "what", "wht": "what", "wats": "whats", "wots": "whats", "hw": "how",
    "shud": "should", "shld": "should", "cn": "can", "wen": "when",
    "u": "you", "ur": "your", "isit": "is it", "dnt": "don't",
}
PHONE_WORD = re.compile(r"\b(" + "|".join(map(re.escape, PHONE_SPELLINGS)) + r")\b")


def plain(text: str) -> str:
    """Lower case, straight apostrophes, phone spellings written out."""
    lowered = text.lower().replace("’", "'")
    return PHONE_WORD.sub(lambda m: PHONE_SPELLINGS[m.group(1)], lowered)


def says_it_hurts(text: str) -> bool:
    return bool(HURTS.search(text.lower()))


def opens_like_a_question(text: str) -> bool:
    return bool(ASKING_START.match(plain(text).strip()))


def looks_like_a_question(text: str) -> bool:
    lowered = plain(text).strip()
    return lowered.endswith("?") or bool(QUESTION_START.match(lowered))


def speaks_of_themself(text: str) -> bool:
    return bool(FIRST_PERSON.search(plain(text)))


def speaks_as_i(text: str) -> bool:
    """'I' or 'me', not only 'my': "my son can't breathe" speaks of the son alone,
    "none for me, my brother was short of breath" of the writer too."""
    return bool(SUBJECT_I.search(plain(text)))


def calls_for_help(text: str) -> bool:
    return bool(CALLS_FOR_HELP.search(text.lower()))


def is_request(text: str) -> bool:
    return bool(REQUEST.search(plain(text).strip()))


def asks_something(text: str) -> bool:
    """True when any part of the message is a question or a request, even inside
    a report, or when the message only names a topic."""
    return asks_in_words(text) or names_a_topic(plain(text))


def asks_after_a_preamble(text: str) -> bool:
    """A question phrase anywhere, not only at the start: "prob a dumb q but
    what is actually going on in the muscles". A question mark alone ("new
    shoes maybe?") is no such phrase."""
    return bool(ASKING_PHRASE.search(plain(text)))


def asks_in_words(text: str) -> bool:
    """A question or a request in some part of the message ("blisters on my
    toes, how to treat them"), not only a topic named."""
    lowered = plain(text)
    if "?" in lowered or ASKING_PHRASE.search(lowered) or REQUEST.search(lowered):
        return True
    return any(opens_like_a_question(clause) for clause in CLAUSE_BREAK.split(lowered))


# A topic typed alone ("leg cramps", "ice or heat", "shin splnts", "heavy
# legs"): up to three words and none of the writer's own. It asks about the
# topic, and may be a pain of the writer's too: the answer, then the questions.
TOPIC_WORDS = 3
WORD = re.compile(r"[a-z][a-z'’-]*")


def names_a_topic(text: str) -> bool:
    words = WORD.findall(text.lower())
    return 0 < len(words) <= TOPIC_WORDS and not FIRST_PERSON.search(text.lower())


# Conditions the article discusses by name: typed alone ("DOMS", "shin
# splints?", "what about runners knee"), they name a topic to look up, not a
# pain of the writer's own.
CONDITION = re.compile(
    r"(?:what about |and |re:? )?(?:doms|delayed onset muscle soreness|shin ?splints?|mtss|"
    r"(?:achilles )?tendin(?:itis|opathy)|achilles tendonitis|stress fractures?|it ?band(?: syndrome)?|itbs|"
    r"runner'?s knee|pfps|plantar fasciitis|muscle strains?|pulled muscles?|overtraining|compartment syndrome|"
    r"rhabdo(?:myolysis)?)[\s?!.]*",
    re.IGNORECASE)


def names_a_condition(text: str) -> bool:
    """Is the whole message the name of a condition ("DOMS", "shin splints?")?"""
    return CONDITION.fullmatch(text.strip().lower()) is not None


# A pain stated, not named as a topic: a verb of being or feeling before a pain
# word ("calf is sore", "legs are killing me", "his leg has been hurting"),
# where "tips for sore quads" and "ice or heat for stiff calves" only name one.
STATED_PAIN = re.compile(
    r"\b(?:is|are|was|were|am|'s|'re|feels?|felt|been|getting|gone|went|keeps?|still)\s+(?:\w+\s+){0,3}?"
    r"(?:sore|hurt\w*|aching|achy|killing|wrecked|stiff|tight|painful|in bits|destroyed|cooked|smashed|"
    r"throbbing|swollen|burning|tender|dead|shot|trashed|knackered)"
    # ... ending there: "is a sore hamstring normal?" names a sore hamstring, it states none.
    r"(?=\s*$|\s*[^\w\s]|\s+(?:me|him|her|them|since|for|after|today|now|and|but|so|when|from|at|all|again|"
    r"still|lately|though|tho|as|af|like|on|in|every|this|these|the|from|too|even|to|tbh|lol)\b)")


# How a part of the leg feels, or that it has a problem: "legs feel like
# they've been through a mangle", "my calves feel like...", "shin issue after
# today's run".
LEG = (r"(?:legs?|calf|calves|shins?|thighs?|quads?|hamstrings?|hammies|hammy|knees?|feet|foot|ankles?|"
       r"achilles|glutes?|hips?|heels?)")
LEG_FEELS = re.compile(rf"\b{LEG}\s+(?:\w+\s+)?(?:feel|feels|felt|feeling)\b|\b{LEG}\s+(?:issue|problem|niggle)s?\b")


# "Legs" names no one place, but with a feeling it is a pain of the legs: "legs destroyed since".
LEGS = re.compile(r"\blegs?\b", re.IGNORECASE)


def names_the_legs(text: str) -> bool:
    return LEGS.search(text) is not None


def states_a_pain(text: str) -> bool:
    """Does the message state a pain ("calf is sore", "legs feel rubbish"),
    rather than name one as a topic ("tips for sore quads")?"""
    lowered = text.lower().replace("’", "'")
    return STATED_PAIN.search(lowered) is not None or LEG_FEELS.search(lowered) is not None

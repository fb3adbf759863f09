"""The deterministic safety net, on its own (no classifier)."""
import pytest

from bot.nlu.safety_net import shared_safety_net

pytestmark = pytest.mark.fast  # needs no trained model and no server (`make test-fast`)

FLAGGED = [
    ("kms", "suicide_self_harm"),
    ("i wanna unalive myself", "suicide_self_harm"),
    ("KILLING MYSELF tonight", "suicide_self_harm"),
    ("i dont want to be here anymore", "suicide_self_harm"),
    ("ive been thinking about ending it a lot lately", "suicide_self_harm"),
    ("my friend killed herself in march. i dont see the point in anything now", "suicide_self_harm"),
    ("im being held in a flat and cant get out", "immediate_danger"),
    ("she is being held against her will", "immediate_danger"),
    ("i don’t want to be here anymore", "suicide_self_harm"),
    ("she's been cutting herself", "suicide_self_harm"),
    ("send nudes or i'll tell everyone", "sextortion"),
    ("he's threatening to share my pics", "sextortion"),
    ("he threatened to post them", "sextortion"),
    ("we're going to meet up at the station", "meeting"),
    ("hes outside", "meeting"),
    ("my stepdad touched me", "sexual_abuse"),
    ("he raped me", "sexual_abuse"),
    ("they said they'd stab me", "violence_threat"),
    ("i'm not safe at home", "immediate_danger"),
]

CLEAR = [
    "how do i block someone on snapchat",
    "i keep seeing self harm videos on my fyp",
    "my pal beat me at fifa",
    "can you hit me up with tips for privacy settings",
    "what is sextortion prevention week about",  # flagged: see test below
]


# Long, indirect urgent messages the net used to miss, one per kind, and close variants
# (misspellings, slang, Scots words).
MISSED_KINDS = [
    # 1. An attack planned after nights of extremist videos
    ("my wee brother was up all night watching those videos again. this morning he said he's going "
     "to do something big to make them listen. he keeps going on about the mosque on friday.",
     "violence_threat"),
    ("hes gonna do sumthin huge so the goverment finally listens", "violence_threat"),
    ("she says she'll do something big at the school on friday", "violence_threat"),
    ("he said at the mosque on friday they'll all see", "revenge_threat"),
    ("my stepbrother says theyll all pay", "revenge_threat"),
    ("he's going to make them all pay", "revenge_threat"),
    ("he wants to make them pay on friday", "revenge_threat"),
    ("they want to burn the mosque down", "violence_threat"),
    # 2. A "job" turned into a debt to be worked off, with threats of a beating
    ("i took a job dropping bags for some older boys. one went missing and now they say i owe them "
     "1500 and i have to work it off. if i stop they'll batter me.", "criminal_exploitation"),
    ("he says i owe him n have to work it off", "criminal_exploitation"),
    ("my son has to work off the debt by doing runs", "criminal_exploitation"),
    ("they said im in debt to them so i have to do another run", "criminal_exploitation"),
    ("they said theyll kick my heid in", "violence_threat"),
    ("or they'll do me in", "violence_threat"),
    ("theyll do ma maw in if i go to the polis", "violence_threat"),
    ("they'll come after my family", "violence_threat"),
    ("he said hell panel me", "violence_threat"),
    ("they'll gie me a doing", "violence_threat"),
    # 3. An adult in a game asking a child to undress on camera
    ("my daughter is 11. an adult she plays a game with asked her to take her top off on video. "
     "she logged off and told me.", "sexual_abuse"),
    ("a guy on fortnite told my 11 year old to get undressed on cam", "sexual_abuse"),
    ("a man asked my son to strip on facetime", "strip_request"),
    ("a man on roblox asked my son to strip", "strip_request"),
    ("some man kept asking her to undress on webcam", "sexual_abuse"),
    ("he told her to get naked on facetime", "sexual_abuse"),
    # 4. Someone known only from an app collecting a young person
    ("my daughter is 14 and only knows this man from an app. tonight he is picking her up from "
     "the station.", "meeting"),
    ("hes coming to get me tonight", "meeting"),
    ("she's meeting him saturday at the shopping centre", "meeting"),
    ("he's driving up to see me this weekend", "meeting"),
    ("hes collecting her fae the station the night", "meeting"),
    ("he's coming for me tonight", "meeting"),
    # 5. "School is killing me" with self-injury (SI, sh, relapsed)
    ("i dread school every day, it's killing me, and i've started SI again", "suicide_self_harm"),
    ("school is killing me. i relapsed last night after 3 months clean", "suicide_self_harm"),
    ("my si urges are bad this week", "suicide_self_harm"),
    ("been doing sh again", "suicide_self_harm"),
    ("sh'd last night", "suicide_self_harm"),
    ("i hit beans last night", "suicide_self_harm"),
    ("been self injuring for months", "suicide_self_harm"),
    ("started cutting again", "suicide_self_harm"),
    # 6. A parent who found messages that "don't feel safe" and can't say more
    ("I found messages on my son's phone and they don't feel safe. I can't say more.",
     "immediate_danger"),
    ("i saw messages on her tablet that just dont feel safe", "immediate_danger"),
    ("the chats i found were not safe", "immediate_danger"),
    ("i dont feel safe at home anymore", "immediate_danger"),
]

# Figures of speech and ordinary messages near the new patterns.
NOT_URGENT = [
    "this homework is killing me",
    "i'm dying of boredom",
    "my mum will kill me",
    "my mum will kill me if she sees my report card",
    "my mum's gonna kill me",
    "my dad is going to kill me, i lost my phone",
    "I'm dead embarrassed",
    "I could murder a pizza",
    "maths is the death of me",
    "he's killing it at football",
    "that joke killed me",
    "my feet are killing me",
    "school is killing me",
    "si, gracias",
    "we did si units in physics",
    "my mum asked me to strip the beds",
    "how can i make them pay me back",
    "the scammers took 50 quid, how can i make them pay",
    "if i post it they'll all see it",
    "our school wants to do something big at the school for anti-bullying week",
    "i did something bad at school",
    "i ate loads at christmas and need to work it off",
    "i don't feel safe online",
    "the group chat is doing my head in",
    "i had a relapse of my asthma",
    # how they know each other, not a meeting ahead
    "i met a guy online last year and we talk every day",
    "he met her on instagram",
    "we met a boy i know from school at the shops",
    # a negation reaching over the words of a plan
    "there has been no talk of meeting up",
    "he has never asked to meet me",
    "she has no plans to meet him",
    "my gran keeps getting texts saying her parcel is being held",
]


def test_blank_and_odd_input_is_safe():
    net = shared_safety_net()
    for text in ["", "   ", "🙂🙂🙂", "\n\n", "a" * 1000, "<img src=x onerror=alert(1)>"]:
        assert net.check(text).urgent is False


# A negation just before a hit cancels it ("he doesn't hit me"), except for suicide and
# self-harm, where "i don't want to die but ..." is still a risk, and "won't stop" / "can't".
NEGATED = [
    "he doesnt hit me or anything but he calls me stupid in front of his pals",
    "He has never hit me, but he checks every transaction on my banking app.",
    "she didn't hurt me, she just reads my messages",
    "our lab budget has been cut again so we need cheap experiments",
]
STILL_URGENT = [
    "i told him no but he wants to meet me tonight",
    "a man from roblox wants to meet my son",  # only family words stop a meeting
    "i dont want to meet him on saturday but he says i have to",
    "i dont want to but hes picking me up after school",
    "i don't want to die but i cant keep going like this",
    "he won't stop hitting me when his mates are round",
    "he says he won't hit me again but he did it last night",
    "i've been cutting again and nobody knows",
]


@pytest.mark.parametrize("text", STILL_URGENT)
def test_negation_never_hides_a_risk_to_life_or_ongoing_violence(text):
    assert shared_safety_net().check(text).urgent


# Long stories where one sentence holds the danger: a short variant of each kind that must fire,
# and an ordinary sentence near it that must not.
ONE_SENTENCE_DANGER = [
    ("i left a letter for ma dad, its under ma pillow", "suicide_self_harm"),
    ("yous wont have to put up wi me much longer", "suicide_self_harm"),
    ("ive picked a place where im gonna end things", "suicide_self_harm"),
    ("the morra is when a do it", "suicide_self_harm"),
    ("she's figured out which bridge", "suicide_self_harm"),
    ("his favourite things are labelled for his wee brother", "suicide_self_harm"),
    ("ye'll need a new jaw efter school", "violence_threat"),
    ("you'll regret ever being born", "violence_threat"),
    ("they're gonna go down the mosque on friday with baseball bats", "violence_threat"),
    ("he wants to hurt as many people as he can", "violence_threat"),
    ("someone shared the floor plan of the synagogue", "violence_threat"),
    ("theres a man at the door and i cannae get oot", "immediate_danger"),
    ("they shut me in a shed", "immediate_danger"),
    ("he went oot on friday n hasnt come hame", "immediate_danger"),
    ("his location just stopped updating", "immediate_danger"),
    ("shes not answering anybody", "immediate_danger"),
    ("she's standing on the edge of the roof", "immediate_danger"),
    ("they wont let her oot until she's sold it all", "criminal_exploitation"),
    ("my pal just swallowed loads of nutmeg", "dangerous_challenge"),
    ("he necked a whole bottle of calpol", "dangerous_challenge"),
    ("they're setting their arms alight with deodorant", "dangerous_challenge"),
    ("a group is lying on the railway line", "dangerous_challenge"),
    ("they're jumpin aff the harbour wall", "dangerous_challenge"),
    ("the boss makes me dae things wi his mates", "sexual_abuse"),
    ("he sends men round to her flat", "sexual_abuse"),
    ("hes coming to hand them over in person", "meeting"),
    ("the man is coming to my school gates", "meeting"),
    ("a man i dont know knows where i am right now", "meeting"),
]

ONE_SENTENCE_NEAR_MISSES = [
    "i left a note for my mum saying im at the park",
    "we won't have to put up with this weather much longer",
    "im going to end things with my boyfriend",
    "friday is when the homework is due",
    "i worked out which bus to take",
    "i need a new phone",
    "i'll regret ever buying this phone",
    "we went to cricket practice with our bats",
    "kill as many zombies as you can in fortnite",
    "the floor plan of the new school",
    "close the door so i can hear",
    "the results haven't come back yet",
    "my location stopped working on snapchat",
    "she's not answering my question",
    "sitting at the edge of the pool",
    "not allowed out until i finish my homework",
    "the challenge where u take a load of benadryl, is it real",
    "i took some cough medicine for my cold",
    "lynx africa is fire",
    "walk along the railway path",
    "we jumped in the sea on holiday",
    "my mum makes me do stuff with my brother",
    "i'll give it to her in person",
    "my mum is coming to the school gates",
    "my girlfriend wants an app so she knows where i am all the time",
    "my boyfriend wants to meet my parents at the weekend",  # a boyfriend meeting the family
    "hes going to meet my mum and dad on sunday",
]


# Kinds added after the long-form held-out review: suicide planning said without the
# words, attack slang from extremist and incel spaces, strangers near a child's home, burns
# and roof jumps done for a dare. Our own wordings, not the held-out texts.
REVIEW_KINDS = [
    ("ive picked a date and i feel calmer now", "suicide_self_harm"),
    ("done it again and its deeper this time", "suicide_self_harm"),  # a cut told without its word
    ("she put up a picture of the sea with 'last view' written on it", "suicide_self_harm"),
    ("someone in the server keeps posting about the day of the rope", "revenge_threat"),
    ("my cousin says hes going er one day and laughs", "revenge_threat"),
    ("he says the mass shooter was a hero", "revenge_threat"),
    ("two men from the comments are outside my house", "immediate_danger"),
    ("they dared him to spray deodorant on his leg until it blistered", "dangerous_challenge"),
    ("lets see how long you can take it, its the deodorant challenge", "dangerous_challenge"),
    ("the boys are doing backflips off the garage roof after tea", "dangerous_challenge"),
]
REVIEW_CLEAR = [
    "we picked a date for the school trip",
    "can i buy deodorant at the school shop",
    "our garage roof is leaking, who fixes that",
]
# Found measuring on real messages (our own wordings): an attack already suffered, a family's
# appeal to a missing child; and words that only looked like a break-in or a pick-up.
ROUND6_KINDS = [
    ("shes being bullied and has twice been physically attacked by the same girl", "physical_abuse"),
    ("my son got battered on the way home by older boys", "physical_abuse"),
    ("if you are reading this please come home, nobody is angry", "immediate_danger"),
    ("come home son, we're all so worried", "immediate_danger"),
    ("someone tried to break in", "immediate_danger"),
    ("a man off snap is picking her up at the shops", "meeting"),
    ("in the bath i thought about just going under", "suicide_self_harm"),
    ("a man i dont know messaged me and he knew what i was wearing today", "meeting"),
    ("one of our young people didnt return to the unit last night", "immediate_danger"),
]
ROUND6_CLEAR = [
    "when she told me, i felt my heart break in two",
    "after school i picked her up and we went for chips",
    "mum says come home by ten",
]


# Every table above in two tests: what the net must flag, with its kind, and what it must leave alone.
MUST_FLAG = {"slang": FLAGGED, "missed": MISSED_KINDS, "one sentence": ONE_SENTENCE_DANGER, "review": REVIEW_KINDS,
             "round 6": ROUND6_KINDS}
MUST_NOT_FLAG = {"ordinary": CLEAR[:4], "figure of speech": NOT_URGENT, "negated": NEGATED,
                 "near miss": ONE_SENTENCE_NEAR_MISSES, "review": REVIEW_CLEAR, "round 6": ROUND6_CLEAR}


def cases(tables):
    """Each row of each table, its id naming the table: 'review: ive picked a date ...'."""
    rows = [(name, row if isinstance(row, tuple) else (row,)) for name, table in tables.items() for row in table]
    return [pytest.param(*row, id=f"{name}: {row[0][:50]}") for name, row in rows]


@pytest.mark.parametrize("text,category", cases(MUST_FLAG))
def test_urgent_messages_are_flagged_with_their_kind(text, category):
    result = shared_safety_net().check(text)
    assert result.urgent and category in result.categories, result


@pytest.mark.parametrize("text", cases(MUST_NOT_FLAG))
def test_ordinary_messages_and_near_misses_are_not_flagged(text):
    result = shared_safety_net().check(text)
    assert not result.urgent, result.matches


@pytest.mark.parametrize("text,mention", [
    ("a student committed suicide in the bathroom last term", True),
    ("what is sextortion? we had an assembly", True),
    ("the slang for suicide on tiktok is sewerslide", False),  # a slang hit is not a harm's name
    ("i think about suicide every day", False),
    ("my daughter has been self harming", False),
    ("we are being blackmailed over a video", False),
    ("a boy in s2 is being blackmailed. i am his guidance teacher", True),  # named in its own sentence
    ("being blackmailed with nudes pls help", False),  # the writer, subject left out
    ("feeling suicidal again", False),
])
def test_a_harm_named_with_nobody_s_own_in_the_sentence_is_a_mention(text, mention):
    result = shared_safety_net().check(text)
    assert result.urgent  # still a hit: the risk step decides what it weighs
    assert result.mention_only == mention

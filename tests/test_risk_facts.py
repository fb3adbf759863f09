"""The facts the risk step reads from a message (bot/nlu/risk/facts.py), on made-up messages."""
import json
import time

import pytest

from bot.nlu.risk.facts import Facts, merge, read_facts
from bot.nlu.safety_net import normalise

pytestmark = pytest.mark.fast  # needs no trained model and no server (`make test-fast`)

WRITER_AGE = [
    ("im 14 and dunno what to do", 14),
    ("i am fourteen", 14),
    ("i'm only 12 pls help", 12),
    ("14yo here, a guy keeps messaging", None),  # no "i": read as the child's age, see CHILD_AGE
    ("im in s3 and this guy keeps messaging me", 14),
    ("im in s2 and ma boyfriend is 19", 13),
    ("I'm in S1 at the academy", 12),
    ("im in year 9", 14),
    ("i am in yr 10", 15),
    ("im a freshman", 14),
    ("i'm in first year at high school", 12),
    ("i just turned 15 last month", 15),
    ("im nearly sixteen", 15),  # "nearly N" is read as N - 1
    ("i'm a 13 year old girl", 13),
    ("me (13) and my cousin", 13),
    ("when i was 12 something happened", None),  # the past, not the age now
    ("back in s1 a boy was horrible to me", None),
    ("my first year at uni was rough", None),
    ("fourteen and 19 isnt that big a gap is it", 14),  # two ages said to be a gap: the younger
]


@pytest.mark.parametrize("text,age", WRITER_AGE)
def test_writer_age(text, age):
    assert read_facts(text).writer_age == age


CHILD_AGE = [
    ("my daughter is 14 and shes chatting to someone", 14),
    ("my 13 year old has a new 'friend' online", 13),
    ("my son (12) plays fortnite all night", 12),
    ("my wee boy (11) is on roblox", 11),
    ("a pupil in S2 disclosed something today", 13),
    ("one of our s4 pupils", 15),
    ("im a teacher, shes fourteen", 14),
    ("she's in P7", 11),
    ("my son is in year 8", 13),
    ("my friend is 13 and hes messaging her", 13),
    ("my wee sister is 10", 10),
    ("my 19 year old boyfriend", None),
    ("my 8 year old boy gets upset and shouts", 8),  # "my ... boy" is the writer's son
    ("our 15 year old girl has a phone now", 15),
    ("we're planning a surprise 13th birthday party for my daughter", 13),  # a birthday says the age
    ("my wee girl's eighth birthday is on saturday", 8),
]


@pytest.mark.parametrize("text,age", CHILD_AGE)
def test_child_age(text, age):
    assert read_facts(text).child_age == age


OTHER_AGE = [
    ("his 18 and im 15 and my mum hates him", 18),  # "his" typed for "he's"
    ("im 15 and hes 19", 19),
    ("i'm 14 and he is twenty-one", 21),
    ("a 28 year old guy added me", 28),
    ("this man (25) keeps liking my posts", 25),
    ("ma boyfriend is twenty", 20),
    ("she is 22 and im 15", 22),
    ("this man in his 30s on snap", 30),
    ("hes in his twenties i think", 20),
    ("my daughter is 14 and he's 22", 22),
    ("my daughter is 13 and a 24 year old man messaged her", 24),
    ("my 19 year old boyfriend", 19),
    ("i'm 13, he's 16", 16),
    ("the man was 40", 40),
    ("hes over 18", 18),
    ("fourteen and 19 isnt that big a gap is it", 19),
]


@pytest.mark.parametrize("text,age", OTHER_AGE)
def test_other_age(text, age):
    assert read_facts(text).other_age == age


NOT_AGES = [
    "we started talking 2 years ago",
    "he wants £200 by tonight",
    "he said 10 mins and hes here",
    "he gave me 20 quid",
    "he sent me 5 pics",
    "it's 10 o'clock",
    "there are 20 of them in the chat",
    "hes 6 foot",
    "it happened 3 times",
    "we've been talking for 3 years",
    "he has 1000 followers",
    "my samsung s3 is broken",
    "last year 2 girls in my class",
    "we won 3 and 1, a big gap in the league",
    "my sons 18th birthday is on friday",  # an adult's birthday is not a child's age
    "her 19 followers are all bots",
]


@pytest.mark.parametrize("text,ages,romance", [
    # an age right after its pronoun
    ("me 15 him 22 is that weird", (15, 22), True),
    ("me 14 him 19", (14, 19), False),
    # asking whether the gap between a child under 16 and an adult is too big asks about a romance
    ("im 14 and hes 19, is that too big a gap", (14, 19), True),
    ("fourteen and 19 isnt that big a gap when ur a girl right", (14, 19), True),
    # ... but not when the adult is family
    ("my brother is 19 and im 14, big age gap but we get on", (14, 19), False),
    ("im 14 and my cousin is 20, weird age gap between us", (14, 20), False),
    ("im 16 and hes 19, is that a big gap", (16, 19), True),  # a romance; 16 is the age of consent
    ("hes 19, is that too big a gap", (None, 19), True),  # a child's age may come in another message
])
def test_ages_side_by_side_and_the_gap_between_them(text, ages, romance):
    facts = read_facts(text)
    assert (facts.writer_age, facts.other_age) == ages and facts.romance == romance


@pytest.mark.parametrize("text", NOT_AGES)
def test_numbers_that_are_not_ages(text):
    facts = read_facts(text)
    assert (facts.writer_age, facts.child_age, facts.other_age) == (None, None, None)


@pytest.mark.parametrize("text,years", [
    ("hes 5 years older than me", 5),
    ("he's six years older", 6),
    ("hes ten yrs older than her", 10),
    ("he's a few years older", None),
])
def test_older_by(text, years):
    facts = read_facts(text)
    assert facts.older_by == years
    assert "older" in facts.other


OTHER = [
    ("the guy im talking to is about twice my age", {"adult"}),
    ("she met a married man through the game", {"adult"}),
    ("my online pal says we should meet", {"online"}),
    ("its just a gaming friend from xbox", {"online"}),
    ("some grown man keeps messaging me", {"adult"}),
    ("hes at uni", {"adult"}),
    ("he drives and has his own flat", {"adult"}),
    ("he works full time", {"adult"}),
    ("hes 19", {"adult"}),
    ("an older boy from the high school", {"older"}),
    ("hes a lot older than me", {"older"}),
    ("my pe teacher keeps messaging me", {"trusted"}),
    ("the football coach gave her a lift", {"trusted"}),
    ("our youth leader said it was fine", {"trusted"}),
    ("my uncle keeps coming into my room", {"family"}),
    ("my mum's boyfriend is weird with me", {"family"}),
    ("my stepdad shouts at me", {"family"}),
    ("my bf wants me to send stuff", {"partner"}),
    ("my ex has my pics", {"partner"}),
    ("i'm his girlfriend", {"partner"}),
    ("some random guy added me", {"stranger"}),
    ("a man i dont know", {"adult", "stranger"}),
    ("a guy from discord", {"online"}),
    ("i met him on roblox", {"online"}),
    ("i only know him online", {"online"}),
    ("we've never met in real life", {"online"}),
    ("someone in my class is spreading stuff", {"peer"}),
    ("boys at school keep saying things", {"peer"}),
    ("i told my teacher about it", set()),  # a helper, not the other person
    ("im a teacher", set()),
    ("should i tell a trusted adult", set()),
    ("hes not my boyfriend", set()),
]


@pytest.mark.parametrize("text,other", OTHER)
def test_who_the_other_person_is(text, other):
    assert read_facts(text).other == other


FLAGS = [
    ("we've been together since march", "romance"),
    ("my parents hate him cos hes older", "romance"),
    ("he made me go topless on facetime", "sexual"),
    ("we video chat every night", "private_contact"),
    ("her coach offered to take her to the final and stay overnight in a hotel", "private_contact"),
    ("we've been going out for a month", "romance"),
    ("he says he loves me", "romance"),
    ("we kissed at the party", "romance"),
    ("my gf is older than me", "romance"),
    ("he touched me when nobody was there", "sexual"),
    ("he wants nudes", "sexual"),
    ("he told me to keep it a secret", "secrecy"),
    ("my parents dont know about him", "secrecy"),
    ("he said delete the messages", "secrecy"),
    ("mum doesn't know", "secrecy"),
    ("he gave me his number", "private_contact"),
    ("we moved to snap", "private_contact"),
    ("he keeps dming me", "private_contact"),
    ("he asked for pictures of me", "images"),
    ("i sent him a selfie", "images"),
    ("ive been seeing this guy for 4 months", "romance"),
    ("we keep it quiet because my mum wouldnt get it", "secrecy"),
]


@pytest.mark.parametrize("text,flag", FLAGS)
def test_flags(text, flag):
    assert getattr(read_facts(text), flag) is True


@pytest.mark.parametrize("text", [
    "i'm going out with my mates tonight",
    "my mum loves me",
    "body image stuff is getting to me",
    "he calls me names",
])
def test_no_flags(text):
    facts = read_facts(text)
    assert not any((facts.romance, facts.sexual, facts.secrecy, facts.private_contact, facts.images))


ACTS = [
    ("my mums boyfriend keeps coming in when im changing", "touched"),  # watching a child undress
    ("lately ive been hitting myself when i get angry", "cut"),  # self-injury by hitting is self-harm
    ("he punches himself in the head when hes upset", "cut"),
    ("he keeps making me take my top off on camera", "demand_images"),
    ("he asked me to undress on video", "demand_images"),
    ("an account keeps posting pictures of me", "threat_to_share"),
    ("someone is sharing my nudes round the school", "threat_to_share"),
    ("were gonna shoot the place up on friday", "threatened"),
    ("he said he would bring a knife to school", "threatened"),
    ("please come home, nobody is angry with you", "missing"),
    ("im meeting my online pal at the station", "meeting_planned"),
    ("he wants £200 or he'll post them", "demand_money"),
    ("hes asking for money now", "demand_money"),
    ("he wants gift cards", "demand_money"),
    ("send more or else he says", "demand_images"),
    ("he wants more pics", "demand_images"),
    ("he keeps asking me to send pics", "demand_images"),
    ("he wants me to take a pic of myself in the shower", "demand_images"),
    ("he pushed me into the wall", "hit"),
    ("he'll send them to everyone in my year", "threat_to_share"),
    ("he said he'd leak them", "threat_to_share"),
    ("he's gonna show my friends", "threat_to_share"),
    ("i sent him pics last night", "sent_images"),
    ("i already paid him", "paid"),
    ("i sent him the money", "paid"),
    ("im meeting him on saturday", "meeting_planned"),
    ("hes gonna pick me up after school", "meeting_planned"),
    ("im getting the train to see him", "meeting_planned"),
    ("he wants to meet up", "meeting_planned"),
    ("we met up last week", "met"),
    ("i met him at the shops", "met"),
    ("she's with him now", "with_them_now"),
    ("she went off with him after school", "with_them_now"),
    ("she's in his car now", "with_them_now"),
    ("at his flat right now", "with_them_now"),
    ("hes outside", "outside_now"),
    ("there's someone at my door", "outside_now"),
    ("he's waiting outside my school", "outside_now"),
    ("my daughter hasn't come home", "missing"),
    ("she's been missing since friday", "missing"),
    ("i dont know where she is", "missing"),
    ("my daughter went out at 4 to meet a friend from instagram and isnt back, phone off", "missing"),
    ("i took a load of paracetamol", "pills_taken"),
    ("i swallowed pills", "pills_taken"),
    ("ive taken 20 tablets", "pills_taken"),
    ("i overdosed", "pills_taken"),
    ("i took the whole box, feeling kinda sleepy now", "pills_taken"),
    ("ive had about 15 of my mums pills, what happens now", "pills_taken"),
    ("i cant breathe and my heart is going mad after those pills", "pills_taken"),
    ("i took 2 packets of paracetamol", "pills_taken"),
    ("there's blood everywhere and i feel dizzy", "injured"),
    ("it won't stop bleeding", "injured"),
    ("i cut too deep", "injured"),
    ("i think i need stitches", "injured"),
    ("i done it again, its deep this time n i cant get it to stop", "injured"),  # a cut told without its word
    ("i cut myself", "cut"),
    ("been cutting again", "cut"),
    ("i self harmed", "cut"),
    ("she's been cutting herself", "cut"),
    ("i've been burning myself", "cut"),
    ("he hits me", "hit"),
    ("he pushed me down the stairs", "hit"),
    ("he choked me", "hit"),
    ("he touches me", "touched"),
    ("he threatened to hurt my mum", "threatened"),
    ("he said he'll hurt me", "threatened"),
    ("his girlfriend controls who he sees and takes his money", "controlling"),
    ("my bf wont let me see my friends anymore", "controlling"),
    ("my ex is outside kicking the door and shouting", "outside_now"),
    ("my dad's outside shouting again", "outside_now"),
    ("i think my son is with the man from the game right now", "with_them_now"),
]


@pytest.mark.parametrize("text,act", ACTS)
def test_acts(text, act):
    assert act in read_facts(text).acts


@pytest.mark.parametrize("text,act", [
    ("there has been no talk of meeting up", "meeting_planned"),
    ("i met him online", "met"),  # how they met, not a meeting
    ("when i come home from school my mum is at work", "missing"),
    ("we were posting pictures of our holiday", "threat_to_share"),
    ("we're going to shoot a video for media studies", "threatened"),
    ("my brother shot up about a foot this year", "threatened"),
    ("i took my meds this morning", "pills_taken"),
    ("i took 2 paracetamol for my headache", "pills_taken"),  # a usual dose
    ("i had 4 tablets left in the packet", "pills_taken"),
    ("my pal beat me at fifa", "hit"),
    ("im cutting my hair", "cut"),
    ("im missing school tomorrow", "missing"),
    ("the teacher isnt back from her holiday till monday", "missing"),
    ("sometimes i want to run away", "missing"),
    ("bleeding hell", "injured"),
    ("i paid for the game", "paid"),
    ("he messaged me in his car", "with_them_now"),
    ("my best friend almost killed herself", "suicide_death"),  # not a death
    ("my boyfriend wants us both on find my friends", "controlling"),  # a first sign, not control in place
    ("my boyfriend wants to meet my parents at the weekend", "meeting_planned"),  # the family, not the child
    ("my dad is outside, he's picking me up", "outside_now"),
    ("she is here now", "outside_now"),
    ("older guys want me to take a parcel up to aberdeen on the train", "demand_images"),  # not a picture
    ("my boyfriend keeps pushing me for photos", "hit"),  # pressure, not a push
])
def test_not_acts(text, act):
    assert act not in read_facts(text).acts


@pytest.mark.parametrize("text,act", [
    ("he has never hit me", "hit"),
    ("he doesn't touch me", "touched"),
    ("i don't self harm", "cut"),
    ("im not meeting him", "meeting_planned"),
])
def test_negated_acts_are_dropped(text, act):
    facts = read_facts(text)
    assert act not in facts.acts
    assert "negated" in facts.manner


WHEN = [
    ("he is threatening to put them online", "present"),
    ("they keep messaging me at night", "present"),
    ("a boy in our year killed himself in the summer", "past"),
    ("her cousin took his own life", "past"),
    ("he's messaging me right now", "now"),
    ("it's happening rn", "now"),
    ("tonight he said", "now"),
    ("he's doing it again", "now"),
    ("we're meeting tomorrow", "soon"),
    ("he's coming this weekend", "soon"),
    ("i'm seeing him on saturday", "soon"),
    ("it was last year", "past"),
    ("this was years ago", "past"),
    ("when i was 12 my cousin did stuff", "past"),
    ("i used to cut", "past"),
    ("in primary a boy did that", "past"),
    ("9 months clean", "recovered"),
    ("i'm better now", "recovered"),
    ("the police sorted it", "recovered"),
    ("i blocked him and it stopped", "recovered"),
    ("we broke up", "recovered"),
    ("im safe now", "recovered"),
    ("last night i was in the bath and thought about going under", "recent"),
    ("took 20 of them about an hour ago", "recent"),
    ("she went through a bad spell last winter", "past"),
    ("back in january someone hacked my account", "past"),
    ("it all kicked off last march", "past"),
    ("he's out of hospital and home with us", "recovered"),
    ("the account got taken down and it's all done", "recovered"),
    ("he was convicted and i never have to see him", "recovered"),
    ("i had my stomach pumped at school. im 20 now and a nurse", "past"),
]


@pytest.mark.parametrize("text,mark", WHEN)
def test_when(text, mark):
    assert mark in read_facts(text).when


@pytest.mark.parametrize("text,marks", [
    ("im safe now", {"recovered"}),  # "now" inside "safe now" is not a danger now
    ("i'm better now thanks", {"recovered"}),
    ("i'm used to it", set()),
    ("i don't think i'm safe", set()),
    ("that was three years ago. i'm 17 now", {"past"}),  # an age now, not a danger now
    ("she's in s5 now and hasn't done it since", {"recovered"}),
    ("he's 17 and he's still messaging her now", {"present"}),
    ("we're meeting in january", set()),  # a month ahead is not the past
    ("i'm in fourth year", set()),
    ("im 20 now and i still cut", {"past", "present"}),  # an adult, and still: not over
    # a day named in a sentence told in the past is days ago: just happened, never over
    ("she texted me on tuesday and said she wanted to die", {"recent"}),
    ("he said he would meet me on friday", {"soon"}),  # a future seen from the past
    ("im seeing him on friday", {"soon"}),
    # "at the weekend", "after school" in a story only order it; not in text-speak's "were" (we're)
    # meeting, nor looking ahead
    ("we went to a party at the weekend and she sent me the video", set()),
    ("after school i picked her up and we talked", set()),
    ("me and my pal snuck out at the weekend at about 2am", set()),  # the "am" of 2am is not "i am"
    ("were meeting him after school", {"soon"}),
    ("he said he would come round at the weekend", {"soon"}),
    ("im meeting him after school", {"soon"}),
    # "later" in a story only orders it
    ("the bullies were suspended later in the week", set()),
    ("he says hes coming later", {"soon"}),
    # a story's own marks, and an age looked back on
    ("one night she told me she had written a note", {"story"}),
    ("one day i'll end it all", {"story"}),  # a story mark is never a past that lowers a rule
    ("i was only 15 and he was 23", {"past"}),
    ("after that he stopped and things calmed down", {"story", "recovered"}),
    ("it has been months since it happened", {"past"}),
])
def test_when_exactly(text, marks):
    assert read_facts(text).when == marks


MANNER = [
    ("my son keeps saying the maths exam is going to kill him", "figurative"),
    ("this homework will literally kill me", "figurative"),
    ("my sister keeps stealing my clothes i swear ill murder her", "figurative"),
    ("i could honestly kill my wee brother, he spent all my vbucks", "figurative"),
    ("what is sextortion", "question"),
    ("whats a groomer", "question"),
    ("is it illegal to send nudes", "question"),
    ("what age can you consent", "question"),
    ("what does sh mean", "question"),
    ("im doing a school project on grooming", "project"),
    ("its for my modern studies essay", "project"),
    ("in my story the girl runs away", "fiction"),
    ("my character in the game gets killed", "fiction"),
    ("im dying of boredom", "figurative"),
    ("bored to death in maths", "figurative"),
    ("my mum will kill me if she sees my report", "figurative"),
    ("this homework is killing me", "figurative"),
    ("i'm so dead", "figurative"),
    ("i nearly died laughing", "figurative"),
    ("he'll kill me lol", "figurative"),
    ("im not suicidal", "negated"),
    ("nothing like that happened", "negated"),
    ("what if someone shared a pic", "hypothetical"),
    ("hypothetically, what would happen", "hypothetical"),
    ("how do i talk to my son about porn", "prevention"),
    ("how can i protect my kids online", "prevention"),
    ("warning signs of grooming", "prevention"),
    ("how do i report a video on tiktok", "report_how"),
    ("how do i get it taken down", "report_how"),
    ("what should i do if my son ever gets a message like that", "hypothetical"),
    ("nothing has happened, i just want to be ready", "hypothetical"),
    ("some days it still hits me out of nowhere", "figurative"),
    ("we were joking about hiding the body lol, obviously a joke", "figurative"),
]


@pytest.mark.parametrize("text,manner", MANNER)
def test_manner(text, manner):
    assert manner in read_facts(text).manner


@pytest.mark.parametrize("text", [
    "he's killing me slowly",
    "what is he doing",
    "what is happening to me",
    "what a creep",
    "i'm better off dead",
    "the boys at school are going to kill him",  # a threat from people, not an exam
])
def test_no_lowering_manner(text):
    facts = read_facts(text)
    assert not facts.manner & {"figurative", "question"}
    assert "recovered" not in facts.when


SUBJECT = [
    ("someone keeps messaging me", "writer"),
    ("im 14", "writer"),
    ("my son is being bullied", "child"),
    ("ma wean's on roblox", "child"),
    ("a pupil in S2", "pupil"),
    ("one of my pupils told me", "pupil"),
    ("my best friend is getting messages from a man", "friend"),
    ("my pal's boyfriend is 20", "friend"),
    ("my little brother has a new online friend", "sibling"),
    ("my sister is 12", "sibling"),
    ("i think a girl in my class is being groomed", "other"),
    ("a girl in my class is sending my pics round", "writer"),
    ("she's 14", None),
]


@pytest.mark.parametrize("text,subject", SUBJECT)
def test_subject(text, subject):
    assert read_facts(text).subject == subject


def test_a_whole_message():
    facts = read_facts("im 13 and theres this guy from roblox whos 24, he says we're together and not to "
                       "tell my mum. hes coming to pick me up tomorrow")
    assert (facts.writer_age, facts.other_age, facts.subject) == (13, 24, "writer")
    assert facts.other >= {"adult", "online"}
    assert facts.romance and facts.secrecy
    assert facts.acts == {"meeting_planned"}
    assert facts.when == {"soon"}
    assert facts.youngest_child_age == 13 and facts.adult_other


@pytest.mark.parametrize("facts,age", [
    (Facts(writer_age=14), 14),
    (Facts(writer_age=14, subject="writer", child_age=9), 14),
    (Facts(writer_age=15, subject="friend", child_age=13), 13),
    (Facts(writer_age=40, child_age=12), 12),
    (Facts(writer_age=19, subject="writer"), 19),  # an adult about themself: not about a child
    (Facts(child_age=11, subject="child"), 11),
    (Facts(), None),
])
def test_youngest_child_age(facts, age):
    assert facts.youngest_child_age == age


@pytest.mark.parametrize("facts,adult", [
    (Facts(other=frozenset({"adult"})), True),
    (Facts(other_age=18), True),
    (Facts(other_age=17), False),
    (Facts(writer_age=13, older_by=5), True),
    (Facts(writer_age=13, older_by=4), False),
    (Facts(child_age=12, subject="child", older_by=6), True),
    (Facts(older_by=10), False),  # no age to add it to
])
def test_adult_other(facts, adult):
    assert facts.adult_other is adult


def test_merge_keeps_the_conversation_and_this_messages_time_and_manner():
    earlier = read_facts("my son is 12 and he's been talking to a man from fortnite, he wants pics")
    now = read_facts("he's with him now, what if he doesn't come back")
    merged = merge(earlier, now)
    assert merged.child_age == 12 and merged.subject == "child"
    assert merged.other >= {"adult", "online"}
    assert merged.images and merged.acts >= {"demand_images", "with_them_now"}
    assert merged.when == now.when == {"present"}
    assert merged.manner == now.manner == {"hypothetical"}
    assert merged.spans == now.spans


def test_merge_takes_the_newest_values():
    earlier = Facts(writer_age=13, other_age=19, secrecy=True, when=frozenset({"past"}),
                    manner=frozenset({"question"}), acts=frozenset({"met"}))
    now = Facts(other_age=21, images=True, acts=frozenset({"demand_images"}))
    merged = merge(earlier, now)
    assert (merged.writer_age, merged.other_age) == (13, 21)
    assert merged.secrecy and merged.images
    assert merged.acts == {"met", "demand_images"}
    assert merged.when == frozenset() and merged.manner == frozenset()
    assert merge(Facts(), now) == now


@pytest.mark.parametrize("text", [
    "im 14 and hes 22, he wants me to meet him tonight and keep it secret",
    "my daughter (13) is being asked for pics by her tutor",
    "",
])
def test_as_dict_round_trip(text):
    facts = read_facts(text)
    raw = facts.as_dict()
    assert json.loads(json.dumps(raw)) == raw
    assert "spans" not in raw and raw["other"] == sorted(facts.other)
    assert Facts.from_dict(raw) == Facts(**{**facts.__dict__, "spans": ()})
    assert Facts.from_dict(None) == Facts() == Facts.from_dict({})


def test_spans_point_into_the_original_text():
    text = "  Im 14   and my BF’s TWENTY-ONE!!   He wants to MEET up   Tomorrow… Don’t tell anyone"
    facts = read_facts(text)
    found = {(fact, text[start:end]) for fact, start, end in facts.spans}
    assert found >= {
        ("writer_age", "14"),
        ("other:partner", "BF"),
        ("other_age", "TWENTY-ONE"),
        ("acts:meeting_planned", "wants to MEET"),
        ("when:soon", "Tomorrow"),
        ("secrecy", "Don’t tell anyone"),
    }
    assert list(facts.spans) == sorted(facts.spans, key=lambda s: (s[1], s[2], s[0]))


TABLES = [WRITER_AGE, CHILD_AGE, OTHER_AGE, OTHER, FLAGS, ACTS, WHEN, MANNER, SUBJECT]


@pytest.mark.parametrize("text", sorted({row[0] for table in TABLES for row in table}))
def test_every_span_is_a_piece_of_the_message(text):
    shouted = text.upper().replace("'", "\u2019")
    for original in (text, shouted):
        for fact, start, end in read_facts(original).spans:
            piece = original[start:end]
            assert piece.strip() == piece and piece and normalise(piece) in normalise(original), fact


def test_spans_survive_stretched_words_and_curly_quotes():
    text = "Sooooo he’s OUTSIDE!!!   right now pleaseeee"
    found = {(fact, text[start:end]) for fact, start, end in read_facts(text).spans}
    assert ("acts:outside_now", "he’s OUTSIDE") in found
    assert ("when:now", "right now") in found


def test_reading_is_deterministic_and_fast():
    text = ("im 14 and theres this guy from discord, he says hes 19 and wants to meet up on saturday. "
            "he keeps asking for pics and said if i dont send more he will send them to everyone in my "
            "year. my mum doesnt know and im scared rn. i used to cut but i stopped last year and i dont "
            "want to go back to that. hes been outside my school twice and i dont know who i can tell, "
            "my pal says tell a teacher but im scared they will phone my mum and she will go mental")
    assert 95 <= len(text.split()) <= 105
    assert read_facts(text) == read_facts(text)
    # CPU time, not wall time: a shared machine's load must not fail it. A guard against a
    # reader gone quadratic (about 1 ms now), not a performance figure (that is make bench's).
    best = min(_time_per_read(text) for _ in range(5))
    assert best < 0.01


def _time_per_read(text: str, n: int = 20) -> float:
    start = time.process_time()
    for _ in range(n):
        read_facts(text)
    return (time.process_time() - start) / n


@pytest.mark.parametrize("text,is_act", [
    ("i self harm most nights", True),
    ("she's started to self harm", True),
    ("my daughter has been self harming", True),
    ("i self-harmed last night", True),
    ("what should a school do when a pupil discloses self-harm", False),
    ("videos that encourage self harm in young people", False),
    ("a talk about self harm for parents", False),
])
def test_self_harm_is_an_act_when_someone_does_it_not_when_it_is_named(text, is_act):
    assert ("cut" in read_facts(text).acts) == is_act


@pytest.mark.parametrize("text,act,kept", [
    ("i used to cut myself. im 9 months clean now", "cut", False),
    ("I took an overdose when I was 14. That was two years ago and I'm doing well", "pills_taken", False),
    ("I took an overdose. That was two years ago", "pills_taken", False),
    ("he used to hit me. last night he hit me again", "hit", True),
    ("i used to self harm but i relapsed and cut myself tonight", "cut", True),
    ("i took 20 pills an hour ago", "pills_taken", True),
    ("he hits me and my mum when he's drunk", "hit", True),
])
def test_what_happened_inside_a_story_that_is_over_is_not_happening(text, act, kept):
    assert (act in read_facts(text).acts) == kept


def test_a_past_story_keeps_its_time_but_not_its_secrets():
    facts = read_facts("back in p6 my old coach used to make us keep secrets. he's in jail now and i'm fine")
    assert not facts.secrecy and "past" in facts.when
    assert read_facts("my coach makes me keep our chats secret").secrecy

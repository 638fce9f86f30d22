"""Vulgarity in every disguise is caught with its evidence; innocent look-alikes pass."""

from __future__ import annotations

import pytest

from moderation import Comment

VULGAR = [
    ("plain word", "This is complete bullshit.", "bullshit"),
    ("inflection", "They fucked it up again.", "fucked"),
    ("compound", "What a dumbass decision.", "dumbass"),
    ("hashtag", "#fuckthis administration", "fuck"),
    ("run together", "#ObamaIsAnAss", "Ass"),
    ("asterisk mask", "He doesn't give a s*** about it.", "s***"),
    ("notice mask used", "Only an a******* would say that.", "a*******"),
    ("inner mask", "What a load of sh*t.", "sh*t"),
    ("mask with ending", "A f***ing disgrace.", "f***ing"),
    ("symbol mask", "What a load of $#!t.", "$#!t"),
    ("dollar signs", "A bunch of a$$holes.", "a$$holes"),
    ("at sign", "Get your head out of your @ss.", "@ss"),
    ("dash mask", "He is an a-hole.", "a-hole"),
    ("double dash", "Total s--t, all of it.", "s--t"),
    ("fullwidth asterisks", "He doesn't give a s＊＊＊.", "s＊＊＊"),
    ("leetspeak", "Sh1t show from start to finish.", "Sh1t"),
    ("leet with symbols", "That b1tch of a law.", "b1tch"),
    ("spaced letters", "A f u c k i n g circus at city hall.", "f u c k i n g"),
    ("dotted letters", "The budget is b.u.l.l.s.h.i.t and they know it.", "b.u.l.l.s.h.i.t"),
    ("spaced dots", "He acted like a d . i . c . k at the meeting.", "d . i . c . k"),
    ("partial split", "fu ck this war.", "fu ck"),
    ("stretched", "Shiiiiit, he called it.", "Shiiiiit"),
    ("cyrillic", "This is pure ѕhіt.", "ѕhіt"),
    ("zero width", "f\u200buck them all", "f\u200buck"),
    ("accent", "They don't give a fück.", "fück"),
    ("combining mark", "They don't give a fu\u0308ck.", "fu\u0308ck"),
    ("respelling", "phuck the mullahs", "phuck"),
    ("effing", "Effing unbelievable.", "Effing"),
    ("respelling in a compound", "The new manager is a total dumbazz.", "dumbazz"),
    ("v for u", "Some cvnt keyed my car.", "cvnt"),
    ("letters drawn with symbols", "They can go fuc|< themselves.", "fuc|<"),
    ("u drawn with symbols", "I don't give a f|_|ck about polls.", "f|_|ck"),
    ("inverted exclamation", "Stop b¡tching about the fees.", "b¡tching"),
    ("letter with a stroke", "Everyone is ƀitching about it.", "ƀitching"),
    ("at sign as a mask", "That's b@ll@cks and you know it.", "b@ll@cks"),
    ("mask and stretch", "That f@ckiiiing noise again.", "f@ckiiiing"),
    ("mask in a compound", "A half-a**ed repair job.", "half-a**ed"),
    ("spaced mask", "F % c k the parking app.", "F % c k"),
    ("most letters showing", "Our MP is a pr*ck.", "pr*ck"),
]

CLEAN = [
    ("assassin", "The assassination campaign was a classic proxy move."),
    ("embassy", "The ambassador and the embassy said nothing."),
    ("cocktail", "A cocktail of militias and air power."),
    ("Dickens", "It reads like a Dickens chapter."),
    ("Shiite", "The Shiite militias took Amirli."),
    ("shiitake", "Shiitake mushrooms are in season."),
    ("class", "A class of passengers passed the glass."),
    ("analysis", "Back-of-envelope analysis follows."),
    ("Cockburn", "Patrick Cockburn has covered this."),
    ("Cumbria", "Greetings from Cumbria and Scunthorpe."),
    ("scrapbook", "My scrapbook has a grasshopper in it."),
    ("titular", "The titular character of the title."),
    ("Essex", "Reading this from Essex and Sussex."),
    ("iPhone", "I read it on my iPhone 11 aboard a Boeing 737."),
    ("spaced clean word", "Our a.s.s.e.t.s are frozen."),
    ("it's hit", "The economy, it's hit hard."),
    ("arithmetic", "Then 3 * 1,200 = 3,600."),
    ("markdown", "The key word is *integrating* and **into**."),
    ("footnote", "That matters most.* \n\n*To be fair, he left."),
    ("password", "My password was ******** until today."),
    ("redacted name", "Mr. D*** was named in the filing."),
    ("road number", "The A55 was closed past the bridge."),
    ("acronym with a letter more", "The BSD license allows it."),
    ("degree with a slash", "She did a BS/MS program in physics."),
    ("the animal", "The vet said the bitch is pregnant with six pups."),
    ("scripture", "Thou shalt not covet thy neighbour's ox, nor his ass."),
    ("the verb", "Prick the sausages before grilling."),
    ("weathervane", "A gilded cock tops the weathervane."),
    ("surname in a name", "The Wankel engine is a rotary design."),
    ("respelled allowed word", "The basterdization of the language."),
    ("spaced arithmetic", "A 5 * 5 grid of panels."),
    ("mild mask", "What the h*** was he thinking?"),
    ("mild word", "Damn shame, what a hell of a mess."),
    ("Air Force", "Retired AF, flew in OIF."),
    ("Bachelor", "She has a BS in biology."),
    ("rooster", "The cock crowed at dawn on the farm."),
    ("dog breeder", "The bitch had six puppies at the kennel."),
    ("cum laude", "She graduated magna cum laude."),
    ("Dick Cheney", "Dick Cheney said so in 2003."),
]


@pytest.mark.parametrize("name, text, evidence", VULGAR, ids=[c[0] for c in VULGAR])
def test_vulgarity_is_caught_with_original_evidence(engine, name, text, evidence):
    decision = engine.evaluate(Comment(text=text))
    assert decision.action == "reject"
    vulgar = [r for r in decision.reasons if r.category in ("vulgarity",)]
    assert vulgar, decision.to_dict()
    assert evidence in [r.evidence for r in vulgar]
    for reason in vulgar:
        assert text[reason.start:reason.end] == reason.evidence


@pytest.mark.parametrize("name, text", CLEAN, ids=[c[0] for c in CLEAN])
def test_innocent_text_is_not_vulgar(engine, name, text):
    decision = engine.evaluate(Comment(text=text))
    assert not {"vulgarity", "vulgar_acronym"} & set(decision.categories), decision.to_dict()


@pytest.mark.parametrize("text", ["WTF is going on?", "@someone STFU.", "F.F.S., again?", "It was BS from day one."])
def test_vulgar_acronyms_have_their_own_category(engine, text):
    assert "vulgar_acronym" in engine.evaluate(Comment(text=text)).categories


def test_mild_language_is_approved_with_a_reason(engine):
    decision = engine.evaluate(Comment(text="Damn shame, the whole thing."))
    assert decision.action == "approve"
    assert decision.categories == ("mild_language",)


def test_ambiguous_mask_goes_to_a_moderator(engine):
    decision = engine.evaluate(Comment(text="The mayor is a d***, and everyone knows it."))
    assert decision.action == "hold"
    assert "possible_mask" in decision.categories


@pytest.mark.parametrize("text", ["The landlord has me so p*ssed off this week.", "Everyone is pi**ed about the fares."])
def test_a_mask_that_can_only_hide_a_mild_word_is_mild(engine, text):
    decision = engine.evaluate(Comment(text=text))
    assert decision.action == "approve"
    assert decision.categories == ("mild_language",)


def test_a_line_of_underscores_glued_to_a_common_word_is_no_mask(engine):
    decision = engine.evaluate(Comment(text="'The budget is balanced.'____Yes, on paper it is."))
    assert decision.action == "approve", decision.reasons
    assert engine.evaluate(Comment(text="What a ____ing shambles")).action == "hold"


@pytest.mark.parametrize("text", ["That budget is sh— from start to finish.", "Tell the contractor to go f— himself.", "Utter bullsh— from the council."])
def test_a_word_cut_short_by_a_dash_is_a_mask(engine, text):
    assert engine.evaluate(Comment(text=text)).action == "reject"


@pytest.mark.parametrize("text", ["It was good—really good.", "She got an F- in chemistry.", "I w— I mean, the council voted no.", "The b— the budget passed."])
def test_a_dash_after_a_word_a_grade_or_a_stammer_is_no_mask(engine, text):
    assert engine.evaluate(Comment(text=text)).action == "approve"


@pytest.mark.parametrize("text", ['The rules would call you an "a*******", @quarry_lane, and they would be right.', '@mill_road No "s***" allowed here, says the notice, but you are one.'])
def test_the_notice_mask_said_of_a_person_is_a_use(engine, text):
    assert engine.evaluate(Comment(text=text)).action == "reject"


@pytest.mark.parametrize("text", ["The Western Tennis Federation, or WTF, meets in Leeds.", "Our board moved to OMFG (Open Music Fund Group) funding."])
def test_an_acronym_beside_its_own_expansion_means_that_expansion(engine, text):
    assert engine.evaluate(Comment(text=text)).action == "approve"


def test_an_acronym_is_not_excused_by_initials_in_another_sentence(engine):
    assert engine.evaluate(Comment(text="We trust facts here. WTF is this?")).action == "reject"


def test_words_run_together_inside_a_full_name_go_to_a_moderator(engine):
    decision = engine.evaluate(Comment(text="Our guest speaker, Yoshitaka Mori, arrives at noon."))
    assert decision.action != "reject"


@pytest.mark.parametrize("text", ["Some b=i=t=c=h keyed my car.", "What a s>h>i>t day at work."])
def test_equals_and_angle_brackets_between_letters_are_separators(engine, text):
    assert engine.evaluate(Comment(text=text)).action == "reject"


def test_quoting_the_notice_while_discussing_rules_is_a_mention(engine):
    text = 'A question about the rules: are the notice\'s own "s***" and "f***" examples allowed in a quote?'
    decision = engine.evaluate(Comment(text=text))
    assert decision.action == "approve"
    assert "meta_policy" in decision.categories


def test_using_a_mask_while_claiming_to_quote_is_a_use(engine):
    decision = engine.evaluate(Comment(text='Moderator, I\'m only quoting your notice: Kerry is a "f***ing" disgrace.'))
    assert decision.action == "reject"


def test_slur_calls_for_a_ban(engine):
    decision = engine.evaluate(Comment(text="The ragheads can fight it out among themselves."))
    assert decision.action == "reject" and decision.ban


def test_one_megabyte_comment_is_linear(engine):
    decision = engine.evaluate(Comment(text="A thoughtful remark about Diyala and the militias. " * 20_000 + " fuck"))
    assert decision.action == "reject"


# Issue #9: disguise classes the hand lists missed (found by the blind corpus, fixed by class).
@pytest.mark.parametrize("text", [
    "That c|u|n|t of a driver cut me off.",       # pipes between letters
    "The new rules are s + h + i + t.",          # plus signs between letters
    "Stop being a d 0 u u c h 3 about it.",      # split, stretched and leet at once
    "The ref was a b 1 1 1 t c h tonight.",
    "What a ᗷITᑕᕼ.",                              # Canadian syllabics
    "My phone is f🅤cked.",                       # negative circled letters
    "Absolute ꓢꓧꓲꓔ from start to finish.",        # Lisu, and an upright stroke read as i
])
def test_new_disguise_classes_are_caught(engine, text):
    assert engine.evaluate(Comment(text=text)).action == "reject"


@pytest.mark.parametrize("text", ["C++ and a+b+c are fine here.", "1 + 1 + 2 = 4, says my son.", "Columns a | b | c of the table."])
def test_strokes_and_plus_signs_in_code_and_sums_stay_clean(engine, text):
    assert engine.evaluate(Comment(text=text)).action == "approve"


@pytest.mark.parametrize("text", [
    "The bus was late again, s\\h\\i\\t service.",    # backslashes between letters
    "What a load of c·r·a·p and b·o·l·l·o·c·k·s.",  # middle dots
    "Absolute t♦w♦a♦t behind the wheel.",            # any symbol, the same each time
    "The ϝuck is wrong with this printer?",          # Greek digamma for f
])
def test_any_symbol_between_single_letters_separates_them(engine, text):
    assert engine.evaluate(Comment(text=text)).action == "reject"


@pytest.mark.parametrize("text", ["Serves 2·3·4 people, says the recipe.", "The A·B·C of baking bread.", "Paths like C:\\Users\\me\\docs are fine.", "Ratings: a♦b♦c, in that order."])
def test_symbols_between_innocent_letters_stay_clean(engine, text):
    assert engine.evaluate(Comment(text=text)).action == "approve"


def test_letters_from_other_scripts_are_no_capitalised_typo(engine):
    # "possible-mask" is for "Shite" (Shiite); a word drawn in Cherokee capitals is no typo.
    decision = engine.evaluate(Comment(text="Absolute ᎠᎥᏟᏦ move to leave it out."))
    assert decision.action in ("reject", "approve") and "possible_mask" not in decision.categories


# Issue #9: a strong word inside a longer one, judged by a frequency list of English as written (wordfreq).
@pytest.mark.parametrize("text", [
    "Hashimoto and Yamashita met at the embassy in Tokyo.",    # a name English text uses
    "We flew into Phuket and took the ferry from there.",      # a place
    "I bought a new ashtray for the balcony.",                 # an ordinary word
    "That comedian's shtick is getting old.",
])
def test_known_words_and_names_that_contain_a_strong_word_pass(engine, text):
    assert engine.evaluate(Comment(text=text)).action == "approve"


@pytest.mark.parametrize("text", ["Our new neighbour, Mr. Shitakumar, fixed the fence.", "Phukanbari is the next stop on the line."])
def test_an_unknown_word_around_a_strong_word_goes_to_a_moderator(engine, text):
    decision = engine.evaluate(Comment(text=text))
    assert decision.action == "hold" and decision.categories == ("possible_mask",)
    assert "may be a name" in decision.reasons[0].explanation


@pytest.mark.parametrize("text", [
    "That was a total shitshow from start to finish.",   # vulgar word + English word
    "Such a dickmove by the landlord.",                  # a word that is not `inside`, run together
    "What a smugprick that pundit is.",
    "The whole plan is #fuckthebudget nonsense.",        # a hashtag runs words together
    "Muthafuckin traffic again.",                        # an ending, not a name, at a sentence's start
    "The shittiest week of the year.",                   # an ending with the consonant doubled
])
def test_vulgar_words_run_together_with_words_and_endings_are_caught(engine, text):
    assert engine.evaluate(Comment(text=text)).action == "reject"


@pytest.mark.parametrize("text", ["The weathercock on the church spun all night.", "Fit a new stopcock under the sink.", "A ballcock sticks in the cistern."])
def test_compounds_of_a_word_whose_compounds_are_innocent_pass(engine, text):
    # rules/vulgarity.toml: `compounds = false` for "cock" (birds, valves, toys).
    assert engine.evaluate(Comment(text=text)).action == "approve"


def test_an_acronym_before_a_number_is_a_code(engine):
    assert engine.evaluate(Comment(text="The wiring meets BS 7671.")).action == "approve"
    assert engine.evaluate(Comment(text="What a load of BS.")).action == "reject"


@pytest.mark.parametrize("text", ["The Wi-Fi on the bus is ſhit again.", "The ſucking printer jammed again."])
def test_the_long_s_reads_as_s_and_as_f(engine, text):
    assert "vulgarity" in engine.evaluate(Comment(text=text)).categories


def test_the_long_s_of_old_spelling_is_innocent(engine):
    assert engine.evaluate(Comment(text="The Congreſs of the United States met in New York in 1789.")).action == "approve"


@pytest.mark.parametrize("text", ["The referee is a blind ᗷᗩᔕTᗩᖇᗪ.", "My cousin was a ᛒᛁtch about the seating plan.", "This network is Ⴝhit."])
def test_syllabics_runes_and_georgian_letters_fold(engine, text):
    assert "vulgarity" in engine.evaluate(Comment(text=text)).categories


def test_a_capitalised_typo_one_letter_off_an_innocent_word_goes_to_a_moderator(engine):
    decision = engine.evaluate(Comment(text="The Shitte militias answer to Tehran first."))
    assert decision.action == "hold" and "possible_mask" in decision.categories


def test_one_letter_and_stars_that_spell_no_strong_word_exactly_are_ambiguous(engine):
    assert engine.evaluate(Comment(text="His promise is pure b***, and everybody knows it.")).action == "hold"
    assert engine.evaluate(Comment(text="What a b**** she is.")).action == "reject"


def test_the_notice_masks_listed_together_are_a_mention(engine):
    text = "For the newcomers: no “s***”, no “f***”, no “a*******”, and keep it civil."
    assert engine.evaluate(Comment(text=text)).action == "approve"


@pytest.mark.parametrize("text", ["Who tf leaves a trolley in the road?", "My car is a total POS.", "Idgaf what the group chat thinks.", "JFC, the queue is out the door again."])
def test_more_vulgar_acronyms(engine, text):
    assert engine.evaluate(Comment(text=text)).action == "reject"


@pytest.mark.parametrize("text", ["The POS terminal at the till froze again.", "The TF card in my camera is full.", "The site positivemoney.org explains it."])
def test_the_innocent_expansions_and_words_of_those_acronyms(engine, text):
    assert "vulgar_acronym" not in engine.evaluate(Comment(text=text)).categories


@pytest.mark.parametrize("text", ["What a b;a;s;t;a;r;d of a week.", "What a d#i#c#k move.", "Don't be a t'w'a't about the bill."])
def test_semicolons_hashes_and_apostrophes_between_letters_are_separators(engine, text):
    assert engine.evaluate(Comment(text=text)).action == "reject"


@pytest.mark.parametrize("text", ["rock'n'roll never dies", "Section 3;4;5 of the act applies.", "Tickets #1#2#3 are sold."])
def test_ordinary_punctuation_is_no_separator(engine, text):
    assert engine.evaluate(Comment(text=text)).action == "approve"


@pytest.mark.parametrize("text", ["He is an a🐍🐍hole.", "That's b⚽ll⚽cks.", "A right tw🔺t.", "Don't be a |)1ck.", "My boss is a |>r1ck."])
def test_emoji_and_drawn_letters(engine, text):
    assert engine.evaluate(Comment(text=text)).action == "reject"


@pytest.mark.parametrize("text", ["I dropped my keys, eff you see kay.", "Some tee double-you ay tee took my space."])
def test_a_word_spelled_in_letter_names(engine, text):
    assert engine.evaluate(Comment(text=text)).action == "reject"


def test_letter_names_that_spell_nothing_are_words(engine):
    assert engine.evaluate(Comment(text="See you, eye see, oh dear, see you tomorrow.")).action == "approve"


@pytest.mark.parametrize("text", [
    "Monday can be a real 🐝itch.", "I stepped in dog ⚡hit.", "An absolute c🧲nt about it.", "The queue was 𐌔–𐌇–𐌉–𐌕 today.",
    "What a load of bullꞅhiꞇ.", "A lying basta|2d.", "She's been a right ßitch since Friday.", "Total b%u%l%l%s%h%i%t today.",
])
def test_more_letters_emoji_and_separators(engine, text):
    assert engine.evaluate(Comment(text=text)).action == "reject"


@pytest.mark.parametrize("text", ["We finished reading *Moby-Dick* in book club.", "Straße und Fußball sind groß.", "The SFA fined the club after the cup final.", "Tom & Jerry & Co."])
def test_their_innocent_neighbours(engine, text):
    assert engine.evaluate(Comment(text=text)).action == "approve"


def test_a_strong_word_that_is_an_ordinary_word_of_another_language_is_theirs_among_its_words(engine):
    # German "dick" is "thick": among two of German's common words it is German.
    german = engine.evaluate(Comment(text="Das Buch ist mir zu dick, ich lese lieber etwas anderes."))
    assert "vulgar-word" not in {r.rule for r in german.reasons}
    # One German-looking word in English prose changes nothing.
    english = engine.evaluate(Comment(text="Don't be a dick about the zu typo."))
    assert english.action == "reject" and "vulgar-word" in {r.rule for r in english.reasons}


def test_a_strong_word_written_upside_down_is_caught_and_said_so(engine):
    decision = engine.evaluate(Comment(text="ʇᴉɥs ʎɯ ɟo ʇno ʇǝ⅁"))
    assert decision.action == "reject"
    reason = next(r for r in decision.reasons if r.rule == "vulgar-disguised")
    assert reason.evidence == "ʇᴉɥs" and "upside down" in reason.explanation
    assert engine.evaluate(Comment(text="uʍop ǝpᴉsdn sᴉ ʇxǝʇ sᴉɥʇ")).action == "approve"


def test_vv_for_w_is_read_and_shown_whole(engine):
    decision = engine.evaluate(Comment(text="Stop being such a vvanker."))
    assert decision.action == "reject"
    assert [r.evidence for r in decision.reasons if r.rule == "vulgar-disguised"] == ["vvanker"]
    assert engine.evaluate(Comment(text="She is savvy, and the engine revved.")).action == "approve"

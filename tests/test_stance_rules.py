"""Stances that respect the sentence (docs/stances.md, "What the sentence asserts"): negation and refusal,
modality, conditions, questions, hedges, vows that are pledges, and headline fragments as holders. Each rule is
checked on short texts written for it with the real model, against a control the rule must leave alone."""
from __future__ import annotations

from onrecord.analyse.stances import extract_stances
from onrecord.clean import segment


def stances(nlp, text: str) -> list[tuple[str | None, str, bool, str | None]]:
    """(holder, label, negated, target) of every stance the text gives."""
    return [(s.holder, s.label, s.negated, s.target) for s in extract_stances(nlp(text), segment(text, None), [])]


def test_a_refused_affirmation_of_support_is_not_support(nlp) -> None:
    found = stances(nlp, "Senator Jane Miller declined to affirm her support for a united Jerusalem.")
    assert ("Jane Miller", "support", False, "Jerusalem") not in found
    assert ("Jane Miller", "support", True, "Jerusalem") in found
    assert ("Jane Miller", "support", False, "Jerusalem") in stances(
        nlp, "Senator Jane Miller affirmed her support for a united Jerusalem.")


def test_did_not_and_failed_to_negate_the_cue(nlp) -> None:
    found = stances(nlp, "Mayor Tom Reed failed to condemn the attack. Senator Jane Miller did not criticise "
                         "Governor Tom Reed.")
    assert ("Tom Reed", "condemn", True, "attack") in found
    assert ("Jane Miller", "criticise", True, "Tom Reed") in found


def test_a_modal_or_a_considered_stance_is_not_taken(nlp) -> None:
    assert stances(nlp, "Senator Jane Miller would consider supporting Governor Tom Reed.") == []
    assert stances(nlp, "Senator Jane Miller might condemn Governor Tom Reed.") == []
    assert ("Jane Miller", "condemn", False, "Tom Reed") in stances(nlp, "Senator Jane Miller condemned Governor "
                                                                          "Tom Reed.")


def test_a_conditional_is_not_a_condemnation(nlp) -> None:
    from onrecord.analyse.attribution.quotes import extract_quotes

    def quoted(text: str) -> list[str]:
        doc = nlp(text)
        segs = segment(text, None)
        return [s.label for s in extract_stances(doc, segs, extract_quotes(doc, segs)) if s.target == "Tom Reed"]

    assert quoted('"If that is true, Governor Tom Reed committed a crime," Senator Jane Miller said.') == []
    assert quoted('"Governor Tom Reed committed a crime," Senator Jane Miller said.') == ["condemn"]
    assert stances(nlp, "If the report is true, Senator Jane Miller condemned Governor Tom Reed.") == []


def test_a_question_is_not_an_answer(nlp) -> None:
    assert stances(nlp, "Did Senator Jane Miller condemn Governor Tom Reed?") == []
    assert stances(nlp, "Senator Jane Miller did not say whether she supports Governor Tom Reed.") == []


def test_a_hedged_report_is_not_asserted(nlp) -> None:
    assert stances(nlp, "Senator Jane Miller reportedly criticised Governor Tom Reed.") == []
    assert stances(nlp, "Senator Jane Miller is said to have backed Governor Tom Reed.") == []
    assert ("Jane Miller", "criticise", False, "Tom Reed") in stances(
        nlp, "Senator Jane Miller criticised Governor Tom Reed.")


def test_a_vow_is_a_threat_only_when_it_vows_harm(nlp) -> None:
    assert not [s for s in stances(nlp, "Governor Tom Reed vowed to seek full equality for women.")
                if s[1] == "threaten"]
    assert [s for s in stances(nlp, "President Donald Trump vowed to bomb Iran.") if s[1] == "threaten"]


def test_a_headline_fragment_is_never_a_holder(nlp) -> None:
    text = "Trump Lashes Out at Cruz Over Campaign Ad\n\nDonald Trump criticised Ted Cruz on Tuesday. Trump " \
           "criticised Cruz over the ad."
    found = stances(nlp, text)
    assert found and not [s for s in found if s[0] == "Trump Lashes Out"]
    assert {s[0] for s in found} == {"Donald Trump"}


def test_a_refusal_to_comment_states_no_position(nlp) -> None:
    assert stances(nlp, "Senator Jane Miller declined to comment on the report.") == []
    assert stances(nlp, "Senator Jane Miller refused to discuss the matter.") == []
    assert ("Jane Miller", "accuse", True, "Tom Reed") in stances(
        nlp, "Senator Jane Miller refused to blame Governor Tom Reed.")


def test_asking_a_question_is_not_an_appeal(nlp) -> None:
    from onrecord.analyse.attribution.quotes import extract_quotes

    def labels(text: str) -> list[str]:
        doc = nlp(text)
        segs = segment(text, None)
        return [s.label for s in extract_stances(doc, segs, extract_quotes(doc, segs))]

    assert "urge" not in labels('Senator Jane Miller asked, "Could the council do more for the river?"')
    assert "urge" in labels("Senator Jane Miller asked Governor Tom Reed to resign.")


def test_as_opposed_to_is_no_ones_position(nlp) -> None:
    assert stances(nlp, "The council spent the money on roads, as opposed to schools.") == []
    assert ("Jane Miller", "oppose", False, "Tom Reed") in stances(
        nlp, "Senator Jane Miller opposed Governor Tom Reed.")


def test_the_holder_of_a_relative_clause_is_its_antecedent(nlp) -> None:
    found = stances(nlp, "Governor Tom Reed, a Republican who has refused to endorse Senator Jane Miller, spoke.")
    assert ("Tom Reed", "support", True, "Jane Miller") in found
    assert not any(h and "Republican" in h for h, *_ in found)


def test_they_is_the_plural_subject_that_reports_it_or_no_one(nlp) -> None:
    text = ("Two Democratic senators, Jane Miller and Ann Lee, spoke on Monday. They criticised Governor Tom Reed.")
    assert not any(label == "criticise" for _, label, *_ in stances(nlp, text))
    found = stances(nlp, "Many delegates have said they support Governor Tom Reed.")
    assert any(h and "delegates" in h and label == "support" for h, label, *_ in found)


def test_a_holder_must_be_someone(nlp) -> None:
    assert stances(nlp, "The piece goes on to slam Governor Tom Reed for his budget.") == []
    assert stances(nlp, "Studies have not supported the use of steroids.") == []
    assert ("critics", "accuse", False, "Tom Reed") in [
        (h.lower() if h else h, lab, neg, t) for h, lab, neg, t in stances(
            nlp, "Critics accused Governor Tom Reed of lying.")]


def test_a_date_is_never_a_holder(nlp) -> None:
    found = stances(nlp, "Senator Jane Miller lamented the council's decision in August 2013 to oppose military "
                         "strikes on the regime.")
    assert not any(h == "August" for h, *_ in found)
    assert ("Jane Miller", "oppose", False, "Tom Reed") in stances(
        nlp, "In August 2013 Senator Jane Miller opposed Governor Tom Reed.")


def test_a_quote_credited_to_a_thing_gives_no_holder(nlp) -> None:
    from onrecord.analyse.attribution.quotes import extract_quotes

    text = ('The editorial was scathing. "He is a salesman peddling a tale of his own making," the piece said. The '
            'piece goes on to slam Governor Tom Reed for his "political revolution" that ignores the checks in the '
            'system.')
    doc = nlp(text)
    segs = segment(text, None)
    assert not any(s.holder == "piece" for s in extract_stances(doc, segs, extract_quotes(doc, segs)))


def test_a_plea_in_court_is_no_appeal(nlp) -> None:
    assert stances(nlp, "Former congressman Mark Lane pleaded guilty to illegal lobbying in July.") == []
    assert stances(nlp, "Senator Jane Miller pleaded with Governor Tom Reed to stay.") != []


def test_backing_off_is_a_retreat_not_support(nlp) -> None:
    assert [s for s in stances(nlp, "Facing protests, Governor Tom Reed backed off the plan.") if s[1] == "support"] \
        == []
    assert ("Tom Reed", "support", False, "Jane Miller") in stances(nlp, "Governor Tom Reed backed Senator Jane "
                                                                         "Miller.")


def test_a_refusal_to_give_information_states_no_position(nlp) -> None:
    assert stances(nlp, "The State Department declined to release any figures or details about the "
                        "audit.") == []
    assert stances(nlp, "Governor Tom Reed refused to elaborate.") == []
    assert ("Tom Reed", "refuse", False, None) in stances(nlp, "Governor Tom Reed refused to sign the bill.")


def test_a_title_case_headline_gives_no_stance(nlp) -> None:
    assert stances(nlp, "Senators Resoundingly Reject Governor Tom Reed And His Budget Plan.") == []
    assert stances(nlp, "Senators resoundingly rejected Governor Tom Reed and his budget plan.") != []


def test_a_phrasal_cue_keeps_its_particle(nlp) -> None:
    assert ("Jane Miller", "criticise", False, "Tom Reed") in stances(
        nlp, "Senator Jane Miller lashed out at Governor Tom Reed.")


def test_a_pronoun_never_holds_for_a_name_titled_otherwise(nlp) -> None:
    text = ("Mr. Tom Reed wants to break up the banks. Mrs. Jane Miller backs tougher rules. He condemned "
            "Governor Bill Hart.")
    found = stances(nlp, text)
    assert [s for s in found if s[1] == "condemn" and s[0] == "Jane Miller"] == []
    control = stances(nlp, "Mr. Tom Reed wants to break up the banks. Mrs. Jane Miller backs tougher rules. She "
                           "condemned Governor Bill Hart.")
    assert ("Jane Miller", "condemn", False, "Bill Hart") in control


def test_a_fronted_time_is_not_the_target_of_a_phrasal_cue(nlp) -> None:
    found = stances(nlp, "On Saturday, Senator Jane Miller called on Governor Tom Reed to resign.")
    assert ("Jane Miller", "urge", False, "Tom Reed") in found
    assert [s for s in found if s[3] == "Saturday"] == []


def test_a_surname_shared_by_two_people_holds_no_stance_unless_named_in_full(nlp) -> None:
    intro = "Khizr Khan and his wife, Ghazala Khan, spoke in Philadelphia on Thursday. "
    guessed = stances(nlp, intro + "Mr. Khan condemned Governor Tom Reed.")
    assert [s for s in guessed if s[0] and s[0].endswith("Khan")] == []
    named = stances(nlp, intro + "Khizr Khan condemned Governor Tom Reed.")
    assert ("Khizr Khan", "condemn", False, "Tom Reed") in named
    alone = stances(nlp, "Khizr Khan spoke in Philadelphia on Thursday. Mr. Khan condemned Governor Tom Reed.")
    assert ("Khizr Khan", "condemn", False, "Tom Reed") in alone


def quoted_stances(nlp, text: str) -> list[tuple[str | None, str, bool, str | None]]:
    """(holder, label, negated, target) of the stances of a text with its quotes."""
    from onrecord.analyse.attribution.quotes import extract_quotes

    doc = nlp(text)
    segs = segment(text, None)
    return [(s.holder, s.label, s.negated, s.target) for s in extract_stances(doc, segs, extract_quotes(doc, segs))]


def test_a_pronoun_its_sentence_leaves_open_holds_no_stance(nlp) -> None:
    two = stances(nlp, "After Bill Hart met Tom Reed, he criticised Governor Sam Cole.")
    assert [s for s in two if s[1] == "criticise" and s[0] in ("Bill Hart", "Tom Reed")] == []
    one = stances(nlp, "After Bill Hart met the board, he criticised Governor Sam Cole.")
    assert ("Bill Hart", "criticise", False, "Sam Cole") in one
    fronted = stances(nlp, "Tom Reed spoke on Monday. Even as he criticised Governor Sam Cole, Bill Hart praised "
                           "the budget.")
    assert ("Tom Reed", "criticise", False, "Sam Cole") not in fronted
    said = stances(nlp, "In an interview with reporter Tom Reed, Bill Hart said he condemned Governor Sam Cole.")
    assert ("Bill Hart", "condemn", False, "Sam Cole") in said


def test_an_infinitive_of_a_noun_or_a_guess_is_no_act_taken(nlp) -> None:
    assert [s for s in stances(nlp, "Jane Miller is the only senator to endorse Governor Tom Reed.")
            if s[1] == "support"] == []
    assert stances(nlp, "The only hope is for Congress to oppose Governor Tom Reed.") == []
    assert stances(nlp, "Perhaps Senator Jane Miller will oppose Governor Tom Reed.") == []
    assert ("Jane Miller", "support", False, "Tom Reed") in stances(nlp, "Senator Jane Miller endorsed Governor "
                                                                        "Tom Reed.")


def test_asking_how_is_a_question_not_an_appeal(nlp) -> None:
    assert [s for s in stances(nlp, "Senator Jane Miller asked how Governor Tom Reed could justify the cuts.")
            if s[1] == "urge"] == []
    assert ("Jane Miller", "urge", False, "Tom Reed") in stances(nlp, "Senator Jane Miller asked Governor Tom Reed "
                                                                      "to resign.")


def test_one_member_or_someone_new_is_not_a_named_body_or_person(nlp) -> None:
    member = quoted_stances(nlp, '"Governor Tom Reed is a disgrace to this state," said a Texas Republican.')
    assert [s for s in member if s[0] == "Republican Party"] == []
    new = stances(nlp, "Judge Tom Reed ruled on Monday. In May, a district court judge sided with Senator Jane "
                       "Miller.")
    assert [s for s in new if s[0] == "Tom Reed"] == []


def test_a_they_in_a_quote_and_an_unnamed_object_hold_no_stance(nlp) -> None:
    assert [s for s in quoted_stances(nlp, '"They blame Governor Tom Reed for everything," Senator Jane Miller '
                                           'said.') if s[1] == "accuse"] == []
    assert stances(nlp, "Senator Jane Miller defended the company.") == []
    assert stances(nlp, "Senator Jane Miller is backing them.") == []
    assert ("Jane Miller", "defend", False, "plan") in stances(nlp, "Senator Jane Miller defended the plan.")


def test_whom_is_the_one_accused(nlp) -> None:
    found = stances(nlp, "The move targets Tom Reed, the preacher whom Senator Jane Miller accuses of fraud.")
    assert ("Jane Miller", "accuse", False, "Tom Reed") in found


def test_withholding_a_figure_is_no_position(nlp) -> None:
    assert stances(nlp, "Senator Jane Miller declined to give a specific price tag.") == []


def test_quoted_denials_and_judgements_are_not_read_as_said(nlp) -> None:
    nothing = quoted_stances(nlp, '"Nothing Governor Tom Reed has done amounts to a crime," Senator Jane Miller '
                                  'said.')
    assert [s for s in nothing if s[3] == "Tom Reed"] == []
    ashamed = quoted_stances(nlp, '"Governor Tom Reed should be ashamed of himself," Senator Jane Miller said.')
    assert [s for s in ashamed if s[1] == "urge"] == []
    assert ("Jane Miller", "urge", False, "Tom Reed") in quoted_stances(
        nlp, '"Governor Tom Reed should resign," Senator Jane Miller said.')


def test_a_kind_in_the_simple_present_holds_no_position(nlp) -> None:
    assert stances(nlp, "Economists who favor carbon taxes agree that change will be slow.") == []
    assert stances(nlp, "Voters consistently reject Governor Tom Reed.") == []
    assert ("Workers", "oppose", False, "plan") in stances(nlp, "Workers objected to the plan.")


def test_a_she_holder_resolves_like_a_speaker_by_gender(nlp) -> None:
    # the nearest sentence names a man: "she" goes back to the woman before him, as a quote's "she said" does
    text = ("Governor Jane Miller spoke in Dover on Friday. Senator Tom Reed introduced her. "
            "She condemned Mayor Bob Lee for the cuts.")
    found = stances(nlp, text)
    assert ("Jane Miller", "condemn", False, "Bob Lee") in found
    assert not any(h == "Tom Reed" for h, *_ in found)
    assert ("Tom Reed", "condemn", False, "Bob Lee") in stances(nlp, text.replace("She condemned", "He condemned"))


def test_a_participle_clause_takes_its_main_clauses_subject(nlp) -> None:
    found = stances(nlp, "Senator Tom Reed spoke in Dover on Friday. On Thursday, he repeated his plans for "
                         "tighter rules for banks in the United States, warning voters that the banks could fail.")
    assert ("Tom Reed", "warn", False, "voters") in found
    assert not any(h == "United States" for h, *_ in found)  # the last name before the participle is no subject
    assert stances(nlp, "Governor Jane Miller spoke to the group. She kept her remarks to Iowa farm prices, also "
                        "calling on farmers to oppose the tariff.") == [("Jane Miller", "urge", False, "farmers")]
    # without a comma the participle is a noun's own: "Tom Reed endorsing" is Reed's endorsement
    assert ("Tom Reed", "support", False, "Jane Miller") in stances(
        nlp, "All signs pointed to Tom Reed endorsing Jane Miller on Thursday.")


def test_one_asked_to_condemn_is_not_the_one_asking(nlp) -> None:
    assert stances(nlp, "Republicans have been in open conflict with Tom Reed over his silence when asked to "
                        "condemn Governor Jane Miller.") == []


def test_a_refused_interview_a_called_race_and_a_scare_quoted_cue_state_no_position(nlp) -> None:
    assert stances(nlp, "Governor Jane Miller declined an interview request from the Daily Test on Friday.") == []
    assert stances(nlp, "Tom Reed won the Ohio vote, and two networks were calling the race for the mayor within "
                        "the hour.") == []
    assert stances(nlp, 'I asked Tom Reed about his "endorsement" of me.') == []
    assert ("Jane Miller", "refuse", False, None) in stances(
        nlp, "Governor Jane Miller declined an invitation from Mayor Tom Reed to debate.")
    assert ("Tom Reed", "support", False, "Jane Miller") in stances(
        nlp, "Tom Reed announced his endorsement of Jane Miller.")


def test_who_as_the_object_is_its_antecedent(nlp) -> None:
    found = stances(nlp, "Mayor Tom Reed spoke on Monday about Governor Jane Miller, who he blasted as a bully.")
    assert ("Tom Reed", "condemn", False, "Jane Miller") in found


def test_a_double_negative_is_no_record_either_way(nlp) -> None:
    assert stances(nlp, '"There is not one line in her plan that I do not support," said Tom Reed of Governor '
                        'Jane Miller.') == []
    assert ("Tom Reed", "support", True, "Jane Miller") in stances(nlp, "Tom Reed did not agree with Governor Jane "
                                                                        "Miller.")
    assert ("Tom Reed", "support", True, None) in stances(nlp, "Tom Reed named one rule that he does not support.")


def test_a_verb_joined_to_a_by_clause_takes_the_main_verbs_subject_never_an_object(nlp) -> None:
    found = stances(nlp, "Mayor Tom Smith replied to the letter by calling Governor Anne Jones \"lazy\" and accusing "
                         "her of hiding the city budget.")
    assert ("Tom Smith", "accuse", False, "Anne Jones") in found
    assert not any(h == "Anne Jones" for h, *_ in found)  # the one called "lazy" is not the one accusing
    found = stances(nlp, "Radio host Carl Walker opened by thanking Senator Luis Lopez for the invitation and pressing "
                         "him to drop the tax plan.")
    assert ("Carl Walker", "urge", False, "Luis Lopez") in found
    assert not any(h == "Luis Lopez" for h, *_ in found)  # an object is never the subject of the next verb
    # control: the same sentence with its own subject keeps it
    assert ("Anne Jones", "accuse", False, "Tom Smith") in stances(
        nlp, "Governor Anne Jones replied to the letter and accused Mayor Tom Smith of hiding the city budget.")


def test_challenging_an_office_holder_is_a_run_for_office_not_a_question(nlp) -> None:
    assert stances(nlp, "State Senator Ann Cole is challenging Governor Tom Reed for the party nomination.") == []
    assert stances(nlp, "Jane Miller is a lawyer from Dover. She is challenging incumbent Rep. Tom Reed in the "
                        "August primary.") == []
    # control: a challenge that names what it challenges them on, or what they are challenged to do, stays
    assert ("Ann Cole", "question", False, "Tom Reed") in stances(
        nlp, "Senator Ann Cole challenged Governor Tom Reed over his budget cuts.")
    assert ("Ann Cole", "question", False, "Tom Reed") in stances(
        nlp, "Senator Ann Cole challenged Governor Tom Reed to a debate.")


def test_an_agentless_passive_with_a_pronoun_restates_only_an_accusation_of_that_person(nlp) -> None:
    from onrecord.analyse.attribution.quotes import extract_quotes

    def found(text: str) -> list[tuple[str | None, str, str | None]]:
        doc, segs = nlp(text), segment(text, None)
        return [(s.holder, s.label, s.target) for s in extract_stances(doc, segs, extract_quotes(doc, segs))]

    accusation = 'Senate Democrats accused Governor Tom Reed of "lying to voters" when he spoke in Dover.\n\n'
    other = found(accusation + "Mayor Bob Lee spoke on Tuesday. He has been accused of lying as well.")
    assert not any(t == "Bob Lee" for _, _, t in other)  # nobody in the article accuses the mayor
    # control: the pronoun stands for the one the accusation names
    again = found(accusation + "On Tuesday he was accused of lying again.")
    assert [t for _, label, t in again if label == "accuse"] == ["Tom Reed", "Tom Reed"]


def test_a_possessive_after_a_light_verb_is_its_subjects_own(nlp) -> None:
    assert stances(nlp, "Mayor Bob Lee held a dinner in Dover. Virtually all the guests expressed their support for "
                        "Governor Tom Reed.") == []  # the guests', not the mayor's or the town's
    assert stances(nlp, "Senator Ann Cole and Senator Jane Miller spoke in Dover. Both made their support for Israel "
                        "the centre of their remarks.") == []  # two people: no one holder
    # control: a pronoun subject resolves as before, and a named subject holds it
    assert ("Ann Cole", "support", False, "Tom Reed") in stances(
        nlp, "Senator Ann Cole spoke in Dover. She voiced her support for Governor Tom Reed.")
    assert ("unions", "support", False, "Tom Reed") in stances(nlp, "The unions voiced their support for Governor "
                                                                    "Tom Reed.")


def test_a_passive_complement_makes_its_subject_the_one_acted_on(nlp) -> None:
    # "deserves to be supported": Reed is supported, by no one the sentence names; not Reed's support
    assert stances(nlp, "Governor Tom Reed deserves to be supported.") == []
    assert ("Bob Lee", "criticise", False, "Jane Miller") in stances(
        nlp, "Senator Jane Miller expects to be criticised by Mayor Bob Lee.")
    assert ("Jane Miller", "support", False, "Tom Reed") in stances(
        nlp, "Senator Jane Miller wants to support Governor Tom Reed.")


def test_criticism_the_subject_responds_to_is_someone_elses(nlp) -> None:
    assert stances(nlp, "Senator Jane Miller responded to criticism of Governor Tom Reed.") == []
    assert stances(nlp, "Senator Jane Miller has picked up on the criticism of Governor Tom Reed.") == []
    # a stance noun the subject acts in is the subject's own
    assert ("Jane Miller", "support", False, "Tom Reed") in stances(
        nlp, "Senator Jane Miller wrote in support of Governor Tom Reed.")

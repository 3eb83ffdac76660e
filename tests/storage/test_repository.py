"""The repository on SQLite and PostgreSQL: assessments, their differences, the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bot.eligibility import DONT_KNOW, FactError, Facts, evaluate
from bot.storage import Change, Repository, StorageInputError
from tests.storage.conftest import all_rows

AS_OF = dt.date(2025, 3, 1)


def verdict(**facts):
    return evaluate(Facts.from_mapping(facts, as_of=AS_OF))


def test_assessment_is_stored_with_everything_it_was_based_on(repo: Repository, clock) -> None:
    given = verdict(
        csp_revenue_usd=258000,
        indirect_months=DONT_KNOW,
        support_plan="asfp",
        first_line_support=True,
        partner_id="1234567",
        indirect_since=None,
    )
    stored = repo.record_assessment("conv-1", "rest", "de", given)

    assert stored.created_at == clock.now and stored.created_at.tzinfo == dt.timezone.utc
    assert stored.changes.is_first
    [read] = repo.list_assessments()
    assert read == stored
    assert read.conversation_id == "conv-1" and read.channel == "rest" and read.language == "de"
    assert read.rules_version == given.rules.rules_version
    assert read.partner_id == "1234567"
    assert read.as_of == AS_OF
    assert read.status == "not_eligible"
    assert list(read.statuses) == [r.code for r in given.results]
    assert read.statuses["revenue"] == "unmet" and read.statuses["support"] == "met"
    # Known, don't-know and open facts stay three different things.
    assert read.facts["csp_revenue_usd"] == 258000
    assert read.facts["indirect_months"] == DONT_KNOW
    assert read.facts["capabilities"] is None
    assert read.facts["support_plan"] == "asfp"


def test_list_is_newest_first_with_changes_to_the_same_conversations_previous(
    repo: Repository,
) -> None:
    first = repo.record_assessment("a", "rest", "en", verdict(indirect_months=14))
    other = repo.record_assessment("b", "socketio", "de", verdict(csp_revenue_usd=1))
    second = repo.record_assessment(
        "a", "rest", "en", verdict(indirect_months=14, csp_revenue_usd=350000)
    )
    third = repo.record_assessment(
        "a", "rest", "en", verdict(indirect_months=8, csp_revenue_usd=350000)
    )
    # The diff returned when recording equals the one listed later.
    assert [a.id for a in repo.list_assessments()] == [third.id, second.id, other.id, first.id]
    listed = repo.list_assessments(conversation_id="a")
    assert listed == [third, second, first]

    assert second.changes.previous_id == first.id
    assert second.changes.requirements == {"revenue": Change("unknown", "met")}
    assert second.changes.facts == {"csp_revenue_usd": Change(None, 350000)}
    assert second.changes.status is None and second.changes.rules_version is None

    assert third.changes.previous_id == second.id
    assert third.changes.requirements == {"csp_tenure": Change("met", "unmet")}
    assert third.changes.facts == {"indirect_months": Change(14, 8)}
    assert third.changes.status == Change("incomplete", "not_eligible")

    # Conversation b's only assessment is its first, though a's came before it.
    assert other.changes.is_first
    assert repo.list_assessments(conversation_id="nobody") == []


def test_same_facts_again_is_an_assessment_without_changes(repo: Repository) -> None:
    repo.record_assessment("a", "rest", "en", verdict(indirect_months=14))
    again = repo.record_assessment("a", "rest", "en", verdict(indirect_months=14))
    assert not again.changes.is_first and again.changes.is_empty


def test_partner_lookup_finds_the_newest_across_conversations(repo: Repository) -> None:
    early = repo.record_assessment("a", "rest", "en", verdict(indirect_months=14))
    named = repo.record_assessment(
        "a", "rest", "en", verdict(indirect_months=14, partner_id="4711")
    )
    repo.record_assessment("b", "rest", "en", verdict(partner_id="999"))
    latest = repo.record_assessment(
        "c", "msteams", "de", verdict(partner_id=" 4711 ", csp_revenue_usd=400000)
    )

    assert repo.last_assessment_for_partner("4711") == latest
    # A PartnerID typed with spaces or as a number is the same PartnerID.
    assert repo.last_assessment_for_partner(" 4711") == latest
    assert repo.last_assessment_for_partner(4711) == latest
    assert repo.last_assessment_for_partner("12345") is None
    assert [a.id for a in repo.list_assessments(partner_id="4711")] == [latest.id, named.id]
    # The diff still compares with the conversation's previous assessment, which had no PartnerID.
    listed_named = repo.list_assessments(partner_id="4711")[1]
    assert listed_named.changes.previous_id == early.id
    assert listed_named.changes.facts == {"partner_id": Change(None, "4711")}
    assert [a.id for a in repo.list_assessments("a", "4711")] == [named.id]


@pytest.mark.parametrize(
    "partner_id",
    ["12a", "1' OR '1'='1", "", "   ", "-5", "1.5", "1234567890123456", "１２３", "١٢٣", "12\n34"],
)
def test_invalid_partner_ids_are_refused_everywhere(repo: Repository, partner_id: str) -> None:
    with pytest.raises(FactError) as refused:
        repo.last_assessment_for_partner(partner_id)
    assert refused.value.fact == "partner_id"
    with pytest.raises(FactError):
        repo.list_assessments(partner_id=partner_id)
    with pytest.raises(FactError):
        repo.record_fact_change("a", "partner_id", None, partner_id)
    # A verdict whose facts bypassed validation (built directly) is refused too.
    unchecked = evaluate(Facts(values={"partner_id": partner_id}, as_of=AS_OF))
    with pytest.raises(FactError):
        repo.record_assessment("a", "rest", "en", unchecked)
    assert repo.list_assessments() == [] and repo.fact_changes("a") == []


def test_fact_changes_are_audited_normalised_and_oldest_first(repo: Repository, clock) -> None:
    before = {"csp_revenue_usd": 258000, "support_plan": None, "language": "de"}
    after = {
        "csp_revenue_usd": 350000.0,
        "support_plan": " ASFP ",
        "indirect_since": "2024-01",
        "capabilities": DONT_KNOW,
        "language": "en",
        "requested_slot": "capabilities",
    }
    recorded = repo.record_fact_changes(
        "a", before, after, source_text="350.000 USD, ASfP seit Jan. 2024", as_of=AS_OF
    )
    # Not fact keys (language, requested_slot) are no facts and are skipped.
    assert [(c.fact, c.old_value, c.new_value) for c in recorded] == [
        ("support_plan", None, "asfp"),
        ("csp_revenue_usd", 258000, 350000),
        ("capabilities", None, DONT_KNOW),
        ("indirect_since", None, "2024-01"),
    ]
    assert {c.changed_at for c in recorded} == {clock.now}
    # An unchanged value (after normalisation) is not a change.
    assert repo.record_fact_change("a", "csp_revenue_usd", 350000, 350000.0) is None
    later = repo.record_fact_change("a", "csp_revenue_usd", 350000, 420000)
    assert later is not None and later.source_text is None

    trail = repo.fact_changes("a")
    assert trail == [*recorded, later]
    assert trail[0].source_text == "350.000 USD, ASfP seit Jan. 2024"
    assert repo.fact_changes("b") == []


def test_invalid_fact_change_stores_nothing_of_the_batch(repo: Repository) -> None:
    with pytest.raises(FactError) as refused:
        repo.record_fact_changes(
            "a", {}, {"csp_revenue_usd": 350000, "indirect_months": -3}, as_of=AS_OF
        )
    assert refused.value.fact == "indirect_months"
    with pytest.raises(FactError):
        repo.record_fact_change("a", "favourite_colour", None, "blue")
    with pytest.raises(FactError):
        repo.record_fact_change("a", "first_line_support", None, "yes")
    assert repo.fact_changes("a") == []


NASTY = [
    "x'); DROP TABLE assessments; --",
    "Robert'); DELETE FROM events WHERE ('1'='1",
    '<script>alert("x")</script><img src=x onerror=alert(1)>',
    "%s %(name)s ? :name $1 {0} \\' \\\\",
    "Grüße aus Köln 🙂👩‍💻🇩🇪 — ﷽",
    "line1\nline2\r\n\ttab \x1b[31mred\x1b[0m",
]


@pytest.mark.parametrize("text", NASTY)
def test_text_is_stored_and_read_back_verbatim(repo: Repository, migrated_url, text: str) -> None:
    conversation_id = text[:255]
    stored = repo.record_assessment(conversation_id, text[:255], "en", verdict(indirect_months=3))
    change = repo.record_fact_change(
        conversation_id, "managed_services", None, 2, source_text=text * 3
    )
    [read] = repo.list_assessments(conversation_id=conversation_id)
    assert read == stored and read.conversation_id == conversation_id and read.channel == text[:255]
    assert repo.fact_changes(conversation_id) == [change]
    assert change.source_text == text * 3
    # Nothing was executed: both tables are still there, with exactly these rows.
    rows = all_rows(migrated_url)
    assert [r["conversation_id"] for r in rows["assessments"]] == [conversation_id]
    assert [r["source_text"] for r in rows["fact_changes"]] == [text * 3]


def test_huge_text_is_kept_whole(repo: Repository) -> None:
    huge = ("Ä🙂<b>'\";-- " * 100_000)[:1_000_000]
    change = repo.record_fact_change("a", "country", None, "DE", source_text=huge)
    [read] = repo.fact_changes("a")
    assert read == change and len(read.source_text) == 1_000_000 and read.source_text == huge


def test_a_conversation_id_that_rasa_could_not_store_is_refused(repo: Repository) -> None:
    longest = "k" * 255
    repo.record_assessment(longest, None, "de", verdict())
    assert repo.list_assessments(conversation_id=longest)[0].channel is None
    for bad, reason in (("k" * 256, "too_long"), ("", "empty"), ("a\x00b", "nul"), (42, "type")):
        with pytest.raises(StorageInputError) as refused:
            repo.record_assessment(bad, "rest", "de", verdict())
        assert refused.value.reason == reason
    with pytest.raises(StorageInputError):
        repo.record_fact_change("a", "country", None, "DE", source_text="nul\x00")
    with pytest.raises(ValueError):
        repo.record_assessment("a", "rest", "fr", verdict())
    assert len(repo.list_assessments()) == 1 and repo.fact_changes("a") == []


def test_stored_partner_id_is_the_normalised_one_in_column_and_facts(repo: Repository) -> None:
    # A verdict whose facts were not validated on the way in still stores the digits only.
    unchecked = evaluate(Facts(values={"partner_id": " 0042 "}, as_of=AS_OF))
    stored = repo.record_assessment("a", "rest", "en", unchecked)
    assert stored.partner_id == "0042" and stored.facts["partner_id"] == "0042"
    assert repo.last_assessment_for_partner("0042") == stored
    # Leading zeros are part of the PartnerID: 42 is another partner.
    assert repo.last_assessment_for_partner("42") is None


def test_a_turns_facts_are_audited_as_validated(repo: Repository, clock) -> None:
    before = Facts.from_mapping({"csp_revenue_usd": 258000, "capabilities": DONT_KNOW}, AS_OF)
    after = before.updated(
        {
            "csp_revenue_usd": Decimal(350000),
            "capabilities": True,
            "indirect_since": dt.date(2024, 1, 1),
        }
    )
    recorded = repo.record_fact_diff("a", before, after, source_text="350k, seit Jan. 2024")
    months = (AS_OF.year - 2024) * 12 + AS_OF.month - 1
    assert [(c.fact, c.old_value, c.new_value) for c in recorded] == [
        ("csp_revenue_usd", 258000, 350000),
        ("indirect_months", None, months),
        ("capabilities", DONT_KNOW, True),
        ("indirect_since", None, "2024-01"),
    ]
    assert repo.record_fact_diff("a", after, after) == []
    assert repo.fact_changes("a") == recorded

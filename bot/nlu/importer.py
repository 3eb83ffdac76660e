"""The training-data importer named in config.yml (`importers:`): Rasa's own file importer, plus
the engine's facts, minus one false warning.

The facts are the engine's (`FACT_SPECS`, asked in `QUESTION_ORDER`): each is a slot that
action_validate_slot_mappings fills, the form asks the askable ones (its validation action,
validate_eligibility_form, asks the question). They are added to domain.yml's domain here rather
than listed there, so that a new fact is declared once, in bot/eligibility/facts.py.

Rasa 3.6 adds every retrieval intent of the NLU data (our `faq`) to the domain itself
(`ResponsesSyncImporter`) and then warns "The following duplicated intents have been found across
multiple domain files: faq" when domain.yml lists it as well. Stories and rules, however, are read
against domain.yml alone, so without the listing every rule answering a FAQ warns "Found intent
'faq' in stories which is not part of the domain". This importer reads stories and rules against
domain.yml as written and hands Rasa the domain without the retrieval intents, which Rasa then adds
back: the same domain and the same checks, without the warning.
"""

from __future__ import annotations

from rasa.shared.core.domain import KEY_FORMS, KEY_INTENTS, KEY_SLOTS, Domain
from rasa.shared.core.training_data.structures import StoryGraph
from rasa.shared.importers import utils
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.utils.common import cached_method

from bot.eligibility import FACT_SPECS, QUESTION_ORDER

FORM = "eligibility_form"
# A fact holds its normalised value or "dont_know" (asked, and the partner does not know); only
# the engine reads it, so it does not feature in the dialogue policies.
_FACT_SLOT = {"type": "any", "influence_conversation": False, "mappings": [{"type": "custom"}]}


def with_engine_facts(domain: Domain) -> Domain:
    """`domain` with a slot per fact and the form over the asked facts."""
    data = domain.as_dict()
    taken = (set(data.get(KEY_SLOTS, {})) & set(FACT_SPECS)) | (
        set(data.get(KEY_FORMS, {})) & {FORM}
    )
    if taken:
        raise ValueError(f"domain.yml must not declare what the engine declares: {sorted(taken)}")
    data[KEY_SLOTS] = {**{fact: dict(_FACT_SLOT) for fact in FACT_SPECS}, **data.get(KEY_SLOTS, {})}
    data[KEY_FORMS] = {**data.get(KEY_FORMS, {}), FORM: {"required_slots": list(QUESTION_ORDER)}}
    return Domain.from_dict(data)


def _intent_name(entry: str | dict) -> str:
    # domain.as_dict() lists an intent as its name or as {name: properties}.
    return entry if isinstance(entry, str) else next(iter(entry))


class AssistantImporter(RasaFileImporter):
    """Rasa's RasaFileImporter with the engine's facts, and retrieval intents left for Rasa to add."""

    @cached_method
    def _domain_as_written(self) -> Domain:
        return with_engine_facts(super().get_domain())

    @cached_method
    def get_domain(self) -> Domain:
        domain = self._domain_as_written()
        retrieval = self.get_nlu_data().retrieval_intents & set(domain.intents)
        if not retrieval:
            return domain
        data = domain.as_dict()
        data[KEY_INTENTS] = [i for i in data[KEY_INTENTS] if _intent_name(i) not in retrieval]
        return Domain.from_dict(data)

    def get_stories(self, exclusion_percentage: int | None = None) -> StoryGraph:
        return utils.story_graph_from_paths(
            self._story_files, self._domain_as_written(), exclusion_percentage
        )

    def get_conversation_tests(self) -> StoryGraph:
        return utils.story_graph_from_paths(
            self._conversation_test_files, self._domain_as_written()
        )

"""The training-data importer named in config.yml (`importers:`): Rasa's own file importer, minus
one false warning.

Rasa 3.6 adds every retrieval intent of the NLU data (our `faq`) to the domain itself
(`ResponsesSyncImporter`) and then warns "The following duplicated intents have been found across
multiple domain files: faq" when domain.yml lists it as well. Stories and rules, however, are read
against domain.yml alone, so without the listing every rule answering a FAQ warns "Found intent
'faq' in stories which is not part of the domain". This importer reads stories and rules against
domain.yml as written and hands Rasa the domain without the retrieval intents, which Rasa then adds
back: the same domain and the same checks, without the warning.
"""

from __future__ import annotations

from rasa.shared.core.domain import KEY_INTENTS, Domain
from rasa.shared.core.training_data.structures import StoryGraph
from rasa.shared.importers import utils
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.utils.common import cached_method


def _intent_name(entry: str | dict) -> str:
    # domain.as_dict() lists an intent as its name or as {name: properties}.
    return entry if isinstance(entry, str) else next(iter(entry))


class RetrievalIntentImporter(RasaFileImporter):
    """Rasa's RasaFileImporter, except that retrieval intents are left for Rasa to add."""

    @cached_method
    def _domain_as_written(self) -> Domain:
        return super().get_domain()

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

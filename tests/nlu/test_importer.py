"""The importer in config.yml gives Rasa the domain and stories of Rasa's default importer, with
the engine's facts added."""

from __future__ import annotations

from pathlib import Path

import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.importers.rasa import RasaFileImporter

from bot.conversation import intents
from bot.eligibility import FACT_SPECS, QUESTION_ORDER
from bot.nlu.importer import with_engine_facts

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config.yml"


def _importer(config: dict) -> TrainingDataImporter:
    return TrainingDataImporter.load_from_dict(
        config, str(CONFIG), str(ROOT / "domain.yml"), [str(ROOT / "data")]
    )


def test_config_yml_names_the_importer():
    config = yaml.safe_load(CONFIG.read_text("utf-8"))
    assert config["importers"] == [{"name": "bot.nlu.importer.AssistantImporter"}]


class _DefaultWithFacts(RasaFileImporter):
    """Rasa's default importer, with the engine's facts in the domain as written."""

    def get_domain(self) -> Domain:
        return with_engine_facts(super().get_domain())


def test_the_domain_and_the_stories_are_the_ones_rasas_default_importer_gives():
    ours = _importer(yaml.safe_load(CONFIG.read_text("utf-8")))
    default = _importer({"importers": [{"name": f"{__name__}._DefaultWithFacts"}]})
    # Rasa's default lists `faq` with its properties spelled out; they are the same properties.
    assert ours.get_domain().intent_properties == default.get_domain().intent_properties
    assert _without_intents(ours) == _without_intents(default)
    assert intents.FAQ in ours.get_domain().retrieval_intents
    assert _steps(ours) == _steps(default)
    assert any(intents.FAQ in events for _, events in _steps(ours))


def _without_intents(importer: TrainingDataImporter) -> dict:
    return {k: v for k, v in importer.get_domain().as_dict().items() if k != "intents"}


def _steps(importer: TrainingDataImporter) -> list[tuple[str, str]]:
    return [
        (step.block_name, " ".join(str(e) for e in step.events))
        for step in importer.get_stories().story_steps
    ]


def test_every_fact_is_a_slot_and_the_form_asks_them_in_the_engines_order():
    domain = _importer(yaml.safe_load(CONFIG.read_text("utf-8"))).get_domain()
    assert set(FACT_SPECS) <= {slot.name for slot in domain.slots}
    assert domain.required_slots_for_form("eligibility_form") == list(QUESTION_ORDER)
    assert not [name for name in domain.user_actions if name.startswith("action_ask_")]

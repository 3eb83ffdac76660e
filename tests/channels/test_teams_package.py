"""The Teams app package from `python -m bot teams-package`: its files, Microsoft's schemas, icons."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.channels.teams import package
from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "bot" / "channels" / "teams" / "schemas" / "teams-v1.29"
APP_ID = "6f1c2a8e-3b4d-4e5f-9a0b-1c2d3e4f5a6b"
EXPECTED_FILES = {"manifest.json", "en.json", "de.json", "color.png", "outline.png"}


def schema_validator(name: str) -> jsonschema.protocols.Validator:
    """A validator of the vendored schema's own draft, built here, not by the code under test.
    The schemas have no remote $ref, so this never touches the network."""
    schema = json.loads((SCHEMAS / name).read_text("utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    return jsonschema.validators.validator_for(schema)(schema)


MANIFEST_VALIDATOR = schema_validator("MicrosoftTeams.schema.json")
LOCALIZATION_VALIDATOR = schema_validator("MicrosoftTeams.Localization.schema.json")


def errors(validator: jsonschema.protocols.Validator, document: dict) -> list[str]:
    return [error.message for error in validator.iter_errors(document)]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("teams") / "build" / "teams-app.zip"
    assert main(["teams-package", "--app-id", APP_ID, "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="module")
def manifest(built) -> dict:
    return json.loads(built["manifest.json"])


def test_zip_holds_exactly_the_package_files_at_its_root(built) -> None:
    assert set(built) == EXPECTED_FILES
    assert len(built) == len(EXPECTED_FILES)


def test_manifest_meets_the_v1_29_schema(manifest) -> None:
    assert errors(MANIFEST_VALIDATOR, manifest) == []
    assert manifest["$schema"] == (
        "https://developer.microsoft.com/en-us/json-schemas/teams/v1.29/MicrosoftTeams.schema.json"
    )
    assert manifest["manifestVersion"] == "1.29"
    assert manifest["version"] == "0.1.0"
    assert manifest["id"] == APP_ID


def test_one_conversational_bot_in_three_scopes(manifest) -> None:
    (bot,) = manifest["bots"]
    assert bot["botId"] == APP_ID
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    assert bot["supportsFiles"] is False and bot["isNotificationOnly"] is False
    (commands,) = bot["commandLists"]
    assert set(commands["scopes"]) == {"personal", "team", "groupChat"}
    assert commands["commands"][0]["title"] == "What do I still lack?"


def test_manifest_names_files_that_are_in_the_zip(built, manifest) -> None:
    localization = manifest["localizationInfo"]
    assert localization["defaultLanguageTag"] == "en"
    assert localization["defaultLanguageFile"] == "en.json"
    assert localization["additionalLanguages"] == [{"languageTag": "de", "file": "de.json"}]
    assert {manifest["icons"]["color"], manifest["icons"]["outline"]} == {
        "color.png",
        "outline.png",
    }
    named = {localization["defaultLanguageFile"], *manifest["icons"].values()}
    named |= {language["file"] for language in localization["additionalLanguages"]}
    assert named | {"manifest.json"} == set(built)


@pytest.mark.parametrize("name", ["en.json", "de.json"])
def test_localization_files_meet_the_localization_schema(built, manifest, name) -> None:
    strings = json.loads(built[name])
    assert errors(LOCALIZATION_VALIDATOR, strings) == []
    assert strings["$schema"] == (
        "https://developer.microsoft.com/en-us/json-schemas/teams/v1.29/"
        "MicrosoftTeams.Localization.schema.json"
    )
    # Draft-04 ignores the maxLength next to a $ref in the localization schema, so the lengths
    # are checked by the manifest schema with these strings in place.
    translated = json.loads(json.dumps(manifest))
    translated["name"] = {"short": strings["name.short"], "full": strings["name.full"]}
    translated["description"] = {
        "short": strings["description.short"],
        "full": strings["description.full"],
    }
    for index, command in enumerate(translated["bots"][0]["commandLists"][0]["commands"]):
        prefix = f"bots[0].commandLists[0].commands[{index}]"
        command["title"] = strings[f"{prefix}.title"]
        command["description"] = strings[f"{prefix}.description"]
    assert errors(MANIFEST_VALIDATOR, translated) == []


def test_english_file_repeats_the_manifest_strings(built, manifest) -> None:
    strings = json.loads(built["en.json"])
    assert strings["name.short"] == manifest["name"]["short"] == "CSP Direct-Bill Check"
    assert strings["description.full"] == manifest["description"]["full"]
    commands = manifest["bots"][0]["commandLists"][0]["commands"]
    for index, command in enumerate(commands):
        assert strings[f"bots[0].commandLists[0].commands[{index}].title"] == command["title"]


def test_german_file_speaks_german(built) -> None:
    strings = json.loads(built["de.json"])
    assert strings["bots[0].commandLists[0].commands[0].title"] == "Was fehlt mir noch?"
    assert strings["name.short"] == "CSP-Direktabrechnung prüfen"
    assert "Partner mit direkter Abrechnung" in strings["description.short"]
    assert "Sie" in strings["description.short"].split()


def training_examples(lang: str) -> dict[str, set[str]]:
    """Every training example of data/nlu/<lang>/, case-folded, by intent."""
    examples: dict[str, set[str]] = {}
    for path in sorted((ROOT / "data" / "nlu" / lang).glob("*.yml")):
        for item in yaml.safe_load(path.read_text("utf-8")).get("nlu") or []:
            if "intent" in item:
                lines = item["examples"].splitlines()
                texts = {line.strip()[2:].casefold() for line in lines if line.strip()}
                examples.setdefault(item["intent"], set()).update(texts)
    return examples


@pytest.mark.parametrize("lang", ["en", "de"])
def test_each_command_title_is_a_training_example_of_its_intent(lang) -> None:
    # Teams sends a command's title as the message. Case is folded: the CountVectorsFeaturizer
    # lowercases, and a menu entry starts with a capital where a typed example may not.
    examples = training_examples(lang)
    for command in package.BOT_COMMANDS:
        assert command.title(lang).casefold() in examples[command.intent], command.title(lang)


def read_png(data: bytes) -> tuple[int, int, int, list[tuple[int, ...]]]:
    """Width, height, colour type and pixels of an 8-bit RGBA or RGB PNG, read by hand."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + body) == crc, kind
        chunks.append((kind, body))
        offset += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1] == (b"IEND", b"")
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert depth == 8 and interlace == 0 and colour in (2, 6)
    channels = 4 if colour == 6 else 3
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = width * channels
    assert len(raw) == height * (stride + 1)
    pixels: list[tuple[int, ...]] = []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, up_left = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - up_left
                nearest = min((abs(guess - left), 0, left), (abs(guess - up), 1, up))
                nearest = min(nearest, (abs(guess - up_left), 2, up_left))
                line[i] = (line[i] + nearest[2]) & 0xFF
            else:
                assert kind == 0, kind
        pixels.extend(tuple(line[x : x + channels]) for x in range(0, stride, channels))
        previous = line
    return width, height, colour, pixels


def test_color_icon_is_a_192_pixel_colour_png(built) -> None:
    width, height, _, pixels = read_png(built["color.png"])
    assert (width, height) == (192, 192)
    colours = {pixel[:3] for pixel in pixels if pixel[-1] == 255 or len(pixel) == 3}
    assert (255, 255, 255) in colours  # the check mark
    assert any(len({r, g, b}) > 1 for r, g, b in colours)  # not greyscale


def test_outline_icon_is_white_on_transparent_32_pixels(built) -> None:
    width, height, colour, pixels = read_png(built["outline.png"])
    assert (width, height, colour) == (32, 32, 6)
    assert all(pixel[3] == 0 or pixel[:3] == (255, 255, 255) for pixel in pixels)
    assert any(pixel[3] == 255 for pixel in pixels) and any(pixel[3] == 0 for pixel in pixels)


def test_same_input_gives_the_same_zip(tmp_path) -> None:
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    for out in (first, second):
        assert main(["teams-package", "--app-id", APP_ID, "--out", str(out)]) == 0
    assert first.read_bytes() == second.read_bytes()


def test_developer_options_reach_the_manifest(tmp_path, capsys) -> None:
    out = tmp_path / "teams-app.zip"
    options = ["--developer-name", "Contoso GmbH", "--developer-url", "https://contoso.example/"]
    options += ["--privacy-url", "https://contoso.example/p", "--terms-url", "https://c.example/t"]
    assert main(["teams-package", "--app-id", APP_ID, "--out", str(out), *options]) == 0
    with zipfile.ZipFile(out) as archive:
        developer = json.loads(archive.read("manifest.json"))["developer"]
    assert developer == {
        "name": "Contoso GmbH",
        "websiteUrl": "https://contoso.example/",
        "privacyUrl": "https://contoso.example/p",
        "termsOfUseUrl": "https://c.example/t",
    }
    captured = capsys.readouterr()
    assert str(out) in captured.out and captured.err == ""


def test_placeholders_are_named_on_stderr(tmp_path, capsys) -> None:
    assert main(["teams-package", "--app-id", APP_ID, "--out", str(tmp_path / "t.zip")]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--privacy-url" in err and "--developer-name" in err


@pytest.mark.parametrize(
    "app_id",
    [
        "not-a-guid",
        "",
        "{6f1c2a8e-3b4d-4e5f-9a0b-1c2d3e4f5a6b}",
        "6f1c2a8e3b4d4e5f9a0b1c2d3e4f5a6b",
    ],
)
def test_bad_app_id_exits_2_and_writes_nothing(tmp_path, capsys, app_id) -> None:
    out = tmp_path / "build" / "teams-app.zip"
    assert main(["teams-package", "--app-id", app_id, "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and "GUID" in captured.err
    assert list(tmp_path.iterdir()) == []


def test_url_breaking_the_schema_exits_2_and_writes_nothing(tmp_path, capsys) -> None:
    out = tmp_path / "teams-app.zip"
    args = ["teams-package", "--app-id", APP_ID, "--out", str(out), "--privacy-url", "ftp://x"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "developer.privacyUrl" in err
    assert not out.exists()


def test_out_naming_a_directory_exits_2(tmp_path, capsys) -> None:
    assert main(["teams-package", "--app-id", APP_ID, "--out", str(tmp_path)]) == 2
    assert "directory" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_schema_rules_are_live(manifest) -> None:
    too_long = json.loads(json.dumps(manifest))
    too_long["name"]["short"] = "x" * 31
    assert any("is too long" in message for message in errors(MANIFEST_VALIDATOR, too_long))
    with pytest.raises(package.PackageError, match="name.short"):
        package.validate_package(too_long, {})


def test_too_long_german_name_is_refused_though_the_localization_schema_misses_it(
    manifest,
) -> None:
    german = package.build_localization("de")
    german["name.short"] = "Direktabrechnung für CSP-Partner prüfen"
    assert len(german["name.short"]) > 30
    assert errors(LOCALIZATION_VALIDATOR, german) == []  # draft-04: maxLength beside $ref
    with pytest.raises(package.PackageError, match="de.json .*name.short"):
        package.validate_package(manifest, {"de.json": german})


def test_unknown_localization_key_is_refused(manifest) -> None:
    german = package.build_localization("de")
    german["bots[0].commandLists[0].commands[7].title"] = "Hilfe"
    with pytest.raises(package.PackageError, match="commands\\[7\\]"):
        package.validate_package(manifest, {"de.json": german})


def test_real_command_writes_the_package(tmp_path) -> None:
    out = tmp_path / "teams-app.zip"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "teams-package", "--app-id", APP_ID, "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as archive:
        assert set(archive.namelist()) == EXPECTED_FILES

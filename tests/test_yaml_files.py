"""bot/yaml_files.py: libyaml's parser gives the same values as PyYAML's pure-Python one, for every
YAML file of the project."""
import pytest
import yaml

from bot import ROOT, yaml_files

pytestmark = pytest.mark.fast

FILES = sorted(p for top in ("bot", "data", "deploy", "tests") for p in (ROOT / top).rglob("*.y*ml")) + \
    sorted(ROOT.glob("*.yml"))


def test_the_fast_parser_is_used_when_pyyaml_has_it():
    assert yaml.__with_libyaml__  # the pinned wheel has it
    assert yaml_files.LOADER is yaml.CSafeLoader


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_file_reads_the_same_with_either_parser(path):
    text = path.read_text(encoding="utf-8")
    try:
        expected = list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        with pytest.raises(yaml.YAMLError):
            list(yaml.load_all(text, Loader=yaml_files.LOADER))
        return
    assert list(yaml.load_all(text, Loader=yaml_files.LOADER)) == expected
    if len(expected) == 1:
        assert yaml_files.safe_load(text) == expected[0]

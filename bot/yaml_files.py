"""Reading the project's YAML files: with libyaml's parser when PyYAML has it (it does in the
pinned wheel). The pure-Python parser took ~0.5 s of CPU for the files a worker reads at start
(the safety net's patterns alone ~0.3 s); libyaml ~0.05 s (measured file by file). Same constructor and
resolver (PyYAML's safe ones), so the same values: tests/test_yaml_files.py loads every YAML file
of the project both ways."""
import yaml

# PyYAML without libyaml (built from source without it) has only the pure-Python parser.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(stream):
    """yaml.safe_load, parsed by libyaml when available."""
    return yaml.load(stream, Loader=LOADER)

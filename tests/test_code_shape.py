"""The shape the code keeps (issue 13): small modules, short functions, and "inside this
area" spelled in one place, so that a rule has one home and a newcomer can read any unit
in one sitting. Tests, benchmarks and migrations are exempt."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("outreach", "households", "frontend")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _sources(suffix: str) -> list[Path]:
    files = [p for package in PACKAGES for p in (ROOT / package).rglob(f"*{suffix}") if "migrations" not in p.parts]
    assert files, f"no {suffix} files found under {PACKAGES}"
    return sorted(files)


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _js_functions(text: str):
    """(name, first line, length) of each function in a plain ES module: a `function`
    keyword, or an arrow whose body opens a brace on that line, up to its closing brace."""
    strings = re.compile(r"""(['"`])(?:\\.|(?!\1).)*\1""")  # a brace in a string is not code
    lines = [strings.sub('""', line.split("//")[0]) for line in text.splitlines()]
    opener = re.compile(r"function\b\s*\*?\s*(\w*)\s*\(|(\w+)\s*=\s*(?:async\s*)?\([^)]*\)\s*=>\s*\{")
    for start, line in enumerate(lines):
        match = opener.search(line)
        brace = line.find("{", match.end() - 1) if match else -1
        if brace < 0:
            continue
        depth = 0
        for number in range(start, len(lines)):
            code = lines[number][brace:] if number == start else lines[number]
            depth += code.count("{") - code.count("}")
            if depth <= 0:
                yield match.group(1) or match.group(2) or "<anonymous>", start + 1, number - start + 1
                break


def test_it_keeps_every_module_under_400_lines():
    long = {_name(p): n for p in _sources(".py") + _sources(".js") if (n := p.read_text().count("\n")) > MAX_MODULE_LINES}
    assert long == {}


def test_it_keeps_every_python_function_under_60_lines():
    long = []
    for path in _sources(".py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{_name(path)}:{node.lineno} {node.name} ({length} lines)")
    assert long == []


def test_it_keeps_every_javascript_function_under_60_lines():
    found, long = 0, []
    for path in _sources(".js"):
        for name, line, length in _js_functions(path.read_text()):
            found += 1
            if length > MAX_FUNCTION_LINES:
                long.append(f"{_name(path)}:{line} {name} ({length} lines)")
    assert found > 50, "the function finder found too few functions to be reading the files right"
    assert long == []


def test_it_finds_a_long_javascript_function():
    body = "\n".join(f"  step{n}();" for n in range(70))
    text = f"export function walk(a) {{\n  if (a) {{ x('{{'); }}\n{body}\n}}\nconst f = (b) => {{\n  return b;\n}};\n"
    assert list(_js_functions(text)) == [("walk", 1, 73), ("f", 74, 3)]


def test_it_spells_inside_this_area_only_in_the_area_model_and_the_access_module():
    allowed = {"households/models.py"}
    spelled = {_name(p) for p in _sources(".py") if "path__startswith" in p.read_text()}
    assert spelled - allowed == set()
    assert "households/models.py" in spelled


def test_it_keeps_the_registry_free_of_the_campaign_layer_except_the_admin_scope():
    importing = {_name(p) for p in (ROOT / "households").rglob("*.py")
                 if "migrations" not in p.parts and re.search(r"^\s*(from|import) outreach", p.read_text(), re.M)}  # fmt: skip
    assert importing <= {"households/admin.py", "households/admin_duplicates.py"}

"""course_utils/models.py is the notebooks' `# @save` functions, up to date, and no model is typed twice."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

from tools import export_models

NOTEBOOK_PAIRS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
BENCHMARKS = sorted((ROOT / "benchmarks").glob("*.py"))


def test_generated_module_is_up_to_date():
    done = subprocess.run([sys.executable, "-m", "tools.export_models", "--check"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, f"run `make export`:\n{done.stdout}{done.stderr}"


def test_every_exported_function_names_its_notebook_and_says_do_not_edit():
    text = (ROOT / "course_utils" / "models.py").read_text(encoding="utf-8")
    tree = ast.parse(text)
    functions = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert {f.name for f in functions} >= {"build_first_cnn", "conv_block", "build_deeper_cnn", "build_digits_cnn",
                                           "shift_right"}
    lines = text.splitlines()
    for function in functions:
        header = lines[function.lineno - 2]
        assert header.startswith("# generated from notebooks/") and header.endswith(".py; do not edit"), header
        source = ROOT / header.removeprefix("# generated from ").removesuffix("; do not edit")
        assert f"def {function.name}(" in source.read_text(encoding="utf-8")


def test_the_exported_models_build_and_classify_ten_classes():
    import keras  # a hard dependency of the course: no skip

    from course_utils import models

    for build in (models.build_first_cnn, models.build_deeper_cnn, models.build_digits_cnn):
        model = build()
        assert model.input_shape == (None, 28, 28, 1) and model.output_shape == (None, 10)
        assert isinstance(model.layers[0], keras.layers.Rescaling)  # the notebooks feed uint8 images
    assert [type(layer).__name__ for layer in models.conv_block(8)] == [
        "Conv2D", "BatchNormalization", "ReLU", "MaxPooling2D"]


def _function_bodies(path: Path) -> dict[str, str]:
    """Each top-level function's body (docstring left out) as an AST dump, by name."""
    bodies = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef):
            body = node.body[1:] if ast.get_docstring(node) else node.body
            if len(body) == 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                continue  # an exercise stub (`...`) is meant to look the same in every notebook
            bodies[node.name] = "".join(ast.dump(statement) for statement in body)
    return bodies


def test_no_function_is_typed_twice_across_notebooks_and_benchmarks():
    seen: dict[str, str] = {}
    twice = []
    for path in NOTEBOOK_PAIRS + BENCHMARKS:
        for name, body in _function_bodies(path).items():
            where = f"{path.relative_to(ROOT)} {name}()"
            if body in seen:
                twice.append(f"{where} repeats {seen[body]}: mark the first `# @save` and import it")
            seen.setdefault(body, where)
    assert not twice, "\n".join(twice)


def test_each_exported_name_is_defined_in_exactly_one_notebook_where_it_is_marked():
    from course_utils import models

    for name in models.__all__:
        defining = [path for path in NOTEBOOK_PAIRS + BENCHMARKS if name in _function_bodies(path)]
        assert len(defining) == 1, f"{name}() is defined in {defining}: import it from course_utils.models"
        assert f"def {name}(" in defining[0].read_text(encoding="utf-8")
        assert any(line.startswith(f"def {name}(") and line.rstrip().endswith("# @save")
                   for line in defining[0].read_text(encoding="utf-8").splitlines())


def test_benchmarks_build_no_model_of_their_own():
    for path in BENCHMARKS:
        text = path.read_text(encoding="utf-8")
        assert "keras.Sequential(" not in text and "keras.layers.Conv2D(" not in text, (
            f"{path.relative_to(ROOT)} types a model: build it with course_utils.models instead")


def _write(tmp_path: Path, code: str) -> Path:
    path = tmp_path / "99_example.py"
    path.write_text(code, encoding="utf-8")
    return path


def test_a_marked_function_is_exported_without_its_marker(tmp_path):
    path = _write(tmp_path, 'import numpy as np\n\n\ndef double(x: np.ndarray) -> np.ndarray:  # @save\n'
                            '    """Twice x."""\n    return 2 * x\n\n\ndef untouched():\n    return 1\n')
    text = export_models.render([path])
    assert "def double(x: np.ndarray) -> np.ndarray:\n" in text and "# @save\n" not in text
    assert "untouched" not in text and "import numpy as np" in text and "import keras" not in text
    namespace: dict = {}
    exec(compile(text, "models.py", "exec"), namespace)
    assert namespace["double"](3) == 6


@pytest.mark.parametrize(("code", "message"), [
    ("def f():  # @save\n    return 1\n", "needs a one-line docstring"),
    ('def f():  # @save\n    """F."""\n    return helper()\n', "uses helper"),
    ('def f():  # @save\n    """F."""\n    return 1\n\n\ndef f():  # @save\n    """F again."""\n    return 2\n',
     "in more than one place"),
])
def test_a_function_that_cannot_stand_alone_gets_a_clear_error(tmp_path, code, message):
    with pytest.raises(export_models.ExportError, match=message):
        export_models.render([_write(tmp_path, code)])


def test_a_stale_module_fails_the_check(tmp_path, monkeypatch):
    module = tmp_path / "models.py"
    module.write_text("# an old version\n", encoding="utf-8")
    monkeypatch.setattr(export_models, "MODULE", module)
    monkeypatch.setattr(sys, "argv", ["export_models.py", "--check"])
    assert export_models.main() == 1
    assert module.read_text(encoding="utf-8") == "# an old version\n"  # --check never writes


def test_a_marked_class_is_exported_with_its_methods_and_a_lazy_import_inside_a_function_is_allowed(tmp_path):
    path = _write(tmp_path, 'import numpy as np\n\n\nclass Twice:  # @save\n    """Doubles."""\n\n'
                            '    def __call__(self, x):\n        return 2 * np.asarray(x)\n\n\n'
                            'def twin():  # @save\n    """Uses a library only when called."""\n'
                            '    import fractions\n\n    def half(x):\n        return fractions.Fraction(x, 2)\n\n'
                            '    return half(Twice()(3))\n')
    text = export_models.render([path])
    assert "class Twice:\n" in text and '"Twice",' in text and '"twin",' in text
    namespace: dict = {}
    exec(compile(text, "module.py", "exec"), namespace)
    assert namespace["twin"]() == 3


def test_notebook_11_goes_to_its_own_module_which_needs_no_tensorflow():
    texts = export_models.modules()
    numpy_net = texts[ROOT / "course_utils" / "numpy_net.py"]
    assert "notebooks/11_cnn_from_scratch.py" in numpy_net and "notebooks/11_" not in texts[export_models.MODULE]
    assert "\nimport keras\n" not in numpy_net and "\nimport tensorflow" not in numpy_net  # only lazily, inside
    from course_utils import numpy_net as module

    source = (ROOT / "notebooks" / "11_cnn_from_scratch.py").read_text(encoding="utf-8").splitlines()
    for name in module.__all__:
        assert any(line.startswith((f"def {name}(", f"class {name}(", f"class {name}:")) and "# @save" in line
                   for line in source), f"{name} is not marked `# @save` where notebook 11 defines it"

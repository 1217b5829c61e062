"""Package boundaries that cannot cycle, checked on the source: a forbidden import fails here, before it can
grow into a cycle that only shows at start-up (or never, hidden in a function)."""
import ast
import configparser
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"
# The shared layers: they serve every domain and import none.
CORE = ("app.casework", "app.workflow", "app.enums", "app.errors", "app.db_types")
DOMAINS = ("accounts", "admin", "disclosure", "indicators", "jobs", "notices", "open311", "org", "surveys", "tips",
           "workdays")


def _modules():
    for path in sorted(APP.rglob("*.py")):
        parts = path.relative_to(APP.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path


def _imports(path: Path, root: Path = APP.parent):
    """(imported module, imported names, line) of every import in the file, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            names = [alias.name for alias in node.names]
            yield module, names, node.lineno
            for imported in names:  # `from app.tips import admin_views` imports a module too
                if not imported.startswith("_") and (APP.parent / module.replace(".", "/") / f"{imported}.py").exists():
                    yield f"{module}.{imported}", [], node.lineno


MODULES = dict(_modules())


def _violations(rule) -> list[str]:
    found = []
    for name, path in MODULES.items():
        for module, names, line in _imports(path):
            reason = rule(name, module, names)
            if reason:
                found.append(f"{path.relative_to(APP.parent)}:{line}: {reason}")
    return found


def _domain(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "app" and parts[1] in DOMAINS else None


def test_a_domains_public_views_and_staff_views_never_import_each_other():
    def rule(name, module, names):
        leaf, target = name.rsplit(".", 1)[-1], module.rsplit(".", 1)[-1]
        same_domain = _domain(name) and _domain(name) == _domain(module)
        if same_domain and {leaf, target} == {"views", "admin_views"}:
            return f"{name} imports {module}"
        if same_domain and leaf in ("views", "admin_views") and target == "views" and module == name.rsplit(".", 1)[0]:
            return f"{name} imports the package for its views"
        return None
    assert _violations(rule) == []


def test_no_private_name_is_imported_from_another_module():
    def rule(name, module, names):
        private = [n for n in names if n.startswith("_") and not n.startswith("__")]
        return f"{name} imports {', '.join(private)} from {module}" if private and module.startswith("app") else None
    assert _violations(rule) == []


def test_the_shared_layers_import_no_domain():
    def rule(name, module, names):
        if name.startswith(CORE) and (_domain(module) not in (None, "workdays") or module.startswith("app.web")):
            return f"{name} imports {module}"
        return None
    assert _violations(rule) == []


def test_only_the_demo_imports_the_demo():
    def rule(name, module, names):
        if module.startswith("app.demo") and not name.startswith("app.demo") and name != "app.cli":
            return f"{name} imports {module}"
        return None
    assert _violations(rule) == []


def test_a_domains_services_and_queries_never_import_views():
    def rule(name, module, names):
        leaf = name.rsplit(".", 1)[-1]
        if leaf in ("services", "queries", "models", "workflow", "forms") and module.rsplit(".", 1)[-1] in (
                "views", "admin_views", "api"):
            return f"{name} imports {module}"
        return None
    assert _violations(rule) == []


def _package_graph() -> dict[str, set[str]]:
    """Which domain's core imports which, from imports at a module's top level (those run at import time).
    Views are leaves (nothing imports them but the app factory), so a view reading another domain is no cycle."""
    graph: dict[str, set[str]] = {domain: set() for domain in DOMAINS}
    for name, path in MODULES.items():
        source = _domain(name)
        if source is None or name.endswith(("views", ".api")):
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                target = _domain(node.module)
                if target and target != source:
                    graph[source].add(target)
    return graph


def test_domains_import_each_other_without_a_cycle():
    graph = _package_graph()
    done, path = set(), []

    def visit(domain):
        if domain in path:
            pytest.fail("import cycle between domains: " + " → ".join([*path[path.index(domain):], domain]))
        if domain in done:
            return
        path.append(domain)
        for target in sorted(graph[domain]):
            visit(target)
        path.pop()
        done.add(domain)
    for domain in sorted(graph):
        visit(domain)


def test_the_rules_catch_what_they_forbid(tmp_path):
    """The checker itself: a private import and a views↔admin_views import are found."""
    sample = tmp_path / "app" / "tips"
    sample.mkdir(parents=True)
    (sample / "admin_views.py").write_text("from app.tips.views import _photo_dir\n")
    imports = list(_imports(sample / "admin_views.py", tmp_path))
    assert imports == [("app.tips.views", ["_photo_dir"], 1)]
    module, names, _ = imports[0]
    assert names[0].startswith("_") and {module.rsplit(".", 1)[-1], "admin_views"} == {"views", "admin_views"}


PURE = ("app/tips/duplicates.py", "app/open311/formats.py", "app/org/outlines.py", "app/workdays/schedule.py",
        "app/indicators/rules.py", "app/disclosure/report_template.py", "app/jobs/schedule.py")
IMPURE = ("flask", "sqlalchemy", "werkzeug", "app.extensions", "app.audit", "app.database", "app.db_types")


def _strictly_typed() -> list[str]:
    """The files `mypy.ini` checks under --strict."""
    config = configparser.ConfigParser()
    config.read(APP.parent / "mypy.ini")
    return [name.strip() for name in config["mypy"]["files"].split(",")]


def test_the_pure_modules_are_type_checked_strictly_and_import_neither_flask_nor_the_database():
    typed = _strictly_typed()
    assert set(PURE) <= set(typed)
    for name in typed:
        path = APP.parent / name
        if name.startswith(("app/casework", "app/workflow", "app/enums", "app/errors")):
            continue  # the shared layers, which audit and store
        found = [f"{name}:{line}: {module}" for module, _names, line in _imports(path)
                 if any(module == impure or module.startswith(impure + ".") for impure in IMPURE)]
        assert found == []

"""Dependency direction (design section 2): the pure core does no I/O and never imports an edge."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "scheduler_agent"

# Pure core: no network, disk, environment or clock reads.
CORE = {
    "eml",
    "models",
    "errors",
    "slots",
    "slot_rules",
    "slot_query",
    "slot_spans",
    "busy_calendar",
    "recurrence",
    "tzmap",
    "itip",
    "timeparse",
    "negotiation",
    "negotiation_turn",
    "negotiation_rounds",
    "negotiation_calendar",
    "compose",
    "triage",
}
CORE |= {
    "timeparse_grammar",
    "timeparse_lexicon",
    "timeparse_dates",
    "timeparse_mentions",
    "timeparse_offsets",
    "timeparse_holidays",
    "timeparse_times",
    "timeparse_mail",
    "timeparse_clauses",
    "timeparse_normalize",
    "timeparse_stamps",
    "timeparse_spans",
    "timeparse_regional",
    "timeparse_ordinals",
}
EDGE_ONLY = {
    "httpx",
    "sqlite3",
    "smtplib",
    "socket",
    "aiosmtpd",
    "apscheduler",
    "langchain",
    "langchain_core",
    "requests",
    "os",
    "subprocess",
    "asyncio",
    "threading",
}
BANNED_CALLS = {"datetime.now", "date.today", "time.time", "datetime.utcnow", "os.environ", "time.monotonic"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                names.add("." * node.level + (node.module or ""))
            elif node.module:
                names.add(node.module)
    return names


def _dotted_calls(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            found.add(f"{node.value.id}.{node.attr}")
    return found


def _package_module(imported: str) -> str | None:
    """The scheduler_agent submodule an import names (relative or absolute), else None."""
    if imported.startswith("scheduler_agent"):
        parts = imported.split(".")
        return parts[1] if len(parts) > 1 else ""
    if imported.startswith("."):
        return imported.lstrip(".").split(".")[0]
    return None


def test_core_modules_import_no_edges() -> None:
    for name in CORE:
        path = PKG / f"{name}.py"
        if not path.exists():
            continue
        for imported in _imports(path):
            top = imported.lstrip(".").split(".")[0]
            assert top not in EDGE_ONLY, f"{name}.py imports {imported}"
            inner = _package_module(imported)
            if inner is not None:
                assert inner in CORE or inner == "", f"core module {name}.py imports edge module {imported}"
        bad = _dotted_calls(path) & BANNED_CALLS
        assert not bad, f"{name}.py reads the clock or environment: {bad}"


def test_account_server_and_agent_stay_apart() -> None:
    server = PKG / "account_server"
    for path in server.rglob("*.py"):
        for imported in _imports(path):
            if imported.startswith("..") or imported.startswith("scheduler_agent."):
                inner = imported.lstrip(".").split(".")[0] if imported.startswith("..") else imported.split(".")[1]
                allowed = CORE | {"config", "clock", "account_server", ""}
                assert inner in allowed, f"{path.name} imports agent-side {imported}"
    for path in PKG.glob("*.py"):
        if path.name in {"cli.py", "backend.py", "bench_account.py", "bench_agent.py"}:
            continue
        for imported in _imports(path):
            assert "account_server" not in imported, f"{path.name} imports the account server"

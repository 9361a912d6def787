"""The review's markdown: one snapshot, and a GitHub-flavoured-markdown parse of it.

One scenario covers every section of a comment: two channels in one stack, one unchanged (``crm``), one
(``shop``) losing a table, lowering its partitions and gaining a reader with an expiry. The markdown is
compared byte for byte with ``tests/golden/review/comment.md`` (refresh:
``REVIEW_SNAPSHOT=update .venv/bin/python -m pytest tests/test_review_markdown.py``, then read the diff), and
parsed with markdown-it-py's ``gfm-like`` preset (CommonMark + GFM tables, strikethrough, linkify) to check
that what GitHub will render is what was meant: the tables are tables with every row complete, the
blockers come before the channel sections, each channel is one ``<details>`` block, the diff is a fenced
``diff`` block, and the marker is an HTML comment.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from channel_helpers import channel_kwargs, orders, postgres_kwargs
from markdown_it import MarkdownIt

from channelkit._cdk import cdk
from channelkit.patterns import Channel, Column, Reader, Table
from channelkit.review import MARKER, review, to_markdown

GOLDEN = Path(__file__).parent / "golden" / "review" / "comment.md"
CUSTOMERS = Table("customers", primary_key=["id"], columns=[Column(name="id", type="int64")])
READER = Reader(gcp="group:analysts@example.com", clearance="confidential", expires=datetime(2031, 1, 1, tzinfo=UTC))


def _synth(out: Path, **shop: object) -> None:
    app = cdk.App(outdir=str(out))
    stack = cdk.TerraformStack(app, "s")
    Channel(stack, "shop", **channel_kwargs(**shop))
    Channel(stack, "crm", **postgres_kwargs(tables=[orders()]))
    app.synth()


@pytest.fixture(scope="module")
def markdown(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("review-md")
    _synth(tmp / "base", tables=[orders(), CUSTOMERS])
    _synth(tmp / "head", tables=[orders()], partitions=2, readers=[READER])
    cwd = Path.cwd()
    os.chdir(tmp)  # relative labels: the snapshot does not depend on the temporary directory
    try:
        return to_markdown(review("base", "head", cwd=tmp))
    finally:
        os.chdir(cwd)


def test_markdown_snapshot(markdown: str) -> None:
    if os.environ.get("REVIEW_SNAPSHOT") == "update":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(markdown, encoding="utf-8")
    assert markdown == GOLDEN.read_text(encoding="utf-8")


def test_markdown_renders_as_github_flavoured_markdown(markdown: str) -> None:
    tokens = MarkdownIt("gfm-like").parse(markdown)
    kinds = [t.type for t in tokens]
    assert tokens[0].type == "html_block" and tokens[0].content.strip() == MARKER  # invisible on GitHub
    heading = tokens[kinds.index("heading_open") + 1].content
    assert tokens[kinds.index("heading_open")].tag == "h3" and heading.startswith("channelkit review: 4 blockers")
    details = [i for i, t in enumerate(tokens) if t.type == "html_block" and t.content.startswith("<details>")]
    assert len(details) == 1  # crm is unchanged: no section
    tables = [i for i, t in enumerate(tokens) if t.type == "table_open"]
    assert len(tables) == 3  # blockers, resources, access changes
    assert tables[0] < details[0] < tables[1]  # blockers first
    for start in tables:  # every row has as many cells as the header: no stray pipe split a cell
        end = kinds.index("table_close", start)
        rows: list[int] = []
        for t in tokens[start:end]:
            if t.type == "tr_open":
                rows.append(0)
            elif t.type in ("th_open", "td_open"):
                rows[-1] += 1
        assert len(set(rows)) == 1 and len(rows) > 1, rows
    fences = [t for t in tokens if t.type == "fence"]
    assert [t.info for t in fences] == ["diff"]
    assert "+ partitions: 2  (forces replacement)" in fences[0].content
    html = MarkdownIt("gfm-like").render(markdown)
    assert "|---|" not in html and "<summary><b>s/shop (channel shop, changed)</b>" in html


def test_readme_comment_is_taken_from_the_snapshot() -> None:
    """Every line of the README's sample comment is a line of the snapshot (it is shortened, not made up)."""
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    (sample,) = re.findall(r"```markdown\n(<!-- channelkit-review -->.*?)```", readme, re.S)
    golden = set(GOLDEN.read_text(encoding="utf-8").splitlines())
    assert [line for line in sample.splitlines() if line not in golden] == []

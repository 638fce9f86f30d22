"""The `moderation` command: check one comment, check JSON lines in order, evaluate a labeled file."""

from __future__ import annotations

import io
import json

from moderation.cli import main

ARTICLE = "Backed by Obama, Iranian militias move to the forefront in Iraq\n\nIraq's army and the Shiite militias of the Badr Organization in Diyala."


def run(monkeypatch, capsys, argv, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(argv)
    return code, capsys.readouterr()


def test_check_prints_verdict_with_highlighted_evidence(monkeypatch, capsys):
    code, out = run(monkeypatch, capsys, ["check", "The council doesn't give a s*** about it."])
    assert code == 0
    assert out.out.startswith("REJECT")
    assert "[[s***]]" in out.out and "vulgar-mask" in out.out


def test_check_jsonl_keeps_order_and_shape(monkeypatch, capsys, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    lines = [
        {"id": "a", "text": "Great reporting on the Badr Organization in Diyala."},
        {"id": "b", "text": "What the fuck is the ambassador doing?"},
        {"id": "c", "text": "Anyone catch the game last night? Unreal finish, what a last shot from the corner.", "author": "x"},
    ]
    code, out = run(monkeypatch, capsys, ["check", "--article", str(article), "--jsonl"], "\n".join(json.dumps(l) for l in lines))
    assert code == 0
    verdicts = [json.loads(line) for line in out.out.splitlines()]
    assert [v["id"] for v in verdicts] == ["a", "b", "c"]
    assert [v["action"] for v in verdicts] == ["approve", "reject", "hold"]
    reason = verdicts[1]["reasons"][0]
    assert {"rule", "category", "severity", "start", "end", "evidence"} <= set(reason)
    assert lines[1]["text"][reason["start"]:reason["end"]] == reason["evidence"] == "fuck"
    assert "off_topic" in verdicts[2]["categories"]


def test_check_jsonl_reports_a_bad_line_in_place(monkeypatch, capsys):
    code, out = run(monkeypatch, capsys, ["check", "--jsonl"], '{"id": "1", "text": "fine"}\nnot json\n{"id": "3", "text": 5}\n')
    assert code == 1
    rows = [json.loads(line) for line in out.out.splitlines()]
    assert rows[0]["id"] == "1" and rows[1]["line"] == 2 and "error" in rows[2]


def test_eval_scores_a_labeled_file(monkeypatch, capsys, tmp_path):
    labeled = tmp_path / "labeled.jsonl"
    rows = [
        {"id": "1", "text": "A fair point about the militias.", "expected": "approve", "labels": []},
        {"id": "2", "text": "This is bullshit.", "expected": "reject", "labels": ["vulgar"]},
        {"id": "3", "text": "Obama is a clown.", "expected": "hold", "labels": ["name_calling"]},
    ]
    labeled.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    code, out = run(monkeypatch, capsys, ["eval", str(labeled), "--no-baseline"])
    assert code == 0
    assert "verdict agreement 3/3" in out.out


def test_eval_rejects_an_unknown_format(monkeypatch, capsys, tmp_path):
    labeled = tmp_path / "odd.jsonl"
    labeled.write_text('{"text": "x"}\n', encoding="utf-8")
    code, out = run(monkeypatch, capsys, ["eval", str(labeled), "--no-baseline"])
    assert code == 2 and "unknown format" in out.err


def test_bad_rules_folder_is_a_clear_error(monkeypatch, capsys, tmp_path):
    code, out = run(monkeypatch, capsys, ["--rules", str(tmp_path), "check", "hello"])
    assert code == 2 and "policy.toml" in out.err

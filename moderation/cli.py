"""The `moderation` command: check comments, evaluate on labeled data, check a rules folder, and (with the webhook) serve."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .engine import Engine
from .errors import ModerationError
from .evaluation import evaluate_file, read_jsonl
from .examples import check_examples
from .model import Article, Comment, Decision

# The article the rules' examples are written under (tests/test_rule_examples.py reads the same one).
SEED_ARTICLE = Path(__file__).resolve().parent.parent / "seeds" / "article.txt"


def whole_number(minimum: int, maximum: int | None = None):
    """An argparse type: a whole number from `minimum` (to `maximum`), else a usage error naming the range."""
    bounds = f"from {minimum} to {maximum}" if maximum is not None else f"{minimum} or more"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum or (maximum is not None and value > maximum):
            raise argparse.ArgumentTypeError(f"{value} is out of range: a whole number {bounds}")
        return value

    return parse


def non_negative_number(text: str) -> float:
    """An argparse type: a number, 0 or more (fractions allowed)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text} is out of range: a number, 0 or more")
    return value


def text_value(text: str) -> str:
    """An argparse type: text that is not empty."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return text


def _remember_parsers(parser: argparse.ArgumentParser) -> None:
    """Let each (sub)command's parser report its own usage errors: the innermost one named runs last and wins."""
    parser.set_defaults(command_parser=parser)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _remember_parsers(sub)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `moderation` console script."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        # Reported by the command they were given to, with its usage (exit 2), never ignored.
        args.command_parser.error(f"unexpected arguments: {' '.join(extra)}")
    if not hasattr(args, "handler"):
        parser.print_help()
        return 2
    try:
        return args.handler(args)
    except ModerationError as error:
        print(f"moderation: {error}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as error:
        print(f"moderation: {error}", file=sys.stderr)
        return 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="moderation", description=__doc__)
    parser.add_argument("--rules", metavar="DIR", help="rules folder (default: the project's rules/)")
    commands = parser.add_subparsers(title="commands")

    check = commands.add_parser("check", help="print the verdict on a comment, or on JSON lines from stdin")
    check.add_argument("text", nargs="?", help="the comment text (omit with --jsonl)")
    check.add_argument("--article", metavar="FILE", help="article text file, title on the first line")
    check.add_argument("--jsonl", action="store_true", help='read {"id", "text", "article"?, "author"?, "parent_id"?} lines on stdin, write one verdict per line')
    check.add_argument("--readable", action="store_true", help="with --jsonl: print each verdict for people instead of as JSON")
    check.set_defaults(handler=run_check)

    evaluate = commands.add_parser("eval", help="score the engine on a labeled JSONL file, beside better-profanity")
    evaluate.add_argument("file", help="labeled JSONL (seed-comments or civil_toxic_spans format)")
    evaluate.add_argument("--article", metavar="FILE", help="article text file the comments are under")
    evaluate.add_argument("--baseline-sample", type=whole_number(0), default=300, metavar="N",
                          help="rows scored by better-profanity (slow: ~150 ms each); 0 = all")
    evaluate.add_argument("--no-baseline", action="store_true", help="skip better-profanity")
    evaluate.add_argument("--misses", type=whole_number(0), default=60, metavar="N", help="how many misses to list")
    evaluate.set_defaults(handler=run_eval)

    train = commands.add_parser("train", help="train the incivility model from pinned data sets (needs the `train` extra)")
    train.add_argument("--mirror", default="/work/.mirror", metavar="DIR", help="where the fetched snapshots are (DIR/<owner>+<name>/repo)")
    train.add_argument("--out", metavar="FILE", help="where to write the model (default: the packaged model.json.gz)")
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    train.set_defaults(handler=run_train)

    vocabulary = commands.add_parser("vocabulary", help="list better-profanity words the rules do not cover, for review")
    vocabulary.set_defaults(handler=run_vocabulary)

    rules = commands.add_parser("rules", help="work with a rules folder")
    rules_commands = rules.add_subparsers(title="rules commands")
    rules_check = rules_commands.add_parser("check", help="validate a rules folder and run every rule's examples through the engine")
    rules_check.add_argument("folder", nargs="?", metavar="DIR", help="the rules folder (default: --rules, $MODERATION_RULES or the project's rules/)")
    rules_check.add_argument("--article", metavar="FILE", help=f"article the examples are under (default: {SEED_ARTICLE.relative_to(SEED_ARTICLE.parents[1])})")
    rules_check.set_defaults(handler=run_rules_check)
    rules.set_defaults(handler=lambda args: rules.print_help() or 2)

    try:
        from webhook.cli import register
    except ImportError:  # the engine works without the service installed
        register = None
    if register is not None:
        register(commands)
    _remember_parsers(parser)
    return parser


def read_article(path: str | None) -> Article | None:
    """An article from a text file whose first line is the title."""
    if not path:
        return None
    title, _, body = Path(path).read_text(encoding="utf-8").partition("\n")
    return Article(title=title.strip(), text=body.strip())


def run_check(args: argparse.Namespace) -> int:
    """`moderation check`: one comment from the command line, or JSON lines from stdin."""
    if args.jsonl and args.text is not None:
        # Either would be ignored, and --jsonl waits on stdin: a silent wait.
        args.command_parser.error("give the comment text or --jsonl, not both")
    if args.text is None and not args.jsonl:
        args.command_parser.error("give the comment text, or --jsonl to read JSON lines on stdin")
    if args.readable and not args.jsonl:
        args.command_parser.error("--readable goes with --jsonl")
    engine = Engine.from_directory(args.rules)
    article = read_article(args.article)
    if args.jsonl:
        return _check_lines(engine, article, sys.stdin, sys.stdout, readable=args.readable)
    decision = engine.evaluate(Comment(text=args.text, article=article))
    print(describe(args.text, decision, color=sys.stdout.isatty()))
    return 0


def _check_lines(engine: Engine, article: Article | None, lines, out, readable: bool = False) -> int:
    failed = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            comment = _comment_from_row(row, article)
        except (json.JSONDecodeError, TypeError, ValueError) as error:
            # One bad line must not lose the verdicts of the others: report it in place.
            failed += 1
            out.write(json.dumps({"id": None, "line": number, "error": str(error)}) + "\n")
            continue
        decision = engine.evaluate(comment)
        if readable:
            out.write(f"{comment.id or number}: {describe(comment.text, decision, color=out.isatty())}\n\n")
        else:
            out.write(json.dumps(decision.to_dict(), ensure_ascii=False) + "\n")
    return 1 if failed else 0


def _comment_from_row(row: object, default_article: Article | None) -> Comment:
    if not isinstance(row, dict):
        raise ValueError("each line must be a JSON object")
    text = row.get("text")
    if not isinstance(text, str):
        raise ValueError("`text` must be a string")
    article = default_article
    if isinstance(row.get("article"), dict):
        given = row["article"]
        article = Article(title=str(given.get("title", "")), text=str(given.get("text", "")))
    identifier, author, parent = row.get("id"), row.get("author"), row.get("parent_id")
    return Comment(text=text, id=None if identifier is None else str(identifier), article=article, author=None if author is None else str(author),
                   parent_id=None if parent is None else str(parent))


def describe(text: str, decision: Decision, color: bool = False) -> str:
    """A verdict for people: the action, then each reason with its evidence highlighted."""
    mark = ("\033[1;31m", "\033[0m") if color else ("[[", "]]")
    lines = [f"{decision.action.upper()}" + (" (the policy calls for a ban)" if decision.ban else "")]
    spans = sorted((r.start, r.end) for r in decision.reasons if r.start is not None and r.end - r.start < len(text))
    if spans:
        highlighted, cursor = [], 0
        for start, end in spans:
            if start < cursor:
                continue
            highlighted.append(text[cursor:start] + mark[0] + text[start:end] + mark[1])
            cursor = end
        highlighted.append(text[cursor:])
        lines.append("  " + "".join(highlighted))
    for reason in decision.reasons:
        where = f" at {reason.start}-{reason.end} {reason.evidence[:60]!r}" if reason.start is not None else ""
        lines.append(f"  - {reason.action}: {reason.rule} ({reason.category}, {reason.severity}){where}")
        lines.append(f"      {reason.explanation}")
        if reason.clause:
            lines.append(f"      Policy: {reason.clause}")
    if not decision.reasons:
        lines.append("  no rule fired")
    return "\n".join(lines)


def run_eval(args: argparse.Namespace) -> int:
    """`moderation eval`: precision, recall and misses on a labeled file, beside better-profanity."""
    engine = Engine.from_directory(args.rules)
    with open(args.file, encoding="utf-8") as handle:
        rows = read_jsonl(handle)
    baseline = None
    if not args.no_baseline:
        from better_profanity import profanity

        profanity.load_censor_words()
        baseline = profanity.contains_profanity
    report = evaluate_file(rows, engine.evaluate, read_article(args.article), baseline, args.baseline_sample)
    print(report.text(args.misses))
    return 0


def run_train(args: argparse.Namespace) -> int:
    """`moderation train`: read the pinned sources, compare model families on dev, export the model, print test once."""
    try:
        import sklearn  # noqa: F401  (imported for its absence: train.py imports it where it fits)

        from .detectors.incivility import train
    except ImportError as error:  # scikit-learn is not a runtime dependency
        print(f"moderation train: {error}; install the extra: pip install -e '.[train]'", file=sys.stderr)
        return 2
    try:
        train.run(Path(args.mirror), Path(args.out) if args.out else train.DEFAULT_OUT, args.seed)
    except train.SourceError as error:
        print(f"moderation train: {error}", file=sys.stderr)
        return 2
    return 0


def run_vocabulary(args: argparse.Namespace) -> int:
    """`moderation vocabulary`: better-profanity's words that no rule covers, one per line."""
    from .vocabulary import better_profanity_words, uncovered_words

    engine = Engine.from_directory(args.rules)
    words = better_profanity_words()
    missing = uncovered_words(engine.evaluate, words)
    print(f"# {len(words) - len(missing)} of {len(words)} better-profanity entries are covered by the rules; review these:")
    print("\n".join(missing))
    return 0


def run_rules_check(args: argparse.Namespace) -> int:
    """`moderation rules check [DIR]`: load the folder, then every rule's examples through the whole engine; exit 1 on any failure."""
    folder = args.folder or args.rules or os.environ.get("MODERATION_RULES") or None
    try:
        engine = Engine.from_directory(folder)
    except ModerationError as error:
        print(f"moderation rules check: {error}", file=sys.stderr)
        return 1
    article = read_article(args.article or (str(SEED_ARTICLE) if SEED_ARTICLE.exists() else None))
    run, failures = check_examples(engine, article)
    for failure in failures:
        print(failure.describe())
    for note in engine.notes_on_rules:
        print(f"note: {note}", file=sys.stderr)
    where = engine.rules.directory
    if failures:
        print(f"{where}: {len(failures)} failures over {run} examples (rules version {engine.rules_version})", file=sys.stderr)
        return 1
    print(f"{where}: {len(engine.rules.rules)} rules, {run} examples, all as expected (rules version {engine.rules_version})")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

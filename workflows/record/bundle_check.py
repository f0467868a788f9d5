"""Verify a case bundle with no database: hashes, links, signed checkpoints, the spec's sources, and a replay."""

import json
from dataclasses import dataclass
from types import SimpleNamespace

from workflows import engine
from workflows.errors import CommandError
from workflows.processes import case_outcome
from workflows.processes import deploy
from workflows.record import audit
from workflows.record import replay
from workflows.record.canonical import digest
from workflows.record.case_bundle import EVENT_COLUMNS
from workflows.record.case_bundle import FORMAT
from workflows.record.checkpoints import Checkpoint
from workflows.record.checkpoints import hashes_digest
from workflows.record.verification import UNPINNED
from workflows.record.verification import Verdict
from workflows.record.verification import signature_fault
from workflows.text import t
from workflows.vocabulary import Event
from workflows.vocabulary import Status
from workflows.vocabulary import status_name

CLOSING_TYPE = {Status.COMPLETED: Event.CASE_COMPLETED, Status.CANCELLED: Event.CASE_CANCELLED}


class BundleFormatError(CommandError):
    """The file is not a case bundle, or a part of it is missing; the message says which."""

    code = "bundle_format"


@dataclass
class BundleVerdict(Verdict):
    """A bundle's verdict: ``uncovered`` events came after its newest checkpoint, ``replayed`` reproduced."""

    case_id: int | None = None
    uncovered: int = 0
    replayed: int = 0


def _part(bundle: dict, name: str):
    try:
        return bundle[name]
    except (KeyError, TypeError):
        raise BundleFormatError(t("案件包缺少「{name}」部分", name=name)) from None


def _events(bundle: dict) -> list[SimpleNamespace]:
    events = []
    for number, entry in enumerate(_part(bundle, "events"), start=1):
        try:
            events.append(SimpleNamespace(**{name: entry[name] for name in EVENT_COLUMNS}))
        except (KeyError, TypeError) as error:
            raise BundleFormatError(t("案件包第 {number} 条记录缺少字段 {field}", number=number,
                                      field=str(error))) from None
        if type(events[-1].seq) is not int:  # bool is an int too, and no seq
            raise BundleFormatError(t("案件包第 {number} 条记录的 seq 不是整数", number=number))
    if not events:
        raise BundleFormatError(t("案件包中没有任何记录"))
    return events


def _checkpoint(entry: dict) -> tuple[Checkpoint, str | None]:
    """The checkpoint of a bundle entry and what is wrong with its list (None when nothing)."""
    try:
        hashes = tuple(entry["hashes"])
        checkpoint = Checkpoint(int(entry["seq"]), entry["hash"], entry["at"], int(entry["from_seq"]),
                                hashes_digest(hashes), entry["public_key"], entry["signature"], hashes)
    except (KeyError, TypeError, ValueError) as error:
        raise BundleFormatError(t("案件包中的检查点缺少字段或格式有误：{error}", error=str(error))) from None
    if entry.get("hashes_digest") not in (None, checkpoint.hashes_digest):
        return checkpoint, t("检查点（seq {seq}）的记录清单与其摘要不符", seq=checkpoint.seq)
    if len(hashes) != checkpoint.seq - checkpoint.from_seq or (hashes and hashes[-1] != checkpoint.hash):
        return checkpoint, t("检查点（seq {seq}）的记录清单与其 seq、hash 不符", seq=checkpoint.seq)
    return checkpoint, None


def _signed_hashes(bundle: dict, seqs: list[int], trusted: set[str] | None,
                   verdict: BundleVerdict) -> tuple[dict[int, tuple[str, int]], int]:
    """{seq: (signed hash, checkpoint seq)} from the checkpoints that hold; and the newest such seq."""
    signed, newest, keys = {}, 0, set()
    for entry in _part(bundle, "checkpoints"):
        checkpoint, fault = _checkpoint(entry)
        fault = fault or signature_fault(checkpoint, trusted)
        if fault:
            # The case's events in its interval lost their proof: the first of them is where the record fails.
            verdict.fail(next((s for s in seqs if checkpoint.from_seq < s <= checkpoint.seq), checkpoint.seq), fault)
            continue
        keys.add(checkpoint.key_id)
        newest = max(newest, checkpoint.seq)
        for offset, hash_ in enumerate(checkpoint.hashes):
            signed[checkpoint.from_seq + 1 + offset] = (hash_, checkpoint.seq)
        verdict.checkpoints += 1
        if verdict.latest is None or checkpoint.seq > verdict.latest.seq:
            verdict.latest = checkpoint
    if trusted is None and keys:
        verdict.warnings.append(t("{warning}（{keys}）", warning=UNPINNED, keys="、".join(sorted(keys))))
    return signed, newest


def _check_events(events: list, case_id, signed: dict, newest: int, verdict: BundleVerdict) -> None:
    """Each event: its hash, its links to the case's previous event and to the log, its signed hash."""
    last = None
    for event in events:
        seq = event.seq
        if event.case_id != case_id:
            verdict.fail(seq, t("seq {seq} 不属于案件 {case}", seq=seq, case=case_id))
        if last is not None and not seq > last.seq:
            verdict.fail(seq, t("seq {seq} 的记录重复或顺序错乱", seq=seq))
        if audit.recompute_hash(event) != event.hash:
            verdict.fail(seq, t("内容与 hash 不符（记录被改动）"))
        if event.case_prev_hash != (last.hash if last else None):
            _missing_before(event, last, signed, verdict)
        before = last.hash if last is not None and last.seq == seq - 1 else signed.get(seq - 1, (None,))[0]
        if before is not None and event.prev_hash != before:
            verdict.fail(seq, t("prev_hash 与 seq {seq} 的记录不符", seq=seq - 1))
        if seq in signed and signed[seq][0] != event.hash:
            verdict.fail(seq, t("seq {seq} 与检查点（seq {checkpoint}）签名时的记录不符", seq=seq,
                                checkpoint=signed[seq][1]))
        elif seq not in signed and seq <= newest:
            verdict.fail(seq, t("seq {seq} 不在包中任何检查点的记录清单内", seq=seq))
        elif seq > newest:
            verdict.uncovered += 1
        last = event


def _missing_before(event, last, signed: dict, verdict: BundleVerdict) -> None:
    """A broken case link: name the missing event when a checkpoint's list shows where it stood."""
    lower = last.seq if last is not None else 0
    missing = next((seq for seq, (hash_, _) in signed.items()
                    if lower < seq < event.seq and hash_ == event.case_prev_hash), None)
    if missing is not None:
        verdict.fail(missing, t("本案件 seq {missing} 的记录缺失（seq {seq} 的 case_prev_hash 指向它）",
                                missing=missing, seq=event.seq))
    else:
        verdict.fail(event.seq, t("case_prev_hash 与本案件前一条记录不符"))


def _check_tail(case: dict, events: list, newest: int, verdict: BundleVerdict) -> None:
    """The case's last event is the one its head names; a closed case ends on its closure, signed."""
    last, head, status = events[-1], case.get("last_event") or {}, case.get("status")
    head_seq = head.get("seq", last.seq)
    if head_seq > last.seq:
        verdict.fail(head_seq, t("本案件最后的记录缺失（记录头指向 seq {seq}）", seq=head_seq))
    elif head_seq < last.seq:
        extra = next(e.seq for e in events if e.seq > head_seq)
        verdict.fail(extra, t("seq {seq} 在本案件记录头（seq {head}）之后", seq=extra, head=head_seq))
    elif head.get("hash", last.hash) != last.hash:
        verdict.fail(last.seq, t("本案件最后一条记录与记录头不符"))
    closing, shown = CLOSING_TYPE.get(status), status_name(
        case_outcome.shown_status(status, case.get("outcome")))
    # Papers issued and refusals after the closure go on the case's record without moving its workflow (no state
    # digest): the closure is the last event that moved it, and it and all before it must be signed.
    moved = next((event for event in reversed(events) if event.state_digest is not None), last)
    # A missing closure the head points at is named above; without a head, it stood after the last event.
    if closing and moved.type != closing and head_seq <= last.seq:
        verdict.fail(moved.seq + 1, t("案件状态为{status}，但最后一条记录不是 {closing}：seq {seq} 之后的记录缺失",
                                      status=shown, closing=closing, seq=moved.seq))
    if verdict.uncovered and closing and events[-verdict.uncovered].seq <= moved.seq:
        first = events[-verdict.uncovered].seq
        signed = t("包中的检查点止于 seq {seq}", seq=newest) if newest else t("包中没有签名检查点")
        verdict.fail(first, t("案件{status}，但 seq {first} 起的 {count} 条记录"
                              "没有签名检查点覆盖（办结和撤销时必定签名，{signed}）",
                              status=shown, first=first, count=verdict.uncovered, signed=signed))
    elif verdict.uncovered:
        verdict.warnings.append(t("本案件最后 {count} 条记录尚无签名检查点覆盖", count=verdict.uncovered))


def spec_json_of(sources: dict[str, str], process_id: str) -> str:
    """Parse deployed sources as deploy does and serialize the spec of ``process_id``."""
    parser, _ = deploy.parse(deploy.Bundle({name: text.encode("utf-8") for name, text in sources.items()}))
    return engine.spec_to_json(parser.get_spec(process_id), parser.get_subprocess_specs(process_id))


def _spec_json(bundle: dict, events: list, verdict: BundleVerdict) -> str | None:
    """The spec to replay with, once its sources are shown to be those the case started on."""
    spec, started = _part(bundle, "spec"), events[0]
    try:
        recorded = json.loads(started.payload).get("spec_sha256") if started.type == Event.CASE_STARTED else None
        sources, process_id = spec["sources"], spec["process_id"]
        sha = digest(sources)
    except (KeyError, TypeError, ValueError, AttributeError):
        verdict.fail(started.seq, t("案件包中的流程定义或案件发起记录无法读取"))
        return None
    if recorded is None:
        verdict.fail(started.seq, t("本案件的第一条记录不是案件发起记录（case.started）"))
        return None
    if sha != recorded or sha != spec.get("sha256"):
        verdict.fail(started.seq, t("流程定义源文件的 sha256（{sha}…）与案件发起时记录的（{recorded}…）"
                                    "不符：源文件被改动",
                                    sha=sha[:12], recorded=str(recorded)[:12]))
        return None
    try:
        return spec_json_of(sources, process_id)
    except (CommandError, engine.SpiffWorkflowException, KeyError, AttributeError) as error:
        message = getattr(error, "message", None) or str(error)
        verdict.fail(started.seq, t("流程定义源文件无法解析：{message}", message=message))
        return None


def _replay(events: list, spec_json: str, until: int | None, verdict: BundleVerdict) -> None:
    """Replay the events before ``until`` and compare every recorded state digest."""
    result, _ = replay.replay_events(events, spec_json, until)
    verdict.replayed = result.reproduced
    if not result.ok:
        verdict.fail(result.first_bad_seq, result.reason)


def verify_bundle(bundle: dict, trusted_keys: set[str] | None) -> BundleVerdict:
    """Check a bundle on its own; ``trusted_keys`` None checks signatures but not whose they are (warned)."""
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise BundleFormatError(t("不是案件包：format 应为「{format}」", format=FORMAT))
    case, events = _part(bundle, "case"), _events(bundle)
    verdict = BundleVerdict(True, len(events), case_id=case.get("id"))
    seqs = [event.seq for event in events]
    signed, newest = _signed_hashes(bundle, seqs, trusted_keys, verdict)
    _check_events(events, verdict.case_id, signed, newest, verdict)
    _check_tail(case, events, newest, verdict)
    spec_json = _spec_json(bundle, events, verdict)
    if spec_json is not None and (verdict.ok or verdict.first_bad_seq is not None):
        _replay(events, spec_json, verdict.first_bad_seq, verdict)
    return verdict

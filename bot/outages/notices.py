"""The texts of the messages a reporter receives: a new estimate, and the restoration."""

from __future__ import annotations

from datetime import datetime, time

from bot.config import RIYADH
from bot.i18n import Texts, texts
from bot.outages.compensation import PLANNED_NOTICE, case_span, compensations_for_report
from bot.outages.models import Incident, OutageReport, aware
from bot.standards.wording import duration

FORCE_MAJEURE = "force_majeure"


def estimate_notice(report: OutageReport, incident: Incident, now: datetime | None = None) -> str:
    """`now`: when the notice is composed (just before it is sent), so the estimate is said as
    "اليوم الساعة 2:00 م" rather than its full date and year."""
    eta = incident.estimated_restoration_at
    if eta is None:  # an estimate event exists only once an estimate was set
        raise ValueError(f"{incident.reference} has no estimate to announce")
    tr = texts(report.lang)
    lines = [
        tr._(
            "Update on your outage report {reference}: power is expected back by {time}.",
            reference=report.reference,
            time=tr.datetime(eta, now),
        )
    ]
    if incident.cause:
        lines.append(tr._("Cause: {cause}", cause=incident.cause))
    return "\n".join(lines)


def restoration_notice(report: OutageReport, incident: Incident) -> str:
    span = case_span(report, incident)
    if incident.end is None or span is None:  # a restoration notice exists only once restored
        raise ValueError(f"{incident.reference} is not restored")
    tr = texts(report.lang)
    # The reporter's own case, as the engine counts it: their start (the time they stated, else
    # the incident's) to their end (the time they said it came back, or their «رجعت» message,
    # else the restoration). The length said and the amount come from this one span.
    start, end = span
    # Between the minutes the subscriber is shown: a report at 21:00:40 restored at 22:40
    # lasted "1 hour and 40 minutes", not 39.
    shown = end.replace(second=0, microsecond=0) - start.replace(second=0, microsecond=0)
    minutes = int(shown.total_seconds() // 60)
    lines = [tr._("Power is back in your area (report {reference}).", reference=report.reference)]
    compensations = compensations_for_report(report, incident)
    asked = _start_asked_line(tr, report) if may_start_earlier(report, incident) else None
    linked = report.account is not None
    if asked is not None and not incident.start_set_by_operator:
        # The start they said but did not confirm (an hour offered back, or a day with no
        # hour): no amount from it, nor from our own start (known to be too late); the length
        # only as a floor, and their hour asked for.
        lines.append(
            tr._(
                "Outage length: at least {duration}, counted from {since}.",
                duration=duration(tr, minutes),
                since=tr.datetime(start),
            )
        )
        lines += [
            asked if _asks_start(c) else _compensation_line(tr, c, linked=linked)
            for c in compensations
        ]
        return "\n".join(dict.fromkeys(lines))
    if asked is not None:
        # An operator's start is when the area lost power: what it earns is owed whatever hour
        # they confirm, so it is paid now as a floor, and their earlier hour asked for.
        lines.append(
            tr._(
                "Outage length: at least {duration}, counted from {since}.",
                duration=duration(tr, minutes),
                since=tr.datetime(start),
            )
        )
    elif report.counted_from_record(incident):
        lines.append(
            tr._(
                "Outage length: {duration}, counted from {since}, when the power went off in "
                "your area by our records (earlier than the time you told us).",
                duration=duration(tr, minutes),
                since=tr.datetime(start),
            )
        )
    elif report.ended_before_restoration(incident):
        lines.append(
            tr._(
                "Outage length: {duration}, until {until}, when you told us your power was back.",
                duration=duration(tr, minutes),
                until=tr.datetime(end),
            )
        )
    else:
        lines.append(tr._("Outage length: {duration}.", duration=duration(tr, minutes)))
    unstated = report.stated_start is None and asked is None
    # Two sums owed to the holder of an account we do not know (a planned outage's restoration
    # and its late notice): to whom and how they are paid is said once, after both.
    shared = not linked and sum(c.amount_sar > 0 for c in compensations) > 1
    lines += [
        _compensation_line(tr, c, start if unstated else None, linked, holder_said=shared)
        for c in compensations
    ]
    if shared:
        lines.append(
            tr._(
                "Both are paid automatically, with no claim, to the holder of the electricity "
                "account at that place, as a credit on its bill or by bank transfer. Your report "
                "is not linked to an account: if the account there is in your name, you need do "
                "nothing."
            )
        )
    if any(c.amount_sar > 0 for c in compensations):
        lines.append(tr._("If it is not paid by then, call SERA on 19944."))
    if asked is not None:
        lines.append(asked)
    return "\n".join(lines)


def unstated_start_line(tr: Texts, report: OutageReport, incident: Incident, compensation):
    """For a reporter who never said when their power went off, instead of "no compensation"
    from the start on our record: what it was counted from, and a request for their start.
    For a start said and not confirmed, the question for their hour (after what an operator's
    start earns, owed whatever the hour). None when they did say, or when something is owed,
    or nothing would be (force majeure)."""
    end = report.end_in(incident) if incident.end is not None else None
    asked = _start_asked_line(tr, report) if may_start_earlier(report, incident) else None
    if asked is not None and end is not None and _asks_start(compensation):
        if incident.start_set_by_operator and compensation.amount_sar > 0:
            # Counted from when the area lost power: owed whatever hour they confirm.
            linked = report.account is not None
            return _compensation_line(tr, compensation, linked=linked) + "\n" + asked
        return asked  # an amount counted from our start is too low
    if report.stated_start is not None or start_asked(report):
        return None  # theirs, or one said later than the operator's: what it earns is said
    if end is None or compensation.amount_sar > 0:
        return None
    if not _asks_start(compensation):
        return None
    return _compensation_line(tr, compensation, min(report.start_in(incident), end))


def may_start_earlier(report: OutageReport, incident: Incident) -> bool:
    """Whether the start the reporter said but did not confirm may be earlier than the one
    counted: always against our own start (a first report's time), but a start an operator
    set is a fact, so only an hour offered back before it, or a day it had not yet begun."""
    if not start_asked(report):
        return False
    if not incident.start_set_by_operator:
        return True
    offered = aware(report.offered_start)
    if offered is not None:
        return offered < incident.start
    assert report.stated_day is not None
    return datetime.combine(report.stated_day, time(), RIYADH) < incident.start


def start_asked(report: OutageReport) -> bool:
    """The reporter said when their power went off but gave no hour we may count from (an hour
    offered back and not confirmed, or a day alone): their hour is asked for, no amount said."""
    return report.stated_start is None and (
        report.offered_start is not None or report.stated_day is not None
    )


def _start_asked_line(tr: Texts, report: OutageReport) -> str | None:
    """The question for the start the reporter said but did not confirm, or None."""
    if not start_asked(report):
        return None
    if report.offered_start is not None:
        return _offered_start_line(tr, aware(report.offered_start))
    assert report.stated_day is not None
    return tr._(
        "You told us your power went off on {day}: about what time? Reply with the hour (for "
        'example "from 10 at night") and we will count your compensation from it.',
        day=tr.date(report.stated_day, hijri=False),
    )


def _asks_start(compensation) -> bool:
    """Whether the amount depends on when the power went off (not force majeure, nor a planned
    outage's notice)."""
    return compensation.reason != FORCE_MAJEURE and compensation.standard != PLANNED_NOTICE


def _offered_start_line(tr: Texts, offered) -> str:
    return tr._(
        "You told us your power went off {since}, roughly: about what time exactly? Reply with "
        'the hour (for example "from 10 at night") and we will count your compensation from it.',
        since=tr.datetime(offered),
    )


def _compensation_line(
    tr: Texts, compensation, unstated_start=None, linked=True, holder_said=False
) -> str:
    """`unstated_start`: the start counted from when the reporter never said when their power
    went off; "no compensation" is then not said from it, they are asked when it began.
    `linked`: the report names an account; without one we cannot say it is paid to the reporter,
    only to whoever holds the electricity account of that place. `holder_said`: that is said
    once after all the sums (`restoration_notice`), not in this line."""
    from bot.standards import riyals, standard_name

    name = standard_name(compensation.standard, tr.lang)
    if compensation.amount_sar > 0 and not linked and holder_said:
        return tr._(
            "Compensation of {amount} is due ({standard}), by {date}.",
            amount=riyals(int(compensation.amount_sar), tr.lang),
            standard=name,
            date=tr.date(compensation.pay_by),
        )
    if compensation.amount_sar > 0 and not linked:
        return tr._(
            "Compensation of {amount} is due ({standard}). It is paid automatically, with no "
            "claim, to the holder of the electricity account at that place, as a credit on its "
            "bill or by bank transfer, by {date}. Your report is not linked to an account: if "
            "the account there is in your name, you need do nothing.",
            amount=riyals(int(compensation.amount_sar), tr.lang),
            standard=name,
            date=tr.date(compensation.pay_by),
        )
    if compensation.amount_sar > 0:
        return tr._(
            "You are owed {amount} compensation ({standard}), paid automatically by {date}.",
            amount=riyals(int(compensation.amount_sar), tr.lang),
            standard=name,
            date=tr.date(compensation.pay_by),
        )
    if compensation.reason == FORCE_MAJEURE:
        return tr._(
            "No compensation is due ({standard}): the outage was caused by force majeure.",
            standard=name,
        )
    if compensation.standard == PLANNED_NOTICE:
        return tr._(
            "The planned outage was announced in time, so no compensation is due for the notice."
        )
    if unstated_start is not None:
        return tr._(
            "Counted from {since}, the start on our record, the power came back within the "
            "guaranteed time. You did not tell us when your power went off: if it was earlier, "
            "reply with when it began and we will count it again.",
            since=tr.datetime(unstated_start),
        )
    return tr._("Power came back within the guaranteed time, so no compensation is due.")

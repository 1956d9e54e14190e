"""What the standards engine says to a subscriber: names, amounts, deadlines, explanations.

Every sentence is a gettext message (English msgid; Arabic in locales/ar/.../standards.po).
Amounts are spoken as riyals with the Arabic plural (`riyals`), everywhere in this package.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.i18n import Texts, texts

if TYPE_CHECKING:
    from bot.standards.engine import BreakdownLine, Compensation
    from bot.standards.rules import Rule

SERA_PHONE = "19944"


def N_(msgid: str) -> str:
    """Marks a msgid kept in a table; it is translated where it is used."""
    return msgid


STANDARD_NAMES = {
    "meter_registration": N_("meter registration or cancellation"),
    "connection": N_("connecting or changing your service"),
    "reconnection_after_payment": N_("reconnection after payment"),
    "unlawful_disconnection": N_("unlawful disconnection"),
    "billing_complaint": N_("reply to a bill complaint"),
    "planned_outage_notice": N_("notice of a planned outage"),
    "planned_outage_restoration": N_("restoring power after a planned outage"),
    "emergency_outage": N_("emergency outage"),
    "total_blackout": N_("city-wide blackout"),
}

# The condition that makes a standard owed; `{deadline}` is a spoken duration.
CONDITIONS = {
    "meter_registration": N_("If your meter is not registered or cancelled within {deadline}"),
    "connection": N_("If your service is not connected within {deadline} of payment"),
    "reconnection_after_payment": N_("If service is not back within {deadline} of your payment"),
    "unlawful_disconnection": N_(
        "If your power is cut at a prohibited time or in a prohibited case"
    ),
    "billing_complaint": N_(
        "If you get no detailed reply to your bill complaint within {deadline}"
    ),
    "planned_outage_notice": N_("If you are not told at least {deadline} before a planned outage"),
    "planned_outage_restoration": N_(
        "If power is not back within {deadline} of a planned outage starting"
    ),
    "emergency_outage": N_("If power is not back within {deadline}"),
    "total_blackout": N_(
        "If a blackout of your whole city or governorate lasts more than {deadline}"
    ),
}

# The two clock times read either way as "12:00 ص/م" (many read 12:00 ص as noon): named,
# wherever a time is shown (`Texts.time`), in the same hour style as every other time beside
# them ("12:00 ظهرًا" next to "2:00 م", never "12 الظهر"). Midnight is said as people say it
# («12 منتصف الليل»: "12:00" beside it read as a clock's noon to some).
CLOCK_NAMES = {0: N_("12 midnight"), 12: N_("12:00 noon")}
# Midnight said after a day (`Texts.day_time`): that day's end, so the night is named by the
# day it starts ("أمس الاثنين الساعة 12 منتصف الليل، ليلة الثلاثاء"), never read as the
# start of the day said.
MIDNIGHT_NIGHT = N_("12 midnight, the night into {weekday}")
# A moment said back near the message's day (bot.i18n.Texts.datetime with `now`): by the
# day's name, then the weekday, then the date ("day").
MOMENT_WORDS: dict[int | str, str] = {
    0: N_("today at {time}"),
    -1: N_("yesterday at {time}"),
    1: N_("tomorrow at {time}"),
    "day": N_("{when} at {time}"),
}

# The deadline of a standard counted in hours, said as what should have happened by then
# ("كان المفروض ترجع الكهرباء اليوم الساعة 3:00 م"); `{when}` is `Texts.datetime`'s moment.
# Any other standard: "the deadline was {when}".
DEADLINE_LINES = {
    "reconnection_after_payment": N_("{name}: the power should have been back {when}."),
    "planned_outage_restoration": N_("{name}: the power should have been back {when}."),
    "emergency_outage": N_("{name}: the power should have been back {when}."),
    "total_blackout": N_("{name}: the power should have been back {when}."),
    "planned_outage_notice": N_("{name}: the notice should have reached you by {when}."),
}

# What was done in time, named, so the line reads alone after the deadline line (and after the
# other standard of one outage): "أُعيدت الكهرباء خلال المدة النظامية", never "تم ذلك".
ON_TIME_LINES = {
    "meter_registration": N_(
        "The meter was registered within the deadline, so no compensation is due."
    ),
    "connection": N_("The service was connected within the deadline, so no compensation is due."),
    "reconnection_after_payment": N_(
        "The power came back after your payment within the deadline, so no compensation is due."
    ),
    "billing_complaint": N_(
        "The reply to your complaint came within the deadline, so no compensation is due."
    ),
    "planned_outage_notice": N_(
        "The notice of the planned outage reached you in time, so no compensation is due."
    ),
    "planned_outage_restoration": N_(
        "The power came back within the deadline, so no compensation is due."
    ),
    "emergency_outage": N_("The power came back within the deadline, so no compensation is due."),
    "total_blackout": N_("The power came back within the deadline, so no compensation is due."),
}

REASONS = {
    "on_time": N_("It was done within the deadline, so no compensation is due."),
    "force_majeure": N_(
        "This case was recorded as force majeure (events beyond the provider's control), so no compensation is due."
    ),
    "not_covered": N_(
        "This standard was not part of the rules in force at the time, so no compensation is due."
    ),
}


def standard_name(standard_id: str, lang: str) -> str:
    return texts(lang)._(STANDARD_NAMES[standard_id])


def standard_line(standard: str, lang: str) -> str:
    """The standard a case falls under, said when there is no deadline or moment to lead with
    (a case told by its length): a line that reads as one, never the standard's name alone
    («الانقطاع الطارئ.» read as a stray label)."""
    return texts(lang)._("The standard that applies: {name}.", name=standard_name(standard, lang))


def sentence(text: str) -> str:
    """A line that begins with a standard's name ("emergency outage: ..."), begun with a capital
    letter in English (Arabic has none: unchanged)."""
    return text[:1].upper() + text[1:]


def riyals(n: int, lang: str) -> str:
    """An amount of riyals in words the subscriber reads naturally ("150 ريالاً", "150 SAR")."""
    return texts(lang).ngettext("{n} SAR", "{n} SAR", n)


def hours(tr: Texts, n: int, governed: bool = False) -> str:
    """`governed`: not the subject of its sentence: after a preposition or a noun it hangs on
    ("خلال ساعتين", "قبل ساعتين", "أكثر من ساعتين"), or the time a verb lasts ("لو استمر
    الانقطاع ساعتين"), where Arabic takes the genitive or accusative (and the dialect always
    does): the dual «ساعتين», never «ساعتان»."""
    if governed:
        return tr.ngettext("{n} deadline hour", "{n} deadline hours", n)
    return tr.ngettext("{n} hour", "{n} hours", n)


def minutes(tr: Texts, n: int, governed: bool = False) -> str:
    """As `hours`: «دقيقتين» when governed, «دقيقتان» alone."""
    if governed:
        return tr.ngettext("{n} deadline minute", "{n} deadline minutes", n)
    return tr.ngettext("{n} minute", "{n} minutes", n)


def days(tr: Texts, n: int) -> str:
    return tr.ngettext("{n} day", "{n} days", n)


def weeks(tr: Texts, n: int) -> str:
    return tr.ngettext("{n} week", "{n} weeks", n)


def whole_days_or_duration(tr: Texts, minutes: int, governed: bool = False) -> str:
    """A length of whole weeks said in weeks ("قبل أسبوع", never "قبل 168 ساعة"), of whole
    days in days ("من 45 يوم"), any other in hours and minutes (`governed`: see `duration`;
    the catalogs' dual of days and weeks is the dialect's «يومين», «أسبوعين» already)."""
    day = 24 * 60
    if minutes and minutes % (7 * day) == 0 and minutes // (7 * day) < 5:
        return weeks(tr, minutes // (7 * day))  # a month and more is said in days
    if minutes and minutes % day == 0:
        return days(tr, minutes // day)
    return duration(tr, minutes, governed)


def business_days(tr: Texts, n: int) -> str:
    return tr.ngettext("{n} business day", "{n} business days", n)


def duration(tr: Texts, length: int, governed: bool = False) -> str:
    """Whole hours and minutes, e.g. "2 hours and 20 minutes". `governed`: said after a
    preposition or a noun it hangs on ("خلال ساعتين", "قبل ساعتين و20 دقيقة"): see `hours`."""
    h, m = divmod(length, 60)
    if h and m:
        return tr._(
            "{hours} and {minutes}",
            hours=hours(tr, h, governed),
            minutes=minutes(tr, m, governed),
        )
    if h:
        return hours(tr, h, governed)
    return minutes(tr, m, governed)


def _units(tr: Texts, clock: str, n: int) -> str:
    return business_days(tr, n) if clock == "business_days" else hours(tr, n)


def deadline_text(rule: Rule, lang: str, network: str = "lv") -> str:
    """The deadline as a duration inside a sentence ("within 2 hours": "خلال ساعتين")."""
    n = rule.deadline_units(network)
    if n is None:
        return ""
    tr = texts(lang)
    if rule.clock == "business_days":
        return tr.ngettext("{n} deadline business day", "{n} deadline business days", n)
    return hours(tr, n, governed=True)


def rule_summary(
    rule: Rule,
    lang: str,
    network: str = "lv",
    customer_class: str = "residential",
    holder: bool = False,
) -> str:
    """`holder`: said to someone who may not hold the account the compensation goes to (a
    report linked to no account), so "compensation is due", not "you are owed"."""
    tr = texts(lang)
    condition = tr._(CONDITIONS[rule.standard], deadline=deadline_text(rule, lang, network))
    first = riyals(rule.first_amount(customer_class), lang)
    if rule.is_flat:
        if holder:
            return tr._(
                "{condition}, compensation of {first} is due.", condition=condition, first=first
            )
        return tr._("{condition} you are owed {first}.", condition=condition, first=first)
    additional = riyals(rule.additional_sar, lang)
    if rule.clock == "business_days":
        further = tr.ngettext(
            "{additional} for each further business day or part",
            "{additional} for each further {n} business days or part",
            rule.unit,
            additional=additional,
        )
    else:
        further = tr.ngettext(
            "{additional} for each further hour or part",
            "{additional} for each further {n} hours or part",
            rule.unit,
            additional=additional,
        )
    if holder:
        return tr._(
            "{condition}, compensation of {first} is due, plus {further}.",
            condition=condition,
            first=first,
            further=further,
        )
    return tr._(
        "{condition} you are owed {first}, plus {further}.",
        condition=condition,
        first=first,
        further=further,
    )


def how_paid_text(lang: str, rule: Rule) -> str:
    """How and by when compensation is paid (domain.md), for "how is compensation paid?";
    the days come from the rule set in force, as every pay-by date does."""
    tr = texts(lang)
    return "\n".join(
        [
            how_paid_line(lang, rule),
            tr._("If it is not paid by then, call SERA on {phone}.", phone=SERA_PHONE),
        ]
    )


def how_paid_line(lang: str, rule: Rule) -> str:
    """How and by when compensation is paid, in one line (before the sender's own cases, each
    of which carries its pay-by date and whom to call after it)."""
    tr = texts(lang)
    return tr._(
        "Compensation under the guaranteed standards is paid automatically, with no "
        "claim needed: as a credit on the electricity bill of the account holder, or by "
        "bank transfer, within {days} business days after the case ends (the power came "
        "back, the request was done, or the disconnection happened).",
        days=tr.number(rule.pay_within_business_days),
    )


def paid_to_holder_text(lang: str) -> str:
    """How compensation reaches the account holder of the place of a report linked to no
    account (domain.md: it goes to the holder, automatically, on the bill or by transfer).
    Short: it rides on an outage acknowledgement that must fit one SMS."""
    tr = texts(lang)
    return tr._(
        "Paid automatically, with no claim, to the holder of the electricity account there, on "
        "its bill or by bank transfer; if that is you, you need do nothing."
    )


def breakdown_label(line: BreakdownLine, lang: str) -> str:
    tr = texts(lang)
    days = line.clock == "business_days"
    if line.kind == "first":
        if days:
            return tr.ngettext("first business day late", "first {n} business days late", line.unit)
        return tr.ngettext("first hour late", "first {n} hours late", line.unit)
    if line.kind == "additional":
        if line.unit == 1 and days:
            return tr.ngettext(
                "{n} additional business day or part",
                "{n} additional business days or part",
                line.count,
            )
        if line.unit == 1:
            return tr.ngettext(
                "{n} additional hour or part", "{n} additional hours or part", line.count
            )
        return tr.ngettext(
            "{n} additional period of {size} or part",
            "{n} additional periods of {size} or part",
            line.count,
            size=_units(tr, line.clock, line.unit),
        )
    label = {
        "no_notice": N_("no notice given"),
        "late_notice": N_("notice given late"),
        "unlawful": N_("unlawful disconnection"),
    }.get(line.kind, N_("flat amount"))
    return tr._(label)


def _case_moment(comp: Compensation) -> datetime | None:
    from bot.standards.engine import local_time

    return local_time(comp.case.start or comp.case.end) if comp.case is not None else None


def _notice_told(comp: Compensation) -> int | None:
    """Minutes between a planned outage's notice and its start, for a notice case."""
    case = comp.case
    if comp.standard != "planned_outage_notice" or case is None or case.notice_at is None:
        return None
    if case.start is None or case.notice_at >= case.start:
        return None
    return int((case.start - case.notice_at).total_seconds() // 60)


def explain(
    comp: Compensation,
    lang: str,
    holder: bool = False,
    now: datetime | None = None,
    pay_by_said: bool = False,
) -> str:
    """`now`: the message's clock, so a deadline near it is said by its day's name ("اليوم
    الساعة 3:00 م", "أمس", "الخميس") rather than its full date. `pay_by_said`: this case's
    pay-by date was just said in the same reply (the other standard of one outage): not
    said again, nor where to call if it is missed."""
    tr = texts(lang)
    name = standard_name(comp.standard, lang)
    lines: list[str] = []
    if comp.deadline is not None and comp.rule is not None:
        if comp.rule.clock == "business_days":
            when = tr.date(comp.deadline.date())
            lines.append(sentence(tr._("{name}: the deadline was {when}.", name=name, when=when)))
        else:
            when = tr.datetime(comp.deadline, now)
            line = DEADLINE_LINES.get(comp.standard, N_("{name}: the deadline was {when}."))
            lines.append(sentence(tr._(line, name=name, when=when)))
    elif (moment := _case_moment(comp)) is not None:
        # No deadline (an unlawful disconnection is owed whenever it happened): say when it was,
        # so the line is not the standard's name alone.
        lines.append(
            sentence(
                tr._(
                    "{name} on {date} at {time}.",
                    name=name,
                    date=tr.date(moment.date(), hijri=False),
                    time=tr.time(moment),
                )
            )
        )
    else:
        lines.append(standard_line(comp.standard, lang))
    if comp.reason == "force_majeure" or comp.reason == "not_covered":
        lines.append(tr._(REASONS[comp.reason]))
        return "\n".join(lines)
    if comp.late_business_days:
        lines.append(tr._("Late by {late}.", late=business_days(tr, comp.late_business_days)))
    elif comp.late_minutes and (told := _notice_told(comp)) is not None:
        # A late notice is said as how long before it came, not as "late by" (which reads as
        # the outage running late): "وصلك الإشعار قبل 24 ساعة بدل 48".
        lines.append(
            tr._(
                "Your notice came {told} before it instead of {hours} hours.",
                told=whole_days_or_duration(tr, told, governed=True),  # «قبل ساعتين»، «قبل أسبوع»
                hours=tr.number((comp.rule.deadline if comp.rule else None) or 0),
            )
        )
    elif comp.late_minutes:
        lines.append(tr._("Late by {late}.", late=duration(tr, comp.late_minutes)))
    elif comp.breakdown and comp.breakdown[0].kind == "no_notice":
        lines.append(tr._("No notice was given."))
    if not comp.eligible:
        reason = comp.reason or "on_time"
        met = ON_TIME_LINES.get(comp.standard) if reason == "on_time" else None
        lines.append(tr._(met or REASONS[reason]))
        return "\n".join(lines)
    assert comp.pay_by is not None
    pay_by = tr.date(comp.pay_by)
    if pay_by_said:
        owed = (
            N_("Compensation of {amount} is due, paid by the same date.")
            if holder
            else N_("You are owed {amount}, paid by the same date.")
        )
        lines.append(tr._(owed, amount=riyals(comp.amount_sar, lang)))
        return "\n".join(lines)
    if holder:
        lines.append(
            tr._(
                "Compensation of {amount} is due, to be paid by {date}.",
                amount=riyals(comp.amount_sar, lang),
                date=pay_by,
            )
        )
    else:
        lines.append(
            tr._(
                "You are owed {amount}, to be paid by {date}.",
                amount=riyals(comp.amount_sar, lang),
                date=pay_by,
            )
        )
    # The date once: said again here it doubled the line (and its Hijri date) on every SMS.
    lines.append(tr._("If it is not paid by then, call SERA on {phone}.", phone=SERA_PHONE))
    if holder:
        lines.append(paid_to_holder_text(lang))
    return "\n".join(lines)

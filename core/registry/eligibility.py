"""Who may book a registry service: the law checked at booking, not left to the clerk (SPEC 5).

From the ID numbers alone (GB 11643: birth date in digits 7-14, sex in the 17th digit):

- 结婚登记 (民法典 1046-1049): two different people, one man and one woman, the man at least
  22 and the woman at least 20 full years old on the day of the slot (1047).
- 离婚登记申请 and 离婚登记（发证） (民法典 1076, 婚姻登记条例: a party without full civil
  capacity is not received): two different people, both at least 18 (民法典 18) on the day.
  The sex of the parties is not checked: the marriage certificate is.
- 补领婚姻登记证: the applicant is at least 18 on the day.
- Any service with more than one party: the parties are different people.

A booking stores the first day on which its age rules hold (``eligible_from``), so a
reschedule checks the new day without keeping birth dates. Decisions: docs/appointments.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core import identity
from core.errors import NotAdult, NotManAndWoman, SamePerson, UnderMarriageAge


@dataclass(frozen=True)
class Rule:
    man: int  # minimum full years on the day of the slot
    woman: int
    man_and_woman: bool = False  # and the refusals speak of the marriage age


MARRIAGE = Rule(man=22, woman=20, man_and_woman=True)
ADULT = Rule(man=18, woman=18)
RULES: dict[str, Rule] = {
    "marriage": MARRIAGE,
    "divorce-apply": ADULT,
    "divorce-issue": ADULT,
    "reissue": ADULT,
}


def _distinct(numbers: list[str]) -> None:
    if len(set(numbers)) != len(numbers):
        raise SamePerson(
            "申请人不能是同一人（身份证号码相同） / "
            "The applicants must be two different people (the ID numbers are the same)",
            rule="distinct_parties",
            field="id_number",
            applicant=len(numbers) - 1,
        )


def _sexes(numbers: list[str]) -> None:
    if sorted(identity.is_male(n) for n in numbers) != [False, True]:
        raise NotManAndWoman(
            "结婚登记须由一男一女双方申请（民法典第一千零四十九条；以身份证号码第17位判断） / "
            "Marriage registration is for one man and one woman (Civil Code art. 1049; "
            "from the 17th digit of the ID numbers)",
            rule="civil_code_1049",
            field="id_number",
            applicant=1,
        )


def _too_young(rule: Rule, i: int, number: str, day: dt.date) -> None:
    male = identity.is_male(number)
    years = rule.man if male else rule.woman
    if identity.age_on(number, day) >= years:
        return
    from_ = identity.turns(number, years)
    if rule.man_and_woman:
        error: type[UnderMarriageAge | NotAdult] = UnderMarriageAge
        law = "civil_code_1047"
        text = (
            f"第{i + 1}位申请人（{'男' if male else '女'}）在 {day} 未满{years}周岁：结婚年龄男不得早于二十二周岁，"
            f"女不得早于二十周岁（民法典第一千零四十七条），最早可预约 {from_} / Applicant {i + 1} "
            f"({'man' if male else 'woman'}) is under {years} on {day}: the marriage age is 22 for a man and "
            f"20 for a woman (Civil Code art. 1047); the earliest day is {from_}"
        )
    else:
        error, law = NotAdult, "civil_code_18"
        text = (
            f"第{i + 1}位申请人在 {day} 未满十八周岁：办理婚姻登记须为成年人（民法典第十七条、第十八条），"
            f"最早可预约 {from_} / Applicant {i + 1} is under 18 on {day}: registry services are for adults "
            f"(Civil Code art. 17, 18); the earliest day is {from_}"
        )
    raise error(text, rule=law, field="id_number", applicant=i, eligible_from=from_.isoformat())


def check(service_id: str, numbers: list[str], day: dt.date) -> dt.date | None:
    """Check the applicants (normalized ID numbers) for a slot on ``day``.

    :returns: the first day on which the age rules hold (None: the service has none).
    :raises SamePerson, NotManAndWoman, UnderMarriageAge, NotAdult: naming the rule.
    """
    if len(numbers) > 1:
        _distinct(numbers)
    rule = RULES.get(service_id)
    if rule is None:
        return None
    if rule.man_and_woman:
        _sexes(numbers)
    for i, number in enumerate(numbers):
        _too_young(rule, i, number, day)
    return max(identity.turns(n, rule.man if identity.is_male(n) else rule.woman) for n in numbers)


def check_day(service_id: str, eligible_from: str | None, day: dt.date) -> None:
    """A reschedule: the new ``day`` must not be before the stored ``eligible_from``."""
    rule = RULES.get(service_id)
    if rule is None or not eligible_from or day >= dt.date.fromisoformat(eligible_from):
        return
    if rule.man_and_woman:
        raise UnderMarriageAge(
            f"改期后的 {day} 申请人未到法定结婚年龄：男不得早于二十二周岁，"
            f"女不得早于二十周岁（民法典第一千零四十七条），最早可改到 {eligible_from} / "
            f"On {day} an applicant is under the marriage age (22 for a man, 20 for a woman; Civil Code art. 1047); "
            f"the earliest day is {eligible_from}",
            rule="civil_code_1047",
            eligible_from=eligible_from,
        )
    raise NotAdult(
        f"改期后的 {day} 申请人未满十八周岁（民法典第十七条、第十八条），最早可改到 {eligible_from} / "
        f"On {day} an applicant is under 18 (Civil Code art. 17, 18); the earliest day is {eligible_from}",
        rule="civil_code_18",
        eligible_from=eligible_from,
    )

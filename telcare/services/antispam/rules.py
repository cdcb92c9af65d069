"""Personal rules: blocked numbers, prefixes and keywords, the allowlist and the sensitivity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from telcare.domain import antispam_rules as r
from telcare.domain.errors import InvalidInput
from telcare.domain.messages import N_
from telcare.domain.msisdn import normalise_msisdn
from telcare.services import lookups
from telcare.services.antispam.common import _now, _retry
from telcare.store import antispam_models as am
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class RuleSet:
    sensitivity: r.Sensitivity
    allow: list[str]
    numbers: list[str]
    prefixes: list[str]
    keywords: list[str]


def _rules(session: Session, msisdn: str) -> r.Rules:
    rows = session.execute(
        select(am.SpamRule.kind, am.SpamRule.value).where(am.SpamRule.msisdn == msisdn)
    ).all()
    by: dict[str, list[str]] = {k.value: [] for k in r.RuleKind}
    for kind, value in rows:
        by[kind].append(value)
    setting = session.get(am.SpamSetting, msisdn)
    return r.Rules(
        allow=frozenset(by[r.RuleKind.ALLOW]),
        numbers=frozenset(by[r.RuleKind.NUMBER]),
        prefixes=tuple(sorted(by[r.RuleKind.PREFIX], key=len, reverse=True)),
        keywords=tuple(by[r.RuleKind.KEYWORD]),
        sensitivity=r.Sensitivity(setting.sensitivity) if setting else r.Sensitivity.NORMAL,
    )


def _add_rule(s: Session, msisdn: str, kind: r.RuleKind, value: str, when: datetime) -> bool:
    exists = s.scalar(
        select(am.SpamRule.id).where(
            am.SpamRule.msisdn == msisdn, am.SpamRule.kind == kind.value, am.SpamRule.value == value
        )
    )
    if exists:
        return False
    kinds = (
        [r.RuleKind.NUMBER.value, r.RuleKind.PREFIX.value]
        if kind in (r.RuleKind.NUMBER, r.RuleKind.PREFIX)
        else [kind.value]
    )
    used = s.scalar(
        select(func.count())
        .select_from(am.SpamRule)
        .where(am.SpamRule.msisdn == msisdn, am.SpamRule.kind.in_(kinds))
    )
    r.check_limit(kind, used or 0)
    s.add(am.SpamRule(msisdn=msisdn, kind=kind.value, value=value, created_at=when))
    s.flush()
    return True


def add_rule(
    db: Database, msisdn: str, kind: r.RuleKind, raw: str, *, now: datetime | None = None
) -> tuple[str, bool]:
    """Add one rule; its stored value and whether it is new. Blocking a number removes it
    from the allowlist and vice versa."""
    number = normalise_msisdn(msisdn)
    value = r.rule_value(kind, raw)
    opposite = {r.RuleKind.NUMBER: r.RuleKind.ALLOW, r.RuleKind.ALLOW: r.RuleKind.NUMBER}

    def work(s: Session) -> bool:
        lookups.subscriber(s, number)
        if kind in opposite:
            s.execute(
                delete(am.SpamRule).where(
                    am.SpamRule.msisdn == number,
                    am.SpamRule.kind == opposite[kind].value,
                    am.SpamRule.value == value,
                )
            )
        return _add_rule(s, number, kind, value, _now(now))

    return value, _retry(db, work)


def remove_rule(db: Database, msisdn: str, kind: r.RuleKind, raw: str) -> tuple[str, bool]:
    """Remove one rule; its value and whether there was one."""
    number = normalise_msisdn(msisdn)
    value = r.rule_value(kind, raw)
    with db.uow() as uow:
        lookups.subscriber(uow.session, number)
        result = uow.session.execute(
            delete(am.SpamRule).where(
                am.SpamRule.msisdn == number,
                am.SpamRule.kind == kind.value,
                am.SpamRule.value == value,
            )
        )
        uow.commit()
        return value, bool(getattr(result, "rowcount", 0))


def block_sender(db: Database, msisdn: str, number: str) -> tuple[str, bool]:
    return add_rule(db, msisdn, r.RuleKind.NUMBER, number)


def unblock_sender(db: Database, msisdn: str, number: str) -> tuple[str, bool]:
    return remove_rule(db, msisdn, r.RuleKind.NUMBER, number)


def block_prefix(db: Database, msisdn: str, prefix: str) -> tuple[str, bool]:
    return add_rule(db, msisdn, r.RuleKind.PREFIX, prefix)


def block_keyword(db: Database, msisdn: str, word: str) -> tuple[str, bool]:
    return add_rule(db, msisdn, r.RuleKind.KEYWORD, word)


def unblock_keyword(db: Database, msisdn: str, word: str) -> tuple[str, bool]:
    return remove_rule(db, msisdn, r.RuleKind.KEYWORD, word)


def allow_sender(db: Database, msisdn: str, number: str) -> tuple[str, bool]:
    return add_rule(db, msisdn, r.RuleKind.ALLOW, number)


def list_rules(db: Database, msisdn: str) -> RuleSet:
    number = normalise_msisdn(msisdn)
    with db.uow() as uow:
        rules = _rules(uow.session, number)
    return RuleSet(
        rules.sensitivity,
        sorted(rules.allow),
        sorted(rules.numbers),
        sorted(rules.prefixes),
        sorted(rules.keywords),
    )


def set_sensitivity(
    db: Database, msisdn: str, sensitivity: str, *, now: datetime | None = None
) -> r.Sensitivity:
    try:
        level = r.Sensitivity(sensitivity.strip().lower())
    except ValueError:
        raise InvalidInput(N_("antispam.sensitivity_unknown")) from None
    number = normalise_msisdn(msisdn)

    def work(s: Session) -> r.Sensitivity:
        lookups.subscriber(s, number)
        row = s.get(am.SpamSetting, number)
        if row is None:
            s.add(am.SpamSetting(msisdn=number, sensitivity=level.value, updated_at=_now(now)))
        else:
            row.sensitivity, row.updated_at = level.value, _now(now)
        s.flush()
        return level

    return _retry(db, work)

"""Vocabularies of the local directory of services and of connections to them."""

from __future__ import annotations

from enum import StrEnum


class ServiceStatus(StrEnum):
    ACTIVE = "active"
    TEMPORARILY_CLOSED = "temporarily_closed"
    DEFUNCT = "defunct"


class CostKind(StrEnum):
    FREE = "free"
    LOW_COST = "low_cost"
    PAID = "paid"


class AccessRoute(StrEnum):
    SELF_REFERRAL = "self_referral"
    LINK_WORKER_REFERRAL = "link_worker_referral"
    DROP_IN = "drop_in"


class ConnectionStatus(StrEnum):
    SUGGESTED = "suggested"
    REFERRED = "referred"
    SIGNPOSTED = "signposted"
    ATTENDED = "attended"
    DECLINED = "declined"
    DID_NOT_ATTEND = "did_not_attend"

"""The closed value sets of social work (household types, relations, flags, needs, stages, statuses), stored as
their string values and checked by the database (see models.py); labels.py gives each its words."""

from __future__ import annotations

import enum


class HouseholdType(enum.StrEnum):
    GENERAL = "general"
    DIBAO = "dibao"
    TEKUN = "tekun"
    DIBAO_EDGE = "dibao_edge"
    LOW_INCOME = "low_income"
    OTHER = "other"


class HouseholdStatus(enum.StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"
    ARCHIVED = "archived"


class Relation(enum.StrEnum):
    HEAD = "head"
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    GRANDPARENT = "grandparent"
    GRANDCHILD = "grandchild"
    SIBLING = "sibling"
    OTHER = "other"


class Flag(enum.StrEnum):
    DIBAO = "dibao"
    TEKUN = "tekun"
    DIBAO_EDGE = "dibao_edge"
    DISABILITY = "disability"
    SINGLE_PARENT = "single_parent"
    ELDERLY_ALONE = "elderly_alone"
    LEFT_BEHIND_CHILD = "left_behind_child"
    OTHER = "other"


class DisabilityType(enum.StrEnum):
    VISUAL = "visual"
    HEARING = "hearing"
    SPEECH = "speech"
    PHYSICAL = "physical"
    INTELLECTUAL = "intellectual"
    MENTAL = "mental"
    MULTIPLE = "multiple"


class IncomeBand(enum.StrEnum):
    NONE = "none"
    BELOW_DIBAO = "below_dibao"
    BELOW_1_5X = "below_1_5x"
    BELOW_2X = "below_2x"
    ABOVE_2X = "above_2x"


class Housing(enum.StrEnum):
    OWN = "own"
    RENTED = "rented"
    RELATIVES = "relatives"
    PUBLIC_RENTAL = "public_rental"
    DILAPIDATED = "dilapidated"
    OTHER = "other"


class ContactType(enum.StrEnum):
    HOME = "home"
    PHONE = "phone"
    SERVICE_POINT = "service_point"


class Need(enum.StrEnum):
    FINANCIAL = "financial"
    MEDICAL = "medical"
    CARE = "care"
    REHABILITATION = "rehabilitation"
    EDUCATION = "education"
    EMPLOYMENT = "employment"
    HOUSING = "housing"
    PSYCHOLOGICAL = "psychological"
    LEGAL = "legal"
    DAILY_LIVING = "daily_living"
    OTHER = "other"


class RiskLevel(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"


class FollowUpStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class ConsentPurpose(enum.StrEnum):
    SENSITIVE_INFO = "sensitive_info"
    REFERRAL = "referral"
    ATTACHMENTS = "attachments"


class ConsentMethod(enum.StrEnum):
    SIGNED_PAPER = "signed_paper"
    VERBAL = "verbal"


class PolicyKind(enum.StrEnum):
    BENEFIT = "benefit"
    ASSISTANCE = "assistance"
    MEDICAL = "medical"
    SERVICE = "service"


class BenefitStage(enum.StrEnum):
    EXPLAINED = "explained"
    APPLIED = "applied"
    RECEIVED = "received"


class ResourceKind(enum.StrEnum):
    CHARITY = "charity"
    VOLUNTEER_TEAM = "volunteer_team"


class ReferralTarget(enum.StrEnum):
    DEPARTMENT = "department"
    RESOURCE = "resource"
    TEAM = "team"


class ReferralStatus(enum.StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"
    DECLINED = "declined"


OPEN_REFERRAL_STATUSES = (ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS)

TARGET_HOUSEHOLD_TYPES = (HouseholdType.DIBAO.value, HouseholdType.TEKUN.value, HouseholdType.DIBAO_EDGE.value)

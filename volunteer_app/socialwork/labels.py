"""What each code means on screen. Source strings are English; the Chinese catalog gives the screen words."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from volunteer_app.socialwork.vocabulary import (
    BenefitStage,
    ConsentMethod,
    ConsentPurpose,
    ContactType,
    DisabilityType,
    Flag,
    FollowUpStatus,
    HouseholdStatus,
    HouseholdType,
    Housing,
    IncomeBand,
    Need,
    PolicyKind,
    ReferralStatus,
    ReferralTarget,
    Relation,
    ResourceKind,
    RiskLevel,
)

HOUSEHOLD_TYPE = {
    HouseholdType.GENERAL: _l("General household"),
    HouseholdType.DIBAO: _l("Minimum-allowance household (低保户)"),
    HouseholdType.TEKUN: _l("Extreme-poverty household (特困户)"),
    HouseholdType.DIBAO_EDGE: _l("Marginal household (低保边缘户)"),
    HouseholdType.LOW_INCOME: _l("Low-income household"),
    HouseholdType.OTHER: _l("Other"),
}
HOUSEHOLD_STATUS = {
    HouseholdStatus.ACTIVE: _l("Active"),
    HouseholdStatus.CLOSED: _l("Closed"),
    HouseholdStatus.ARCHIVED: _l("Archived"),
}
RELATION = {
    Relation.HEAD: _l("Head of household"),
    Relation.SPOUSE: _l("Spouse"),
    Relation.CHILD: _l("Child"),
    Relation.PARENT: _l("Parent"),
    Relation.GRANDPARENT: _l("Grandparent"),
    Relation.GRANDCHILD: _l("Grandchild"),
    Relation.SIBLING: _l("Sibling"),
    Relation.OTHER: _l("Other relation"),
}
FLAG = {
    Flag.DIBAO: _l("Minimum allowance (低保)"),
    Flag.TEKUN: _l("Extreme poverty (特困)"),
    Flag.DIBAO_EDGE: _l("Marginal (低保边缘)"),
    Flag.DISABILITY: _l("Disability (残疾)"),
    Flag.SINGLE_PARENT: _l("Single parent (单亲)"),
    Flag.ELDERLY_ALONE: _l("Elderly living alone"),
    Flag.LEFT_BEHIND_CHILD: _l("Left-behind child"),
    Flag.OTHER: _l("Other special group"),
}
DISABILITY_TYPE = {
    DisabilityType.VISUAL: _l("Visual"),
    DisabilityType.HEARING: _l("Hearing"),
    DisabilityType.SPEECH: _l("Speech"),
    DisabilityType.PHYSICAL: _l("Physical"),
    DisabilityType.INTELLECTUAL: _l("Intellectual"),
    DisabilityType.MENTAL: _l("Mental"),
    DisabilityType.MULTIPLE: _l("Multiple"),
}
INCOME_BAND = {
    IncomeBand.NONE: _l("No income"),
    IncomeBand.BELOW_DIBAO: _l("Below the minimum-allowance line"),
    IncomeBand.BELOW_1_5X: _l("Up to 1.5 times the line"),
    IncomeBand.BELOW_2X: _l("Up to 2 times the line"),
    IncomeBand.ABOVE_2X: _l("Above 2 times the line"),
}
HOUSING = {
    Housing.OWN: _l("Own home"),
    Housing.RENTED: _l("Rented"),
    Housing.RELATIVES: _l("Living with relatives"),
    Housing.PUBLIC_RENTAL: _l("Public rental housing"),
    Housing.DILAPIDATED: _l("Dilapidated house"),
    Housing.OTHER: _l("Other housing"),
}
CONTACT_TYPE = {
    ContactType.HOME: _l("Home visit"),
    ContactType.PHONE: _l("Phone call"),
    ContactType.SERVICE_POINT: _l("At the service point"),
}
NEED = {
    Need.FINANCIAL: _l("Money"),
    Need.MEDICAL: _l("Medical care"),
    Need.CARE: _l("Care"),
    Need.REHABILITATION: _l("Rehabilitation"),
    Need.EDUCATION: _l("Schooling"),
    Need.EMPLOYMENT: _l("Work"),
    Need.HOUSING: _l("Housing"),
    Need.PSYCHOLOGICAL: _l("Emotional support"),
    Need.LEGAL: _l("Legal help"),
    Need.DAILY_LIVING: _l("Daily living"),
    Need.OTHER: _l("Other need"),
}
RISK_LEVEL = {
    RiskLevel.LOW: _l("Low"),
    RiskLevel.MEDIUM: _l("Medium"),
    RiskLevel.HIGH: _l("High"),
    RiskLevel.URGENT: _l("Urgent"),
}
FOLLOW_UP_STATUS = {
    FollowUpStatus.OPEN: _l("Open"),
    FollowUpStatus.DONE: _l("Done"),
    FollowUpStatus.CANCELLED: _l("Cancelled"),
}
CONSENT_PURPOSE = {
    ConsentPurpose.SENSITIVE_INFO: _l("Keeping sensitive information"),
    ConsentPurpose.REFERRAL: _l("Sharing in a referral"),
    ConsentPurpose.ATTACHMENTS: _l("Photos and scans"),
}
CONSENT_METHOD = {
    ConsentMethod.SIGNED_PAPER: _l("Signed on paper (scanned)"),
    ConsentMethod.VERBAL: _l("Verbal, with a witness"),
}
POLICY_KIND = {
    PolicyKind.BENEFIT: _l("Benefit"),
    PolicyKind.ASSISTANCE: _l("Assistance"),
    PolicyKind.MEDICAL: _l("Medical aid"),
    PolicyKind.SERVICE: _l("Service"),
}
BENEFIT_STAGE = {
    BenefitStage.EXPLAINED: _l("Explained"),
    BenefitStage.APPLIED: _l("Applied for"),
    BenefitStage.RECEIVED: _l("Received"),
}
RESOURCE_KIND = {ResourceKind.CHARITY: _l("Charity resource"), ResourceKind.VOLUNTEER_TEAM: _l("Volunteer team")}
REFERRAL_TARGET = {
    ReferralTarget.DEPARTMENT: _l("Government department"),
    ReferralTarget.RESOURCE: _l("Charity resource"),
    ReferralTarget.TEAM: _l("Volunteer team"),
}
REFERRAL_STATUS = {
    ReferralStatus.REQUESTED: _l("Requested"),
    ReferralStatus.ACCEPTED: _l("Accepted"),
    ReferralStatus.IN_PROGRESS: _l("In progress"),
    ReferralStatus.CLOSED: _l("Closed"),
    ReferralStatus.DECLINED: _l("Declined"),
}

ALL = {
    "household_type": HOUSEHOLD_TYPE,
    "household_status": HOUSEHOLD_STATUS,
    "relation": RELATION,
    "flag": FLAG,
    "disability_type": DISABILITY_TYPE,
    "income_band": INCOME_BAND,
    "housing": HOUSING,
    "contact_type": CONTACT_TYPE,
    "need": NEED,
    "risk_level": RISK_LEVEL,
    "follow_up_status": FOLLOW_UP_STATUS,
    "consent_purpose": CONSENT_PURPOSE,
    "consent_method": CONSENT_METHOD,
    "policy_kind": POLICY_KIND,
    "benefit_stage": BENEFIT_STAGE,
    "resource_kind": RESOURCE_KIND,
    "referral_target": REFERRAL_TARGET,
    "referral_status": REFERRAL_STATUS,
}


def choices(labels: dict) -> list[tuple[str, object]]:
    return [(key.value, label) for key, label in labels.items()]

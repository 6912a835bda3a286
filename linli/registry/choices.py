from django.db import models
from django.utils.translation import gettext_lazy as _


class BuildingType(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    COMMERCIAL = "commercial", _("Commercial")
    MIXED = "mixed", _("Mixed use")
    PUBLIC = "public", _("Public")
    BUNGALOW = "bungalow", _("Courtyard / bungalow")


class HouseUse(models.TextChoices):
    OWNER_OCCUPIED = "owner_occupied", _("Owner-occupied")
    RENTED = "rented", _("Rented")
    VACANT = "vacant", _("Vacant")
    COMMERCIAL = "commercial", _("Commercial")


class HouseholdType(models.TextChoices):
    REGISTERED = "registered", _("Registered (户籍)")
    RESIDENT = "resident", _("Resident (常住)")
    FLOATING = "floating", _("Floating (流动)")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class ResidenceType(models.TextChoices):
    REGISTERED_HERE = "registered_here", _("Registered and living here")
    LIVING_HERE_REGISTERED_ELSEWHERE = (
        "registered_elsewhere",
        _("Living here, registered elsewhere (人户分离)"),
    )
    REGISTERED_HERE_LIVING_ELSEWHERE = (
        "living_elsewhere",
        _("Registered here, living elsewhere (人户分离)"),
    )
    FLOATING = "floating", _("Floating population")


class PoliticalStatus(models.TextChoices):
    MASSES = "masses", _("Ordinary citizen")
    CPC_MEMBER = "cpc_member", _("CPC member")
    CPC_PROBATIONARY = "cpc_probationary", _("CPC probationary member")
    CYL_MEMBER = "cyl_member", _("Communist Youth League member")
    OTHER_PARTY = "other_party", _("Member of another party")


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other relative")
    TENANT = "tenant", _("Tenant / unrelated")


class ResidentStatus(models.TextChoices):
    LIVING = "living", _("Living here")
    MOVED_OUT = "moved_out", _("Moved out")
    DECEASED = "deceased", _("Deceased")


class OrganisationType(models.TextChoices):
    SOCIAL = "social", _("Social organisation")
    ENTERPRISE = "enterprise", _("Enterprise")
    SHOP = "shop", _("Shop")
    PROPERTY = "property", _("Property company")
    GOVERNMENT = "government", _("Government body")
    SCHOOL = "school", _("School")
    MEDICAL = "medical", _("Medical institution")


# The kinds of organisation whose people act for them (handle its cases, serve its
# home-service orders: social organisations, enterprises and clinics as providers).
ACTING_KINDS = (
    OrganisationType.GOVERNMENT,
    OrganisationType.PROPERTY,
    OrganisationType.SOCIAL,
    OrganisationType.ENTERPRISE,
    OrganisationType.MEDICAL,
)


# GB/T 3304 codes of China's 56 ethnic groups (names are data, shown as they are).
ETHNICITIES = [
    (f"{i:02d}", name)
    for i, name in enumerate(
        [
            "汉族",
            "蒙古族",
            "回族",
            "藏族",
            "维吾尔族",
            "苗族",
            "彝族",
            "壮族",
            "布依族",
            "朝鲜族",
            "满族",
            "侗族",
            "瑶族",
            "白族",
            "土家族",
            "哈尼族",
            "哈萨克族",
            "傣族",
            "黎族",
            "傈僳族",
            "佤族",
            "畲族",
            "高山族",
            "拉祜族",
            "水族",
            "东乡族",
            "纳西族",
            "景颇族",
            "柯尔克孜族",
            "土族",
            "达斡尔族",
            "仫佬族",
            "羌族",
            "布朗族",
            "撒拉族",
            "毛南族",
            "仡佬族",
            "锡伯族",
            "阿昌族",
            "普米族",
            "塔吉克族",
            "怒族",
            "乌孜别克族",
            "俄罗斯族",
            "鄂温克族",
            "德昂族",
            "保安族",
            "裕固族",
            "京族",
            "塔塔尔族",
            "独龙族",
            "鄂伦春族",
            "赫哲族",
            "门巴族",
            "珞巴族",
            "基诺族",
        ],
        start=1,
    )
]
HAN = "01"


class ChangeKind(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    MOVE_IN = "move_in", _("Moved in")
    MOVE_WITHIN = "move_within", _("Moved within the district")
    MOVE_OUT = "move_out", _("Moved out")
    DEATH = "death", _("Death recorded")
    SPLIT = "split", _("Household split")
    MERGE = "merge", _("Households merged")
    VERIFY = "verify", _("Verified")
    LABEL = "label", _("Labels changed")


class LedgerImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be checked")
    VALIDATING = "validating", _("Checking the rows")
    HAS_ERRORS = "has_errors", _("Errors found: nothing saved")
    SAVE_QUEUED = "save_queued", _("Waiting to import the valid rows")
    SAVING = "saving", _("Saving")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
    DISCARDED = "discarded", _("Discarded")


# An import's lifecycle: each status and those it may move to ("" is the upload).
# Every move goes through `ledger.imports._move` and is logged (LedgerImportTransition);
# FAILED from a waiting status is `ledger_tidy` closing an import left waiting.
_S = LedgerImportStatus
LEDGER_IMPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    "": frozenset({_S.QUEUED}),
    _S.QUEUED: frozenset({_S.VALIDATING, _S.FAILED}),  # VALIDATING: the run takes it
    _S.VALIDATING: frozenset({_S.HAS_ERRORS, _S.SAVING, _S.FAILED}),
    _S.HAS_ERRORS: frozenset({_S.SAVE_QUEUED, _S.DISCARDED}),  # the user's decision
    _S.SAVE_QUEUED: frozenset({_S.VALIDATING, _S.FAILED}),  # checked again, then saved
    _S.SAVING: frozenset({_S.DONE, _S.HAS_ERRORS, _S.FAILED}),  # HAS_ERRORS: failed late
    _S.DONE: frozenset(),
    _S.FAILED: frozenset(),
    _S.DISCARDED: frozenset(),
}
del _S


class LedgerImportMode(models.TextChoices):
    ALL = "all", _("All rows or nothing")
    VALID_ONLY = "valid_only", _("Only the valid rows")

"""The registry: buildings → houses → households → residents (以楼带房、以户带人),
labels, organisations, and the change history of every record.

Every record belongs to a grid; scoping follows the grid's region path.
ID and phone numbers are encrypted at rest with blind indexes for exact lookups.
"""

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.crypto import mask_id_number, mask_phone
from linli.core.fields import BlindIndexField, EncryptedTextField
from linli.core.scoping import ScopedQuerySet
from linli.regions.models import GridOwned, GridOwnedQuerySet
from linli.registry.choices import (
    ETHNICITIES,
    HAN,
    BuildingType,
    ChangeKind,
    HouseholdType,
    HouseUse,
    LedgerImportMode,
    LedgerImportStatus,
    OrganisationType,
    PoliticalStatus,
    Relation,
    ResidenceType,
    ResidentStatus,
    Sex,
)


class RegistryQuerySet(GridOwnedQuerySet):
    """Registry records are scoped by their grid's region path."""

    view_action = "registry.view"


class RegistryRecord(GridOwned):
    """A record of the registry: in a grid, with when it was made and last changed."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Building(RegistryRecord):
    """楼栋: a building, or a courtyard of bungalows in a village."""

    name = models.CharField(_("name"), max_length=50, help_text=_("e.g. 3号楼"))
    address = models.CharField(_("address"), max_length=200)
    kind = models.CharField(
        _("type"), max_length=16, choices=BuildingType.choices, default=BuildingType.RESIDENTIAL
    )
    floors = models.PositiveSmallIntegerField(_("floors"), validators=[MaxValueValidator(200)])
    units = models.PositiveSmallIntegerField(
        _("units"), default=1, validators=[MaxValueValidator(50)]
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=6, null=True, blank=True
    )

    objects = RegistryQuerySet.as_manager()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["grid", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "name"],
                name="building_unique_name_in_grid",
                violation_error_message=_("This grid already has a building with this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class House(RegistryRecord):
    """房屋: a flat or a house in a building."""

    building = models.ForeignKey(
        Building, models.PROTECT, related_name="houses", verbose_name=_("building")
    )
    unit = models.PositiveSmallIntegerField(_("unit"), default=1)
    floor = models.SmallIntegerField(_("floor"), validators=[MinValueValidator(-5)])
    number = models.CharField(_("number"), max_length=10, help_text=_("e.g. 301"))
    area = models.DecimalField(
        _("area (m²)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    use = models.CharField(
        _("use"), max_length=16, choices=HouseUse.choices, default=HouseUse.OWNER_OCCUPIED
    )

    objects = RegistryQuerySet.as_manager()

    class Meta:
        verbose_name = _("house")
        verbose_name_plural = _("houses")
        ordering = ["building", "unit", "floor", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "unit", "number"],
                name="house_unique_number",
                violation_error_message=_("This building already has this unit and number."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.building.name} {self.unit}-{self.number}"

    @property
    def address(self) -> str:
        """The house's full address, as pages and the API show it."""
        return f"{self.building.address} {self}"


class Household(RegistryRecord):
    """户: the people who live (or are registered) together in a house."""

    house = models.ForeignKey(
        House, models.PROTECT, related_name="households", verbose_name=_("house")
    )
    kind = models.CharField(
        _("type"), max_length=12, choices=HouseholdType.choices, default=HouseholdType.REGISTERED
    )
    number = models.CharField(
        _("household number"),
        max_length=30,
        blank=True,
        help_text=_("户号 in the household register, if known"),
    )
    head = models.ForeignKey(
        "Resident", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("head")
    )
    verified_at = models.DateTimeField(_("last verified"), null=True, blank=True)
    dissolved_at = models.DateTimeField(_("dissolved at"), null=True, blank=True)

    objects = RegistryQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["house"]
        indexes = [models.Index(fields=["grid", "verified_at"], name="household_freshness")]

    def __str__(self) -> str:
        return str(self.house)


class ResidentQuerySet(RegistryQuerySet):
    def living(self):
        return self.filter(status=ResidentStatus.LIVING)


class Resident(RegistryRecord):
    """居民: a person in the registry."""

    household = models.ForeignKey(
        Household, models.PROTECT, related_name="members", verbose_name=_("household")
    )
    name = models.CharField(_("name"), max_length=50, db_index=True)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    ID_NUMBER_CONTEXT = "registry.resident.id_number"
    PHONE_CONTEXT = "registry.resident.phone"
    id_number = EncryptedTextField(_("ID number"), context=ID_NUMBER_CONTEXT)
    id_number_index = BlindIndexField(source="id_number", context=ID_NUMBER_CONTEXT)
    phone = EncryptedTextField(_("mobile phone"), context=PHONE_CONTEXT, null=True, blank=True)
    phone_index = BlindIndexField(source="phone", context=PHONE_CONTEXT, null=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=ETHNICITIES, default=HAN)
    political_status = models.CharField(
        _("political status"),
        max_length=20,
        choices=PoliticalStatus.choices,
        default=PoliticalStatus.MASSES,
    )
    residence_type = models.CharField(
        _("residence type"),
        max_length=24,
        choices=ResidenceType.choices,
        default=ResidenceType.REGISTERED_HERE,
    )
    relation = models.CharField(_("relation to head"), max_length=12, choices=Relation.choices)
    moved_in_on = models.DateField(_("moved in on"), null=True, blank=True)
    moved_out_on = models.DateField(_("moved out on"), null=True, blank=True)
    died_on = models.DateField(_("died on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ResidentStatus.choices, default=ResidentStatus.LIVING
    )
    labels = models.ManyToManyField(
        "Label", through="ResidentLabel", related_name="residents", verbose_name=_("labels")
    )

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["name", "pk"]
        indexes = [
            # Name-prefix searches inside a grid (LIKE '王%': the pattern operator class
            # on PostgreSQL, whose default collation cannot serve LIKE); with the key
            # included, a list's page keys and count are read from this index alone.
            models.Index(
                fields=["grid", "status", "name"],
                name="resident_grid_status_name",
                opclasses=["int8_ops", "varchar_pattern_ops", "varchar_pattern_ops"],
                include=["id"],
            ),
            models.Index(fields=["birth_date"], name="resident_birth_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=Q(status=ResidentStatus.LIVING),
                name="resident_unique_living_id_number",
                violation_error_message=_("A resident with this ID number already lives here."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ResidentStatus.DECEASED) | Q(died_on__isnull=False),
                name="resident_deceased_has_date",
                violation_error_message=_("A deceased resident needs a date of death."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Label(models.Model):
    """人员标签: a group needing care or attention. Derived labels are computed
    from data (age, party membership, household size), never typed by hand."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40, unique=True)
    derived = models.BooleanField(_("derived from data"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ResidentLabel(models.Model):
    resident = models.ForeignKey(Resident, models.CASCADE, related_name="label_links")
    label = models.ForeignKey(Label, models.PROTECT, related_name="resident_links")
    since = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        verbose_name = _("resident label")
        verbose_name_plural = _("resident labels")
        constraints = [
            models.UniqueConstraint(fields=["resident", "label"], name="residentlabel_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {self.label}"


class Organisation(RegistryRecord):
    """社会组织、企业、商户、物业公司、机关单位、学校、医疗机构."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("type"), max_length=12, choices=OrganisationType.choices)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    address = models.CharField(_("address"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    buildings = models.ManyToManyField(
        Building, blank=True, related_name="organisations", verbose_name=_("buildings occupied")
    )
    houses = models.ManyToManyField(
        House, blank=True, related_name="organisations", verbose_name=_("houses occupied")
    )

    objects = RegistryQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="organisation_unique_credit_code",
                violation_error_message=_("An organisation with this credit code exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AffiliationQuerySet(ScopedQuerySet):
    """Seen with the organisation."""

    region_path = "organisation__grid__path"
    view_action = "registry.view"


class Affiliation(models.Model):
    """所属单位: the holder of a role grant acts for an organisation in it — a district
    department's handler for the department, a property company's staff for the
    company. Routing rules send cases to an organisation's people; KPIs add up per
    organisation. One organisation a grant."""

    grant = models.OneToOneField(
        "accounts.RoleGrant",
        models.CASCADE,
        related_name="affiliation",
        verbose_name=_("role grant"),
    )
    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="affiliations",
        verbose_name=_("acts for"),
    )
    since = models.DateTimeField(_("since"), auto_now_add=True)

    objects = AffiliationQuerySet.as_manager()

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")

    def __str__(self) -> str:
        return f"{self.grant_id} → {self.organisation_id}"


class RecordChange(models.Model):
    """One change to a registry record: who, when, what kind, which fields old → new.

    Old and new values of personal data are kept as their ciphertexts.
    """

    grid = models.ForeignKey("regions.Region", models.PROTECT, related_name="+")
    object_type = models.CharField(_("record type"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("record id"))
    kind = models.CharField(_("change"), max_length=12, choices=ChangeKind.choices)
    changes = models.JSONField(_("fields"), default=dict)
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    objects = RegistryQuerySet.as_manager()

    class Meta:
        verbose_name = _("record change")
        verbose_name_plural = _("record changes")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="recordchange_object"),
            models.Index(fields=["grid", "at"], name="recordchange_grid_time"),  # 更新频次
        ]

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id} {self.kind}"

    @property
    def field_labels(self) -> list[str]:
        """The changed fields by their names in the user's language (keys that are
        not fields, such as a ledger row's labels, as they are)."""
        model = apps.get_model("registry", self.object_type)
        labels = []
        for name in self.changes:
            try:
                labels.append(str(model._meta.get_field(name).verbose_name))
            except FieldDoesNotExist:
                labels.append(name)
        return labels


class LedgerImportQuerySet(models.QuerySet):
    """Imports belong to the person who uploaded them: nobody else sees them (their
    rows hold personal data until the import finishes). Not region-scoped."""

    def of_user(self, user):
        """The user's own imports, without the stored file (it is read by the import
        itself only; decrypting it on every status poll would be wasted work)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user).defer("upload")


class LedgerImport(models.Model):
    """One upload of a resident ledger (台账) and its progress.

    The uploaded file is kept, encrypted, only until the import is finished,
    discarded or fails; the error report holds row numbers, columns and messages,
    never the cells' personal data.
    """

    UPLOAD_CONTEXT = "registry.ledgerimport.upload"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("by")
    )
    file_name = models.CharField(_("file name"), max_length=200)
    file_size = models.PositiveIntegerField(_("file size (bytes)"))
    upload = EncryptedTextField(
        _("uploaded file"), context=UPLOAD_CONTEXT, blank=True, default="", editable=False
    )
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    mode = models.CharField(
        _("mode"), max_length=12, choices=LedgerImportMode.choices, default=LedgerImportMode.ALL
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=LedgerImportStatus.choices,
        default=LedgerImportStatus.QUEUED,
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    saved_rows = models.PositiveIntegerField(_("rows saved"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    invalid_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    errors = models.JSONField(_("error report"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    failure = models.CharField(_("failure"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = LedgerImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="ledgerimport_user_recent")]

    def __str__(self) -> str:
        return self.file_name


class LedgerImportTransition(models.Model):
    """One change of an import's status: from, to, who (None: the run or the tidying,
    i.e. the system), when, a note (a failure's reason). Written in the transaction
    of the change; the upload's row has no from status. Progress is not logged."""

    ledger_import = models.ForeignKey(
        LedgerImport,
        models.CASCADE,
        related_name="transitions",
        verbose_name=_("ledger import"),
    )
    from_status = models.CharField(
        _("from status"), max_length=12, choices=LedgerImportStatus.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=12, choices=LedgerImportStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("ledger import transition")
        verbose_name_plural = _("ledger import transitions")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"#{self.ledger_import_id} {self.from_status or '-'} → {self.to_status}"
